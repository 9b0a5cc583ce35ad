/* support.c: helpers shared by the test programs. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *ls_test_src(const char *relative)
{
    static char buf[8][4096];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", LS_SOURCE_DIR, relative);
    return b;
}

const char *ls_test_cli(void)
{
    return LS_BINARY_DIR "/lanesim";
}

char *ls_test_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    size_t got;
    while (p && (got = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            char *q = realloc(p, cap *= 2);
            if (!q) free(p);
            p = q;
        }
    }
    fclose(f);
    if (!p) return NULL;
    p[n] = 0;
    if (len) *len = n;
    return p;
}

int ls_test_run(const char *command, char **out, char **err)
{
    char outp[] = "/tmp/lstest-out-XXXXXX", errp[] = "/tmp/lstest-err-XXXXXX";
    int fo = mkstemp(outp), fe = mkstemp(errp);
    if (fo < 0 || fe < 0) return -1;
    close(fo);
    close(fe);
    size_t n = strlen(command) + 2 * sizeof outp + 32;
    char *full = malloc(n);
    snprintf(full, n, "%s >%s 2>%s", command, outp, errp);
    int st = system(full);
    free(full);
    if (out) *out = ls_test_read(outp, NULL);
    if (err) *err = ls_test_read(errp, NULL);
    unlink(outp);
    unlink(errp);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#include <criterion/criterion.h>
#include <math.h>

void ls_test_scenario(const char *yaml, const char *const *sets, int set_count, ls_scenario *out)
{
    ls_diags *d = malloc(sizeof *d);
    ls_diags_clear(d);
    ls_status st = ls_scenario_load(NULL, yaml, strlen(yaml), sets, set_count, out, d);
    if (st != LS_OK) {
        char line[1024];
        for (int i = 0; i < d->count; i++) {
            ls_diag_format(&d->items[i], line, sizeof line);
            cr_log_error("%s", line);
        }
    }
    free(d);
    cr_assert_eq(st, LS_OK, "test scenario did not load");
}

void ls_test_scenario_file(const char *relative, const char *const *sets, int set_count,
                           ls_scenario *out)
{
    char *yaml = ls_test_read(ls_test_src(relative), NULL);
    cr_assert_not_null(yaml, "cannot read %s", relative);
    ls_test_scenario(yaml, sets, set_count, out);
    free(yaml);
}

ls_world *ls_test_world(const ls_scenario *s)
{
    ls_world *w = NULL;
    ls_diags d;
    ls_diags_clear(&d);
    cr_assert_eq(ls_world_create(s, &w, &d), LS_OK);
    return w;
}

void ls_test_run_checked(ls_world *w, int every)
{
    char msg[256];
    cr_assert_eq(ls_world_check(w, msg, sizeof msg), LS_OK, "at start: %s", msg);
    while (!ls_world_done(w)) {
        cr_assert_eq(ls_world_step(w), LS_OK);
        if (ls_world_step_index(w) % every == 0)
            cr_assert_eq(ls_world_check(w, msg, sizeof msg), LS_OK, "t = %.0f: %s",
                         ls_world_time(w), msg);
    }
}

void ls_test_ring(ls_scenario *s, int vmax, double p, double rho, int cells, const char *rule)
{
    /* vmax cells/step on 7.5 m cells and 1 s steps is vmax x 27 km/h. */
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "model: {cell_length: 7.5, dt: 1, rule: %s, p_slow: %.17g, p_slow_start: 0.5}\n"
             "road: {length: %d, lanes: 1, ring: true, speed_limit: %d km/h}\n"
             "vehicles: [{type: car, share: 1, length: 7.5, max_speed: %d km/h, accel: 7.5}]\n"
             "initial: {density: %.17g}\n"
             "simulation: {duration: 1000000, warmup: 0, seed: 7}\n",
             rule, p, cells * 15 / 2, vmax * 27, vmax * 27, rho);
    ls_test_scenario(yaml, NULL, 0, s);
}

ls_test_flow ls_test_ring_flow(const ls_scenario *s, int warmup, int steps, int batches,
                               int check_every)
{
    ls_world *w = NULL;
    ls_diags d;
    ls_diags_clear(&d);
    cr_assert_eq(ls_world_create(s, &w, &d), LS_OK);
    ls_world_info info = ls_world_get_info(w);
    char msg[256];
    for (int i = 0; i < warmup; i++) cr_assert_eq(ls_world_step(w), LS_OK);
    double sum = 0, sum2 = 0;
    int per = steps / batches;
    for (int b = 0; b < batches; b++) {
        uint64_t moved = 0;
        for (int i = 0; i < per; i++) {
            cr_assert_eq(ls_world_step(w), LS_OK);
            ls_lane_state ln = ls_world_lane(w, 0);
            for (int k = 0; k < ln.count; k++) moved += ln.speed[k];
            if (check_every && i % check_every == 0)
                cr_assert_eq(ls_world_check(w, msg, sizeof msg), LS_OK, "%s", msg);
        }
        double j = (double)moved / ((double)per * info.cells);
        sum += j;
        sum2 += j * j;
    }
    ls_world_destroy(w);
    ls_test_flow f;
    f.mean = sum / batches;
    double var = (sum2 - batches * f.mean * f.mean) / (batches - 1);
    f.stderr_mean = sqrt(var > 0 ? var : 0) / sqrt((double)batches);
    return f;
}

void ls_test_expect_problems(const char *name, const char *yaml, const char *const *want, int n)
{
    ls_scenario s;
    ls_diags d;
    ls_diags_clear(&d);
    cr_assert_eq(ls_scenario_load(name, yaml, strlen(yaml), NULL, 0, &s, &d), LS_ERR_INPUT);
    cr_assert_eq(d.count, n, "%d problems, expected %d", d.count, n);
    for (int i = 0; i < n; i++) {
        char line[512];
        ls_diag_format(&d.items[i], line, sizeof line);
        cr_expect(strncmp(line, want[i], strlen(want[i])) == 0, "%s", line);
    }
}

const char *ls_test_temp_file(const char *tag, const char *text)
{
    static char buf[8][128];
    static int next;
    char *path = buf[next++ % 8];
    snprintf(path, sizeof buf[0], "/tmp/lstest-%s-%ld.yaml", tag, (long)getpid());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0, "%s", path);
    return path;
}

/* sweep_out.c: the rows file: created or resumed, whole rows appended as runs finish. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "sweep.h"

/* Retries short writes and signals: a row is on its way to the file whole or, if the process
 * dies inside this call, is the last, newline-less line that --resume cuts off. */
static int write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

static int io_fail(const char *path)
{
    return ls_cli_fail(1, "sweep", "%s: %s", path, strerror(errno));
}

/* The sweep's definition as text: what --resume compares, and a record of what produced the
 * rows. The scenario is written back in full (so an edited file or another --set, --seed or
 * --duration shows, wherever the command is run from), after comments with the rest: the file
 * is a scenario that `lanesim run` reads, to rerun any row with its seed and grid values. */
static int describe(const sweep_plan *p, sweep_buf *b)
{
    ls_scenario *s = malloc(sizeof *s);
    ls_diags *d = malloc(sizeof *d);
    char *yaml = NULL;
    if (s && d) ls_diags_clear(d);
    bool ok = s && d && ls_scenario_decode(p->base, s, d) == LS_OK &&
              ls_scenario_to_yaml(s, &yaml, NULL) == LS_OK;
    sweep_buf_add(b,
                  "# lanesim sweep definition: --resume continues the rows beside this file only\n"
                  "# with the same one. Below it, a scenario file for `lanesim run`.\n"
                  "# reps %d\n# shard %d/%d\n",
                  p->reps, p->shard_k, p->shard_n);
    for (int k = 0; k < p->grid.count; k++) {
        sweep_buf_add(b, "# grid %s", p->grid.keys[k].name);
        for (int v = 0; v < p->grid.keys[k].count; v++)
            sweep_buf_add(b, "%c%s", v ? ',' : '=', p->grid.keys[k].values[v]);
        sweep_buf_add(b, "\n");
    }
    sweep_buf_add(b, "%s", yaml ? yaml : "");
    free(yaml);
    free(s);
    free(d);
    return ok && !b->oom ? 0 : ls_cli_fail(1, "sweep", "out of memory");
}

char *sweep_definition_path(const char *rows_path)
{
    size_t n = strlen(rows_path) + sizeof ".sweep";
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s.sweep", rows_path);
    return p;
}

static int write_definition(const char *side, const sweep_buf *def)
{
    ls_outfile f;
    if (ls_outfile_open(&f, side) != 0) return io_fail(side);
    fputs(def->s, f.f);
    return ls_outfile_commit(&f) != 0 ? io_fail(side) : 0;
}

/* An existing rows file continues only under the definition that started it. A missing one
 * (the sweep was killed before writing it) is noted, to be written once the rows pass. */
static int check_definition(const char *path, const char *side, const sweep_buf *def, bool *missing)
{
    char *text = sweep_read_file(side, NULL);
    *missing = !text && errno == ENOENT;
    if (!text) return *missing ? 0 : io_fail(side);
    int rc = strcmp(text, def->s) == 0
                 ? 0
                 : ls_cli_fail(2, "sweep",
                               "%s: started by another sweep (scenario, --set, --seed, --duration, "
                               "--grid, --reps or --shard differ; see %s): use another --out",
                               path, side);
    free(text);
    return rc;
}

/* A new file, or (`fresh` false) one that holds no complete line yet, started over. */
static int start_file(sweep_out *o, bool fresh, const sweep_buf *header)
{
    o->fd = open(o->path, O_WRONLY | O_APPEND | (fresh ? O_CREAT | O_EXCL : O_TRUNC), 0666);
    if (o->fd < 0 && errno == EEXIST)
        return ls_cli_fail(2, "sweep",
                           "%s exists: add --resume to continue its sweep, or remove it", o->path);
    if (o->fd < 0) return io_fail(o->path);
    if (write_all(o->fd, header->s, header->len) != 0 || fsync(o->fd) != 0) return io_fail(o->path);
    return 0;
}

/* Marks the runs of an existing file done, refusing rows of another sweep or twice the same. */
static int mark_done(const sweep_table *t, const sweep_plan *p, const char *path,
                     unsigned char *done, int64_t *already)
{
    sweep_fields f = {0};
    int rc = 0;
    for (size_t i = 0; i < t->count && !rc; i++) {
        char why[512];
        int64_t run;
        if (sweep_fields_split(&f, t->lines[i]) != 0)
            snprintf(why, sizeof why, "not a row of comma-separated fields");
        else if (sweep_csv_check_row(p, &f, &run, why, sizeof why) != 0)
            ; /* why says what is wrong */
        else if (done[run])
            snprintf(why, sizeof why, "run %lld appears twice", (long long)run);
        else {
            done[run] = 1;
            ++*already;
            continue;
        }
        rc = ls_cli_fail(2, "sweep", "%s:%zu: %s: not a row of this sweep (use another --out)",
                         path, i + 2, why);
    }
    sweep_fields_free(&f);
    return rc;
}

static int resume_file(sweep_out *o, const sweep_plan *p, const sweep_buf *header,
                       unsigned char *done, int64_t *already)
{
    sweep_table t;
    if (sweep_table_read(o->path, &t) != 0)
        return errno == ENOENT ? start_file(o, true, header) : io_fail(o->path);
    int rc = 0;
    if (!t.header) {
        rc = start_file(o, false, header);
    } else if (strncmp(t.header, header->s, header->len - 1) != 0 ||
               strlen(t.header) != header->len - 1) {
        rc = ls_cli_fail(2, "sweep",
                         "%s: its columns are not this sweep's (another grid, or another "
                         "number of lanes): use another --out",
                         o->path);
    } else if ((rc = mark_done(&t, p, o->path, done, already)) == 0) {
        o->fd = open(o->path, O_WRONLY | O_APPEND);
        if (o->fd < 0 || (t.torn && ftruncate(o->fd, (off_t)t.valid) != 0))
            rc = io_fail(o->path);
        else if (t.torn)
            fprintf(stderr,
                    "lanesim sweep: %s: cut off a partial last row (left by a killed "
                    "sweep); its run will be run again\n",
                    o->path);
    }
    sweep_table_free(&t);
    return rc;
}

/* The definition is checked before anything else and written only once the rows file is
 * known to be this sweep's, so a refused file keeps the definition it had. */
static int open_file(sweep_out *o, bool resume, const sweep_plan *p, const sweep_buf *header,
                     unsigned char *done, int64_t *already)
{
    sweep_buf def = {0};
    char *side = sweep_definition_path(o->path);
    int rc = side ? describe(p, &def) : ls_cli_fail(1, "sweep", "out of memory");
    bool continued = resume && access(o->path, F_OK) == 0, missing = true;
    if (!rc && continued) rc = check_definition(o->path, side, &def, &missing);
    if (!rc) rc = resume ? resume_file(o, p, header, done, already) : start_file(o, true, header);
    if (!rc && missing) rc = write_definition(side, &def);
    sweep_buf_free(&def);
    free(side);
    return rc;
}

int sweep_out_open(sweep_out *o, const char *path, bool resume, const sweep_plan *p,
                   unsigned char *done, int64_t *already)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->path = path;
    *already = 0;
    pthread_mutex_init(&o->lock, NULL);
    sweep_buf header = {0};
    sweep_csv_header(p, &header);
    int rc = header.oom ? ls_cli_fail(1, "sweep", "out of memory") : 0;
    if (!rc && !path) {
        fputs(header.s, stdout);
        rc = fflush(stdout) != 0 ? io_fail("stdout") : 0;
    } else if (!rc) {
        rc = open_file(o, resume, p, &header, done, already);
    }
    sweep_buf_free(&header);
    return rc;
}

static void show_progress(sweep_out *o)
{
    double elapsed = ls_cli_now() - o->start;
    char rate[96];
    snprintf(rate, sizeof rate, "%lld/%lld runs, %.1f runs/s", (long long)o->done,
             (long long)o->expected, elapsed > 0 ? (double)o->done / elapsed : 0);
    ls_progress_update(&o->progress, o->expected ? (double)o->done / (double)o->expected : 1, rate);
}

int sweep_out_write(sweep_out *o, const char *row, size_t len)
{
    pthread_mutex_lock(&o->lock);
    int bad;
    if (o->fd >= 0)
        bad = write_all(o->fd, row, len) != 0;
    else
        bad = fwrite(row, 1, len, stdout) != len || fflush(stdout) != 0;
    int err = errno;
    o->done++;
    show_progress(o);
    pthread_mutex_unlock(&o->lock);
    /* Outside the lock: other workers append while this row reaches the disk. */
    if (!bad && o->fd >= 0 && fdatasync(o->fd) != 0) {
        bad = 1;
        err = errno;
    }
    errno = err;
    return bad ? io_fail(o->path ? o->path : "stdout") : 0;
}

void sweep_out_begin(sweep_out *o, int64_t expected, bool quiet)
{
    o->expected = expected;
    o->start = ls_cli_now();
    ls_progress_begin(&o->progress, quiet);
}

void sweep_out_close(sweep_out *o)
{
    ls_progress_end(&o->progress);
    if (o->fd >= 0) close(o->fd);
    o->fd = -1;
    pthread_mutex_destroy(&o->lock);
}

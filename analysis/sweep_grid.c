/* sweep_grid.c: --grid options: value lists and inclusive ranges, expanded into a full grid. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

static int grid_fail(const char *option, const char *what)
{
    return ls_cli_fail(2, NULL, "--grid %s: %s", option, what);
}

static char *dup_range(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Positions of the separators that split VALUES: commas, or the colons of FROM:TO:STEP, but not
 * those inside a YAML flow value ([0.3,0.7], {a: 1}) or a quoted string. */
static int top_level(const char *s, char sep, const char **at, int max)
{
    int n = 0, depth = 0;
    char quote = 0;
    for (; *s; s++) {
        if (quote) {
            if (*s == quote) quote = 0;
        } else if (*s == '"' || *s == '\'') {
            quote = *s;
        } else if (*s == '[' || *s == '{') {
            depth++;
        } else if ((*s == ']' || *s == '}') && depth > 0) {
            depth--;
        } else if (*s == sep && depth == 0) {
            if (n < max) at[n] = s;
            n++;
        }
    }
    return n;
}

/* Appends a value; the assignment given to ls_source_set is built beside it. The arrays double
 * when full: growing them by one per value made a long range quadratic (docs/reliability.md). */
static int add_value(sweep_key *k, const char *text, size_t len)
{
    if (k->count == k->cap) {
        int cap = k->cap ? 2 * k->cap : 16;
        char **v = realloc(k->values, (size_t)cap * sizeof *v);
        if (v) k->values = v;
        char **a = realloc(k->assignments, (size_t)cap * sizeof *a);
        if (a) k->assignments = a;
        if (!v || !a) return -1;
        k->cap = cap;
    }
    size_t n = strlen(k->name) + len + 2;
    k->values[k->count] = dup_range(text, len);
    k->assignments[k->count] = malloc(n);
    if (!k->values[k->count] || !k->assignments[k->count]) {
        free(k->values[k->count]);
        free(k->assignments[k->count]);
        return -1;
    }
    snprintf(k->assignments[k->count], n, "%s=%.*s", k->name, (int)len, text);
    k->count++;
    return 0;
}

static int parse_list(sweep_key *k, const char *spec)
{
    const char *start = spec;
    for (int item = 1;; item++) {
        const char *comma;
        size_t len = top_level(start, ',', &comma, 1) ? (size_t)(comma - start) : strlen(start);
        if (len == 0) {
            char msg[64];
            snprintf(msg, sizeof msg, "value %d is empty", item);
            return grid_fail(k->option, msg);
        }
        if (k->count >= SWEEP_MAX_RUNS) return grid_fail(k->option, "more than 1000000 values");
        if (add_value(k, start, len) != 0) return ls_cli_fail(1, "sweep", "out of memory");
        if (!start[len]) return 0;
        start += len + 1;
    }
}

static int parse_number(const char *s, size_t len, double *out)
{
    char buf[128];
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    errno = 0;
    *out = strtod(buf, &end);
    return end == buf || *end || errno || !isfinite(*out) ? -1 : 0;
}

static int range_fail(const sweep_key *k, const char *fmt, const char *s, size_t len)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, (int)len, s);
    return grid_fail(k->option, msg);
}

/* FROM:TO:STEP, inclusive. Values are FROM + i STEP printed with 12 significant digits, so
 * that 0.02:0.9:0.02 gives 0.9 and not 0.9000000000000001, and the text is the same on every
 * machine. */
static int parse_range(sweep_key *k, const char *spec)
{
    const char *colon[2];
    if (top_level(spec, ':', colon, 2) != 2)
        return grid_fail(k->option, "expected V1,V2,... or FROM:TO:STEP");
    const char *part[3] = {spec, colon[0] + 1, colon[1] + 1};
    size_t len[3] = {(size_t)(colon[0] - spec), (size_t)(colon[1] - part[1]), strlen(part[2])};
    double x[3];
    for (int i = 0; i < 3; i++)
        if (parse_number(part[i], len[i], &x[i]) != 0)
            return range_fail(k, "expected numbers FROM:TO:STEP, got \"%.*s\"", part[i], len[i]);
    if (x[2] == 0) return range_fail(k, "expected a nonzero step, got %.*s", part[2], len[2]);
    if ((x[1] - x[0]) * x[2] < 0)
        return range_fail(k, "expected a step with the sign of TO - FROM, got %.*s", part[2],
                          len[2]);
    double n = floor((x[1] - x[0]) / x[2] + 1e-9) + 1;
    if (n > SWEEP_MAX_RUNS) return grid_fail(k->option, "more than 1000000 values");
    for (int i = 0; i < (int)n; i++) {
        double v = x[0] + i * x[2];
        if (fabs(v) < fabs(x[2]) * 1e-9) v = 0; /* -0.2:0.2:0.1 passes 0, not 2.8e-17 */
        char text[64];
        snprintf(text, sizeof text, "%.12g", v);
        if (add_value(k, text, strlen(text)) != 0) return ls_cli_fail(1, "sweep", "out of memory");
    }
    return 0;
}

static int parse_values(sweep_key *k, const char *spec)
{
    if (!*spec)
        return grid_fail(k->option, "expected values V1,V2,... or FROM:TO:STEP, got nothing");
    if (strpbrk(spec, "\n\r")) return grid_fail(k->option, "expected values on one line");
    const char *unused;
    if (top_level(spec, ',', &unused, 1) == 0 && top_level(spec, ':', &unused, 1) > 0)
        return parse_range(k, spec);
    return parse_list(k, spec);
}

static void key_free(sweep_key *k)
{
    for (int i = 0; i < k->count; i++) {
        free(k->values[i]);
        free(k->assignments[i]);
    }
    free(k->values);
    free(k->assignments);
    free(k->name);
    memset(k, 0, sizeof *k);
}

static int check_name(const sweep_grid *g, const char *option, const char *eq)
{
    if (!eq || eq == option) return grid_fail(option, "expected KEY=V1,V2,... or KEY=FROM:TO:STEP");
    for (int i = 0; i < g->count; i++)
        if (strlen(g->keys[i].name) == (size_t)(eq - option) &&
            strncmp(g->keys[i].name, option, (size_t)(eq - option)) == 0)
            return grid_fail(option, "this key is already in another --grid");
    if (g->count == SWEEP_MAX_KEYS) return grid_fail(option, "at most 32 --grid options");
    return 0;
}

int sweep_grid_add(sweep_grid *g, const char *option)
{
    if (g->count == 0) g->points = 1;
    const char *eq = strchr(option, '=');
    int rc = check_name(g, option, eq);
    if (rc) return rc;
    sweep_key *k = &g->keys[g->count];
    memset(k, 0, sizeof *k);
    k->option = option;
    k->name = dup_range(option, (size_t)(eq - option));
    if (!k->name) return ls_cli_fail(1, "sweep", "out of memory");
    if ((rc = parse_values(k, eq + 1)) != 0) {
        key_free(k);
        return rc;
    }
    if ((double)g->points * k->count > SWEEP_MAX_RUNS) {
        key_free(k);
        return grid_fail(option, "the grid has more than 1000000 points");
    }
    g->points *= k->count;
    g->count++;
    return 0;
}

void sweep_grid_free(sweep_grid *g)
{
    for (int i = 0; i < g->count; i++) key_free(&g->keys[i]);
    g->count = 0;
    g->points = 1;
}

int sweep_grid_value(const sweep_grid *g, int64_t point, int key)
{
    int64_t stride = 1;
    for (int i = g->count - 1; i > key; i--) stride *= g->keys[i].count;
    return (int)((point / stride) % g->keys[key].count);
}

ls_status sweep_grid_apply(const sweep_grid *g, int64_t point, ls_source *src, ls_diags *d)
{
    ls_status st = LS_OK;
    for (int k = 0; k < g->count && st != LS_ERR_NOMEM; k++) {
        ls_status r = ls_source_set(src, g->keys[k].assignments[sweep_grid_value(g, point, k)], d);
        if (st == LS_OK) st = r;
    }
    return st;
}

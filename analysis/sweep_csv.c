/* sweep_csv.c: the rows of a sweep as CSV text: header, rows from run summaries, reading back. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

/* ---- a growable string ---- */

static bool buf_reserve(sweep_buf *b, size_t extra)
{
    if (b->oom) return false;
    if (b->len + extra + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void sweep_buf_add(sweep_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sweep_buf_field(sweep_buf *b, const char *text)
{
    if (!strpbrk(text, ",\"\n\r")) {
        sweep_buf_add(b, ",%s", text);
        return;
    }
    sweep_buf_add(b, ",\"");
    for (const char *q; (q = strchr(text, '"')) != NULL; text = q + 1)
        sweep_buf_add(b, "%.*s\"\"", (int)(q - text), text);
    sweep_buf_add(b, "%s\"", text);
}

void sweep_buf_free(sweep_buf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

/* ---- splitting a line into fields ---- */

static int fields_push(sweep_fields *fs, char *field)
{
    if (fs->count == fs->cap) {
        int cap = fs->cap ? 2 * fs->cap : 64;
        char **f = realloc(fs->f, (size_t)cap * sizeof *f);
        if (!f) return -1;
        fs->f = f;
        fs->cap = cap;
    }
    fs->f[fs->count++] = field;
    return 0;
}

/* Copies one field starting at *s (quoted or not) to *out; advances *s past it. */
static int unquote(const char **s, char **out)
{
    const char *p = *s;
    char *o = *out;
    if (*p != '"') {
        size_t n = strcspn(p, ",");
        memcpy(o, p, n);
        *s = p + n;
        *out = o + n;
        return 0;
    }
    for (p++;; p++) {
        if (!*p) return -1;
        if (*p == '"' && p[1] != '"') break;
        if (*p == '"') p++;
        *o++ = *p;
    }
    *s = p + 1;
    *out = o;
    return **s && **s != ',' ? -1 : 0;
}

int sweep_fields_split(sweep_fields *fs, const char *line)
{
    fs->count = 0;
    free(fs->buf);
    fs->buf = malloc(strlen(line) + 1);
    if (!fs->buf) return -1;
    char *o = fs->buf;
    for (const char *s = line;; s++) {
        char *start = o;
        if (unquote(&s, &o) != 0 || fields_push(fs, start) != 0) return -1;
        *o++ = 0;
        if (!*s) return 0;
    }
}

void sweep_fields_free(sweep_fields *fs)
{
    free(fs->buf);
    free(fs->f);
    memset(fs, 0, sizeof *fs);
}

/* ---- header and rows ---- */

static const char *const lane_metrics[] = {"flow_vph", "speed_kmh", "density_vpkm", "lane_changes"};
static const char *const total_metrics[] = {"flow_vph",
                                            "density_vpkm",
                                            "speed_kmh",
                                            "entered",
                                            "exited",
                                            "inside",
                                            "waiting",
                                            "trips",
                                            "mean_travel_time_s",
                                            "vehicle_steps",
                                            "total_time_spent_veh_h",
                                            "total_distance_veh_km"};
#define N_LANE_METRICS  (sizeof lane_metrics / sizeof lane_metrics[0])
#define N_TOTAL_METRICS (sizeof total_metrics / sizeof total_metrics[0])

void sweep_csv_header(const sweep_plan *p, sweep_buf *b)
{
    sweep_buf_add(b, "run,point,rep,seed");
    for (int k = 0; k < p->grid.count; k++) sweep_buf_field(b, p->grid.keys[k].name);
    for (int l = 1; l <= p->lanes; l++)
        for (size_t m = 0; m < N_LANE_METRICS; m++)
            sweep_buf_add(b, ",lane%d_%s", l, lane_metrics[m]);
    for (size_t m = 0; m < N_TOTAL_METRICS; m++) sweep_buf_add(b, ",%s", total_metrics[m]);
    sweep_buf_add(b, ",wall_s\n");
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(x) ? x->valuedouble : 0;
}

static void add_num(sweep_buf *b, double v)
{
    if (isfinite(v))
        sweep_buf_add(b, ",%.15g", v == 0 ? 0.0 : v);
    else
        sweep_buf_add(b, ",");
}

/* The run's identity: what sweep_csv_check_row compares a row read back with. */
static void add_identity(const sweep_plan *p, int64_t run, sweep_buf *b)
{
    int64_t point = run / p->reps;
    sweep_buf_add(b, "%lld,%lld,%lld,%llu", (long long)run, (long long)point,
                  (long long)(run % p->reps), (unsigned long long)sweep_run_seed(p, run));
    for (int k = 0; k < p->grid.count; k++)
        sweep_buf_field(b, p->grid.keys[k].values[sweep_grid_value(&p->grid, point, k)]);
}

/* Lane columns past this point's lane count stay empty (road.lanes is in the grid). */
static void add_lanes(const sweep_plan *p, const cJSON *summary, double *flow, double *density,
                      sweep_buf *b)
{
    const cJSON *lanes = cJSON_GetObjectItemCaseSensitive(summary, "lanes");
    *flow = *density = 0;
    for (int l = 0; l < p->lanes; l++) {
        const cJSON *lane = cJSON_GetArrayItem(lanes, l);
        for (size_t m = 0; m < N_LANE_METRICS; m++) {
            if (lane)
                add_num(b, num(lane, lane_metrics[m]));
            else
                sweep_buf_add(b, ",");
        }
        *flow += num(lane, "flow_vph");
        *density += num(lane, "density_vpkm");
    }
}

void sweep_csv_row(const sweep_plan *p, int64_t run, const cJSON *summary, double wall_s,
                   sweep_buf *b)
{
    double flow, density;
    add_identity(p, run, b);
    add_lanes(p, summary, &flow, &density, b);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(summary, "vehicles");
    add_num(b, flow);
    add_num(b, density);
    add_num(b, density > 0 ? flow / density : 0);
    add_num(b, num(v, "entered"));
    add_num(b, num(v, "exited"));
    add_num(b, num(v, "inside"));
    add_num(b, num(v, "waiting"));
    add_num(b, num(summary, "trips"));
    add_num(b, num(summary, "mean_travel_time_s"));
    add_num(b, num(summary, "vehicle_steps"));
    add_num(b, num(summary, "total_time_spent_veh_h"));
    add_num(b, num(summary, "total_distance_veh_km"));
    sweep_buf_add(b, ",%.6f\n", wall_s);
}

int sweep_csv_first_metric(const sweep_fields *header)
{
    for (int i = 0; i < header->count; i++)
        if (strcmp(header->f[i], "lane1_flow_vph") == 0) return i;
    return -1;
}

static bool parse_run(const char *s, int64_t *run)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18) return false;
    *run = strtoll(s, NULL, 10);
    return true;
}

static const char *const identity_names[] = {"run", "point", "rep", "seed"};

int sweep_csv_check_row(const sweep_plan *p, const sweep_fields *f, int64_t *run, char *why,
                        size_t size)
{
    sweep_buf want = {0};
    sweep_fields expect = {0};
    int columns = 4 + p->grid.count + p->lanes * (int)N_LANE_METRICS + (int)N_TOTAL_METRICS + 1;
    int rc = -1;
    if (f->count != columns)
        snprintf(why, size, "expected %d fields, got %d", columns, f->count);
    else if (!parse_run(f->f[0], run) || *run >= p->runs)
        snprintf(why, size, "run %s is not a run of this sweep (0 to %lld)", f->f[0],
                 (long long)p->runs - 1);
    else if (!sweep_in_shard(p, *run))
        snprintf(why, size, "run %s is not in shard %d/%d", f->f[0], p->shard_k, p->shard_n);
    else {
        add_identity(p, *run, &want);
        rc = want.oom || sweep_fields_split(&expect, want.s) != 0 ? -2 : 0;
        for (int i = 1; rc == 0 && i < expect.count; i++) {
            if (strcmp(expect.f[i], f->f[i]) == 0) continue;
            snprintf(why, size, "run %s has %s %s where this sweep has %s", f->f[0],
                     i < 4 ? identity_names[i] : "a grid value", f->f[i], expect.f[i]);
            rc = -1;
        }
        if (rc == -2) snprintf(why, size, "out of memory");
    }
    sweep_buf_free(&want);
    sweep_fields_free(&expect);
    return rc ? -1 : 0;
}

/* ---- reading a rows file back ---- */

char *sweep_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *p = malloc(cap);
    while (p && (got = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n > 1) continue;
        char *q = realloc(p, cap *= 2);
        if (!q) free(p);
        p = q;
    }
    int err = !p ? ENOMEM : ferror(f) ? EIO : 0;
    fclose(f);
    if (err) {
        free(p);
        errno = err;
        return NULL;
    }
    p[n] = 0;
    if (len) *len = n;
    return p;
}

int sweep_table_read(const char *path, sweep_table *t)
{
    memset(t, 0, sizeof *t);
    size_t len;
    t->text = sweep_read_file(path, &len);
    if (!t->text) return -1;
    t->valid = len;
    while (t->valid > 0 && t->text[t->valid - 1] != '\n') t->valid--;
    t->torn = t->valid < len;
    t->text[t->valid] = 0;
    size_t lines = 0;
    for (size_t i = 0; i < t->valid; i++) lines += t->text[i] == '\n';
    t->lines = malloc((lines ? lines : 1) * sizeof *t->lines);
    if (!t->lines) {
        free(t->text);
        errno = ENOMEM;
        return -1;
    }
    for (char *s = t->text, *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
        *nl = 0;
        if (!t->header)
            t->header = s;
        else
            t->lines[t->count++] = s;
    }
    return 0;
}

void sweep_table_free(sweep_table *t)
{
    free(t->text);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

bool sweep_line_run(const char *line, int64_t *run)
{
    char first[24];
    size_t n = strcspn(line, ",");
    if (n >= sizeof first) return false;
    memcpy(first, line, n);
    first[n] = 0;
    return parse_run(first, run);
}

static int by_run(const void *a, const void *b)
{
    int64_t x, y;
    bool hx = sweep_line_run(*(char *const *)a, &x), hy = sweep_line_run(*(char *const *)b, &y);
    if (hx != hy) return hx ? -1 : 1;
    if (!hx) return 0;
    return (x > y) - (x < y);
}

void sweep_lines_sort(char **lines, size_t count)
{
    qsort(lines, count, sizeof *lines, by_run);
}

/* fuzz_inputs.c: the three fuzzed inputs: a scenario file, --set overrides, --grid options. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "fuzz_common.h"
#include "source.h"
#include "sweep.h"

#define MAX_LINES 16 /* overrides or grid options per input: more adds time, not coverage */
/* sweep_grid_add grows its arrays one value at a time, so a range of 30,000 values costs
 * seconds and gigabytes under ASan (reported, docs/reliability.md): longer ranges are skipped,
 * as the loader target skips large worlds. */
#define MAX_RANGE_VALUES 10000.0
#define MAX_BASES        32

static ls_diags g_diags;

/* ---- splitting an input into lines ---- */

typedef struct lines {
    char *text; /* a NUL-terminated copy of the input, newlines replaced by NULs */
    const char *line[MAX_LINES + 1];
    int count;
} lines;

static int split_lines(const uint8_t *data, size_t size, lines *out)
{
    memset(out, 0, sizeof *out);
    out->text = malloc(size + 1);
    if (!out->text) return -1;
    memcpy(out->text, data, size);
    out->text[size] = 0;
    char *p = out->text;
    while (out->count <= MAX_LINES) {
        out->line[out->count++] = p;
        char *nl = memchr(p, '\n', (size_t)(out->text + size - p));
        if (!nl) break;
        *nl = 0;
        p = nl + 1;
        if (p == out->text + size) break; /* a final newline ends the last line */
    }
    return 0;
}

/* ---- the scenario file ---- */

static const unsigned PARSE_OK = LS_FUZZ_OK(LS_OK) | LS_FUZZ_OK(LS_ERR_INPUT);

/* Decodes a source; on success checks the scenario it gives. */
static int decode_and_check(const ls_source *src, ls_scenario *s, char *why, size_t why_size)
{
    ls_diags_clear(&g_diags);
    ls_status st = ls_scenario_decode(src, s, &g_diags);
    if (ls_fuzz_check_status("ls_scenario_decode", st, PARSE_OK, &g_diags, why, why_size) != 0)
        return -1;
    return st == LS_OK ? ls_fuzz_check_scenario(s, why, why_size) : 0;
}

int ls_fuzz_loader(const uint8_t *data, size_t size, char *why, size_t why_size)
{
    ls_source *src = NULL;
    ls_diags_clear(&g_diags);
    ls_status st = ls_source_parse_string((const char *)data, size, "fuzz.yaml", &src, &g_diags);
    if (ls_fuzz_check_status("ls_source_parse_string", st, PARSE_OK, &g_diags, why, why_size))
        return -1;
    if (st != LS_OK) {
        if (!src) return 0;
        ls_source_free(src);
        snprintf(why, why_size, "a failed parse returned a source");
        return -1;
    }
    ls_scenario s;
    int rc = decode_and_check(src, &s, why, why_size);
    ls_source_free(src);
    return rc;
}

/* ---- --set overrides on a base scenario ---- */

typedef struct base {
    char name[64];
    const char *text;
    size_t len;
} base;

static base g_bases[MAX_BASES];
static int g_base_count;

static void add_base(const char *name, size_t name_len, const char *text, size_t len)
{
    if (g_base_count == MAX_BASES) return;
    base *b = &g_bases[g_base_count++];
    snprintf(b->name, sizeof b->name, "%.*s", (int)name_len, name);
    b->text = text;
    b->len = len;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *text = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        text = n >= 0 ? malloc((size_t)n + 1) : NULL;
        rewind(f);
        if (text && fread(text, 1, (size_t)n, f) != (size_t)n) {
            free(text);
            text = NULL;
        }
        if (text) *len = (size_t)n;
    }
    fclose(f);
    return text;
}

/* The bases stay for the life of the process (the fuzzer's), so their texts are never freed. */
static void add_dir_bases(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name), len = 0;
        if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *text = read_file(path, &len);
        if (text) add_base(e->d_name, n - 5, text, len);
    }
    if (d) closedir(d);
}

void ls_fuzz_set_init(const char *good_dir)
{
    if (g_base_count) return;
    for (const ls_builtin_scenario *b = ls_builtin_scenarios; b->name; b++)
        add_base(b->name, strlen(b->name), b->text, b->len);
    if (good_dir) add_dir_bases(good_dir);
}

static const base *find_base(const char *name)
{
    static const base empty = {"{}", "{}", 2};
    for (int i = 0; i < g_base_count; i++)
        if (strcmp(g_bases[i].name, name) == 0) return &g_bases[i];
    return &empty;
}

/* Overrides applied to a clone leave the original as it was. */
static int apply_sets(ls_source *copy, const lines *in, char *why, size_t why_size)
{
    for (int i = 1; i < in->count; i++) {
        ls_diags_clear(&g_diags);
        ls_status st = ls_source_set(copy, in->line[i], &g_diags);
        if (ls_fuzz_check_status("ls_source_set", st, PARSE_OK, &g_diags, why, why_size) != 0)
            return -1;
    }
    return 0;
}

static int check_sets(const ls_source *src, const lines *in, char *why, size_t why_size)
{
    ls_scenario before, after, changed;
    ls_diags_clear(&g_diags);
    ls_status st0 = ls_scenario_decode(src, &before, &g_diags);
    ls_source *copy = ls_source_clone(src);
    if (!copy) {
        snprintf(why, why_size, "ls_source_clone failed");
        return -1;
    }
    int rc = apply_sets(copy, in, why, why_size);
    if (rc == 0) rc = decode_and_check(copy, &changed, why, why_size);
    ls_source_free(copy);
    ls_diags_clear(&g_diags);
    if (rc == 0 && (ls_scenario_decode(src, &after, &g_diags) != st0 ||
                    (st0 == LS_OK && memcmp(&before, &after, sizeof before) != 0))) {
        snprintf(why, why_size, "overrides on a clone changed the original source");
        rc = -1;
    }
    return rc;
}

int ls_fuzz_set(const uint8_t *data, size_t size, char *why, size_t why_size)
{
    ls_fuzz_set_init(NULL);
    lines in;
    if (split_lines(data, size, &in) != 0) return 0;
    const base *b = find_base(in.line[0]);
    ls_source *src = NULL;
    ls_diags_clear(&g_diags);
    int rc = 0;
    if (ls_source_parse_string(b->text, b->len, b->name, &src, &g_diags) != LS_OK) {
        snprintf(why, why_size, "the base scenario %s does not parse", b->name);
        rc = -1;
    }
    if (rc == 0) rc = check_sets(src, &in, why, why_size);
    ls_source_free(src);
    free(in.text);
    return rc;
}

/* ---- --grid options of `lanesim sweep` ---- */

/* Every point's value index is in range; the first, middle and last points apply and decode. */
static int check_points(const sweep_grid *g, const ls_source *src, char *why, size_t why_size)
{
    double expect = 1; /* in double: a wrong count must not overflow the check itself */
    for (int k = 0; k < g->count; k++) expect *= g->keys[k].count;
    if (expect != (double)g->points) {
        snprintf(why, why_size, "the grid has %lld points, expected %.0f", (long long)g->points,
                 expect);
        return -1;
    }
    int64_t points[3] = {0, g->points / 2, g->points - 1};
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < g->count; k++) {
            int v = sweep_grid_value(g, points[i], k);
            if (v < 0 || v >= g->keys[k].count) {
                snprintf(why, why_size, "point %lld: value %d of key %d out of range",
                         (long long)points[i], v, k);
                return -1;
            }
        }
        ls_source *copy = ls_source_clone(src);
        ls_diags_clear(&g_diags);
        ls_status st = copy ? sweep_grid_apply(g, points[i], copy, &g_diags) : LS_ERR_NOMEM;
        int rc = ls_fuzz_check_status("sweep_grid_apply", st, PARSE_OK, &g_diags, why, why_size);
        ls_scenario s;
        if (rc == 0 && st == LS_OK) rc = decode_and_check(copy, &s, why, why_size);
        ls_source_free(copy);
        if (rc != 0) return -1;
    }
    return 0;
}

/* How many values KEY=FROM:TO:STEP would expand to (0 when the line is no such range). */
static double range_values(const char *line)
{
    const char *eq = strchr(line, '=');
    if (!eq || strchr(eq, ',')) return 0;
    char *end;
    double from = strtod(eq + 1, &end);
    if (*end != ':') return 0;
    double to = strtod(end + 1, &end);
    if (*end != ':') return 0;
    double step = strtod(end + 1, NULL);
    return step != 0 ? (to - from) / step + 1 : 0;
}

int ls_fuzz_grid(const uint8_t *data, size_t size, char *why, size_t why_size)
{
    lines in;
    if (split_lines(data, size, &in) != 0) return 0;
    sweep_grid *g = calloc(1, sizeof *g);
    int rc = 0;
    for (int i = 0; g && i < in.count && rc == 0; i++) {
        if (!(range_values(in.line[i]) <= MAX_RANGE_VALUES)) continue; /* NaN too */
        int r = sweep_grid_add(g, in.line[i]);
        if (r != 0 && r != 2) {
            snprintf(why, why_size, "sweep_grid_add returned %d", r);
            rc = -1;
        }
    }
    const ls_builtin_scenario *ring = ls_builtin_find("ring");
    ls_source *src = NULL;
    ls_diags_clear(&g_diags);
    if (rc == 0 && g && g->count > 0 && g->points > 0 && g->points <= SWEEP_MAX_RUNS &&
        ls_source_parse_string(ring->text, ring->len, "ring", &src, &g_diags) == LS_OK)
        rc = check_points(g, src, why, why_size);
    ls_source_free(src);
    if (g) sweep_grid_free(g);
    free(g);
    free(in.text);
    return rc;
}

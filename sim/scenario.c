/* scenario.c: defaults, decoding a source key by key through the schema, and loading. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "schema.h"

static void *at(void *base, size_t offset)
{
    return (char *)base + offset;
}

/* ---- defaults ---- */

static void set_defaults(const ls_schema *sch, void *base);

static void set_items(const ls_field *f, void *array, int *count)
{
    *count = (int)f->def;
    for (int i = 0; i < *count; i++) set_defaults(f->sub, at(array, (size_t)i * f->sub->size));
}

static void set_default(const ls_field *f, void *base)
{
    void *p = at(base, f->offset);
    switch (f->kind) {
    case LS_FIELD_NUMBER:
        *(double *)p = f->def;
        break;
    case LS_FIELD_INT:
    case LS_FIELD_ENUM:
        *(int *)p = (int)f->def;
        break;
    case LS_FIELD_U64:
        *(uint64_t *)p = (uint64_t)f->def;
        break;
    case LS_FIELD_BOOL:
        *(bool *)p = f->def != 0;
        break;
    case LS_FIELD_STRING:
        snprintf(p, f->aux, "%s", f->def_text);
        break;
    case LS_FIELD_DENSITY:
        *(double *)p = f->def;
        *(bool *)at(base, f->aux) = false;
        break;
    case LS_FIELD_LANES:
        *(uint32_t *)p = 0;
        break;
    case LS_FIELD_SPLIT:
        *(int *)at(base, f->aux) = 0;
        break;
    case LS_FIELD_PROFILE: {
        ls_profile *pr = p;
        set_items(f, pr->points, &pr->count);
        break;
    }
    case LS_FIELD_SECTION:
        set_defaults(f->sub, p);
        break;
    case LS_FIELD_LIST:
        set_items(f, p, (int *)at(base, f->aux));
        break;
    }
}

static void set_defaults(const ls_schema *sch, void *base)
{
    for (size_t i = 0; i < sch->count; i++) set_default(&sch->fields[i], base);
}

void ls_scenario_defaults(ls_scenario *s)
{
    memset(s, 0, sizeof *s); /* unused array slots and padding compare equal */
    set_defaults(&ls_scenario_schema, s);
}

/* ---- paths ---- */

static size_t push_key(ls_decoder *d, const char *name)
{
    size_t saved = d->path_len;
    int n = snprintf(d->path + saved, sizeof d->path - saved, "%s%s", saved ? "." : "", name);
    if (n > 0) d->path_len = strlen(d->path);
    return saved;
}

static size_t push_index(ls_decoder *d, size_t i)
{
    size_t saved = d->path_len;
    snprintf(d->path + saved, sizeof d->path - saved, "[%zu]", i);
    d->path_len = strlen(d->path);
    return saved;
}

static void pop(ls_decoder *d, size_t saved)
{
    d->path[d->path_len = saved] = 0;
}

static void report_here(ls_decoder *d, const ls_node *n, const char *expected)
{
    char got[160];
    ls_node_describe(n, got, sizeof got);
    ls_decoder_report(d, n, d->path, "expected %s, got %s", expected, got);
}

/* ---- scalars ---- */

static void range_phrase(const ls_field *f, char *buf, size_t size)
{
    char lo[32], hi[32];
    const char *u = f->unit == LS_UNIT_DENSITY ? "" : ls_unit_default(f->unit);
    const char *sp = u[0] ? " " : "";
    bool min_open = f->flags & LS_F_MIN_OPEN, max_open = f->flags & LS_F_MAX_OPEN;
    ls_num(f->min, lo, sizeof lo);
    ls_num(f->max, hi, sizeof hi);
    if (!isfinite(f->max))
        snprintf(buf, size, " %s %s%s%s", min_open ? "above" : "of at least", lo, sp, u);
    else if (min_open)
        snprintf(buf, size, " above %s and %s %s%s%s", lo, max_open ? "below" : "up to", hi, sp, u);
    else
        snprintf(buf, size, " from %s to %s%s%s%s", lo, max_open ? "below " : "", hi, sp, u);
}

static bool in_range(const ls_field *f, double v)
{
    if ((f->flags & LS_F_MIN_OPEN) ? !(v > f->min) : !(v >= f->min)) return false;
    return (f->flags & LS_F_MAX_OPEN) ? v < f->max : v <= f->max;
}

static bool is_value(const ls_node *n)
{
    return n->kind == LS_NODE_SCALAR && !ls_node_is_null(n);
}

static bool read_number(ls_decoder *d, const ls_field *f, const ls_node *n, double *v, bool *per_km)
{
    ls_parse_result r = LS_PARSE_SYNTAX;
    if (is_value(n)) r = ls_parse_quantity(n->text, n->len, f->unit, v, per_km);
    if (r == LS_PARSE_OK && in_range(f, *v)) return true;
    if (r == LS_PARSE_NOMEM) { /* not the value's fault: say so once, not "expected ..." */
        if (!d->nomem) ls_decoder_report(d, NULL, "", "out of memory");
        d->nomem = true;
        return false;
    }
    char expected[160], range[96];
    if (r == LS_PARSE_SYNTAX && f->unit != LS_UNIT_NONE) {
        snprintf(expected, sizeof expected, "%s such as %s", ls_unit_noun(f->unit),
                 ls_unit_examples(f->unit));
    } else {
        range_phrase(f, range, sizeof range);
        snprintf(expected, sizeof expected, "%s%s", ls_unit_noun(f->unit), range);
    }
    report_here(d, n, expected);
    return false;
}

static void decode_int(ls_decoder *d, const ls_field *f, const ls_node *n, int *out)
{
    long long v = 0;
    if (is_value(n) && ls_parse_int(n->text, n->len, &v) == LS_PARSE_OK && v >= f->min &&
        v <= f->max) {
        *out = (int)v;
        return;
    }
    char expected[96];
    snprintf(expected, sizeof expected, "an integer from %.0f to %.0f", f->min, f->max);
    report_here(d, n, expected);
}

static void decode_u64(ls_decoder *d, const ls_node *n, uint64_t *out)
{
    if (is_value(n) && ls_parse_u64(n->text, n->len, out) == LS_PARSE_OK) return;
    char expected[64];
    snprintf(expected, sizeof expected, "an integer from 0 to %" PRIu64, UINT64_MAX);
    report_here(d, n, expected);
}

static void decode_bool(ls_decoder *d, const ls_node *n, bool *out)
{
    bool t = n->kind == LS_NODE_SCALAR && n->len == 4 && !memcmp(n->text, "true", 4);
    bool f = n->kind == LS_NODE_SCALAR && n->len == 5 && !memcmp(n->text, "false", 5);
    if (t || f) {
        *out = t;
        return;
    }
    report_here(d, n, "true or false");
}

static void decode_enum(ls_decoder *d, const ls_field *f, const ls_node *n, int *out)
{
    char expected[160] = "one of ";
    for (int i = 0; f->names[i]; i++) {
        if (n->kind == LS_NODE_SCALAR && strcmp(n->text, f->names[i]) == 0 &&
            strlen(n->text) == n->len) {
            *out = i;
            return;
        }
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof expected - used, "%s%s", i ? ", " : "", f->names[i]);
    }
    report_here(d, n, expected);
}

static void decode_string(ls_decoder *d, const ls_field *f, const ls_node *n, char *out)
{
    char expected[96];
    if (!is_value(n)) {
        report_here(d, n, "a string");
    } else if (strlen(n->text) != n->len) {
        report_here(d, n, "a string without NUL characters");
    } else if (n->len >= f->aux) {
        snprintf(expected, sizeof expected, "a string of at most %zu bytes", f->aux - 1);
        ls_decoder_report(d, n, d->path, "expected %s, got %zu bytes", expected, n->len);
    } else if (n->len == 0 && (f->flags & LS_F_NONEMPTY)) {
        report_here(d, n, "a non-empty string");
    } else {
        memcpy(out, n->text, n->len + 1);
    }
}

static void decode_density(ls_decoder *d, const ls_field *f, const ls_node *n, void *base)
{
    double v;
    bool per_km;
    if (!read_number(d, f, n, &v, &per_km)) return;
    *(double *)at(base, f->offset) = v;
    *(bool *)at(base, f->aux) = per_km;
}

/* ---- lists of numbers ---- */

static void decode_lanes(ls_decoder *d, const ls_node *n, uint32_t *out)
{
    if (n->kind != LS_NODE_SEQUENCE) {
        report_here(d, n, "a sequence of lane numbers such as [3, 4]");
        return;
    }
    int limit = ls_decoder_lane_limit(d);
    char expected[64];
    snprintf(expected, sizeof expected, "a lane number from 1 to %d", limit);
    uint32_t mask = 0;
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        const ls_node *item = n->items[i];
        long long lane = 0;
        size_t saved = push_index(d, i);
        if (!is_value(item) || ls_parse_int(item->text, item->len, &lane) != LS_PARSE_OK ||
            lane < 1 || lane > limit) {
            report_here(d, item, expected);
            ok = false;
        } else if (mask & (1u << (lane - 1))) {
            ls_decoder_report(d, item, d->path, "expected distinct lane numbers, got %lld twice",
                              lane);
            ok = false;
        } else {
            mask |= 1u << (lane - 1);
        }
        pop(d, saved);
    }
    if (ok) *out = mask;
}

static void decode_split(ls_decoder *d, const ls_field *f, const ls_node *n, void *base)
{
    if (n->kind != LS_NODE_SEQUENCE) {
        report_here(d, n, "a sequence of lane shares such as [0.3, 0.3, 0.2, 0.2]");
        return;
    }
    if (n->count > LS_MAX_LANES) {
        ls_decoder_report(d, n, d->path, "expected at most %d lane shares, got %zu", LS_MAX_LANES,
                          n->count);
        return;
    }
    double *shares = at(base, f->offset);
    int errors = d->errors;
    for (size_t i = 0; i < n->count; i++) {
        size_t saved = push_index(d, i);
        read_number(d, f, n->items[i], &shares[i], NULL);
        pop(d, saved);
    }
    if (d->errors == errors) *(int *)at(base, f->aux) = (int)n->count;
}

/* ---- sections and lists of mappings ---- */

static void decode_fields(ls_decoder *d, const ls_node *map, const ls_schema *sch, void *base);

static void decode_section(ls_decoder *d, const ls_field *f, const ls_node *n, void *base)
{
    if (n->kind != LS_NODE_MAPPING) {
        report_here(d, n, "a mapping");
        return;
    }
    decode_fields(d, n, f->sub, at(base, f->offset));
}

static bool count_in_range(ls_decoder *d, const ls_field *f, const ls_node *n)
{
    if (n->count >= f->min && n->count <= f->max) return true;
    if (f->min > 0)
        ls_decoder_report(d, n, d->path, "expected %.0f to %.0f %s, got %zu", f->min, f->max,
                          f->sub->noun, n->count);
    else
        ls_decoder_report(d, n, d->path, "expected at most %.0f %s, got %zu", f->max, f->sub->noun,
                          n->count);
    return false;
}

/* Keys that only some lists require (a share, once there are several vehicle types). */
static void check_required_if_many(ls_decoder *d, const ls_schema *sch, const ls_node *item)
{
    for (size_t k = 0; k < sch->count; k++) {
        const ls_field *f = &sch->fields[k];
        if ((f->flags & LS_F_REQUIRED_IF_MANY) && !ls_node_get(item, f->name))
            ls_decoder_report(d, item, d->path,
                              "missing required key \"%s\" (needed when there are several %s)",
                              f->name, sch->noun);
    }
}

static void check_unique(ls_decoder *d, const ls_field *f, const ls_node *list, char *array,
                         size_t count)
{
    for (size_t k = 0; k < f->sub->count; k++) {
        const ls_field *g = &f->sub->fields[k];
        if (!(g->flags & LS_F_UNIQUE)) continue;
        for (size_t i = 1; i < count; i++) {
            const char *name = at(array, i * f->sub->size + g->offset);
            if (!ls_node_get(list->items[i], g->name)) continue; /* missing: reported already */
            for (size_t j = 0; j < i; j++) {
                if (!ls_node_get(list->items[j], g->name) ||
                    strcmp(name, (char *)at(array, j * f->sub->size + g->offset)) != 0)
                    continue;
                size_t saved = push_index(d, i);
                push_key(d, g->name);
                ls_decoder_report(d, ls_node_get(list->items[i], g->name), d->path,
                                  "duplicate %s \"%s\" (first at %.*s[%zu])", g->name, name,
                                  (int)saved, d->path, j);
                pop(d, saved);
                break;
            }
        }
    }
}

/* Decodes the items of a list into `array` (each filled with defaults first); the count is
 * set only when every item decoded, so a failed list leaves the defaults in place. */
static bool decode_items(ls_decoder *d, const ls_field *f, const ls_node *n, char *array,
                         int *count)
{
    if (n->kind != LS_NODE_SEQUENCE) return false;
    if (!count_in_range(d, f, n)) return true;
    int errors = d->errors;
    for (size_t i = 0; i < n->count; i++) {
        void *item = at(array, i * f->sub->size);
        size_t saved = push_index(d, i);
        set_defaults(f->sub, item);
        if (n->items[i]->kind != LS_NODE_MAPPING) {
            report_here(d, n->items[i], "a mapping");
        } else {
            decode_fields(d, n->items[i], f->sub, item);
            if (n->count > 1) check_required_if_many(d, f->sub, n->items[i]);
        }
        pop(d, saved);
    }
    check_unique(d, f, n, array, n->count);
    if (d->errors == errors) *count = (int)n->count;
    return true;
}

static void decode_list(ls_decoder *d, const ls_field *f, const ls_node *n, void *base)
{
    if (!decode_items(d, f, n, at(base, f->offset), at(base, f->aux))) {
        char expected[64];
        snprintf(expected, sizeof expected, "a sequence of %s", f->sub->noun);
        report_here(d, n, expected);
    }
}

/* A demand is one flow (constant) or a list of {t, flow} points. */
static void decode_profile(ls_decoder *d, const ls_field *f, const ls_node *n, void *base)
{
    ls_profile *pr = at(base, f->offset);
    const ls_field *flow = &f->sub->fields[1]; /* the point's value: flow, or a meter's rate */
    if (n->kind == LS_NODE_SCALAR) {
        double v;
        if (!read_number(d, flow, n, &v, NULL)) return;
        pr->count = 1;
        pr->points[0] = (ls_profile_point){0, v};
    } else if (!decode_items(d, f, n, (char *)pr->points, &pr->count)) {
        char expected[160];
        snprintf(expected, sizeof expected, "%s such as %s, or a sequence of {t, %s} points",
                 ls_unit_noun(f->unit), ls_unit_examples(f->unit), flow->name);
        report_here(d, n, expected);
    }
}

static void decode_field(ls_decoder *d, const ls_field *f, const ls_node *n, void *base)
{
    void *p = at(base, f->offset);
    double v;
    switch (f->kind) {
    case LS_FIELD_NUMBER:
        if (read_number(d, f, n, &v, NULL)) *(double *)p = v;
        break;
    case LS_FIELD_INT:
    case LS_FIELD_ENUM:
        if (f->kind == LS_FIELD_INT)
            decode_int(d, f, n, p);
        else
            decode_enum(d, f, n, p);
        break;
    case LS_FIELD_U64:
        decode_u64(d, n, p);
        break;
    case LS_FIELD_BOOL:
        decode_bool(d, n, p);
        break;
    case LS_FIELD_STRING:
        decode_string(d, f, n, p);
        break;
    case LS_FIELD_DENSITY:
        decode_density(d, f, n, base);
        break;
    case LS_FIELD_LANES:
        decode_lanes(d, n, p);
        break;
    case LS_FIELD_SPLIT:
        decode_split(d, f, n, base);
        break;
    case LS_FIELD_PROFILE:
        decode_profile(d, f, n, base);
        break;
    case LS_FIELD_SECTION:
        decode_section(d, f, n, base);
        break;
    case LS_FIELD_LIST:
        decode_list(d, f, n, base);
        break;
    }
}

/* ---- unknown keys ---- */

/* Optimal string alignment distance (a swap of neighbours costs 1: "p_slwo" is 1 from
 * "p_slow"), for strings of at most 40 bytes. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t dist[41][41];
    for (size_t i = 0; i <= n; i++) dist[i][0] = i;
    for (size_t j = 0; j <= m; j++) dist[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = dist[i - 1][j - 1] + cost;
            if (dist[i - 1][j] + 1 < best) best = dist[i - 1][j] + 1;
            if (dist[i][j - 1] + 1 < best) best = dist[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                dist[i - 2][j - 2] + 1 < best)
                best = dist[i - 2][j - 2] + 1;
            dist[i][j] = best;
        }
    }
    return dist[n][m];
}

/* The known key closest to `key`, if it is at most 2 edits away. */
static const char *suggest(const ls_schema *sch, const ls_node *key)
{
    const char *best = NULL;
    size_t best_distance = 3;
    for (size_t i = 0; i < sch->count; i++) {
        const char *name = sch->fields[i].name;
        size_t m = strlen(name);
        if (key->len > m + 2 || m > key->len + 2 || key->len > 40 || m > 40) continue;
        size_t dist = edit_distance(key->text, key->len, name, m);
        if (dist < best_distance) {
            best = name;
            best_distance = dist;
        }
    }
    return best;
}

static void report_unknown_keys(ls_decoder *d, const ls_node *map, const ls_schema *sch)
{
    for (size_t i = 0; i < map->count; i++) {
        const ls_node *key = map->keys[i];
        if (ls_schema_find(sch, key->text, key->len)) continue;
        char q[128], hint[96] = "";
        ls_quote(key->text, key->len, q, sizeof q);
        const char *near = suggest(sch, key);
        if (near) snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", near);
        size_t saved = push_key(d, key->text);
        ls_decoder_report(d, key, d->path, "unknown key %s%s", q, hint);
        pop(d, saved);
    }
}

/* Fields in schema order, so that sections others depend on (model, road) come first. */
static void decode_fields(ls_decoder *d, const ls_node *map, const ls_schema *sch, void *base)
{
    for (size_t i = 0; i < sch->count; i++) {
        const ls_field *f = &sch->fields[i];
        const ls_node *value = ls_node_get(map, f->name);
        if (!value) {
            if (f->flags & LS_F_REQUIRED)
                ls_decoder_report(d, map, d->path, "missing required key \"%s\"", f->name);
            continue;
        }
        size_t saved = push_key(d, f->name);
        decode_field(d, f, value, base);
        pop(d, saved);
    }
    report_unknown_keys(d, map, sch);
}

/* ---- entry points ---- */

ls_status ls_scenario_decode(const ls_source *src, ls_scenario *out, ls_diags *diags)
{
    ls_decoder d = {.src = src, .s = out, .diags = diags};
    d.first_diag = diags ? diags->count : 0;
    ls_scenario_defaults(out);
    if (src->root->kind == LS_NODE_MAPPING)
        decode_fields(&d, src->root, &ls_scenario_schema, out);
    else
        report_here(&d, src->root, "a mapping of scenario sections");
    ls_check_scenario(&d);
    ls_decoder_sort(&d);
    if (d.nomem) return LS_ERR_NOMEM;
    return d.errors ? LS_ERR_INPUT : LS_OK;
}

ls_status ls_scenario_load(const char *path, const char *text, size_t text_len,
                           const char *const *sets, int set_count, ls_scenario *out,
                           ls_diags *diags)
{
    ls_source *src = NULL;
    ls_status st;
    if (text)
        st = ls_source_parse_string(text, text_len, path ? path : "<string>", &src, diags);
    else if (path)
        st = ls_source_parse_file(path, &src, diags);
    else {
        ls_diags_add(diags, "", "", "no scenario: neither a file nor a text");
        st = LS_ERR_INPUT;
    }
    if (st != LS_OK) return st;
    ls_status set_st = LS_OK;
    for (int i = 0; i < set_count && set_st != LS_ERR_NOMEM; i++) {
        ls_status r = ls_source_set(src, sets[i], diags);
        if (r != LS_OK && set_st == LS_OK) set_st = r;
    }
    st = set_st == LS_ERR_NOMEM ? set_st : ls_scenario_decode(src, out, diags);
    ls_source_free(src);
    return set_st != LS_OK ? set_st : st;
}

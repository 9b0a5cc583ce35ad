/* source_set.c: --set KEY=VALUE overrides, applied to a parsed source before decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "source.h"

#define MAX_SEGMENTS 64

/* One step of a key path: `.name` or `[index]`. */
typedef struct segment {
    const char *name;
    size_t len;
    bool is_index;
    size_t index;
} segment;

/* One override being applied; `path` is the canonical path walked so far. */
typedef struct setter {
    ls_source *src;
    ls_diags *diags;
    const char *where;
    int origin;
    char path[512];
} setter;

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static size_t scan_name(const char *k, size_t i, size_t len)
{
    while (i < len && is_name_char(k[i])) i++;
    return i;
}

/* "[digits]" at k[i]; returns the index past ']' or 0 when malformed. Huge indices saturate:
 * they are past the end of any list. */
static size_t scan_index(const char *k, size_t i, size_t len, size_t *index)
{
    size_t e = i + 1, v = 0;
    for (; e < len && k[e] >= '0' && k[e] <= '9'; e++) {
        size_t d = (size_t)(k[e] - '0');
        v = v > (SIZE_MAX - d) / 10 ? SIZE_MAX : v * 10 + d;
    }
    if (e == i + 1 || e >= len || k[e] != ']') return 0;
    *index = v;
    return e + 1;
}

/* KEY grammar: name ( "." name | "[" digits "]" )*; returns the segment count or -1. */
static int parse_key(const char *k, size_t len, segment *segs)
{
    int n = 0;
    size_t i = 0;
    bool need_name = true;
    while (i < len || need_name) {
        if (n == MAX_SEGMENTS) return -1;
        if (need_name) {
            size_t e = scan_name(k, i, len);
            if (e == i) return -1;
            segs[n++] = (segment){k + i, e - i, false, 0};
            i = e;
            need_name = false;
        } else if (k[i] == '.') {
            i++;
            need_name = true;
        } else if (k[i] == '[') {
            segs[n] = (segment){NULL, 0, true, 0};
            i = scan_index(k, i, len, &segs[n++].index);
            if (i == 0) return -1;
        } else {
            return -1;
        }
    }
    return n;
}

static void path_append(setter *s, const segment *seg)
{
    size_t used = strlen(s->path);
    if (seg->is_index)
        snprintf(s->path + used, sizeof s->path - used, "[%zu]", seg->index);
    else
        snprintf(s->path + used, sizeof s->path - used, "%s%.*s", used ? "." : "", (int)seg->len,
                 seg->name);
}

static ls_status fail(setter *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static ls_status fail(setter *s, const char *fmt, ...)
{
    char message[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    ls_diags_add(s->diags, s->where, s->path, "%s", message);
    return LS_ERR_INPUT;
}

static ls_status wrong_kind(setter *s, const ls_node *n, const char *expected)
{
    char got[128];
    ls_node_describe(n, got, sizeof got);
    return fail(s, "expected %s, got %s", expected, got);
}

static ls_status no_memory(setter *s)
{
    ls_diags_add(s->diags, "", "", "out of memory");
    return LS_ERR_NOMEM;
}

static ptrdiff_t find_key(const ls_node *map, const segment *seg)
{
    for (size_t i = 0; i < map->count; i++)
        if (map->keys[i]->len == seg->len && memcmp(map->keys[i]->text, seg->name, seg->len) == 0)
            return (ptrdiff_t)i;
    return -1;
}

/* Steps into list item seg->index, or puts *value there when it is the last step. */
static ls_status step_index(setter *s, ls_node **node, const segment *seg, bool last,
                            ls_node **value)
{
    ls_node *list = *node;
    if (list->kind != LS_NODE_SEQUENCE) return wrong_kind(s, list, "a sequence");
    if (seg->index >= list->count) {
        if (list->count == 0)
            return fail(s, "expected no index (the sequence is empty), got %zu", seg->index);
        return fail(s, "expected an index from 0 to %zu, got %zu", list->count - 1, seg->index);
    }
    path_append(s, seg);
    if (last) {
        ls_node_free(list->items[seg->index]);
        list->items[seg->index] = *value;
        *value = NULL;
        return LS_OK;
    }
    *node = list->items[seg->index];
    return LS_OK;
}

/* Adds `key: child` to a mapping, the key from the override (so unknown keys point at it). */
static ls_status add_key(setter *s, ls_node *map, const segment *seg, ls_node *child)
{
    ls_node *key = ls_node_new_scalar(s->origin, seg->name, seg->len);
    if (key && ls_node_append(map, key, child)) return LS_OK;
    ls_node_free(key);
    return no_memory(s);
}

/* Puts *value at entry `at` of a mapping (replacing it) or under a new key; on success the
 * mapping owns it and *value is NULL. */
static ls_status put(setter *s, ls_node *map, ptrdiff_t at, const segment *seg, ls_node **value)
{
    if (at >= 0) {
        ls_node_free(map->items[at]);
        map->items[at] = *value;
    } else {
        ls_status st = add_key(s, map, seg, *value);
        if (st != LS_OK) {
            ls_node_free(*value);
            *value = NULL;
            return st;
        }
    }
    *value = NULL;
    return LS_OK;
}

/* Steps into key seg->name, creating a mapping when it is missing (or empty), or puts *value
 * there when it is the last step. */
static ls_status step_name(setter *s, ls_node **node, const segment *seg, const segment *next,
                           ls_node **value)
{
    ls_node *map = *node;
    if (map->kind != LS_NODE_MAPPING) return wrong_kind(s, map, "a mapping");
    path_append(s, seg);
    ptrdiff_t at = find_key(map, seg);
    if (!next) return put(s, map, at, seg, value);
    if (at >= 0 && !ls_node_is_null(map->items[at])) {
        *node = map->items[at];
        return LS_OK;
    }
    if (next->is_index)
        return fail(s, "expected a sequence, got %s",
                    at >= 0 ? "an empty value" : "nothing (the key is not set)");
    ls_node *child = ls_node_new(LS_NODE_MAPPING, s->origin);
    if (!child) return no_memory(s);
    *node = child;
    return put(s, map, at, seg, &child);
}

/* Walks the path from the root; on success *value belongs to the tree (set to NULL). */
static ls_status apply(setter *s, const segment *segs, int n, ls_node **value)
{
    ls_node *node = s->src->root;
    s->path[0] = 0;
    ls_status st = LS_OK;
    for (int i = 0; i < n && st == LS_OK; i++) {
        const segment *next = i + 1 < n ? &segs[i + 1] : NULL;
        if (segs[i].is_index)
            st = step_index(s, &node, &segs[i], !next, value);
        else
            st = step_name(s, &node, &segs[i], next, value);
    }
    return st;
}

static void canonical_path(const segment *segs, int n, setter *s)
{
    s->path[0] = 0;
    for (int i = 0; i < n; i++) path_append(s, &segs[i]);
}

static ls_status check_assignment(const char *assignment, const char *where, segment *segs, int *n,
                                  ls_diags *diags)
{
    const char *eq = strchr(assignment, '=');
    if (!eq) {
        ls_diags_add(diags, where, "", "expected KEY=VALUE, such as model.p_slow=0.3");
        return LS_ERR_INPUT;
    }
    if (eq == assignment) {
        ls_diags_add(diags, where, "", "expected a key before \"=\", such as model.p_slow=0.3");
        return LS_ERR_INPUT;
    }
    *n = parse_key(assignment, (size_t)(eq - assignment), segs);
    if (*n > 0) return LS_OK;
    char q[128];
    ls_quote(assignment, (size_t)(eq - assignment), q, sizeof q);
    ls_diags_add(diags, where, "",
                 "expected a key such as model.p_slow or vehicles[1].share, got %s", q);
    return LS_ERR_INPUT;
}

ls_status ls_source_set(ls_source *src, const char *assignment, ls_diags *diags)
{
    size_t n = strlen(assignment) + sizeof "--set ";
    char *where = ls_malloc(n);
    if (!where) {
        ls_diags_add(diags, "", "", "out of memory");
        return LS_ERR_NOMEM;
    }
    snprintf(where, n, "--set %s", assignment);
    segment segs[MAX_SEGMENTS];
    int count = 0;
    setter s = {.src = src, .diags = diags, .where = where};
    ls_status st = check_assignment(assignment, where, segs, &count, diags);
    if (st == LS_OK) {
        s.origin = ls_source_add_origin(src, where);
        if (s.origin < 0) st = no_memory(&s);
    }
    ls_node *value = NULL;
    if (st == LS_OK) {
        canonical_path(segs, count, &s);
        st = ls_source_parse_value(src, strchr(assignment, '=') + 1, s.origin, s.path, &value,
                                   diags);
    }
    if (st == LS_OK) st = apply(&s, segs, count, &value);
    ls_node_free(value);
    ls_free(where);
    return st;
}

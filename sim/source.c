/* source.c: YAML text to a tree of positioned nodes with libyaml, within fixed limits. */
#include "source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "alloc.h"
#include "units.h"

/* One parse: libyaml's event stream turned into nodes, with the problems found on the way. */
typedef struct builder {
    yaml_parser_t parser;
    ls_source *src;
    ls_diags *diags;
    int origin;
    bool positions; /* false for a --set value: its nodes point at the override instead */
    const unsigned char *input;
    size_t input_len;
    size_t nodes;
    int errors;      /* problems after which parsing went on (duplicates, anchors) */
    ls_status fatal; /* set when parsing had to stop */
    char path[512];
    size_t path_len;
} builder;

/* ---- problems ---- */

static void report_at(builder *b, int line, int column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void report_at(builder *b, int line, int column, const char *fmt, ...)
{
    char where[320], message[320];
    const char *origin = b->src->origins[b->origin];
    if (b->positions)
        snprintf(where, sizeof where, "%s:%d:%d", origin, line, column);
    else
        snprintf(where, sizeof where, "%s", origin);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    ls_diags_add(b->diags, where, b->path, "%s", message);
}

#define MARK(m) (int)(m).line + 1, (int)(m).column + 1

static void out_of_memory(builder *b)
{
    if (b->fatal == LS_OK) ls_diags_add(b->diags, "", "", "out of memory");
    b->fatal = LS_ERR_NOMEM;
}

/* libyaml's reader reports a byte offset, not a mark: count lines and characters up to it. */
static void offset_position(const builder *b, size_t offset, int *line, int *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < b->input_len; i++) {
        if (b->input[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if ((b->input[i] & 0xC0) != 0x80) {
            (*column)++;
        }
    }
}

static void syntax_error(builder *b)
{
    const yaml_parser_t *p = &b->parser;
    if (p->error == YAML_MEMORY_ERROR) {
        out_of_memory(b);
        return;
    }
    const char *problem = p->problem ? p->problem : "invalid YAML";
    int line = (int)p->problem_mark.line + 1, column = (int)p->problem_mark.column + 1;
    if (p->error == YAML_READER_ERROR) offset_position(b, p->problem_offset, &line, &column);
    size_t saved = b->path_len;
    b->path[b->path_len = 0] = 0; /* a syntax error belongs to the text, not to a key */
    report_at(b, line, column, "%s", problem);
    b->path[b->path_len = saved] = 0;
    b->fatal = LS_ERR_INPUT;
}

static bool next_event(builder *b, yaml_event_t *ev)
{
    if (yaml_parser_parse(&b->parser, ev)) return true;
    syntax_error(b);
    return false;
}

static size_t path_push(builder *b, const char *fmt, const char *text, size_t index)
{
    size_t saved = b->path_len;
    int n;
    if (text)
        n = snprintf(b->path + saved, sizeof b->path - saved, fmt, text);
    else
        n = snprintf(b->path + saved, sizeof b->path - saved, fmt, index);
    if (n > 0)
        b->path_len = saved + (size_t)n < sizeof b->path ? saved + (size_t)n : sizeof b->path - 1;
    return saved;
}

static void path_pop(builder *b, size_t saved)
{
    b->path[b->path_len = saved] = 0;
}

/* ---- events to nodes ---- */

static ls_node *build_node(builder *b, yaml_event_t *ev, int depth);

static ls_node *new_node(builder *b, ls_node_kind kind, const yaml_mark_t *mark)
{
    if (++b->nodes > LS_SOURCE_MAX_NODES) {
        report_at(b, MARK(*mark), "more than %u YAML nodes", LS_SOURCE_MAX_NODES);
        b->fatal = LS_ERR_INPUT;
        return NULL;
    }
    ls_node *n = ls_node_new(kind, b->origin);
    if (!n) {
        out_of_memory(b);
        return NULL;
    }
    if (b->positions) {
        n->line = (int)mark->line + 1;
        n->column = (int)mark->column + 1;
    }
    return n;
}

/* Anchors and aliases allow exponential expansion ("billion laughs"); tags would be ignored
 * silently. Scenarios need neither, so both are problems, but parsing goes on. */
static void check_properties(builder *b, const yaml_event_t *ev)
{
    const yaml_char_t *anchor = NULL, *tag = NULL;
    if (ev->type == YAML_SCALAR_EVENT) {
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
    } else if (ev->type == YAML_SEQUENCE_START_EVENT) {
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
    } else if (ev->type == YAML_MAPPING_START_EVENT) {
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
    }
    if (anchor) {
        report_at(b, MARK(ev->start_mark),
                  "YAML anchors (&%.40s) are not supported; write the value out", anchor);
        b->errors++;
    }
    if (tag) {
        char q[128];
        ls_quote((const char *)tag, strlen((const char *)tag), q, sizeof q);
        report_at(b, MARK(ev->start_mark), "YAML tags are not supported, got the tag %s", q);
        b->errors++;
    }
}

static ls_node *build_scalar(builder *b, const yaml_event_t *ev)
{
    ls_node *n = new_node(b, LS_NODE_SCALAR, &ev->start_mark);
    if (!n) return NULL;
    size_t len = ev->data.scalar.length;
    char *text = ls_realloc(n->text, len + 1);
    if (!text) {
        ls_node_free(n);
        out_of_memory(b);
        return NULL;
    }
    memcpy(text, ev->data.scalar.value, len);
    text[len] = 0;
    n->text = text;
    n->len = len;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return n;
}

static ls_node *build_alias(builder *b, const yaml_event_t *ev)
{
    report_at(b, MARK(ev->start_mark),
              "YAML aliases (*%.40s) are not supported; write the value out",
              ev->data.alias.anchor);
    b->errors++;
    return new_node(b, LS_NODE_SCALAR, &ev->start_mark);
}

/* Reads the next event and builds the node it starts; NULL at `end` (with *done set) or on a
 * fatal problem. */
static ls_node *build_next(builder *b, yaml_event_type_t end, int depth, bool *done)
{
    yaml_event_t ev;
    *done = false;
    if (!next_event(b, &ev)) return NULL;
    ls_node *n = NULL;
    if (ev.type == end)
        *done = true;
    else
        n = build_node(b, &ev, depth);
    yaml_event_delete(&ev);
    return n;
}

static ls_node *build_sequence(builder *b, const yaml_event_t *start, int depth)
{
    ls_node *seq = new_node(b, LS_NODE_SEQUENCE, &start->start_mark);
    for (bool done = false; seq && !done;) {
        size_t saved = path_push(b, "[%zu]", NULL, seq->count);
        ls_node *item = build_next(b, YAML_SEQUENCE_END_EVENT, depth + 1, &done);
        path_pop(b, saved);
        if (done) break;
        if (!item || !ls_node_append(seq, NULL, item)) {
            if (item) out_of_memory(b);
            ls_node_free(item);
            ls_node_free(seq);
            return NULL;
        }
    }
    return seq;
}

typedef struct key_ref {
    const ls_node *key;
    size_t index;
} key_ref;

static int compare_keys(const void *pa, const void *pb)
{
    const key_ref *a = pa, *b = pb;
    size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
    int c = memcmp(a->key->text, b->key->text, n);
    if (c) return c;
    if (a->key->len != b->key->len) return a->key->len < b->key->len ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void report_duplicate(builder *b, const ls_node *dup, const ls_node *first)
{
    char q[160];
    ls_quote(dup->text, dup->len, q, sizeof q);
    size_t saved = path_push(b, b->path_len ? ".%s" : "%s", dup->text, 0);
    if (b->positions)
        report_at(b, dup->line, dup->column, "duplicate key %s (first at line %d)", q, first->line);
    else
        report_at(b, 0, 0, "duplicate key %s", q);
    path_pop(b, saved);
    b->errors++;
}

/* Sorting keeps this O(n log n): a fuzzer's mapping may have a million keys. Problems are
 * reported in file order, each against the key's first occurrence. */
static bool check_duplicates(builder *b, const ls_node *map)
{
    size_t n = map->count;
    if (n < 2) return true;
    key_ref *refs = ls_calloc(n, sizeof *refs);
    size_t *first = ls_calloc(n, sizeof *first);
    if (!refs || !first) {
        ls_free(refs);
        ls_free(first);
        out_of_memory(b);
        return false;
    }
    for (size_t i = 0; i < n; i++) refs[i] = (key_ref){map->keys[i], i};
    qsort(refs, n, sizeof *refs, compare_keys);
    for (size_t i = 0; i < n; i++) first[i] = SIZE_MAX;
    for (size_t i = 1, head = 0; i < n; i++) {
        const ls_node *a = refs[head].key, *k = refs[i].key;
        if (a->len == k->len && memcmp(a->text, k->text, k->len) == 0)
            first[refs[i].index] = refs[head].index;
        else
            head = i;
    }
    for (size_t i = 0; i < n; i++)
        if (first[i] != SIZE_MAX) report_duplicate(b, map->keys[i], map->keys[first[i]]);
    ls_free(refs);
    ls_free(first);
    return true;
}

/* Builds one key: value pair into `map`, or sets *done at the end of the mapping; false on a
 * fatal problem. */
static bool build_pair(builder *b, ls_node *map, int depth, bool *done)
{
    ls_node *key = build_next(b, YAML_MAPPING_END_EVENT, depth + 1, done);
    if (*done) return true;
    if (!key) return false;
    if (key->kind != LS_NODE_SCALAR) {
        char got[64];
        ls_node_describe(key, got, sizeof got);
        report_at(b, key->line, key->column, "expected a key name, got %s", got);
        b->errors++;
    }
    const char *name = key->kind == LS_NODE_SCALAR ? key->text : "?";
    size_t saved = path_push(b, b->path_len ? ".%s" : "%s", name, 0);
    bool end = false;
    ls_node *value = build_next(b, YAML_MAPPING_END_EVENT, depth + 1, &end);
    path_pop(b, saved);
    if (value && key->kind == LS_NODE_SCALAR && ls_node_append(map, key, value)) return true;
    if (value && key->kind == LS_NODE_SCALAR) out_of_memory(b);
    bool go_on = value != NULL && b->fatal == LS_OK; /* a bad key alone is not fatal */
    ls_node_free(key);
    ls_node_free(value);
    return go_on;
}

static ls_node *build_mapping(builder *b, const yaml_event_t *start, int depth)
{
    ls_node *map = new_node(b, LS_NODE_MAPPING, &start->start_mark);
    bool done = false;
    while (map && !done) {
        if (!build_pair(b, map, depth, &done)) {
            ls_node_free(map);
            return NULL;
        }
    }
    if (map && !check_duplicates(b, map)) {
        ls_node_free(map);
        return NULL;
    }
    return map;
}

static ls_node *build_node(builder *b, yaml_event_t *ev, int depth)
{
    if (depth > LS_SOURCE_MAX_DEPTH) {
        size_t saved = b->path_len;
        b->path[b->path_len = 0] = 0; /* the path would be as deep as the problem */
        report_at(b, MARK(ev->start_mark), "nesting deeper than %d levels", LS_SOURCE_MAX_DEPTH);
        b->path[b->path_len = saved] = 0;
        b->fatal = LS_ERR_INPUT;
        return NULL;
    }
    check_properties(b, ev);
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return build_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return build_sequence(b, ev, depth);
    case YAML_MAPPING_START_EVENT:
        return build_mapping(b, ev, depth);
    case YAML_ALIAS_EVENT:
        return build_alias(b, ev);
    default:
        break;
    }
    report_at(b, MARK(ev->start_mark), "unexpected YAML event");
    b->fatal = LS_ERR_INTERNAL;
    return NULL;
}

/* ---- documents ---- */

/* Reads one event and tells whether it has the expected type (stream or document start and
 * end); `mark` receives its position. */
static bool expect_event(builder *b, yaml_event_type_t type, yaml_mark_t *mark)
{
    yaml_event_t ev;
    if (!next_event(b, &ev)) return false;
    bool ok = ev.type == type;
    *mark = ev.start_mark;
    yaml_event_delete(&ev);
    return ok;
}

/* The stream's single document; an empty stream gives a null scalar at its end. */
static ls_node *build_document(builder *b)
{
    yaml_mark_t mark;
    if (!expect_event(b, YAML_STREAM_START_EVENT, &mark)) return NULL;
    if (!expect_event(b, YAML_DOCUMENT_START_EVENT, &mark))
        return b->fatal == LS_OK ? new_node(b, LS_NODE_SCALAR, &mark) : NULL;
    yaml_event_t ev;
    if (!next_event(b, &ev)) return NULL;
    ls_node *root = build_node(b, &ev, 1);
    yaml_event_delete(&ev);
    if (root && expect_event(b, YAML_DOCUMENT_END_EVENT, &mark)) {
        /* Anything but the end of the stream now is a second document. */
        if (expect_event(b, YAML_STREAM_END_EVENT, &mark)) return root;
        if (b->fatal == LS_OK) {
            report_at(b, MARK(mark), "expected one YAML document, got a second one");
            b->fatal = LS_ERR_INPUT;
        }
    }
    ls_node_free(root);
    return NULL;
}

static ls_status run_builder(builder *b, const char *text, size_t len, ls_node **out)
{
    *out = NULL;
    if (!yaml_parser_initialize(&b->parser)) {
        out_of_memory(b);
        return LS_ERR_NOMEM;
    }
    b->input = (const unsigned char *)text;
    b->input_len = len;
    yaml_parser_set_input_string(&b->parser, b->input, len);
    ls_node *root = build_document(b);
    yaml_parser_delete(&b->parser);
    if (!root && b->fatal == LS_OK) { /* libyaml's events broke the YAML grammar */
        ls_diags_add(b->diags, "", "", "internal error: unexpected YAML events");
        b->fatal = LS_ERR_INTERNAL;
    }
    if (b->fatal != LS_OK || b->errors) {
        ls_node_free(root);
        return b->fatal != LS_OK ? b->fatal : LS_ERR_INPUT;
    }
    *out = root;
    return LS_OK;
}

/* ---- sources ---- */

static ls_status root_must_be_mapping(const ls_source *src, ls_diags *diags)
{
    const ls_node *root = src->root;
    if (root->kind == LS_NODE_MAPPING) return LS_OK;
    char where[320], got[128];
    ls_node_where(src, root, where, sizeof where);
    if (ls_node_is_null(root))
        snprintf(got, sizeof got, "an empty document");
    else
        ls_node_describe(root, got, sizeof got);
    ls_diags_add(diags, where, "", "expected a mapping of scenario sections, got %s", got);
    return LS_ERR_INPUT;
}

static ls_status too_large(const char *name, ls_diags *diags)
{
    ls_diags_add(diags, "", "", "%s is larger than %u MiB", name, LS_SOURCE_MAX_BYTES >> 20);
    return LS_ERR_INPUT;
}

ls_status ls_source_parse_string(const char *text, size_t len, const char *name, ls_source **out,
                                 ls_diags *diags)
{
    *out = NULL;
    if (!text) { /* libyaml asserts on a NULL input */
        text = "";
        len = 0;
    }
    if (len > LS_SOURCE_MAX_BYTES) return too_large(name, diags);
    ls_source *src = ls_calloc(1, sizeof *src);
    if (!src || ls_source_add_origin(src, name) < 0) {
        ls_source_free(src);
        ls_diags_add(diags, "", "", "out of memory");
        return LS_ERR_NOMEM;
    }
    builder b = {.src = src, .diags = diags, .origin = 0, .positions = true};
    ls_status st = run_builder(&b, text, len, &src->root);
    if (st == LS_OK) st = root_must_be_mapping(src, diags);
    if (st != LS_OK) {
        ls_source_free(src);
        return st;
    }
    *out = src;
    return LS_OK;
}

ls_status ls_source_parse_value(ls_source *src, const char *text, int origin, const char *path,
                                ls_node **out, ls_diags *diags)
{
    builder b = {.src = src, .diags = diags, .origin = origin, .positions = false};
    snprintf(b.path, sizeof b.path, "%s", path);
    b.path_len = strlen(b.path);
    return run_builder(&b, text, strlen(text), out);
}

/* Reads at most one byte past the limit, so a huge file or endless pipe costs little. */
static ls_status read_all(FILE *f, char **text, size_t *len)
{
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            if (cap > LS_SOURCE_MAX_BYTES + 1) cap = LS_SOURCE_MAX_BYTES + 1;
            char *grown = ls_realloc(buf, cap);
            if (!grown) {
                ls_free(buf);
                return LS_ERR_NOMEM;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0 || n > LS_SOURCE_MAX_BYTES) break;
    }
    if (ferror(f)) {
        ls_free(buf);
        return LS_ERR_IO;
    }
    *text = buf;
    *len = n;
    return LS_OK;
}

static ls_status io_error(const char *path, int err, ls_diags *diags)
{
    char reason[128];
    if (strerror_r(err, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", err);
    ls_diags_add(diags, "", "", "cannot read %s: %s", path, reason);
    return LS_ERR_IO;
}

ls_status ls_source_parse_file(const char *path, ls_source **out, ls_diags *diags)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return io_error(path, errno, diags);
    char *text = NULL;
    size_t len = 0;
    errno = 0;
    ls_status st = read_all(f, &text, &len);
    int err = errno;
    fclose(f);
    if (st == LS_ERR_IO) return io_error(path, err ? err : EIO, diags);
    if (st == LS_ERR_NOMEM) {
        ls_diags_add(diags, "", "", "out of memory");
        return st;
    }
    st = len > LS_SOURCE_MAX_BYTES ? too_large(path, diags)
                                   : ls_source_parse_string(text, len, path, out, diags);
    ls_free(text);
    return st;
}

/* source_tree.c: the nodes of a parsed source: building, finding, describing, copying, freeing. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "source.h"
#include "units.h"

/* ---- nodes ---- */

ls_node *ls_node_new(ls_node_kind kind, int origin)
{
    ls_node *n = ls_calloc(1, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->origin = origin;
    n->plain = true;
    if (kind == LS_NODE_SCALAR) {
        n->text = ls_calloc(1, 1);
        if (!n->text) {
            ls_free(n);
            return NULL;
        }
    }
    return n;
}

ls_node *ls_node_new_scalar(int origin, const char *text, size_t len)
{
    ls_node *n = ls_calloc(1, sizeof *n);
    if (!n) return NULL;
    n->kind = LS_NODE_SCALAR;
    n->origin = origin;
    n->plain = true;
    n->text = ls_malloc(len + 1);
    if (!n->text) {
        ls_free(n);
        return NULL;
    }
    memcpy(n->text, text, len);
    n->text[len] = 0;
    n->len = len;
    return n;
}

void ls_node_free(ls_node *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->count; i++) {
        if (n->keys) ls_node_free(n->keys[i]);
        ls_node_free(n->items[i]);
    }
    ls_free(n->keys);
    ls_free(n->items);
    ls_free(n->text);
    ls_free(n);
}

static bool grow(ls_node *n)
{
    if (n->count < n->cap) return true;
    size_t cap = n->cap ? n->cap * 2 : 4;
    ls_node **items = ls_realloc(n->items, cap * sizeof *items);
    if (!items) return false;
    n->items = items;
    if (n->kind == LS_NODE_MAPPING) {
        ls_node **keys = ls_realloc(n->keys, cap * sizeof *keys);
        if (!keys) return false;
        n->keys = keys;
    }
    n->cap = cap;
    return true;
}

bool ls_node_append(ls_node *parent, ls_node *key, ls_node *value)
{
    if (!grow(parent)) return false;
    if (parent->kind == LS_NODE_MAPPING) parent->keys[parent->count] = key;
    parent->items[parent->count++] = value;
    return true;
}

bool ls_node_is_null(const ls_node *n)
{
    if (!n || n->kind != LS_NODE_SCALAR || !n->plain) return false;
    const char *t = n->text;
    return n->len == 0 || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") ||
           !strcmp(t, "NULL");
}

const ls_node *ls_node_get(const ls_node *map, const char *key)
{
    if (!map || map->kind != LS_NODE_MAPPING) return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < map->count; i++)
        if (map->keys[i]->len == n && memcmp(map->keys[i]->text, key, n) == 0) return map->items[i];
    return NULL;
}

const ls_node *ls_node_item(const ls_node *seq, size_t i)
{
    if (!seq || seq->kind != LS_NODE_SEQUENCE || i >= seq->count) return NULL;
    return seq->items[i];
}

/* ---- describing nodes in messages ---- */

#define QUOTE_MAX 60

void ls_quote(const char *text, size_t len, char *buf, size_t size)
{
    size_t o = 0;
    if (size < 8) {
        if (size) buf[0] = 0;
        return;
    }
    buf[o++] = '"';
    for (size_t i = 0; i < len && o + 8 < size; i++) {
        unsigned char c = (unsigned char)text[i];
        /* Stop on a character boundary: never split a UTF-8 sequence. */
        if (i >= QUOTE_MAX && (c & 0xC0) != 0x80) {
            o += (size_t)snprintf(buf + o, size - o, "...");
            break;
        }
        if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02X", c);
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o++] = '"';
    buf[o] = 0;
}

void ls_node_describe(const ls_node *n, char *buf, size_t size)
{
    if (!n)
        snprintf(buf, size, "nothing");
    else if (n->kind == LS_NODE_MAPPING)
        snprintf(buf, size, "a mapping");
    else if (n->kind == LS_NODE_SEQUENCE)
        snprintf(buf, size, "a sequence");
    else if (ls_node_is_null(n))
        snprintf(buf, size, "an empty value");
    else if (ls_is_number_literal(n->text, n->len) && n->len < 64)
        snprintf(buf, size, "%s", n->text);
    else
        ls_quote(n->text, n->len, buf, size);
}

void ls_node_where(const ls_source *src, const ls_node *n, char *buf, size_t size)
{
    const char *origin = src->origins[n->origin];
    if (n->line > 0)
        snprintf(buf, size, "%s:%d:%d", origin, n->line, n->column);
    else
        snprintf(buf, size, "%s", origin);
}

/* ---- sources ---- */

int ls_source_add_origin(ls_source *src, const char *text)
{
    char **origins = ls_realloc(src->origins, (size_t)(src->origin_count + 1) * sizeof *origins);
    if (!origins) return -1;
    src->origins = origins;
    origins[src->origin_count] = ls_strdup(text);
    if (!origins[src->origin_count]) return -1;
    return src->origin_count++;
}

void ls_source_free(ls_source *src)
{
    if (!src) return;
    ls_node_free(src->root);
    for (int i = 0; i < src->origin_count; i++) ls_free(src->origins[i]);
    ls_free(src->origins);
    ls_free(src);
}

/* ---- copies ---- */

static ls_node *clone_node(const ls_node *n)
{
    ls_node *c = n->kind == LS_NODE_SCALAR ? ls_node_new_scalar(n->origin, n->text, n->len)
                                           : ls_node_new(n->kind, n->origin);
    if (!c) return NULL;
    c->line = n->line;
    c->column = n->column;
    c->plain = n->plain;
    for (size_t i = 0; i < n->count; i++) {
        ls_node *k = n->keys ? clone_node(n->keys[i]) : NULL;
        ls_node *v = clone_node(n->items[i]);
        if (!v || (n->keys && !k) || !ls_node_append(c, k, v)) {
            ls_node_free(k);
            ls_node_free(v);
            ls_node_free(c);
            return NULL;
        }
    }
    return c;
}

ls_source *ls_source_clone(const ls_source *src)
{
    ls_source *c = ls_calloc(1, sizeof *c);
    if (!c) return NULL;
    for (int i = 0; i < src->origin_count; i++) {
        if (ls_source_add_origin(c, src->origins[i]) < 0) {
            ls_source_free(c);
            return NULL;
        }
    }
    c->root = clone_node(src->root);
    if (!c->root) {
        ls_source_free(c);
        return NULL;
    }
    return c;
}

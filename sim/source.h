/* source.h (internal): a YAML document as a tree of nodes that remember where they came from. */
#ifndef LS_INTERNAL_SOURCE_H
#define LS_INTERNAL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "lanesim/scenario.h"

/* Limits that keep hostile input (fuzzers, mistakes) cheap to reject. */
#define LS_SOURCE_MAX_BYTES (16u * 1024u * 1024u)
#define LS_SOURCE_MAX_DEPTH 64
#define LS_SOURCE_MAX_NODES 1000000u

typedef enum ls_node_kind {
    LS_NODE_SCALAR,
    LS_NODE_SEQUENCE,
    LS_NODE_MAPPING,
} ls_node_kind;

typedef struct ls_node ls_node;
struct ls_node {
    ls_node_kind kind;
    int origin;       /* index into the source's origins */
    int line, column; /* 1-based; 0 for nodes of a --set value, which has no positions */
    bool plain;       /* a scalar written without quotes (only those can be null) */
    char *text;       /* scalar: NUL-terminated (may hold escaped NULs: len counts them) */
    size_t len;
    size_t count, cap;
    ls_node **keys;  /* mapping: the key scalars */
    ls_node **items; /* sequence: the items; mapping: the values, parallel to keys */
};

struct ls_source {
    ls_node *root;  /* always a mapping */
    char **origins; /* [0] the file name; then one "--set KEY=VALUE" per override */
    int origin_count;
};

/* "file:line:column", or the --set text for a node that came from an override. */
void ls_node_where(const ls_source *src, const ls_node *n, char *buf, size_t size);

/* A plain empty, "~" or "null" scalar: a key written without a value. */
bool ls_node_is_null(const ls_node *n);

/* The value of `key` in a mapping, the i-th item of a sequence: NULL if absent or n is NULL. */
const ls_node *ls_node_get(const ls_node *map, const char *key);
const ls_node *ls_node_item(const ls_node *seq, size_t i);

/* What a node is, for "got ..." in messages: `a mapping`, `a sequence`, `an empty value`, a
 * number as written (1.7) or any other scalar quoted and escaped ("four"). */
void ls_node_describe(const ls_node *n, char *buf, size_t size);

/* Building and changing trees (source.c; ls_source_set uses them). */
ls_node *ls_node_new(ls_node_kind kind, int origin);
ls_node *ls_node_new_scalar(int origin, const char *text, size_t len);
bool ls_node_append(ls_node *parent, ls_node *key, ls_node *value); /* key NULL for sequences */
void ls_node_free(ls_node *n);
int ls_source_add_origin(ls_source *src, const char *text); /* its index; -1 out of memory */

/* Parses a --set VALUE as a one-line YAML document (empty: a null scalar) whose nodes carry
 * `origin` and no positions; `path` prefixes the paths of problems found inside it. */
ls_status ls_source_parse_value(ls_source *src, const char *text, int origin, const char *path,
                                ls_node **out, ls_diags *diags);

/* `"text"` with quotes, backslashes and control characters escaped, shortened past ~60 bytes. */
void ls_quote(const char *text, size_t len, char *buf, size_t size);

#endif

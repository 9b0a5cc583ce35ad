/* alloc.h (internal): allocation through the replaceable allocator of lanesim/alloc.h. */
#ifndef LS_INTERNAL_ALLOC_H
#define LS_INTERNAL_ALLOC_H

#include <stddef.h>

#include "lanesim/alloc.h"

void *ls_malloc(size_t size);
void *ls_calloc(size_t count, size_t size); /* zeroed; NULL on overflow of count * size */
void *ls_realloc(void *ptr, size_t size);
void ls_free(void *ptr);
char *ls_strdup(const char *s);
/* Makes room for one more element in a growable array (*cap doubles, from `first`). 0 or -1. */
int ls_grow(void **ptr, size_t *cap, size_t count, size_t elem, size_t first);

#endif

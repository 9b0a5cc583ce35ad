/* alloc.c: the replaceable allocator. */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *default_alloc(size_t size, void *user)
{
    (void)user;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *user)
{
    (void)user;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *user)
{
    (void)user;
    free(ptr);
}

/* The one piece of process-wide state: an allocator is a property of the process, not a world. */
static ls_alloc_fn *g_alloc = default_alloc;
static ls_realloc_fn *g_realloc = default_realloc;
static ls_free_fn *g_free = default_free;
static void *g_user;

void ls_set_allocator(ls_alloc_fn *alloc, ls_realloc_fn *realloc_fn, ls_free_fn *free_fn,
                      void *user)
{
    g_alloc = alloc ? alloc : default_alloc;
    g_realloc = realloc_fn ? realloc_fn : default_realloc;
    g_free = free_fn ? free_fn : default_free;
    g_user = user;
}

void *ls_malloc(size_t size)
{
    return g_alloc(size ? size : 1, g_user);
}

void *ls_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    void *p = ls_malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

void *ls_realloc(void *ptr, size_t size)
{
    return g_realloc(ptr, size ? size : 1, g_user);
}

void ls_free(void *ptr)
{
    if (ptr) g_free(ptr, g_user);
}

char *ls_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = ls_malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

int ls_grow(void **ptr, size_t *cap, size_t count, size_t elem, size_t first)
{
    if (count < *cap) return 0;
    size_t n = *cap ? 2 * *cap : first;
    if (n < *cap || n > SIZE_MAX / elem) return -1;
    void *p = ls_realloc(*ptr, n * elem);
    if (!p) return -1;
    *ptr = p;
    *cap = n;
    return 0;
}

/* alloc.h: the allocator every allocation of the library goes through (tests inject failures). */
#ifndef LANESIM_ALLOC_H
#define LANESIM_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void *ls_alloc_fn(size_t size, void *user);
typedef void *ls_realloc_fn(void *ptr, size_t size, void *user);
typedef void ls_free_fn(void *ptr, void *user);

/* Replaces the allocator (NULL functions restore malloc/realloc/free). Not thread-safe: call it
 * before creating any world. libyaml's and GSL's internal allocations do not go through it. */
void ls_set_allocator(ls_alloc_fn *alloc, ls_realloc_fn *realloc_fn, ls_free_fn *free_fn,
                      void *user);

#ifdef __cplusplus
}
#endif
#endif

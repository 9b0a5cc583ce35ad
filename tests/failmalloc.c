/* failmalloc.c: an LD_PRELOAD shim for tests: malloc, calloc and realloc fail from the
 * LS_FAIL_AT-th call on; with LS_FAIL_REPORT=FILE the number of calls is written there at exit. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc's own allocator, which this shim forwards to. */
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void __libc_free(void *ptr);

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

static long g_calls, g_fail_at = -1;

/* getenv does not allocate, so it is safe here, even before main. */
static int fails(void)
{
    if (g_fail_at < 0) {
        const char *at = getenv("LS_FAIL_AT");
        g_fail_at = at ? atol(at) : 0;
    }
    g_calls++;
    if (!g_fail_at || g_calls < g_fail_at) return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t size)
{
    return fails() ? NULL : __libc_malloc(size);
}

void *calloc(size_t count, size_t size)
{
    return fails() ? NULL : __libc_calloc(count, size);
}

void *realloc(void *ptr, size_t size)
{
    return fails() ? NULL : __libc_realloc(ptr, size);
}

void free(void *ptr)
{
    __libc_free(ptr);
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("LS_FAIL_REPORT");
    if (!path) return;
    char text[32];
    int n = snprintf(text, sizeof text, "%ld\n", g_calls);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    if (write(fd, text, (size_t)n) != n) text[0] = 0;
    close(fd);
}

/* outfile.c: output files written whole or not at all. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Open temporaries, so that an interrupted run can remove them all. The command line, not the
 * engine, owns this: one process, one list. */
#define MAX_OPEN 16
static ls_outfile *g_open[MAX_OPEN];

static void track(ls_outfile *o, int on)
{
    for (int i = 0; i < MAX_OPEN; i++) {
        if (on && !g_open[i]) {
            g_open[i] = o;
            return;
        }
        if (!on && g_open[i] == o) g_open[i] = NULL;
    }
}

static void release(ls_outfile *o)
{
    track(o, 0);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

/* Where the file really goes. An existing path that is not a regular file (a device such as
 * /dev/null or /dev/full, a pipe, /dev/stdout) is written directly: renaming a temporary onto it
 * would replace the device node itself (as root, even /dev/null). A symbolic link to a file is
 * followed, so that the rename replaces the file and not the link. */
static char *target(const char *path, int *direct)
{
    struct stat st;
    *direct = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    char *real = NULL;
    if (!*direct && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) real = realpath(path, NULL);
    if (real) return real;
    real = malloc(strlen(path) + 1);
    if (real) strcpy(real, path);
    return real;
}

int ls_outfile_open(ls_outfile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    int direct = 0;
    o->path = target(path, &direct);
    size_t n = o->path ? strlen(o->path) + 32 : 0;
    o->tmp = direct || !o->path ? NULL : malloc(n);
    if (!o->path || (!direct && !o->tmp)) {
        release(o);
        errno = ENOMEM;
        return -1;
    }
    if (o->tmp) snprintf(o->tmp, n, "%s.tmp.%ld", o->path, (long)getpid());
    o->f = fopen(o->tmp ? o->tmp : o->path, "wb");
    if (!o->f) {
        int e = errno;
        release(o);
        errno = e;
        return -1;
    }
    track(o, 1);
    return 0;
}

int ls_outfile_check(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    int direct = 0;
    char *real = target(path, &direct);
    if (!real) {
        errno = ENOMEM;
        return -1;
    }
    /* Opening a pipe to test it would wait for a reader: its permission is enough. */
    int rc = direct ? access(real, W_OK) : 0;
    size_t n = strlen(real) + 40;
    char *tmp = direct ? NULL : malloc(n);
    if (!direct && !tmp) {
        errno = ENOMEM;
        rc = -1;
    } else if (tmp) {
        snprintf(tmp, n, "%s.check.%ld", real, (long)getpid());
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        rc = fd < 0 ? -1 : 0;
        int e = errno;
        if (fd >= 0) close(fd), unlink(tmp);
        errno = e;
    }
    free(tmp);
    free(real);
    return rc;
}

/* Shortens `p` in place to its nearest part that exists (p itself if it does). */
static int existing_ancestor(char *p, struct stat *st)
{
    while (stat(p, st) != 0) {
        if (errno != ENOENT || strcmp(p, ".") == 0) return -1;
        char *slash = strrchr(p, '/');
        while (slash && slash != p && slash[1] == 0) {
            *slash = 0;
            slash = strrchr(p, '/');
        }
        if (!slash)
            strcpy(p, ".");
        else
            slash[slash == p] = 0; /* "/x" becomes "/" */
    }
    return 0;
}

int ls_outfile_check_dir(const char *dir)
{
    char *p = malloc(strlen(dir) + 2);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    strcpy(p, *dir ? dir : ".");
    struct stat st;
    int rc = existing_ancestor(p, &st);
    if (!rc && !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        rc = -1;
    }
    if (!rc) rc = access(p, W_OK | X_OK);
    int e = errno;
    free(p);
    errno = e;
    return rc;
}

int ls_outfile_failed(ls_outfile *o)
{
    if (!o->err && o->f && ferror(o->f)) o->err = errno ? errno : EIO;
    return o->err != 0;
}

/* Removes the temporary after a failure, keeping errno. */
static int fail(ls_outfile *o, int e)
{
    if (o->f) fclose(o->f);
    o->f = NULL;
    if (o->tmp) unlink(o->tmp);
    release(o);
    errno = e ? e : EIO;
    return -1;
}

int ls_outfile_finish(ls_outfile *o)
{
    if (o->finished) return 0;
    if (ls_outfile_failed(o)) return fail(o, o->err);
    errno = 0;
    if (fflush(o->f) != 0 || ferror(o->f)) return fail(o, errno);
    /* Devices and pipes cannot be synced (EINVAL); their data is wherever they send it. */
    if (o->tmp && fsync(fileno(o->f)) != 0) return fail(o, errno);
    int closed = fclose(o->f);
    int e = errno;
    o->f = NULL;
    if (closed != 0) return fail(o, e);
    o->finished = 1;
    return 0;
}

int ls_outfile_commit(ls_outfile *o)
{
    if (ls_outfile_finish(o) != 0) return -1;
    if (o->tmp && rename(o->tmp, o->path) != 0) return fail(o, errno);
    release(o);
    return 0;
}

void ls_outfile_abort(ls_outfile *o)
{
    if (o->f) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    release(o);
}

void ls_outfile_abort_all(void)
{
    for (int i = 0; i < MAX_OPEN; i++)
        if (g_open[i]) ls_outfile_abort(g_open[i]);
}

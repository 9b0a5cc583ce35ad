/* outfile.c: output files written whole or not at all. */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

int ls_outfile_open(ls_outfile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    size_t n = strlen(path) + 32;
    o->path = malloc(strlen(path) + 1);
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        errno = ENOMEM;
        return -1;
    }
    strcpy(o->path, path);
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "wb");
    if (!o->f) {
        int e = errno;
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        errno = e;
        return -1;
    }
    track(o, 1);
    return 0;
}

int ls_outfile_commit(ls_outfile *o)
{
    int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0;
    int e = errno;
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (!bad && rename(o->tmp, o->path) != 0) bad = 1, e = errno;
    if (bad) {
        unlink(o->tmp);
        errno = e ? e : EIO;
    }
    track(o, 0);
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return bad ? -1 : 0;
}

void ls_outfile_abort(ls_outfile *o)
{
    if (o->f) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    track(o, 0);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

void ls_outfile_abort_all(void)
{
    for (int i = 0; i < MAX_OPEN; i++)
        if (g_open[i]) ls_outfile_abort(g_open[i]);
}

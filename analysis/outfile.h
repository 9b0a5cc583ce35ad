/* outfile.h: output files written whole or not at all (a temporary file, then rename). */
#ifndef LS_OUTFILE_H
#define LS_OUTFILE_H

#include <stdio.h>

typedef struct ls_outfile {
    FILE *f;
    char *path;   /* final name */
    char *tmp;    /* temporary name in the same directory, so rename is atomic; NULL when the
                     path is a device or pipe (/dev/stdout, /dev/null), written directly */
    int err;      /* errno of the first failed write, 0 while every write has succeeded */
    int finished; /* ls_outfile_finish has closed the temporary, which awaits its rename */
} ls_outfile;

/* Opens a temporary file beside `path` (or `path` itself when it is not a regular file: a
 * rename would replace the device). Returns 0, or -1 with errno set. */
int ls_outfile_open(ls_outfile *o, const char *path);
/* Nonzero once a write has failed; the errno of the first failure is kept in o->err. Cheap:
 * call it after writing to stop early on a full disk. */
int ls_outfile_failed(ls_outfile *o);
/* Flushes, syncs and closes the temporary, which stays until ls_outfile_commit renames it, so
 * that several files can be checked before any is renamed. Returns 0, or -1 with errno (the
 * temporary is removed). */
int ls_outfile_finish(ls_outfile *o);
/* Finishes the file if needed and renames it into place. Returns 0, or -1 with errno (the
 * temporary is removed). */
int ls_outfile_commit(ls_outfile *o);
/* Closes and removes the temporary. Safe on a file never opened. */
void ls_outfile_abort(ls_outfile *o);
/* Checks, before any work, that `path` can be written as ls_outfile_open would write it: a
 * temporary beside it is created and removed at once (no file is left), a device or pipe must
 * be writable. Returns 0, or -1 with errno (EISDIR for a directory). */
int ls_outfile_check(const char *path);
/* Checks that the directory `dir` exists and is writable, or could be created (its nearest
 * existing ancestor is a writable directory); creates nothing. Returns 0, or -1 with errno. */
int ls_outfile_check_dir(const char *dir);
/* Removes every temporary still open (for a clean exit on a signal or an error). */
void ls_outfile_abort_all(void);

#endif

/* outfile.h: output files written whole or not at all (a temporary file, then rename). */
#ifndef LS_OUTFILE_H
#define LS_OUTFILE_H

#include <stdio.h>

typedef struct ls_outfile {
    FILE *f;
    char *path; /* final name */
    char *tmp;  /* temporary name in the same directory, so rename is atomic */
} ls_outfile;

/* Opens a temporary file beside `path`. Returns 0, or -1 with errno set. */
int ls_outfile_open(ls_outfile *o, const char *path);
/* Flushes, syncs and renames into place. Returns 0, or -1 (the temporary is removed). */
int ls_outfile_commit(ls_outfile *o);
/* Closes and removes the temporary. Safe on a file never opened. */
void ls_outfile_abort(ls_outfile *o);
/* Removes every temporary still open (for a clean exit on a signal or an error). */
void ls_outfile_abort_all(void);

#endif

/* diag.h: status codes and the list of input problems the library reports. */
#ifndef LANESIM_DIAG_H
#define LANESIM_DIAG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible call returns one of these. The values of LS_ERR_INPUT (2) and LS_ERR_IO (1)
 * match the command line's exit statuses so a driver can return them directly. */
typedef enum ls_status {
    LS_OK = 0,
    LS_ERR_IO = 1,       /* a file could not be read or written */
    LS_ERR_INPUT = 2,    /* the scenario, a --set value or an argument is wrong */
    LS_ERR_NOMEM = 3,    /* an allocation failed */
    LS_ERR_LIMIT = 4,    /* the scenario asks for more than the documented limits */
    LS_ERR_INTERNAL = 5, /* an invariant broke: a bug, reported rather than hidden */
} ls_status;

/* Exit status the command line uses for a status: 0 ok, 2 bad input, 1 anything else. */
int ls_status_exit_code(ls_status s);
const char *ls_status_name(ls_status s);

#define LS_DIAG_MAX 64

/* One problem. `where` says where the offending text came from: "file:line:column" (1-based)
 * for a file, "--set KEY=VALUE" for an override, or "" when there is no text (for example a
 * problem found when building the world). `path` is the dotted key path ("road.lanes",
 * "vehicles[1].share"), or "" when the problem is not tied to a key. */
typedef struct ls_diag {
    char where[320];
    char path[160];
    char message[320];
} ls_diag;

/* A bounded list of problems; past LS_DIAG_MAX further ones are counted in `dropped`. */
typedef struct ls_diags {
    int count;
    int dropped;
    ls_diag items[LS_DIAG_MAX];
} ls_diags;

void ls_diags_clear(ls_diags *d);

/* Appends a problem (printf-style message). Safe with d == NULL (then it only returns). */
void ls_diags_add(ls_diags *d, const char *where, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Formats one problem as the single line the command line prints, without a newline:
 *   "file:line:column: key.path: message"        (where is a file position)
 *   "lanesim: --set K=V: message"                 (where is an override of key K itself)
 *   "lanesim: --set K=V: key.path: message"       (an override, problem at another path)
 *   "lanesim: key.path: message" / "lanesim: message" (no text to point at)
 * Returns the length it wanted to write (like snprintf). */
int ls_diag_format(const ls_diag *d, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif

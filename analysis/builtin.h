/* builtin.h: the scenarios of scenarios/, compiled into the program. */
#ifndef LS_BUILTIN_H
#define LS_BUILTIN_H

#include <stddef.h>

typedef struct ls_builtin_scenario {
    const char *name; /* file name without .yaml */
    const char *text;
    size_t len;
} ls_builtin_scenario;

extern const ls_builtin_scenario ls_builtin_scenarios[]; /* ends with a NULL name */

/* The scenario `lanesim run` uses without a file. */
#define LS_DEFAULT_SCENARIO "us101-sr92"

const ls_builtin_scenario *ls_builtin_find(const char *name);

/* The name problems in a built-in scenario are reported under: "scenarios/NAME.yaml", the file
 * it was compiled from. */
const char *ls_builtin_path(const ls_builtin_scenario *b, char *buf, size_t size);

#endif

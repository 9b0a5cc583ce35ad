/* support.h: helpers shared by the test programs. */
#ifndef LS_TEST_SUPPORT_H
#define LS_TEST_SUPPORT_H

#include <stddef.h>

/* Absolute path of a file in the source tree, e.g. ls_test_src("tests/data/x.yaml"). */
const char *ls_test_src(const char *relative);
/* Absolute path of the built `lanesim` command. */
const char *ls_test_cli(void);
/* Reads a whole file (NUL-terminated, malloc'd); NULL on failure. */
char *ls_test_read(const char *path, size_t *len);
/* Runs a shell command, captures stdout and stderr (malloc'd) and returns the exit status. */
int ls_test_run(const char *command, char **out, char **err);

/* Loads YAML text named `name` and expects LS_ERR_INPUT with exactly n problems, the i-th
 * starting with want[i] (file:line:column: key.path: message). */
void ls_test_expect_problems(const char *name, const char *yaml, const char *const *want, int n);

/* Writes `text` to /tmp/lstest-TAG-PID.yaml and returns its path (valid for the next seven
 * calls); fails the test if it cannot. */
const char *ls_test_temp_file(const char *tag, const char *text);

#endif

#include "lanesim/lanesim.h"

/* Loads a scenario from YAML text plus overrides; fails the test on any problem. */
void ls_test_scenario(const char *yaml, const char *const *sets, int set_count, ls_scenario *out);

/* Loads a scenario file of the source tree (e.g. "scenarios/ring.yaml") plus overrides; fails
 * the test on any problem. */
void ls_test_scenario_file(const char *relative, const char *const *sets, int set_count,
                           ls_scenario *out);

/* Creates the world of a scenario; fails the test if it cannot. */
ls_world *ls_test_world(const ls_scenario *s);

/* Steps the world to its end, checking every invariant (ls_world_check) at the start and every
 * `every` steps; a failure names the simulated time. */
void ls_test_run_checked(ls_world *w, int every);

/* A classic ring (7.5 m cells, 1-cell cars, acceleration 1) with vmax cells/step, slowdown p,
 * density rho, `cells` cells, and the given rule. */
void ls_test_ring(ls_scenario *s, int vmax, double p, double rho, int cells, const char *rule);

/* Mean flow J (veh per step, space-averaged) over `steps` steps after `warmup` steps, with the
 * standard error of that mean from `batches` batch means. Checks invariants every
 * `check_every` steps (0: never) and fails the test if one breaks. */
typedef struct ls_test_flow {
    double mean, stderr_mean;
} ls_test_flow;
ls_test_flow ls_test_ring_flow(const ls_scenario *s, int warmup, int steps, int batches,
                               int check_every);

/* cli_common.h: the command-line glue every command that loads a scenario shares, `lanesim view`
 * included: the options SCENARIO, --set, --seed, --duration, --quiet and --help, loading the
 * scenario with its diagnostics, and messages. It needs the engine only (no cJSON, threads or
 * MPI), so the viewer links it without the rest of the lanesim command. */
#ifndef LS_CLI_COMMON_H
#define LS_CLI_COMMON_H

#include <getopt.h>
#include <signal.h>

#include "lanesim/lanesim.h"

#define LS_CLI_MAX_SETS 256

/* Options common to every subcommand that loads a scenario (docs/cli.md). */
typedef struct ls_cli_common {
    const char *scenario; /* path, or NULL for the built-in default */
    const char *sets[LS_CLI_MAX_SETS];
    int set_count;
    const char *seed;     /* --seed, as typed */
    const char *duration; /* --duration, as typed */
    int quiet;
} ls_cli_common;

/* Option codes for getopt_long of the shared options (values above any character). A command's
 * own codes start at LS_OPT_COMMON_END or above. */
enum {
    LS_OPT_SET = 1000,
    LS_OPT_SEED,
    LS_OPT_DURATION,
    LS_OPT_QUIET,
    LS_OPT_HELP,
    LS_OPT_COMMON_END,
};

/* The getopt_long entries of the shared options, first in each command's table, so that every
 * command spells them alike. */
/* clang-format off */
#define LS_CLI_COMMON_OPTIONS                                                                     \
    {"set", required_argument, 0, LS_OPT_SET},                                                    \
    {"seed", required_argument, 0, LS_OPT_SEED},                                                  \
    {"duration", required_argument, 0, LS_OPT_DURATION},                                          \
    {"quiet", no_argument, 0, LS_OPT_QUIET},                                                      \
    {"help", no_argument, 0, LS_OPT_HELP}
/* clang-format on */

/* Handles a shared option; returns 1 if it was one, 0 if not, -1 (message printed) if bad. */
int ls_cli_common_option(ls_cli_common *c, int opt, const char *arg);

/* After getopt_long: takes the optional SCENARIO operand; any further operand is an error.
 * Returns 0, or 2 with the message printed ("lanesim CMD: unexpected argument ..."). */
int ls_cli_scenario_operand(ls_cli_common *c, int argc, char **argv, const char *cmd);

/* Loads the scenario with every override; prints each problem as one line on stderr.
 * Returns 0, or the exit status (2 bad input, 1 I/O). */
int ls_cli_load(const ls_cli_common *c, ls_scenario *out);

/* Creates the world of a loaded scenario, printing any problem. Returns 0 or the exit status. */
int ls_cli_create_world(const ls_scenario *s, ls_world **out);

/* Prints every diagnostic, one line each, on stderr. */
void ls_cli_print_diags(const ls_diags *d);

/* "lanesim CMD: message" on stderr; returns `status` for `return ls_cli_fail(...)`. */
int ls_cli_fail(int status, const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Parses a strictly positive number of the whole string; returns 0 on success. */
int ls_cli_parse_positive(const char *s, double *out);

/* Wall-clock seconds since an arbitrary origin (monotonic). */
double ls_cli_now(void);

/* A progress line on stderr when stderr is a terminal, after the work has taken a second. */
typedef struct ls_progress {
    int enabled;
    double start, last;
} ls_progress;

void ls_progress_begin(ls_progress *p, int quiet);
void ls_progress_update(ls_progress *p, double done_fraction, const char *rate_text);
void ls_progress_end(ls_progress *p);

/* Set by SIGINT/SIGTERM; long loops poll it and stop cleanly. */
extern volatile sig_atomic_t ls_cli_interrupted;
void ls_cli_catch_signals(void);

#endif

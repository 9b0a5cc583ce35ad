/* cli.h: what the subcommands of lanesim share: the glue of cli_common.h, and progress, clock
 * and signals. */
#ifndef LS_CLI_H
#define LS_CLI_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_common.h"
#include "lanesim/lanesim.h"

/* The lanesim command's own option codes (the shared ones are in cli_common.h). */
enum {
    LS_OPT_FORMAT = LS_OPT_COMMON_END,
    LS_OPT_OUT,
    LS_OPT_TRAJECTORIES,
    LS_OPT_SAMPLE,
    LS_OPT_CASE,
    LS_OPT_REPEATS,
};

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

/* Subcommands. */
int ls_cmd_run(int argc, char **argv);
int ls_cmd_validate(int argc, char **argv);
int ls_cmd_bench(int argc, char **argv);
int ls_cmd_sweep(int argc, char **argv);
int ls_cmd_merge(int argc, char **argv);
int ls_cmd_compare(int argc, char **argv);
int ls_cmd_plot(int argc, char **argv);

#endif

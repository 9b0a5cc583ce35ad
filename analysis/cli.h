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

/* Subcommands. */
int ls_cmd_run(int argc, char **argv);
int ls_cmd_validate(int argc, char **argv);
int ls_cmd_bench(int argc, char **argv);
int ls_cmd_sweep(int argc, char **argv);
int ls_cmd_merge(int argc, char **argv);
int ls_cmd_compare(int argc, char **argv);
int ls_cmd_plot(int argc, char **argv);

#endif

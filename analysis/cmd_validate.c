/* cmd_validate.c: `lanesim validate`: check a scenario and report every problem. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char validate_help[] =
    "usage: lanesim validate [SCENARIO] [--set KEY=VALUE]...\n"
    "Loads and checks a scenario (the built-in default without SCENARIO), prints every problem\n"
    "as file:line:column: key.path: message, and exits 0 (valid) or 2 (problems found).\n";

int ls_cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {LS_CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
    ls_cli_common c;
    memset(&c, 0, sizeof c);
    opterr = 0;
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        int r = ls_cli_common_option(&c, opt, optarg);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (opt == LS_OPT_HELP) {
            fputs(validate_help, stdout);
            return 0;
        }
        if (opt == ':') return ls_cli_fail(2, "validate", "%s: expected a value", argv[optind - 1]);
        return ls_cli_fail(2, "validate", "unknown option %s", argv[optind - 1]);
    }
    ls_scenario s;
    int rc = ls_cli_scenario_operand(&c, argc, argv, "validate");
    if (rc || (rc = ls_cli_load(&c, &s)) != 0) return rc;
    /* Building the world finds what only the grid shows (speeds that round to 0 cells, roads
     * past the limits). */
    ls_world *w;
    if ((rc = ls_cli_create_world(&s, &w)) != 0) return rc;
    ls_world_destroy(w);
    if (!c.quiet) printf("%s: ok\n", c.scenario ? c.scenario : "(built-in default)");
    return 0;
}

/* main.c: the `lanesim` command: dispatch to the subcommands. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: lanesim COMMAND [options]\n"
    "A multi-lane cellular-automaton freeway traffic simulator.\n\n"
    "commands:\n"
    "  run [SCENARIO]       simulate headless; per-lane table, JSON and output files\n"
    "  validate [SCENARIO]  check a scenario and report every problem\n"
    "  bench                the standard performance cases\n"
    "  view [SCENARIO]      watch it live in a window, or --screenshot FILE.png --at S\n"
    "  sweep [SCENARIO]     parameter grids and replications on every core, one CSV row a run\n"
    "  merge OUT PARTS...   join the rows files of a sweep run in shards\n"
    "  compare [SCENARIO]   commute strategies side by side: probe vehicles, paired, with CIs\n"
    "  plot KIND INPUT.csv  pictures of the outputs, drawn by gnuplot, with their scripts\n"
    "  help COMMAND         the options of a command\n\n"
    "Run `lanesim COMMAND --help` for a command's options. Exit status: 0 success,\n"
    "1 runtime failure, 2 bad input.\n";

/* `lanesim view` runs the viewer program installed beside this one (render/, LS_VIEW_PROGRAM),
 * so that lanesim itself loads none of SDL's seventy-odd libraries for every other command. */
static int view_command(int argc, char **argv)
{
    (void)argc;
#ifdef LS_VIEW_PROGRAM
    char path[4096];
    /* Room is left for a program name longer than "lanesim". */
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - sizeof LS_VIEW_PROGRAM - 1);
    if (n > 0) path[n] = 0;
    char *slash = n > 0 ? strrchr(path, '/') : NULL;
    if (!slash)
        return ls_cli_fail(1, "view", "cannot find the lanesim program: %s", strerror(errno));
    strcpy(slash + 1, LS_VIEW_PROGRAM);
    argv[0] = path;
    execv(path, argv);
    return ls_cli_fail(1, "view", "%s: %s", path, strerror(errno));
#else
    (void)argv;
    return ls_cli_fail(2, "view",
                       "this lanesim was built without the viewer; configure with "
                       "-DLANESIM_VIEW=ON (needs SDL2, SDL2_ttf and SDL2_image)");
#endif
}

typedef struct command {
    const char *name;
    int (*fn)(int, char **);
} command;

static const command commands[] = {{"run", ls_cmd_run},     {"validate", ls_cmd_validate},
                                   {"bench", ls_cmd_bench}, {"sweep", ls_cmd_sweep},
                                   {"merge", ls_cmd_merge}, {"view", view_command},
                                   {"compare", ls_cmd_compare}, {"plot", ls_cmd_plot}};

static const command *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("lanesim %s\n", LANESIM_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "help")) {
        if (argc < 3) {
            fputs(usage, stdout);
            return 0;
        }
        const command *c = find(argv[2]);
        if (!c) return ls_cli_fail(2, NULL, "unknown command '%s' (see lanesim --help)", argv[2]);
        char *args[] = {argv[2], "--help", NULL};
        return c->fn(2, args);
    }
    const command *c = find(argv[1]);
    if (!c) return ls_cli_fail(2, NULL, "unknown command '%s' (see lanesim --help)", argv[1]);
    return c->fn(argc - 1, argv + 1);
}

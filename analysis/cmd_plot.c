/* cmd_plot.c: `lanesim plot KIND INPUT`: a picture of lanesim's output drawn by gnuplot, with
 * the gnuplot script and its data written beside it so that it can be restyled and redrawn. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "plot.h"

static const char plot_help[] =
    "usage: lanesim plot KIND INPUT.csv [-o FILE.png] [options]\n"
    "Draws a picture of lanesim's output with gnuplot; FILE.gp (the script) and FILE.dat (its\n"
    "data) are written beside FILE.png, to restyle and redraw with `gnuplot FILE.gp`.\n\n"
    "kinds:\n"
    "  spacetime   position against time per lane: vehicle tracks coloured by speed from\n"
    "              `run --trajectories`, or a speed heat map from speed_field.csv\n"
    "  lanes       speed heat maps of every lane side by side (speed_field.csv)\n"
    "  fd          flow against density per lane (a sweep's CSV), or flow against occupancy\n"
    "              (detectors.csv), the capacity of each lane marked\n"
    "  traveltime  travel time against departure time, per strategy (`compare\n"
    "              --by-departure`) or per origin and destination (trips.csv)\n"
    "  meters      ramp meters over time (meters.csv): commanded and released rate, queue,\n"
    "              and for ALINEA the occupancy against its target\n\n"
    "  -o FILE              the picture (default KIND.png); .png, .svg or .pdf\n"
    "  --format png|svg|pdf picture format (default: from -o, else png)\n"
    "  --size WxH           picture size in pixels (PDF: hundredths of an inch)\n"
    "  --title TEXT         the title (default: what is drawn, and the scenario's name)\n"
    "  --scenario FILE      the run's scenario: its name, start time, ramps and detectors\n"
    "  --set PATH=VALUE     an override of --scenario, as given to the run (repeatable)\n"
    "  --start-time HH:MM   the time of day at t = 0 (default: the scenario's start_time)\n"
    "  --lane N             spacetime: one lane only (default: every mainline lane)\n"
    "  --detector NAME      fd from detectors.csv: one detector only (default: all)\n"
    "  --bin S              traveltime from trips.csv: departure bins of the mean, s (300)\n"
    "  --ramp NAME          meters: that ramp only (default: every metered ramp)\n";

enum {
    OPT_O = 'o',
    OPT_SIZE = LS_OPT_COMMON_END + 100,
    OPT_TITLE,
    OPT_SCENARIO,
    OPT_START,
    OPT_LANE,
    OPT_DETECTOR,
    OPT_BIN,
    OPT_RAMP,
};

typedef struct plot_opts {
    const char *out, *format, *scenario, *start;
    const char *kind, *input;
    ls_cli_common common; /* --set overrides of --scenario */
} plot_opts;

static int parse_size(const char *s, plot_job *j)
{
    char *end;
    long w = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X')) return -1;
    const char *h_text = end + 1;
    long h = strtol(h_text, &end, 10);
    if (end == h_text || *end || w < 100 || h < 100 || w > 20000 || h > 20000) return -1;
    j->width = (int)w;
    j->height = (int)h;
    return 0;
}

static int parse_lane(const char *s, plot_job *j)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || *end || n < 1 || n > LS_MAX_LANES + LS_MAX_RAMPS) return -1;
    j->lane = (int)n;
    return 0;
}

/* HH:MM or HH:MM:SS, as the time of day at t = 0. */
static int parse_clock(const char *s, double *out)
{
    int h, m, sec = 0;
    char extra;
    if (sscanf(s, "%2d:%2d:%2d%c", &h, &m, &sec, &extra) != 3) {
        sec = 0;
        if (sscanf(s, "%2d:%2d%c", &h, &m, &extra) != 2) return -1;
    }
    if (h < 0 || h > 47 || m < 0 || m > 59 || sec < 0 || sec > 59) return -1;
    *out = h * 3600.0 + m * 60.0 + sec;
    return 0;
}

static int plot_option(int c, const char *arg, plot_opts *o, plot_job *j)
{
    switch (c) {
    case OPT_O:
        o->out = arg;
        return 0;
    case LS_OPT_FORMAT:
        o->format = arg;
        return 0;
    case OPT_SIZE:
        return parse_size(arg, j) ? ls_cli_fail(2, "plot",
                                                "--size %s: expected WIDTHxHEIGHT in pixels, "
                                                "each from 100 to 20000",
                                                arg)
                                  : 0;
    case OPT_TITLE:
        j->title = arg;
        return 0;
    case OPT_SCENARIO:
        o->scenario = arg;
        return 0;
    case OPT_START:
        o->start = arg;
        return parse_clock(arg, &j->start_s)
                   ? ls_cli_fail(2, "plot", "--start-time %s: expected HH:MM or HH:MM:SS", arg)
                   : 0;
    case OPT_LANE:
        return parse_lane(arg, j)
                   ? ls_cli_fail(2, "plot", "--lane %s: expected a lane number from 1", arg)
                   : 0;
    case OPT_DETECTOR:
        j->detector = arg;
        return 0;
    case OPT_RAMP:
        j->ramp = arg;
        return 0;
    case LS_OPT_SET:
        return ls_cli_common_option(&o->common, c, arg) < 0 ? 2 : 0;
    case OPT_BIN:
        return ls_cli_parse_positive(arg, &j->bin_s)
                   ? ls_cli_fail(2, "plot", "--bin %s: expected a positive number of seconds", arg)
                   : 0;
    default:
        return -1;
    }
}

static int parse_plot(int argc, char **argv, plot_opts *o, plot_job *j)
{
    static const struct option opts[] = {{"out", required_argument, 0, OPT_O},
                                         {"format", required_argument, 0, LS_OPT_FORMAT},
                                         {"size", required_argument, 0, OPT_SIZE},
                                         {"title", required_argument, 0, OPT_TITLE},
                                         {"scenario", required_argument, 0, OPT_SCENARIO},
                                         {"start-time", required_argument, 0, OPT_START},
                                         {"lane", required_argument, 0, OPT_LANE},
                                         {"detector", required_argument, 0, OPT_DETECTOR},
                                         {"bin", required_argument, 0, OPT_BIN},
                                         {"ramp", required_argument, 0, OPT_RAMP},
                                         {"set", required_argument, 0, LS_OPT_SET},
                                         {"help", no_argument, 0, LS_OPT_HELP},
                                         {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
        if (c == LS_OPT_HELP) {
            fputs(plot_help, stdout);
            return -1;
        }
        if (c == ':') return ls_cli_fail(2, "plot", "%s: expected a value", argv[optind - 1]);
        int rc = plot_option(c, optarg, o, j);
        if (rc > 0) return rc;
        if (rc < 0)
            return ls_cli_fail(2, "plot", "unknown option %s (see lanesim plot --help)",
                               argv[optind - 1]);
    }
    if (argc - optind != 2)
        return ls_cli_fail(2, "plot", "%s (see lanesim plot --help)",
                           argc - optind < 2 ? "expected KIND and INPUT.csv"
                                             : "expected only KIND and INPUT.csv");
    o->kind = argv[optind];
    o->input = argv[optind + 1];
    return 0;
}

static const char *const format_names[] = {"png", "svg", "pdf"};

/* The picture's format and the three paths: FILE.png (or .svg, .pdf), FILE.gp, FILE.dat. */
static int output_paths(const plot_opts *o, plot_job *j)
{
    int from_name = -1, from_opt = -1;
    for (int f = 0; f < 3; f++)
        if (o->format && !strcmp(o->format, format_names[f])) from_opt = f;
    if (o->format && from_opt < 0)
        return ls_cli_fail(2, "plot", "--format %s: expected png, svg or pdf", o->format);
    char def[64];
    snprintf(def, sizeof def, "%s.%s", o->kind, format_names[from_opt < 0 ? 0 : from_opt]);
    const char *out = o->out ? o->out : def;
    const char *dot = strrchr(out, '.'), *slash = strrchr(out, '/');
    if (dot && (!slash || dot > slash) && dot != out && dot[-1] != '/') {
        for (int f = 0; f < 3; f++)
            if (!strcasecmp(dot + 1, format_names[f])) from_name = f;
        if (from_name < 0)
            return ls_cli_fail(2, "plot",
                               "-o %s: expected a file name ending in .png, .svg or .pdf", out);
        if (from_opt >= 0 && from_opt != from_name)
            return ls_cli_fail(2, "plot", "-o %s: the name says %s, --format says %s", out,
                               format_names[from_name], o->format);
    } else {
        return ls_cli_fail(2, "plot", "-o %s: expected a file name ending in .png, .svg or .pdf",
                           out);
    }
    j->format = (plot_format)from_name;
    size_t stem = (size_t)(dot - out);
    j->img_path = strdup(out);
    j->gp_path = malloc(stem + 5);
    j->dat_path = malloc(stem + 5);
    if (!j->img_path || !j->gp_path || !j->dat_path) return ls_cli_fail(1, "plot", "out of memory");
    snprintf(j->gp_path, stem + 5, "%.*s.gp", (int)stem, out);
    snprintf(j->dat_path, stem + 5, "%.*s.dat", (int)stem, out);
    return 0;
}

/* gnuplot on PATH, or NULL. */
static char *find_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path) return NULL;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        char *cand = malloc(n + 16);
        if (!cand) return NULL;
        snprintf(cand, n + 16, "%.*s%sgnuplot", (int)n, p, n ? "/" : "");
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) return cand;
        free(cand);
        p += n + (p[n] == ':');
    }
    return NULL;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void put_terminal(plot_job *j)
{
    static const char *const term[] = {"pngcairo", "svg", "pdfcairo"};
    fprintf(j->g, "set terminal %s size ", term[j->format]);
    if (j->format == PLOT_PDF)
        fprintf(j->g, "%gin,%gin", j->width / 100.0, j->height / 100.0);
    else
        fprintf(j->g, "%d,%d", j->width, j->height);
    fprintf(j->g, " font \"Sans,%d\" noenhanced background rgb \"white\"\n",
            j->format == PLOT_PDF ? 9 : 10);
}

/* An argument as the shell would take it back, on one comment line. */
static void put_arg(FILE *g, const char *a)
{
    int quote = !*a || strpbrk(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") != NULL;
    fputs(quote ? " '" : " ", g);
    for (; *a; a++) {
        if (*a == '\'' && quote)
            fputs("'\\''", g);
        else
            fputc(*a == '\n' || *a == '\r' ? ' ' : *a, g);
    }
    if (quote) fputc('\'', g);
}

void plot_begin(plot_job *j, int width, int height)
{
    if (!j->width) j->width = width;
    if (!j->height) j->height = height;
    fputs("# Made by: lanesim", j->g);
    for (int i = 0; i < j->argc; i++) put_arg(j->g, j->argv[i]);
    fputs("\n# (docs/plot.md)\n", j->g);
    fprintf(j->g, "# Restyle, then redraw from this directory: gnuplot %s\n",
            base_name(j->gp_path));
    fprintf(j->g, "if (!exists(\"data\")) data = ");
    plot_put_string(j->g, base_name(j->dat_path));
    fprintf(j->g, "\nif (!exists(\"out\")) out = ");
    plot_put_string(j->g, base_name(j->img_path));
    fputc('\n', j->g);
    put_terminal(j);
    fputs("set output out\n", j->g);
}

static int open_outputs(plot_job *j)
{
    const char *paths[3] = {j->gp_path, j->dat_path, j->img_path};
    ls_outfile *files[3] = {&j->gp, &j->dat, &j->img};
    for (int i = 0; i < 3; i++)
        if (ls_outfile_open(files[i], paths[i]) != 0)
            return ls_cli_fail(1, "plot", "%s: %s", paths[i], strerror(errno));
    j->g = j->gp.f;
    j->d = j->dat.f;
    return 0;
}

/* A path as a gnuplot single-quoted string (a quote is doubled). */
static void put_quoted(char *buf, size_t size, size_t *n, const char *s)
{
    if (*n < size) buf[(*n)++] = '\'';
    for (; *s && *n + 2 < size; s++) {
        if (*s == '\'') buf[(*n)++] = '\'';
        buf[(*n)++] = *s;
    }
    if (*n < size) buf[(*n)++] = '\'';
}

static int wait_child(pid_t pid, const char *prog)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return ls_cli_fail(1, "plot", "%s: %s", prog, strerror(errno));
    if (ls_cli_interrupted) return ls_cli_fail(130, "plot", "interrupted; no output written");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return ls_cli_fail(1, "plot", "%s: could not be run", prog);
    return ls_cli_fail(1, "plot", "gnuplot failed on the script (%s above); no output written",
                       WIFEXITED(status) ? "its message is" : "it was killed");
}

/* Runs gnuplot on the temporaries: the script reads `data` and writes `out`, given on the
 * command line as the temporaries' names. */
static int run_gnuplot(const char *prog, plot_job *j)
{
    const char *dat = j->dat.tmp ? j->dat.tmp : j->dat.path;
    const char *img = j->img.tmp ? j->img.tmp : j->img.path;
    const char *gp = j->gp.tmp ? j->gp.tmp : j->gp.path;
    size_t size = 2 * (strlen(dat) + strlen(img)) + 32, n = 0;
    char *vars = malloc(size);
    if (!vars) return ls_cli_fail(1, "plot", "out of memory");
    n += (size_t)snprintf(vars, size, "data=");
    put_quoted(vars, size, &n, dat);
    n += (size_t)snprintf(vars + n, size - n, "; out=");
    put_quoted(vars, size, &n, img);
    vars[n] = 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(vars);
        return ls_cli_fail(1, "plot", "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        char *args[] = {"gnuplot", "-e", vars, (char *)gp, NULL};
        execv(prog, args);
        _exit(127);
    }
    free(vars);
    return wait_child(pid, prog);
}

/* gnuplot has drawn the picture into its temporary: it must not be empty. */
static int check_picture(plot_job *j)
{
    struct stat st;
    const char *img = j->img.tmp ? j->img.tmp : j->img.path;
    if (j->img.tmp && (stat(img, &st) != 0 || st.st_size == 0))
        return ls_cli_fail(1, "plot", "gnuplot wrote no picture; no output written");
    return 0;
}

/* The script and its data are finished first (gnuplot reads them); the picture's temporary
 * exists, empty, for gnuplot to fill. Nothing is renamed until the picture is drawn. */
static int finish(const char *prog, plot_job *j)
{
    ls_outfile *files[3] = {&j->gp, &j->dat, &j->img};
    const char *paths[3] = {j->gp_path, j->dat_path, j->img_path};
    for (int i = 0; i < 3; i++)
        if (ls_outfile_finish(files[i]) != 0)
            return ls_cli_fail(1, "plot", "%s: %s", paths[i], strerror(errno));
    int rc = run_gnuplot(prog, j);
    if (!rc) rc = check_picture(j);
    for (int i = 0; !rc && i < 3; i++) {
        if (ls_outfile_commit(files[i]) == 0) continue;
        rc = ls_cli_fail(1, "plot", "%s: %s", paths[i], strerror(errno));
        for (int k = 0; k < i; k++) remove(paths[k]);
    }
    return rc;
}

typedef struct plot_kind {
    const char *name;
    int (*draw)(plot_job *, plot_table *);
} plot_kind;

static const plot_kind kinds[] = {{"spacetime", plot_spacetime},
                                  {"lanes", plot_lanes},
                                  {"fd", plot_fd},
                                  {"traveltime", plot_traveltime},
                                  {"meters", plot_meters}};

static const plot_kind *find_kind(const char *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].name, name)) return &kinds[i];
    return NULL;
}

static int load_scenario(const plot_opts *o, plot_job *j)
{
    if (!o->scenario)
        return o->common.set_count
                   ? ls_cli_fail(2, "plot", "--set %s: expected --scenario FILE to apply it to",
                                 o->common.sets[0])
                   : 0;
    ls_cli_common c = o->common;
    c.scenario = o->scenario;
    int rc = ls_cli_load(&c, &j->scenario);
    if (rc) return rc;
    j->have_scenario = 1;
    if (!o->start) j->start_s = j->scenario.simulation.start_time_s;
    return 0;
}

static int plot_job_run(const plot_opts *o, plot_job *j)
{
    const plot_kind *k = find_kind(o->kind);
    if (!k)
        return ls_cli_fail(2, "plot",
                           "unknown kind '%s': expected spacetime, lanes, fd, traveltime or meters",
                           o->kind);
    j->kind = k->name;
    j->input = o->input;
    int rc = output_paths(o, j);
    if (!rc && ls_outfile_check(j->img_path) != 0)
        rc = ls_cli_fail(1, "plot", "%s: %s", j->img_path, strerror(errno));
    if (rc) return rc;
    char *prog = find_gnuplot();
    if (!prog)
        return ls_cli_fail(1, "plot",
                           "gnuplot not found on PATH: install gnuplot (tools/setup.sh installs "
                           "gnuplot-nox)");
    plot_table t;
    memset(&t, 0, sizeof t);
    rc = load_scenario(o, j);
    if (!rc) rc = plot_table_read(&t, o->input);
    if (!rc && !t.nrows)
        rc = ls_cli_fail(2, "plot", "%s: expected rows under the header, got none", o->input);
    /* From here on Ctrl-C removes the temporaries instead of leaving them. */
    if (!rc) ls_cli_catch_signals();
    if (!rc) rc = open_outputs(j);
    if (!rc) rc = k->draw(j, &t);
    if (!rc && ls_cli_interrupted) rc = ls_cli_fail(130, "plot", "interrupted; no output written");
    if (!rc) rc = finish(prog, j);
    ls_outfile_abort(&j->gp);
    ls_outfile_abort(&j->dat);
    ls_outfile_abort(&j->img);
    plot_table_free(&t);
    free(prog);
    return rc;
}

int ls_cmd_plot(int argc, char **argv)
{
    plot_opts o;
    plot_job j;
    memset(&o, 0, sizeof o);
    memset(&j, 0, sizeof j);
    j.cmd = "plot";
    j.start_s = -1;
    j.bin_s = 300;
    j.argc = argc;
    j.argv = argv;
    int rc = parse_plot(argc, argv, &o, &j);
    if (rc) return rc < 0 ? 0 : rc;
    rc = plot_job_run(&o, &j);
    free(j.img_path);
    free(j.gp_path);
    free(j.dat_path);
    return rc;
}

/* cli_common.c: the options, scenario loading and messages every scenario command shares. */
#include "cli_common.h"

#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

int ls_cli_fail(int status, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lanesim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}

void ls_cli_print_diags(const ls_diags *d)
{
    char line[1024];
    for (int i = 0; i < d->count; i++) {
        ls_diag_format(&d->items[i], line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    if (d->dropped) fprintf(stderr, "lanesim: %d more problems not shown\n", d->dropped);
}

int ls_cli_parse_positive(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || v <= 0) return -1;
    *out = v;
    return 0;
}

static int parse_seed(const char *s)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 20) return -1;
    errno = 0;
    (void)strtoull(s, NULL, 10);
    return errno ? -1 : 0;
}

int ls_cli_common_option(ls_cli_common *c, int opt, const char *arg)
{
    switch (opt) {
    case LS_OPT_SET:
        if (c->set_count >= LS_CLI_MAX_SETS - 2) {
            ls_cli_fail(2, NULL, "--set: at most %d overrides", LS_CLI_MAX_SETS - 2);
            return -1;
        }
        c->sets[c->set_count++] = arg;
        return 1;
    case LS_OPT_SEED:
        if (parse_seed(arg) != 0) {
            ls_cli_fail(2, NULL, "--seed %s: expected an integer from 0 to 18446744073709551615",
                        arg);
            return -1;
        }
        c->seed = arg;
        return 1;
    case LS_OPT_DURATION:
        c->duration = arg;
        return 1;
    case LS_OPT_QUIET:
        c->quiet = 1;
        return 1;
    default:
        return 0;
    }
}

int ls_cli_scenario_operand(ls_cli_common *c, int argc, char **argv, const char *cmd)
{
    if (optind < argc) c->scenario = argv[optind++];
    if (optind < argc) return ls_cli_fail(2, cmd, "unexpected argument %s", argv[optind]);
    return 0;
}

/* Rewrites diagnostics of overrides made for --duration/--seed so they name what was typed. */
static void rename_origin(ls_diags *d, const char *set_text, const char *shown)
{
    for (int i = 0; i < d->count; i++) {
        char *where = d->items[i].where;
        if (strcmp(where + (strncmp(where, "--set ", 6) == 0 ? 6 : 0), set_text) != 0) continue;
        size_t n = strlen(shown), cap = sizeof d->items[i].where;
        if (n >= cap) n = cap - 1;
        memcpy(where, shown, n);
        where[n] = 0;
    }
}

int ls_cli_load(const ls_cli_common *c, ls_scenario *out)
{
    const char *sets[LS_CLI_MAX_SETS];
    int n = 0;
    for (int i = 0; i < c->set_count; i++) sets[n++] = c->sets[i];
    char seed_set[64], dur_set[512], dur_shown[512];
    if (c->seed) {
        snprintf(seed_set, sizeof seed_set, "simulation.seed=%s", c->seed);
        sets[n++] = seed_set;
    }
    if (c->duration) {
        snprintf(dur_set, sizeof dur_set, "simulation.duration=%s", c->duration);
        snprintf(dur_shown, sizeof dur_shown, "--duration %s", c->duration);
        sets[n++] = dur_set;
    }
    ls_diags *d = malloc(sizeof *d);
    if (!d) return ls_cli_fail(1, NULL, "out of memory");
    ls_diags_clear(d);
    char name[128];
    ls_status st;
    if (c->scenario) {
        st = ls_scenario_load(c->scenario, NULL, 0, sets, n, out, d);
    } else {
        const ls_builtin_scenario *b = ls_builtin_find(LS_DEFAULT_SCENARIO);
        st = ls_scenario_load(ls_builtin_path(b, name, sizeof name), b->text, b->len, sets, n, out,
                              d);
    }
    if (c->duration) rename_origin(d, dur_set, dur_shown);
    ls_cli_print_diags(d);
    if (st != LS_OK && d->count == 0) ls_cli_fail(1, NULL, "%s", ls_status_name(st));
    free(d);
    return st == LS_OK ? 0 : ls_status_exit_code(st);
}

int ls_cli_create_world(const ls_scenario *s, ls_world **out)
{
    *out = NULL;
    /* GSL's default error handler aborts the process, for instance when the world's random
     * stream cannot be allocated; off, the failure comes back as LS_ERR_NOMEM and a message. */
    gsl_set_error_handler_off();
    ls_diags *d = malloc(sizeof *d);
    if (!d) return ls_cli_fail(1, NULL, "out of memory");
    ls_diags_clear(d);
    ls_status st = ls_world_create(s, out, d);
    ls_cli_print_diags(d);
    /* Never fail silently, even when the library gave no reason (docs/reliability.md). */
    if (st != LS_OK && d->count == 0) ls_cli_fail(1, NULL, "%s", ls_status_name(st));
    free(d);
    return st == LS_OK ? 0 : ls_status_exit_code(st);
}

/* ---- progress, clock, signals (every command, the viewer's recording too) ---- */

volatile sig_atomic_t ls_cli_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    ls_cli_interrupted = 1;
}

void ls_cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

double ls_cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void ls_progress_begin(ls_progress *p, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = p->last = ls_cli_now();
}

void ls_progress_update(ls_progress *p, double done, const char *rate_text)
{
    if (!p->enabled) return;
    double now = ls_cli_now();
    if (now - p->start < 1.0 || now - p->last < 0.2) return;
    p->last = now;
    double left = done > 0 ? (now - p->start) * (1 - done) / done : 0;
    char bar[31];
    int filled = (int)(done * 30);
    for (int i = 0; i < 30; i++) bar[i] = i < filled ? '#' : '.';
    bar[30] = 0;
    fprintf(stderr, "\r[%s] %3.0f%%  %s  %.0f s left ", bar, done * 100, rate_text, left);
    fflush(stderr);
}

void ls_progress_end(ls_progress *p)
{
    if (p->enabled && ls_cli_now() - p->start >= 1.0) fprintf(stderr, "\r%70s\r", "");
}

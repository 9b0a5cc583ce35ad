/* cli.c: what the lanesim command's subcommands share beyond cli_common.c: progress, clock,
 * signals. */
#include "cli.h"

#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

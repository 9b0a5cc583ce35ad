/* sweep_pool.c: worker threads, one world each, taking runs from a shared list until it ends. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sweep.h"

#define MAX_JOBS 1024

/* What the workers share: the list of runs, the next one to take, the sink, the first failure.
 * Worlds, scenarios and buffers are each worker's own. */
struct sweep_pool {
    const sweep_plan *plan;
    const int64_t *queue;
    int64_t count;
    atomic_llong next, finished;
    atomic_int stop; /* set on a failure or on Ctrl-C: no new run starts, running ones end */
    sweep_sink sink;
    void *sink_ctx;
    pthread_mutex_t lock; /* guards running, status and message */
    pthread_cond_t ended;
    int running;
    int status;
    char message[1200];
    int started;
    pthread_t threads[MAX_JOBS];
};

/* Keeps the first failure and stops every worker after its current run. */
static void pool_fail(sweep_pool *pl, int status, const char *message)
{
    pthread_mutex_lock(&pl->lock);
    if (!pl->status) {
        pl->status = status;
        snprintf(pl->message, sizeof pl->message, "%s", message ? message : "");
    }
    pthread_mutex_unlock(&pl->lock);
    atomic_store(&pl->stop, 1);
}

static int run_next(sweep_pool *pl, ls_diags *d, sweep_buf *row)
{
    int64_t i = atomic_fetch_add(&pl->next, 1);
    if (i >= pl->count) return -1;
    char why[1100];
    int rc = sweep_run_one(pl->plan, pl->queue[i], &pl->stop, d, row, why, sizeof why);
    if (rc == 130) return -1;
    if (rc) {
        pool_fail(pl, rc, why);
        return -1;
    }
    /* The sink prints its own failure (it knows the file). */
    if ((rc = pl->sink(pl->sink_ctx, row->s, row->len)) != 0) {
        pool_fail(pl, rc, NULL);
        return -1;
    }
    atomic_fetch_add(&pl->finished, 1);
    return 0;
}

static void *worker(void *arg)
{
    sweep_pool *pl = arg;
    ls_diags *d = malloc(sizeof *d);
    sweep_buf row = {0};
    if (!d) pool_fail(pl, 1, "out of memory");
    while (d && !atomic_load(&pl->stop) && run_next(pl, d, &row) == 0) continue;
    free(d);
    sweep_buf_free(&row);
    pthread_mutex_lock(&pl->lock);
    pl->running--;
    pthread_cond_signal(&pl->ended);
    pthread_mutex_unlock(&pl->lock);
    return NULL;
}

/* Workers block SIGINT and SIGTERM, so the handler of ls_cli_catch_signals runs on the thread
 * that called sweep_pool_start, which polls its flag in sweep_pool_wait and passes it on as
 * an atomic: the flag itself is never shared between threads. */
static void start_workers(sweep_pool *pl, int jobs)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_mutex_lock(&pl->lock);
    for (; pl->started < jobs; pl->started++) {
        if (pthread_create(&pl->threads[pl->started], NULL, worker, pl) != 0) break;
        pl->running++;
    }
    pthread_mutex_unlock(&pl->lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

sweep_pool *sweep_pool_start(const sweep_plan *p, const int64_t *queue, int64_t count, int jobs,
                             sweep_sink sink, void *sink_ctx)
{
    sweep_pool *pl = calloc(1, sizeof *pl);
    if (!pl) return NULL;
    pl->plan = p;
    pl->queue = queue;
    pl->count = count;
    pl->sink = sink;
    pl->sink_ctx = sink_ctx;
    atomic_init(&pl->next, 0);
    atomic_init(&pl->finished, 0);
    atomic_init(&pl->stop, 0);
    pthread_mutex_init(&pl->lock, NULL);
    pthread_cond_init(&pl->ended, NULL);
    if (jobs > MAX_JOBS) jobs = MAX_JOBS;
    if (jobs > count) jobs = (int)count;
    start_workers(pl, jobs);
    if (pl->started == 0 && count > 0) pool_fail(pl, 1, "cannot start a worker thread");
    return pl;
}

bool sweep_pool_wait(sweep_pool *pl, double seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)seconds;
    until.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&pl->lock);
    int rc = 0;
    while (pl->running > 0 && rc != ETIMEDOUT && !ls_cli_interrupted)
        rc = pthread_cond_timedwait(&pl->ended, &pl->lock, &until);
    bool done = pl->running == 0;
    pthread_mutex_unlock(&pl->lock);
    if (ls_cli_interrupted) atomic_store(&pl->stop, 1);
    return done;
}

int sweep_pool_finish(sweep_pool *pl)
{
    for (int i = 0; i < pl->started; i++) pthread_join(pl->threads[i], NULL);
    int rc = pl->status;
    if (rc && pl->message[0]) ls_cli_fail(rc, "sweep", "%s", pl->message);
    if (!rc) rc = atomic_load(&pl->finished) == pl->count ? 0 : 130;
    pthread_mutex_destroy(&pl->lock);
    pthread_cond_destroy(&pl->ended);
    free(pl);
    return rc;
}

int sweep_pool_run(const sweep_plan *p, const int64_t *queue, int64_t count, int jobs,
                   sweep_sink sink, void *sink_ctx)
{
    sweep_pool *pl = sweep_pool_start(p, queue, count, jobs, sink, sink_ctx);
    if (!pl) return ls_cli_fail(1, "sweep", "out of memory");
    /* Waiting on a condition variable is not interrupted by a signal: polling every 10 ms
     * keeps Ctrl-C prompt at no measurable cost. */
    while (!sweep_pool_wait(pl, 0.01)) continue;
    return sweep_pool_finish(pl);
}

/* compare_run.c: the mornings of `lanesim compare`, each a world of its own with probes, on a
 * few threads. A run's result depends only on its index (its seed), never on the thread that
 * ran it, so the output is the same for any --jobs. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "compare.h"
#include "sweep.h"

uint64_t cmp_seed(uint64_t base, int run)
{
    return sweep_seed(base, 0, (uint64_t)run);
}

typedef struct cmp_pool {
    const ls_scenario *s;
    const int *strategies;
    int count, runs;
    cmp_run *out;
    atomic_int next, done;
    atomic_int stop; /* set by the main thread on SIGINT or SIGTERM */
} cmp_pool;

/* One morning: its own seed, probes on, stepped to the end; results copied out. */
static int run_one(const cmp_pool *pl, int r)
{
    ls_scenario sc = *pl->s;
    sc.simulation.seed = cmp_seed(pl->s->simulation.seed, r);
    cmp_run *out = &pl->out[r];
    out->seed = sc.simulation.seed;
    ls_world *w = NULL;
    ls_diags d = {0};
    if (ls_world_create(&sc, &w, &d) != LS_OK) return 1;
    ls_status st = ls_world_enable_probes(w, pl->strategies, pl->count);
    while (st == LS_OK && !ls_world_done(w) &&
           !atomic_load_explicit(&pl->stop, memory_order_relaxed))
        st = ls_world_step(w);
    size_t n = 0;
    const ls_probe_result *res = ls_world_probe_results(w, &n);
    if (st == LS_OK && n) {
        out->probes = malloc(n * sizeof *res);
        if (out->probes) memcpy(out->probes, res, n * sizeof *res);
        st = out->probes ? LS_OK : LS_ERR_NOMEM;
    }
    out->count = out->probes ? n : 0;
    ls_world_destroy(w);
    return st == LS_OK ? 0 : 1;
}

static void *worker(void *arg)
{
    cmp_pool *pl = arg;
    for (int r; !atomic_load(&pl->stop) && (r = atomic_fetch_add(&pl->next, 1)) < pl->runs;) {
        pl->out[r].status = run_one(pl, r);
        atomic_fetch_add(&pl->done, 1);
    }
    return NULL;
}

static void wait_with_progress(cmp_pool *pl, int quiet)
{
    ls_progress pr;
    ls_progress_begin(&pr, quiet);
    char text[64];
    for (int done; (done = atomic_load(&pl->done)) < pl->runs && !atomic_load(&pl->stop);) {
        if (ls_cli_interrupted) atomic_store(&pl->stop, 1);
        snprintf(text, sizeof text, "%d of %d mornings", done, pl->runs);
        ls_progress_update(&pr, (double)done / pl->runs, text);
        nanosleep(&(struct timespec){0, 200000000L}, NULL);
    }
    ls_progress_end(&pr);
}

int cmp_run_all(const ls_scenario *s, const int *strategies, int count, int runs, int jobs,
                int quiet, cmp_run *out)
{
    cmp_pool pl = {s, strategies, count, runs, out, 0, 0, 0};
    memset(out, 0, (size_t)runs * sizeof *out);
    if (jobs > runs) jobs = runs;
    pthread_t threads[64];
    int started = 0;
    /* Workers block SIGINT and SIGTERM: the handler runs on this thread, which passes its flag
     * on as an atomic (as sweeps do), so the flag itself is never shared between threads. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    for (; started < jobs && started < 64; started++)
        if (pthread_create(&threads[started], NULL, worker, &pl) != 0) break;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (started == 0)
        worker(&pl);
    else
        wait_with_progress(&pl, quiet);
    for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
    if (ls_cli_interrupted || atomic_load(&pl.stop))
        return ls_cli_fail(130, "compare", "interrupted; no output written");
    for (int r = 0; r < runs; r++)
        if (out[r].status)
            return ls_cli_fail(1, "compare", "run %d (seed %llu) failed: out of memory", r,
                               (unsigned long long)out[r].seed);
    return 0;
}

void cmp_runs_free(cmp_run *runs, int n)
{
    for (int r = 0; r < n; r++) free(runs[r].probes);
}

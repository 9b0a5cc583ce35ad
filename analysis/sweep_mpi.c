/* sweep_mpi.c: `lanesim sweep` under mpirun: the ranks share the runs, rank 0 writes every row. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#include "sweep.h"

/* Messages to rank 0: a row's text, and a rank's final status after its last row (MPI keeps
 * the order of messages between two ranks, so no row can arrive after its rank's end). */
enum { TAG_ROW = 1, TAG_END = 2 };

bool sweep_mpi_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

/* Ranks other than 0 stay silent until the runs start: every rank parses and checks the same
 * options, and one copy of each message (or of --help) is enough. */
static int saved_stdout = -1, saved_stderr = -1;

static void mute(void)
{
    int null = open("/dev/null", O_WRONLY);
    if (null < 0) return;
    fflush(stdout);
    fflush(stderr);
    saved_stdout = dup(STDOUT_FILENO);
    saved_stderr = dup(STDERR_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
}

static void unmute(void)
{
    if (saved_stdout < 0) return;
    fflush(stdout);
    fflush(stderr);
    dup2(saved_stdout, STDOUT_FILENO);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stdout);
    close(saved_stderr);
    saved_stdout = saved_stderr = -1;
}

/* A failure outranks an interruption, which outranks success. */
static int worse(int a, int b)
{
    if (a == 0 || (a == 130 && b != 0)) return b;
    return a;
}

/* ---- ranks other than 0: the workers put their rows in an outbox, the main thread sends them ----
 * (MPI_THREAD_FUNNELED: only the main thread calls MPI.) */

typedef struct row_node {
    struct row_node *next;
    size_t len;
    char text[];
} row_node;

typedef struct outbox {
    pthread_mutex_t lock;
    row_node *head, *tail;
} outbox;

static int sink_outbox(void *ctx, const char *row, size_t len)
{
    outbox *q = ctx;
    row_node *n = malloc(sizeof *n + len);
    if (!n) return ls_cli_fail(1, "sweep", "out of memory");
    n->next = NULL;
    n->len = len;
    memcpy(n->text, row, len);
    pthread_mutex_lock(&q->lock);
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    pthread_mutex_unlock(&q->lock);
    return 0;
}

static void send_outbox(outbox *q)
{
    pthread_mutex_lock(&q->lock);
    row_node *n = q->head;
    q->head = q->tail = NULL;
    pthread_mutex_unlock(&q->lock);
    for (row_node *next; n; n = next) {
        next = n->next;
        MPI_Send(n->text, (int)n->len, MPI_CHAR, 0, TAG_ROW, MPI_COMM_WORLD);
        free(n);
    }
}

static int run_other(sweep_pool *pl, outbox *q)
{
    int status = 1;
    if (pl) {
        while (!sweep_pool_wait(pl, 0.002)) send_outbox(q);
        send_outbox(q);
        status = sweep_pool_finish(pl);
    }
    MPI_Send(&status, 1, MPI_INT, 0, TAG_END, MPI_COMM_WORLD);
    return status;
}

/* ---- rank 0: its own workers write directly; the other ranks' rows arrive as messages ---- */

static int sink_out(void *ctx, const char *row, size_t len)
{
    return sweep_out_write(ctx, row, len);
}

typedef struct inbox {
    char *buf;
    int cap;
    int ended; /* ranks that have sent their end */
    int status;
} inbox;

/* Receives one message if one is waiting; returns whether there was one. Polls rather than
 * blocks: a blocking receive spins in Open MPI and would take a core from the workers. */
static bool receive_one(sweep_out *out, inbox *in)
{
    int flag, n, s;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (!flag) return false;
    if (st.MPI_TAG == TAG_END) {
        MPI_Recv(&s, 1, MPI_INT, st.MPI_SOURCE, TAG_END, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        in->status = worse(in->status, s);
        in->ended++;
        return true;
    }
    MPI_Get_count(&st, MPI_CHAR, &n);
    if (n > in->cap) {
        char *b = realloc(in->buf, (size_t)n);
        if (!b) {
            ls_cli_fail(1, "sweep", "out of memory");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        in->buf = b;
        in->cap = n;
    }
    MPI_Recv(in->buf, n, MPI_CHAR, st.MPI_SOURCE, TAG_ROW, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    /* A row that cannot be written cannot be kept: stop every rank. */
    if (sweep_out_write(out, in->buf, (size_t)n) != 0) MPI_Abort(MPI_COMM_WORLD, 1);
    return true;
}

static int run_root(sweep_pool *pl, sweep_out *out, int ranks)
{
    const struct timespec pause = {0, 1000000};
    inbox in = {0};
    bool pool_done = !pl;
    for (;;) {
        bool got = receive_one(out, &in);
        if (pool_done && in.ended == ranks - 1) break;
        if (got) continue;
        if (!pool_done)
            pool_done = sweep_pool_wait(pl, 0.001);
        else
            nanosleep(&pause, NULL);
    }
    free(in.buf);
    return worse(pl ? sweep_pool_finish(pl) : 1, in.status);
}

/* Rank 0 opens (or resumes) the rows file and tells every rank which runs are done. */
static int share_done(const sweep_opts *o, const sweep_plan *p, int rank, sweep_out *out,
                      unsigned char *done, int64_t *already)
{
    int rc = rank == 0 ? sweep_out_open(out, o->out, o->resume, p, done, already) : 0;
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!rc) MPI_Bcast(done, (int)p->runs, MPI_UNSIGNED_CHAR, 0, MPI_COMM_WORLD);
    return rc;
}

static int execute_mpi(const sweep_opts *o, sweep_plan *p)
{
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    unmute();
    unsigned char *done = calloc((size_t)p->runs, 1);
    if (!done) MPI_Abort(MPI_COMM_WORLD, 1);
    sweep_out out = {.fd = -1};
    outbox q = {.lock = PTHREAD_MUTEX_INITIALIZER};
    int64_t already = 0, count = 0;
    int rc = share_done(o, p, rank, &out, done, &already);
    int64_t *queue = rc ? NULL : sweep_queue(p, done, rank, ranks, &count);
    if (!rc && !queue) MPI_Abort(MPI_COMM_WORLD, 1);
    if (!rc) {
        if (rank == 0) sweep_out_begin(&out, sweep_pending(p, done), o->common.quiet);
        ls_cli_catch_signals();
        /* One rank per core is the usual MPI layout, so each rank has one worker by default. */
        sweep_pool *pl = sweep_pool_start(p, queue, count, o->jobs ? o->jobs : 1,
                                          rank ? sink_outbox : sink_out, rank ? (void *)&q : &out);
        if (!pl) ls_cli_fail(1, "sweep", "out of memory");
        rc = rank ? run_other(pl, &q) : run_root(pl, &out, ranks);
    }
    if (rank == 0) {
        sweep_out_close(&out);
        if (rc == 0 || rc == 130) rc = sweep_finish(o, p, rc, already + out.done);
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    free(queue);
    free(done);
    return rc;
}

int sweep_mpi_command(int argc, char **argv)
{
    int provided, rank;
    /* MPI's own threads, started here, inherit a mask without SIGINT and SIGTERM: Ctrl-C is
     * handled on the main thread, as sweep_pool_wait expects. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (provided < MPI_THREAD_FUNNELED) {
        ls_cli_fail(1, "sweep", "the MPI library cannot run threads beside MPI calls");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0) mute();
    int rc = sweep_command(argc, argv, execute_mpi);
    unmute();
    MPI_Finalize();
    return rc;
}

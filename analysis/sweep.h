/* sweep.h: the parts of `lanesim sweep`: grid, plan of runs, rows, rows file, workers, statistics.
 */
#ifndef LS_SWEEP_H
#define LS_SWEEP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "lanesim/lanesim.h"

#define SWEEP_MAX_KEYS 32
#define SWEEP_MAX_RUNS 1000000

/* ---- the grid (sweep_grid.c) ----
 * Points are numbered in a fixed order: the first --grid varies slowest (mixed radix). */

typedef struct sweep_key {
    const char *option; /* KEY=VALUES as typed after --grid */
    char *name;         /* KEY */
    int count;          /* values, >= 1 */
    char **values;      /* the text of each value: the CSV column and what follows KEY= */
    char **assignments; /* "KEY=VALUE", as ls_source_set takes it */
    int cap;            /* slots allocated in values and assignments */
} sweep_key;

typedef struct sweep_grid {
    int count;
    sweep_key keys[SWEEP_MAX_KEYS];
    int64_t points; /* product of the value counts; 1 with no key */
} sweep_grid;

/* Adds one --grid KEY=V1,V2,... or KEY=FROM:TO:STEP. Returns 0, or 2 with a message printed. */
int sweep_grid_add(sweep_grid *g, const char *option);
void sweep_grid_free(sweep_grid *g);
/* Index into keys[key].values of the value at `point`. */
int sweep_grid_value(const sweep_grid *g, int64_t point, int key);
/* Applies the point's values to a source, as --set overrides. */
ls_status sweep_grid_apply(const sweep_grid *g, int64_t point, ls_source *src, ls_diags *d);

/* ---- the plan: which runs there are and what each one is (sweep_plan.c) ----
 * Run index = point * reps + rep. Its seed is sweep_seed(the point's simulation.seed, point,
 * rep), so a run's result depends on nothing but the sweep's definition. */

typedef struct sweep_plan {
    ls_source *base; /* the scenario with --set, --seed and --duration applied */
    sweep_grid grid;
    int reps;
    int64_t runs;         /* grid.points * reps */
    uint64_t *point_seed; /* simulation.seed of each point's scenario */
    int lanes;            /* lane columns in a row: the most lanes of any point */
    int shard_k, shard_n; /* this process runs the runs i with i % N == K - 1 (K is 1-based) */
} sweep_plan;

uint64_t sweep_seed(uint64_t base, uint64_t point, uint64_t rep);
uint64_t sweep_run_seed(const sweep_plan *p, int64_t run);
bool sweep_in_shard(const sweep_plan *p, int64_t run);
int64_t sweep_shard_runs(const sweep_plan *p); /* how many runs this shard has */
/* The decoded scenario of a point (without the run's seed). */
ls_status sweep_point_scenario(const sweep_plan *p, int64_t point, ls_scenario *out, ls_diags *d);
/* Checks every value and every point before anything runs (printing each problem once) and
 * fills point_seed and lanes. Returns 0, or the exit status. */
int sweep_plan_check(sweep_plan *p);
void sweep_plan_free(sweep_plan *p);
/* The runs still to do, in run order: in this plan's shard, not done, and (for MPI) the j-th
 * of them only if j % ranks == rank. malloc'd (NULL when out of memory); *count set. */
int64_t *sweep_queue(const sweep_plan *p, const unsigned char *done, int rank, int ranks,
                     int64_t *count);
int64_t sweep_pending(const sweep_plan *p, const unsigned char *done); /* over all ranks */

/* ---- text: a growable buffer, CSV fields, rows (sweep_csv.c) ---- */

typedef struct sweep_buf {
    char *s;
    size_t len, cap;
    bool oom; /* an append failed; the text is incomplete */
} sweep_buf;

void sweep_buf_add(sweep_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void sweep_buf_field(sweep_buf *b, const char *text); /* ",text", quoted when needed */
void sweep_buf_free(sweep_buf *b);

/* A CSV line split into unquoted fields. */
typedef struct sweep_fields {
    char *buf;
    char **f;
    int count, cap;
} sweep_fields;

int sweep_fields_split(sweep_fields *fs, const char *line); /* 0, or -1 (bad quotes, no memory) */
void sweep_fields_free(sweep_fields *fs);

/* The header line (with its newline) and one run's row (with its newline). Numbers are printed
 * with %.15g, so identical runs give identical text apart from wall_s, the last column. */
void sweep_csv_header(const sweep_plan *p, sweep_buf *b);
void sweep_csv_row(const sweep_plan *p, int64_t run, const cJSON *summary, double wall_s,
                   sweep_buf *b);
/* Checks that a row read back belongs to this sweep (run in range and in the shard, point, rep,
 * seed and grid values as this sweep defines them). 0, or -1 with the reason in `why`. */
int sweep_csv_check_row(const sweep_plan *p, const sweep_fields *f, int64_t *run, char *why,
                        size_t size);
/* Index of the first metric column (lane1_flow_vph) in a header, or -1. */
int sweep_csv_first_metric(const sweep_fields *header);

/* A rows file read whole. A last line without its newline is a torn row: not in `lines`, and
 * `valid` (the bytes up to the last newline) excludes it. */
typedef struct sweep_table {
    char *text;
    char *header; /* the first line, without its newline; NULL for an empty file */
    char **lines; /* the complete data lines, without newlines */
    size_t count;
    size_t valid;
    bool torn;
} sweep_table;

int sweep_table_read(const char *path, sweep_table *t); /* 0, or -1 with errno */
char *sweep_read_file(const char *path, size_t *len);   /* NUL-terminated; NULL with errno */
void sweep_table_free(sweep_table *t);
/* The leading run index of a row; false when it has none. */
bool sweep_line_run(const char *line, int64_t *run);
/* Sorts lines by run index (lines without one last). */
void sweep_lines_sort(char **lines, size_t count);

/* ---- the rows file: create or resume, append whole rows (sweep_out.c) ---- */

typedef struct sweep_out {
    int fd;           /* the rows file; -1 writes to stdout */
    const char *path; /* NULL for stdout */
    pthread_mutex_t lock;
    int64_t done, expected; /* rows written and to write in this session */
    ls_progress progress;
    double start;
} sweep_out;

/* Opens the rows file (stdout when path is NULL). A new file must not exist; beside it goes
 * PATH.sweep, the sweep's definition (scenario with every override, grid, reps, shard). With
 * `resume` an existing file must have been started by the same definition and is checked row
 * by row against the plan, a torn last row is cut off, and done[run] is set for every run
 * already there (`already` counts them). Returns 0 or the exit status, message printed. */
int sweep_out_open(sweep_out *o, const char *path, bool resume, const sweep_plan *p,
                   unsigned char *done, int64_t *already);
/* "PATH.sweep", where the definition of the sweep whose rows are in PATH goes (malloc'd). */
char *sweep_definition_path(const char *rows_path);
/* Starts the progress display (stderr, when a terminal) for `expected` rows. */
void sweep_out_begin(sweep_out *o, int64_t expected, bool quiet);
/* Appends one row with one write, then syncs; thread-safe. 0, or -1 with errno. */
int sweep_out_write(sweep_out *o, const char *row, size_t len);
void sweep_out_close(sweep_out *o);

/* ---- one run (sweep_run.c) and the worker threads (sweep_pool.c) ---- */

/* Where finished rows go: the rows file, or (in MPI ranks other than 0) a queue to rank 0. */
typedef int (*sweep_sink)(void *ctx, const char *row, size_t len);

/* Runs one run and formats its row. Returns 0, 130 when *stop was set (the run is abandoned),
 * or an exit status with the reason in `why`. */
int sweep_run_one(const sweep_plan *p, int64_t run, const atomic_int *stop, ls_diags *d,
                  sweep_buf *row, char *why, size_t size);

/* Worker threads running queue[0 .. count) and handing each row to the sink. Call
 * ls_cli_catch_signals first: on Ctrl-C no new run starts and running ones are abandoned. */
typedef struct sweep_pool sweep_pool;

/* Starts min(jobs, count) workers; NULL when out of memory. */
sweep_pool *sweep_pool_start(const sweep_plan *p, const int64_t *queue, int64_t count, int jobs,
                             sweep_sink sink, void *sink_ctx);
/* Waits up to `seconds` for the workers to end; true when they have. Must be called by the
 * thread that started the pool (it takes the signals the workers block). */
bool sweep_pool_wait(sweep_pool *pl, double seconds);
/* Joins the workers and frees the pool. Returns 0, 130 when interrupted, or the first
 * failure's status (its message printed). */
int sweep_pool_finish(sweep_pool *pl);
/* All three: runs everything and returns sweep_pool_finish's status. */
int sweep_pool_run(const sweep_plan *p, const int64_t *queue, int64_t count, int jobs,
                   sweep_sink sink, void *sink_ctx);

/* ---- statistics over replications (sweep_stats.c) ---- */

/* Reads a complete rows file and writes one row per grid point: n, then mean, sd and the 95 %
 * Student-t confidence interval of every metric. Returns 0 or the exit status (printed). */
int sweep_aggregate(const char *rows_path, const char *out_path);

/* ---- the command (cmd_sweep.c) ---- */

typedef struct sweep_opts {
    ls_cli_common common;
    const char *out;       /* the rows file; NULL writes rows to stdout */
    const char *aggregate; /* NULL: no aggregate */
    bool resume;
    int jobs; /* worker threads per process; 0 until chosen */
} sweep_opts;

/* Carries out a checked plan: the runs, their rows, the aggregate. Returns the exit status. */
typedef int (*sweep_executor)(const sweep_opts *o, sweep_plan *p);
/* `lanesim sweep`: options, checks, then `exec` (threads here, MPI ranks in sweep_mpi.c). */
int sweep_command(int argc, char **argv, sweep_executor exec);
/* After the runs: the aggregate, or the message of an interrupted sweep. `rows` is how many
 * of the shard's runs the rows file now holds. Returns the exit status. */
int sweep_finish(const sweep_opts *o, const sweep_plan *p, int rc, int64_t rows);

/* ---- MPI (sweep_mpi.c, only in builds with LANESIM_MPI) ---- */
#ifdef LANESIM_MPI
/* True when the process was started by mpirun or mpiexec. */
bool sweep_mpi_launched(void);
/* `lanesim sweep` over MPI: every rank runs its share on its threads; rank 0 writes the rows. */
int sweep_mpi_command(int argc, char **argv);
#endif

#endif

/* plot_series.c: pictures of named series of points: the fundamental diagram per lane (`fd`)
 * and travel time against departure time per strategy or trip (`traveltime`). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"

/* ---- named series of (x, y) points ---- */

typedef struct series {
    char name[128];
    double *x, *y;
    size_t n, cap;
    size_t missing; /* probes that did not finish: counted, not drawn */
} series;

typedef struct series_set {
    series *s;
    int n, cap;
} series_set;

static series *series_get(series_set *set, const char *name)
{
    for (int i = 0; i < set->n; i++)
        if (!strcmp(set->s[i].name, name)) return &set->s[i];
    if (set->n == set->cap) {
        int cap = set->cap ? 2 * set->cap : 8;
        series *s = realloc(set->s, (size_t)cap * sizeof *s);
        if (!s) return NULL;
        set->s = s;
        set->cap = cap;
    }
    series *s = &set->s[set->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

static int series_add(series *s, double x, double y)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        double *x2 = realloc(s->x, cap * sizeof *x2);
        if (x2) s->x = x2;
        double *y2 = x2 ? realloc(s->y, cap * sizeof *y2) : NULL;
        if (!y2) return -1;
        s->y = y2;
        s->cap = cap;
    }
    s->x[s->n] = x;
    s->y[s->n++] = y;
    return 0;
}

static void series_free(series_set *set)
{
    for (int i = 0; i < set->n; i++) {
        free(set->s[i].x);
        free(set->s[i].y);
    }
    free(set->s);
    memset(set, 0, sizeof *set);
}

static const char *colour(int i)
{
    return plot_series_colours[i % PLOT_SERIES_COLOURS];
}

/* One plot area with the key inside it, margins fixed in pixels. */
static void single_area(plot_job *j)
{
    plot_area(j, 80.0 / j->width, 1 - 30.0 / j->width, 60.0 / j->height, 1 - 50.0 / j->height);
    fputs("set grid lc rgb \"#cccccc\" lw 0.5\nset key top right box opaque samplen 2\n", j->g);
}

static void set_title(plot_job *j, const char *what)
{
    fputs("set title ", j->g);
    plot_put_title(j, what);
    fputs(" font \",12\"\n", j->g);
}

/* A range from 0 to a little above the highest value. */
static double top_of(const series_set *set, int use_y, double margin)
{
    double m = 0;
    for (int i = 0; i < set->n; i++)
        for (size_t k = 0; k < set->s[i].n; k++)
            m = fmax(m, use_y ? set->s[i].y[k] : set->s[i].x[k]);
    return m > 0 ? m * margin : 1;
}

/* ---- fd: flow against density (a sweep) or occupancy (detectors.csv) per lane ---- */

static int fd_sweep(const plot_table *t, series_set *set)
{
    for (int lane = 1; lane <= LS_MAX_LANES; lane++) {
        char qn[64], kn[64], name[32];
        snprintf(qn, sizeof qn, "lane%d_flow_vph", lane);
        snprintf(kn, sizeof kn, "lane%d_density_vpkm", lane);
        int q = plot_col_find(t, qn);
        if (q < 0) break;
        int k = plot_col(t, kn);
        if (k < 0) return 2;
        snprintf(name, sizeof name, "lane %d", lane);
        series *s = series_get(set, name);
        if (!s) return ls_cli_fail(1, "plot", "out of memory");
        for (size_t r = 0; r < t->nrows; r++) {
            double qv, kv;
            int a = plot_num(t, r, q, &qv), b = plot_num(t, r, k, &kv);
            if (a < 0 || b < 0) return 2;
            /* Empty: the lane is not on the road at this grid point (road.lanes in the grid). */
            if (a || b) continue;
            if (series_add(s, kv, qv)) return ls_cli_fail(1, "plot", "out of memory");
        }
    }
    return 0;
}

static int fd_detectors(const plot_job *j, const plot_table *t, series_set *set)
{
    int det = plot_col(t, "detector"), lane = plot_col(t, "lane");
    int q = plot_col(t, "flow_vph"), occ = plot_col(t, "occupancy");
    if (det < 0 || lane < 0 || q < 0 || occ < 0) return 2;
    /* Lanes in number order, whatever the order of the rows. */
    for (int l = 1; l <= LS_MAX_LANES; l++) {
        char name[32], want[16];
        snprintf(name, sizeof name, "lane %d", l);
        snprintf(want, sizeof want, "%d", l);
        series *s = NULL;
        for (size_t r = 0; r < t->nrows; r++) {
            if (strcmp(plot_cell(t, r, lane), want) != 0) continue;
            if (j->detector && strcmp(plot_cell(t, r, det), j->detector) != 0) continue;
            double qv, ov;
            if (plot_num_req(t, r, q, &qv) || plot_num_req(t, r, occ, &ov)) return 2;
            if (!s && !(s = series_get(set, name))) return ls_cli_fail(1, "plot", "out of memory");
            if (series_add(s, 100 * ov, qv)) return ls_cli_fail(1, "plot", "out of memory");
        }
    }
    if (set->n || !t->nrows) return 0;
    return ls_cli_fail(2, "plot",
                       "%s: --detector %s: expected a detector of the file (column "
                       "detector), found none of that name",
                       t->path, j->detector ? j->detector : "");
}

static size_t highest(const series *s)
{
    size_t best = 0;
    for (size_t k = 1; k < s->n; k++)
        if (s->y[k] > s->y[best]) best = k;
    return best;
}

static void draw_fd(plot_job *j, const series_set *set, int occupancy)
{
    plot_begin(j, 1000, 700);
    single_area(j);
    char what[256];
    snprintf(what, sizeof what, "flow against %s per lane%s%s", occupancy ? "occupancy" : "density",
             j->detector ? " at detector " : "", j->detector ? j->detector : "");
    set_title(j, what);
    fprintf(j->g, "set xlabel \"%s\"\nset ylabel \"flow (veh/h per lane)\"\n",
            occupancy ? "occupancy of the detector loop (% of the time)"
                      : "density (veh/km per lane)");
    fprintf(j->g, "set xrange [0:%.6g]\nset yrange [0:%.6g]\n", top_of(set, 0, 1.05),
            top_of(set, 1, 1.3));
    const char *sep = "plot ";
    for (int i = 0; i < set->n; i++) {
        const series *s = &set->s[i];
        if (!s->n) continue;
        int pts = plot_block(j);
        for (size_t k = 0; k < s->n; k++) fprintf(j->d, "%.6g %.6g\n", s->x[k], s->y[k]);
        size_t c = highest(s);
        int cap = plot_block(j);
        fprintf(j->d, "%.6g %.6g\n", s->x[c], s->y[c]);
        fprintf(j->g,
                "%sdata index %d with points pt 7 ps 0.6 lc rgb \"%s\" title \"%s\", \\\n"
                "     data index %d with points pt 6 ps 2.5 lw 2 lc rgb \"%s\" "
                "title \"capacity %.0f veh/h at %.1f %s\"",
                sep, pts, colour(i), s->name, cap, colour(i), s->y[c], s->x[c],
                occupancy ? "%" : "veh/km");
        sep = ", \\\n     ";
    }
    fputs(*sep == 'p' ? "plot NaN notitle\n" : "\n", j->g);
}

int plot_fd(plot_job *j, plot_table *t)
{
    series_set set = {0};
    int occupancy = plot_col_find(t, "lane1_flow_vph") < 0;
    int rc;
    if (!occupancy)
        rc = fd_sweep(t, &set);
    else if (plot_col_find(t, "occupancy") >= 0 || plot_col_find(t, "detector") >= 0)
        rc = fd_detectors(j, t, &set);
    else
        rc = plot_wrong_columns(t, "the columns of a sweep's CSV (lane1_flow_vph,"
                                   "lane1_density_vpkm, ...) or of detectors.csv "
                                   "(detector,lane,flow_vph,occupancy)");
    if (!rc) draw_fd(j, &set, occupancy);
    series_free(&set);
    return rc;
}

/* ---- traveltime: travel time against departure time ---- */

/* The mean of y at each distinct x (x sorted), or per bin of `bin` when bin > 0. */
static int by_x(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

static int write_means(plot_job *j, const series *s, double bin)
{
    double *xy = malloc((s->n ? s->n : 1) * 2 * sizeof *xy);
    if (!xy) return -1;
    for (size_t k = 0; k < s->n; k++) {
        xy[2 * k] = bin > 0 ? (floor(s->x[k] / bin) + 0.5) * bin : s->x[k];
        xy[2 * k + 1] = s->y[k];
    }
    qsort(xy, s->n, 2 * sizeof *xy, by_x);
    int block = plot_block(j);
    for (size_t k = 0; k < s->n;) {
        size_t e = k;
        double sum = 0;
        for (; e < s->n && xy[2 * e] == xy[2 * k]; e++) sum += xy[2 * e + 1];
        fprintf(j->d, "%.10g %.6g\n", plot_time_x(j, xy[2 * k]), sum / (double)(e - k) / 60);
        k = e;
    }
    free(xy);
    return block;
}

static void write_points(plot_job *j, const series *s)
{
    for (size_t k = 0; k < s->n; k++)
        fprintf(j->d, "%.10g %.6g\n", plot_time_x(j, s->x[k]), s->y[k] / 60);
}

typedef struct tt_input {
    series_set set;
    int runs;          /* compare: distinct runs; 0 for trips.csv */
    size_t unfinished; /* probes without a travel time */
    double x0, x1;     /* departures, s */
} tt_input;

static int tt_compare(const plot_table *t, tt_input *in)
{
    int run = plot_col(t, "run"), dep = plot_col(t, "departure_s");
    int strat = plot_col(t, "strategy"), tt = plot_col(t, "travel_time_s");
    if (run < 0 || dep < 0 || strat < 0 || tt < 0) return 2;
    double last_run = -1;
    for (size_t r = 0; r < t->nrows; r++) {
        double rv, dv, tv;
        if (plot_num_req(t, r, run, &rv) || plot_num_req(t, r, dep, &dv) ||
            plot_num(t, r, tt, &tv) < 0)
            return 2;
        if (rv != last_run) in->runs++;
        last_run = rv;
        series *s = series_get(&in->set, plot_cell(t, r, strat));
        if (!s) return ls_cli_fail(1, "plot", "out of memory");
        in->x0 = fmin(in->x0, dv);
        in->x1 = fmax(in->x1, dv);
        if (isnan(tv)) {
            s->missing++;
            in->unfinished++;
            continue;
        }
        if (series_add(s, dv, tv)) return ls_cli_fail(1, "plot", "out of memory");
    }
    return 0;
}

static int more_trips(const void *a, const void *b)
{
    const series *x = a, *y = b;
    return (x->n < y->n) - (x->n > y->n);
}

static int tt_trips(const plot_table *t, tt_input *in)
{
    int o = plot_col(t, "origin"), d = plot_col(t, "destination");
    int arr = plot_col(t, "arrival_s"), ex = plot_col(t, "exit_s");
    if (o < 0 || d < 0 || arr < 0 || ex < 0) return 2;
    for (size_t r = 0; r < t->nrows; r++) {
        double av, ev;
        if (plot_num_req(t, r, arr, &av) || plot_num_req(t, r, ex, &ev)) return 2;
        char name[128];
        snprintf(name, sizeof name, "%s to %s", plot_cell(t, r, o), plot_cell(t, r, d));
        series *s = series_get(&in->set, name);
        if (!s || series_add(s, av, ev - av)) return ls_cli_fail(1, "plot", "out of memory");
        in->x0 = fmin(in->x0, av);
        in->x1 = fmax(in->x1, av);
    }
    qsort(in->set.s, (size_t)in->set.n, sizeof *in->set.s, more_trips);
    return 0;
}

/* Faint points first, so that every mean line is drawn over all of them. */
static void draw_tt_plot(plot_job *j, const tt_input *in, double bin)
{
    const char *sep = "plot ";
    for (int i = 0; i < in->set.n; i++) {
        int block = plot_block(j);
        write_points(j, &in->set.s[i]);
        /* #AARRGGBB: AA is the transparency, B0 leaves about a third of the colour. */
        fprintf(j->g, "%sdata index %d with points pt 7 ps 0.35 lc rgb \"#B0%s\" notitle", sep,
                block, colour(i) + 1);
        sep = ", \\\n     ";
    }
    for (int i = 0; i < in->set.n; i++) {
        const series *s = &in->set.s[i];
        int block = write_means(j, s, bin);
        char title[256];
        if (bin > 0)
            snprintf(title, sizeof title, "%s: mean per %g min (%zu trips)", s->name, bin / 60,
                     s->n);
        else if (s->missing)
            snprintf(title, sizeof title, "%s: mean of %d runs (%zu unfinished, not drawn)",
                     s->name, in->runs, s->missing);
        else
            snprintf(title, sizeof title, "%s: mean of %d runs", s->name, in->runs);
        fprintf(j->g, "%sdata index %d with lines lw 2 lc rgb \"%s\" title ", sep, block,
                colour(i));
        plot_put_string(j->g, title);
        sep = ", \\\n     ";
    }
    fputs(*sep == 'p' ? "plot NaN notitle\n" : "\n", j->g);
}

static void draw_tt(plot_job *j, const tt_input *in, double bin)
{
    plot_begin(j, 1100, 700);
    single_area(j);
    set_title(j, bin > 0 ? "travel time by departure, per origin and destination"
                         : "travel time by departure, per strategy");
    plot_time_axis(j, in->x0, in->x1, j->width - 110);
    fputs("set xlabel \"departure, ", j->g);
    fputs(j->start_s >= 0 ? "time of day (h:min)\"\n" : "time since t = 0 (h:min)\"\n", j->g);
    fprintf(j->g, "set ylabel \"travel time (min)%s\"\nset yrange [0:%.6g]\n",
            bin > 0 ? ", waiting to enter included" : ", from departure",
            top_of(&in->set, 1, 1.25) / 60);
    if (in->unfinished)
        fprintf(j->g,
                "set label \"%zu probes did not finish and are not drawn\" at graph 0.01, "
                "graph 0.96 front\n",
                in->unfinished);
    draw_tt_plot(j, in, bin);
}

int plot_traveltime(plot_job *j, plot_table *t)
{
    tt_input in;
    memset(&in, 0, sizeof in);
    in.x0 = INFINITY;
    in.x1 = -INFINITY;
    int trips = plot_col_find(t, "strategy") < 0;
    int rc;
    if (!trips)
        rc = tt_compare(t, &in);
    else if (plot_col_find(t, "origin") >= 0 || plot_col_find(t, "exit_s") >= 0)
        rc = tt_trips(t, &in);
    else
        rc = plot_wrong_columns(t, "the columns of `compare --by-departure` "
                                   "(run,departure_s,strategy,travel_time_s) or of trips.csv "
                                   "(origin,destination,arrival_s,exit_s)");
    if (!rc) draw_tt(j, &in, trips ? j->bin_s : 0);
    series_free(&in.set);
    return rc;
}

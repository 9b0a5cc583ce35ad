/* plot_space.c: position against time, per lane: vehicle tracks from `run --trajectories`, or
 * the speed field of speed_field.csv as a heat map (`spacetime` and `lanes`). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"

/* A multiplot of `n` panels side by side, with one colour box at the right. Margins are fixed
 * in pixels, so that the panels keep their size and a data coordinate maps to a known pixel. */
typedef struct panels {
    int n;
    double left, right, bottom, top, gap; /* screen fractions */
    double width;                         /* of one panel */
} panels;

static panels layout(const plot_job *j, int n)
{
    panels p;
    p.n = n;
    p.left = 75.0 / j->width;
    p.right = 1 - 105.0 / j->width;
    p.bottom = 60.0 / j->height;
    p.top = 1 - 75.0 / j->height;
    p.gap = 14.0 / j->width;
    p.width = (p.right - p.left - p.gap * (n - 1)) / n;
    return p;
}

static void begin_panels(plot_job *j, const panels *p, const char *what, int field, double t0,
                         double t1)
{
    fputs("set multiplot title ", j->g);
    plot_put_title(j, what);
    fputs(" font \",12\"\n", j->g);
    fprintf(j->g,
            "set colorbox user origin screen %.4f, screen %.4f size screen %.4f, screen %.4f\n",
            p->right + 15.0 / j->width, p->bottom, 16.0 / j->width, p->top - p->bottom);
    plot_speed_palette(j, field ? "speed (km/h); grey: no vehicle" : "speed (km/h)");
    plot_time_axis(j, t0, t1, (int)(p->width * j->width));
    fputs("set ylabel \"position (km)\"\nset ytics nomirror\nset grid front lc rgb "
          "\"#888888\" lw 0.5\nunset key\n",
          j->g);
}

/* Before the panel of index i: its area, the position tics on the first panel only, the ramps
 * labelled on the first and the detectors on the last. */
static void begin_panel(plot_job *j, const panels *p, int i, const char *title)
{
    double l = p->left + i * (p->width + p->gap);
    plot_area(j, l, l + p->width, p->bottom, p->top);
    if (i == 1) fputs("set format y \"\"\nunset ylabel\n", j->g);
    if (j->have_scenario) {
        fputs("unset arrow\nunset label\n", j->g);
        plot_road_marks(j, (i == 0 ? 1 : 0) | (i == p->n - 1 ? 2 : 0));
    }
    fputs("set title ", j->g);
    plot_put_string(j->g, title);
    fputc('\n', j->g);
}

/* ---- tracks from `run --trajectories` ---- */

typedef struct track_row {
    int lane;
    double id, t, pos, v;
} track_row;

static int by_lane_id_time(const void *a, const void *b)
{
    const track_row *x = a, *y = b;
    if (x->lane != y->lane) return x->lane < y->lane ? -1 : 1;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return (x->t > y->t) - (x->t < y->t);
}

typedef struct tracks {
    track_row *rows;
    size_t n;
    double t0, t1, pos_max, sample_s;
    int lanes[LS_MAX_LANES + LS_MAX_RAMPS]; /* the lanes drawn, numbered from 1 */
    int nlanes;
    const char *ramp[LS_MAX_LANES + LS_MAX_RAMPS + 1]; /* per lane number: its on-ramp */
} tracks;

static int read_track_row(const plot_table *t, size_t r, const int col[5], track_row *out)
{
    double v[5];
    for (int k = 0; k < 5; k++)
        if (plot_num_req(t, r, col[k], &v[k])) return 2;
    if (v[2] < 1 || v[2] > LS_MAX_LANES + LS_MAX_RAMPS || v[2] != floor(v[2]))
        return ls_cli_fail(2, "plot", "%s:%zu: column lane: expected a lane number, got %g",
                           t->path, t->lines[r], v[2]);
    *out = (track_row){(int)v[2], v[1], v[0], v[3], v[4]};
    return 0;
}

/* The lanes to draw: --lane, else the mainline lanes (lane_kind, or the scenario's road.lanes;
 * without either, every lane in the file). */
static int choose_track_lanes(plot_job *j, const plot_table *t, tracks *k)
{
    int kind = plot_col_find(t, "lane_kind"), ramp = plot_col_find(t, "ramp");
    int seen[LS_MAX_LANES + LS_MAX_RAMPS + 1] = {0};
    for (size_t r = 0; r < k->n; r++) {
        int l = k->rows[r].lane;
        int is_ramp = kind >= 0 ? !strcmp(plot_cell(t, r, kind), "ramp")
                                : j->have_scenario && l > j->scenario.road.lanes;
        seen[l] = is_ramp ? 2 : 1;
        if (is_ramp && ramp >= 0) k->ramp[l] = plot_cell(t, r, ramp);
    }
    k->nlanes = 0;
    for (int l = 1; l <= LS_MAX_LANES + LS_MAX_RAMPS; l++)
        if (j->lane ? l == j->lane && seen[l] : seen[l] == 1) k->lanes[k->nlanes++] = l;
    if (k->nlanes) return 0;
    if (j->lane)
        return ls_cli_fail(2, "plot",
                           "%s: --lane %d: expected a lane of the file, it has no row "
                           "in lane %d",
                           t->path, j->lane, j->lane);
    return ls_cli_fail(2, "plot", "%s: expected trajectory rows, got none", t->path);
}

static int read_tracks(plot_job *j, const plot_table *t, tracks *k)
{
    static const char *const names[5] = {"time_s", "id", "lane", "position_m", "speed_kmh"};
    int col[5];
    for (int c = 0; c < 5; c++)
        if ((col[c] = plot_col(t, names[c])) < 0) return 2;
    k->rows = malloc((t->nrows ? t->nrows : 1) * sizeof *k->rows);
    if (!k->rows) return ls_cli_fail(1, "plot", "out of memory");
    k->n = t->nrows;
    k->t0 = INFINITY;
    k->t1 = -INFINITY;
    for (size_t r = 0; r < t->nrows; r++) {
        int rc = read_track_row(t, r, col, &k->rows[r]);
        if (rc) return rc;
        k->t0 = fmin(k->t0, k->rows[r].t);
        k->t1 = fmax(k->t1, k->rows[r].t);
        k->pos_max = fmax(k->pos_max, k->rows[r].pos);
    }
    int rc = choose_track_lanes(j, t, k);
    if (rc) return rc;
    qsort(k->rows, k->n, sizeof *k->rows, by_lane_id_time);
    /* The sampling period: the shortest step between two rows of one vehicle. */
    k->sample_s = INFINITY;
    for (size_t r = 1; r < k->n; r++)
        if (k->rows[r].id == k->rows[r - 1].id && k->rows[r].lane == k->rows[r - 1].lane &&
            k->rows[r].t > k->rows[r - 1].t)
            k->sample_s = fmin(k->sample_s, k->rows[r].t - k->rows[r - 1].t);
    return 0;
}

/* One lane's tracks: a vehicle's rows in time order, broken (a blank line) where it left the
 * lane, so that gnuplot joins only consecutive samples. */
static int write_lane_tracks(plot_job *j, const tracks *k, int lane)
{
    int rows = 0, block = -1;
    for (size_t r = 0; r < k->n; r++) {
        const track_row *x = &k->rows[r];
        if (x->lane != lane) continue;
        if (block < 0) block = plot_block(j);
        const track_row *p = r ? &k->rows[r - 1] : NULL;
        if (rows && (p->lane != lane || p->id != x->id || x->t - p->t > 1.5 * k->sample_s))
            fputc('\n', j->d);
        fprintf(j->d, "%.10g %.6g %.4g\n", plot_time_x(j, x->t), x->pos / 1000, x->v);
        rows++;
    }
    return block;
}

static double road_km(const plot_job *j, double pos_max_m)
{
    if (j->have_scenario) return j->scenario.road.length_m / 1000;
    return ceil(pos_max_m / 100) / 10; /* whole 100 m above the last position */
}

static void lane_title(const plot_job *j, const tracks *k, int lane, char *out, size_t size)
{
    const char *ramp = k ? k->ramp[lane] : NULL;
    if (ramp)
        snprintf(out, size, "lane %d (%s)", lane, ramp);
    else if (j->have_scenario && lane == 1 && j->scenario.road.lanes > 1)
        snprintf(out, size, "lane 1 (median)");
    else if (j->have_scenario && lane == j->scenario.road.lanes && lane > 1)
        snprintf(out, size, "lane %d (shoulder)", lane);
    else
        snprintf(out, size, "lane %d", lane);
}

static int draw_tracks(plot_job *j, const plot_table *t)
{
    tracks k;
    memset(&k, 0, sizeof k);
    int rc = read_tracks(j, t, &k);
    if (rc) {
        free(k.rows);
        return rc;
    }
    plot_begin(j, k.nlanes > 1 ? 160 + 300 * k.nlanes : 1000, 700);
    panels p = layout(j, k.nlanes);
    begin_panels(j, &p, "vehicle tracks by speed", 0, k.t0, k.t1);
    fprintf(j->g, "set yrange [0:%.6g]\n", road_km(j, k.pos_max));
    for (int i = 0; i < k.nlanes; i++) {
        char title[LS_NAME_MAX + 32];
        lane_title(j, &k, k.lanes[i], title, sizeof title);
        begin_panel(j, &p, i, title);
        int block = write_lane_tracks(j, &k, k.lanes[i]);
        if (block >= 0)
            fprintf(j->g, "plot data index %d using 1:2:3 with lines lw 1 lc palette z\n", block);
        else
            fputs("plot NaN\n", j->g);
    }
    fputs("unset multiplot\n", j->g);
    free(k.rows);
    return 0;
}

/* ---- the speed field of speed_field.csv ---- */

typedef struct field {
    int col[6]; /* begin_s, end_s, lane, from_m, to_m, speed_kmh */
    double t0, t1, to_max;
    int lanes[LS_MAX_LANES + 1]; /* the lanes drawn, numbered from 1 */
    int nlanes;
} field;

static int read_field(plot_job *j, const plot_table *t, field *f)
{
    static const char *const names[6] = {"begin_s", "end_s", "lane", "from_m", "to_m", "speed_kmh"};
    for (int c = 0; c < 6; c++)
        if ((f->col[c] = plot_col(t, names[c])) < 0) return 2;
    int seen[LS_MAX_LANES + LS_MAX_RAMPS + 1] = {0};
    f->t0 = INFINITY;
    f->t1 = -INFINITY;
    for (size_t r = 0; r < t->nrows; r++) {
        double v[6];
        for (int c = 0; c < 6; c++)
            if (c < 5 ? plot_num_req(t, r, f->col[c], &v[c]) : plot_num(t, r, f->col[c], &v[c]) < 0)
                return 2;
        if (v[2] < 1 || v[2] > LS_MAX_LANES || v[2] != floor(v[2]))
            return ls_cli_fail(2, "plot", "%s:%zu: column lane: expected a lane number, got %g",
                               t->path, t->lines[r], v[2]);
        seen[(int)v[2]] = 1;
        f->t0 = fmin(f->t0, v[0]);
        f->t1 = fmax(f->t1, v[1]);
        f->to_max = fmax(f->to_max, v[4]);
    }
    for (int l = 1; l <= LS_MAX_LANES; l++)
        if (seen[l] && (!j->lane || l == j->lane)) f->lanes[f->nlanes++] = l;
    if (f->nlanes) return 0;
    if (j->lane)
        return ls_cli_fail(2, "plot",
                           "%s: --lane %d: expected a lane of the file, it has no row "
                           "in lane %d",
                           t->path, j->lane, j->lane);
    return ls_cli_fail(2, "plot", "%s: expected speed field rows, got none", t->path);
}

/* One lane's cells as boxes (centre and half sizes): those with vehicles, coloured by speed,
 * then those without: their blocks, -1 for none. */
static void write_lane_field(plot_job *j, const plot_table *t, const field *f, int lane,
                             int block[2], double *slow_share)
{
    double area_slow = 0, area = 0;
    double queue_kmh = j->have_scenario ? j->scenario.field.queue_speed_kmh : 40;
    for (int empty = 0; empty < 2; empty++) {
        block[empty] = -1;
        for (size_t r = 0; r < t->nrows; r++) {
            double v[6];
            for (int c = 0; c < 6; c++) plot_num(t, r, f->col[c], &v[c]);
            if ((int)v[2] != lane || isnan(v[5]) != empty) continue;
            if (block[empty] < 0) block[empty] = plot_block(j);
            double dt = v[1] - v[0], dx = (v[4] - v[3]) / 1000;
            fprintf(j->d, "%.10g %.6g %.10g %.6g %.4g\n", plot_time_x(j, (v[0] + v[1]) / 2),
                    (v[3] + v[4]) / 2000, dt / 2, dx / 2, empty ? 0 : v[5]);
            area += dt * dx;
            if (!empty && v[5] < queue_kmh) area_slow += dt * dx;
        }
    }
    *slow_share = area > 0 ? area_slow / area : 0;
}

static void plot_lane_field(plot_job *j, const int block[2])
{
    const char *sep = "plot ";
    if (block[0] >= 0) {
        fprintf(j->g,
                "%sdata index %d using 1:2:3:4:5 with boxxyerror fs solid 1.0 noborder "
                "lc palette z",
                sep, block[0]);
        sep = ", \\\n     ";
    }
    if (block[1] >= 0) {
        fprintf(j->g,
                "%sdata index %d using 1:2:3:4 with boxxyerror fs solid 1.0 noborder "
                "lc rgb \"#d9d9d9\"",
                sep, block[1]);
        sep = "";
    }
    fputs(*sep == 'p' ? "plot NaN\n" : "\n", j->g);
}

static int draw_field(plot_job *j, const plot_table *t, int lanes_kind)
{
    field f;
    memset(&f, 0, sizeof f);
    int rc = read_field(j, t, &f);
    if (rc) return rc;
    plot_begin(j, f.nlanes > 1 ? 160 + 300 * f.nlanes : 1000, 700);
    panels p = layout(j, f.nlanes);
    begin_panels(j, &p, lanes_kind ? "speed by lane" : "speed field", 1, f.t0, f.t1);
    fprintf(j->g, "set yrange [0:%.6g]\n", road_km(j, f.to_max));
    for (int i = 0; i < f.nlanes; i++) {
        int block[2];
        double slow;
        write_lane_field(j, t, &f, f.lanes[i], block, &slow);
        char title[LS_NAME_MAX + 64];
        lane_title(j, NULL, f.lanes[i], title, sizeof title);
        if (lanes_kind) {
            size_t n = strlen(title);
            snprintf(title + n, sizeof title - n, "\nqueued (below %g km/h): %.0f %%",
                     j->have_scenario ? j->scenario.field.queue_speed_kmh : 40, 100 * slow);
        }
        begin_panel(j, &p, i, title);
        plot_lane_field(j, block);
    }
    fputs("unset multiplot\n", j->g);
    return 0;
}

int plot_spacetime(plot_job *j, plot_table *t)
{
    if (plot_col_find(t, "from_m") >= 0) return draw_field(j, t, 0);
    if (plot_col_find(t, "position_m") >= 0) return draw_tracks(j, t);
    return plot_wrong_columns(t, "the columns of `run --trajectories` "
                                 "(time_s,id,lane,position_m,speed_kmh) or of speed_field.csv "
                                 "(begin_s,end_s,lane,from_m,to_m,speed_kmh)");
}

int plot_lanes(plot_job *j, plot_table *t)
{
    if (j->lane)
        return ls_cli_fail(2, "plot",
                           "--lane: not for `lanes`, which draws every lane (`plot "
                           "spacetime --lane N` draws one)");
    if (plot_col_find(t, "from_m") < 0 && plot_col_find(t, "begin_s") < 0)
        return plot_wrong_columns(t, "the columns of speed_field.csv "
                                     "(begin_s,end_s,lane,from_m,to_m,speed_kmh)");
    return draw_field(j, t, 1);
}

/* plot_meter.c: the ramp meters of meters.csv over time (`meters`): per metered ramp, the
 * commanded and the released rate with the queue, and for ALINEA the occupancy it measured
 * against its target. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"

typedef struct meter_row {
    double t;        /* s: the end of the meter period */
    double period;   /* s: its length */
    double rate;     /* veh/h: commanded at the period's end, in force until the next */
    double released; /* veh/h: released during the period */
    double occ;      /* fraction over the period; NaN for a fixed meter */
    double queue;    /* vehicles at the period's end */
} meter_row;

typedef struct meter_ramp {
    char name[LS_NAME_MAX + 64];
    meter_row *rows;
    size_t n, cap;
    int alinea;            /* the file holds its occupancy */
    double target_pct;     /* from --scenario; NaN when unknown */
    const char *detector;  /* from --scenario, or NULL */
    const char *no_target; /* why there is no target, or NULL */
    double storage;        /* vehicles the ramp holds, from --scenario; NaN when unknown */
} meter_ramp;

typedef struct meter_set {
    meter_ramp *r;
    int n, cap;
    double t0, t1; /* s: the first period's start, the last's end */
} meter_set;

typedef struct meter_cols {
    int t, ramp, rate, released, occ, queue;
} meter_cols;

static meter_ramp *ramp_get(meter_set *set, const char *name)
{
    for (int i = 0; i < set->n; i++)
        if (!strcmp(set->r[i].name, name)) return &set->r[i];
    if (set->n == set->cap) {
        int cap = set->cap ? 2 * set->cap : 4;
        meter_ramp *r = realloc(set->r, (size_t)cap * sizeof *r);
        if (!r) return NULL;
        set->r = r;
        set->cap = cap;
    }
    meter_ramp *r = &set->r[set->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->target_pct = NAN;
    r->storage = NAN;
    return r;
}

static int ramp_add(meter_ramp *r, const meter_row *row)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        meter_row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows) return -1;
        r->rows = rows;
        r->cap = cap;
    }
    r->rows[r->n++] = *row;
    return 0;
}

static void meters_free(meter_set *set)
{
    for (int i = 0; i < set->n; i++) free(set->r[i].rows);
    free(set->r);
}

static int find_cols(const plot_table *t, meter_cols *c)
{
    const char *names[6] = {"time_s", "ramp", "rate_vph", "released_vph", "occupancy", "queue"};
    int *cols[6] = {&c->t, &c->ramp, &c->rate, &c->released, &c->occ, &c->queue};
    for (int i = 0; i < 6; i++)
        if ((*cols[i] = plot_col(t, names[i])) < 0) return 2;
    return 0;
}

static int read_row(const plot_table *t, size_t r, const meter_cols *c, meter_row *row)
{
    if (plot_num_req(t, r, c->t, &row->t) || plot_num_req(t, r, c->rate, &row->rate) ||
        plot_num_req(t, r, c->released, &row->released) ||
        plot_num_req(t, r, c->queue, &row->queue) || plot_num(t, r, c->occ, &row->occ) < 0)
        return 2;
    return 0;
}

/* A period ends where the previous one of the same ramp ended; the first is as long as the
 * second (meters record from t = 0, every `period`). */
static int add_row(const plot_table *t, size_t r, meter_ramp *ramp, meter_row *row)
{
    if (ramp->n) {
        meter_row *prev = &ramp->rows[ramp->n - 1];
        if (!(row->t > prev->t))
            return ls_cli_fail(2, "plot",
                               "%s:%zu: column time_s: expected a time after ramp %s's previous "
                               "row (%g s), got %g",
                               t->path, t->lines[r], ramp->name, prev->t, row->t);
        row->period = row->t - prev->t;
        if (ramp->n == 1) prev->period = fmin(prev->t, row->period);
    } else {
        row->period = row->t;
    }
    if (!isnan(row->occ)) ramp->alinea = 1;
    return ramp_add(ramp, row) ? ls_cli_fail(1, "plot", "out of memory") : 0;
}

static int unknown_ramp(const plot_job *j, const plot_table *t, const meter_cols *c)
{
    char seen[512] = "";
    size_t n = 0;
    for (size_t r = 0; r < t->nrows && n + 1 < sizeof seen; r++) {
        const char *name = plot_cell(t, r, c->ramp);
        int dup = 0;
        for (size_t k = 0; k < r && !dup; k++) dup = !strcmp(plot_cell(t, k, c->ramp), name);
        if (!dup) n += (size_t)snprintf(seen + n, sizeof seen - n, "%s%s", n ? ", " : "", name);
    }
    return ls_cli_fail(2, "plot",
                       "%s: --ramp %s: expected a ramp of the file (%s), found none "
                       "of that name",
                       t->path, j->ramp, seen);
}

static int read_meters(const plot_job *j, const plot_table *t, meter_set *set)
{
    meter_cols c;
    if (find_cols(t, &c)) return 2;
    set->t0 = INFINITY;
    set->t1 = -INFINITY;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *name = plot_cell(t, r, c.ramp);
        meter_row row;
        if (read_row(t, r, &c, &row)) return 2;
        if (j->ramp && strcmp(name, j->ramp) != 0) continue;
        meter_ramp *ramp = ramp_get(set, name);
        if (!ramp) return ls_cli_fail(1, "plot", "out of memory");
        int rc = add_row(t, r, ramp, &row);
        if (rc) return rc;
    }
    if (!set->n) return unknown_ramp(j, t, &c);
    for (int i = 0; i < set->n; i++) {
        const meter_ramp *ramp = &set->r[i];
        set->t0 = fmin(set->t0, ramp->rows[0].t - ramp->rows[0].period);
        set->t1 = fmax(set->t1, ramp->rows[ramp->n - 1].t);
    }
    return 0;
}

/* The queue above which the meter releases at least at max_rate (the queue override):
 * `storage`, by default approach / 7.5 m, at least 1 (docs/scenarios.md). */
static double storage_of(const ls_ramp_def *def)
{
    if (def->storage > 0) return def->storage;
    return fmax(1, floor(def->approach_m / 7.5));
}

/* ALINEA's target and detector and the ramp's storage from --scenario, or why there are
 * none. */
static void find_targets(const plot_job *j, meter_set *set)
{
    for (int i = 0; i < set->n && j->have_scenario; i++) {
        meter_ramp *ramp = &set->r[i];
        ramp->no_target = "no target: the ramp is not in --scenario";
        for (int k = 0; k < j->scenario.ramp_count; k++) {
            const ls_ramp_def *def = &j->scenario.ramps[k];
            if (strcmp(def->name, ramp->name) != 0) continue;
            ramp->storage = storage_of(def);
            ramp->no_target = "no target: its meter in --scenario is not ALINEA (the run's --set?)";
            if (def->meter.kind != LS_METER_ALINEA) break;
            ramp->no_target = NULL;
            ramp->target_pct = 100 * def->meter.target_occupancy;
            ramp->detector = def->meter.detector;
        }
    }
}

/* ---- the picture: per ramp, a panel of rates and queue, and one of occupancy for ALINEA,
 * stacked, with fixed pixel margins so that a data coordinate maps to a known pixel ---- */

enum {
    TOP_PX = 40,    /* the title */
    BOTTOM_PX = 60, /* the last panel's time axis */
    HEAD_PX = 46,   /* above each panel: the tics of the one above, its label and key */
    LEFT_PX = 80,
    RIGHT_PX = 80, /* the queue's axis */
    RATE_PX = 300, /* default heights of the plot areas */
    OCC_PX = 150,
};

typedef struct meter_layout {
    int panels;
    double unit_px; /* an occupancy panel's height; a rate panel is twice as high */
    double y;       /* px from the top where the next panel's head begins */
} meter_layout;

static int count_units(const meter_set *set, int *panels)
{
    int units = 0;
    *panels = 0;
    for (int i = 0; i < set->n; i++) {
        units += 2 + set->r[i].alinea;
        *panels += 1 + set->r[i].alinea;
    }
    return units;
}

static meter_layout layout(plot_job *j, const meter_set *set)
{
    meter_layout m;
    int units = count_units(set, &m.panels);
    int px = TOP_PX + BOTTOM_PX + HEAD_PX * m.panels + OCC_PX * units;
    plot_begin(j, 1000, px);
    double free_px = j->height - TOP_PX - BOTTOM_PX - HEAD_PX * m.panels;
    m.unit_px = fmax(free_px / units, 10);
    m.y = TOP_PX;
    return m;
}

/* The next panel's area, `units` high, with its label at the top left and the key at the top
 * right, above the plot area. */
static void next_panel(plot_job *j, meter_layout *m, int units, const char *label, int last)
{
    double top = m->y + HEAD_PX, bottom = top + units * m->unit_px;
    m->y = bottom;
    plot_area(j, (double)LEFT_PX / j->width, 1 - (double)RIGHT_PX / j->width,
              1 - bottom / j->height, 1 - top / j->height);
    fputs("unset label\nset label ", j->g);
    plot_put_string(j->g, label);
    fputs(" at graph 0, graph 1 offset 0,0.9 left font \",11\"\n", j->g);
    fprintf(j->g,
            "set key at graph 1, graph %.4f bottom right horizontal samplen 3 width -1 nobox\n",
            1 + 3 / (bottom - top));
    fputs(last ? "set xlabel xl\n" : "unset xlabel\n", j->g);
}

static double highest(const meter_ramp *r, int what)
{
    double m = 0;
    for (size_t i = 0; i < r->n; i++) {
        const meter_row *x = &r->rows[i];
        double v = what == 0 ? fmax(x->rate, x->released) : what == 1 ? x->queue : 100 * x->occ;
        if (v > m) m = v;
    }
    return m;
}

/* A value per period as a step over the period. */
static int write_periods(plot_job *j, const meter_ramp *r, int occupancy)
{
    int block = plot_block(j);
    for (size_t i = 0; i < r->n; i++) {
        const meter_row *x = &r->rows[i];
        double v = occupancy ? 100 * x->occ : x->released;
        if (isnan(v)) {
            fputc('\n', j->d);
            continue;
        }
        fprintf(j->d, "%.10g %.6g\n%.10g %.6g\n", plot_time_x(j, x->t - x->period), v,
                plot_time_x(j, x->t), v);
    }
    return block;
}

/* The commanded rate from each record to the next (the last one only at its time). */
static int write_rates(plot_job *j, const meter_ramp *r)
{
    int block = plot_block(j);
    for (size_t i = 0; i < r->n; i++) {
        fprintf(j->d, "%.10g %.6g\n", plot_time_x(j, r->rows[i].t), r->rows[i].rate);
        if (i + 1 < r->n)
            fprintf(j->d, "%.10g %.6g\n", plot_time_x(j, r->rows[i + 1].t), r->rows[i].rate);
    }
    return block;
}

static int write_queue(plot_job *j, const meter_ramp *r)
{
    int block = plot_block(j);
    for (size_t i = 0; i < r->n; i++)
        fprintf(j->d, "%.10g %.6g\n", plot_time_x(j, r->rows[i].t), r->rows[i].queue);
    return block;
}

static void rate_panel(plot_job *j, meter_layout *m, const meter_ramp *r, int last)
{
    char label[LS_NAME_MAX + 128];
    snprintf(label, sizeof label, "ramp %s, %s", r->name, r->alinea ? "ALINEA" : "fixed rate");
    next_panel(j, m, 2, label, last);
    double qmax = fmax(highest(r, 1), isnan(r->storage) ? 0 : r->storage);
    fprintf(j->g,
            "set yrange [0:%.6g]\nset y2range [0:%.6g]\nset ytics nomirror\n"
            "set y2tics\nset ylabel \"rate (veh/h)\"\nset y2label \"queue (vehicles)\"\n",
            highest(r, 0) * 1.25 + (highest(r, 0) > 0 ? 0 : 100), qmax > 0 ? qmax * 1.25 : 10);
    int rate = write_rates(j, r), released = write_periods(j, r, 0), queue = write_queue(j, r);
    fprintf(j->g,
            "plot data index %d with lines lw 3.5 lc rgb \"%s\" title \"commanded rate\", \\\n"
            "     data index %d with lines lw 2 lc rgb \"%s\" title \"released\", \\\n"
            "     data index %d axes x1y2 with lines lw 2 lc rgb \"%s\" title \"queue (right)\"",
            rate, plot_series_colours[0], released, plot_series_colours[1], queue,
            plot_series_colours[2]);
    if (!isnan(r->storage))
        fprintf(j->g,
                ", \\\n     %.6g axes x1y2 with lines dt 3 lw 1.5 lc rgb \"%s\" "
                "title \"storage %g\"",
                r->storage, plot_series_colours[2], r->storage);
    fputc('\n', j->g);
    fputs("unset y2tics\nunset y2label\nset ytics mirror\n", j->g);
}

static void occupancy_panel(plot_job *j, meter_layout *m, const meter_ramp *r, int last)
{
    char label[LS_NAME_MAX + 160];
    if (r->detector)
        snprintf(label, sizeof label, "ramp %s: occupancy at detector %s", r->name, r->detector);
    else
        snprintf(label, sizeof label, "ramp %s: occupancy ALINEA measured%s%s", r->name,
                 r->no_target ? "; " : "", r->no_target ? r->no_target : "");
    next_panel(j, m, 1, label, last);
    double top = fmax(highest(r, 2), isnan(r->target_pct) ? 0 : r->target_pct);
    fprintf(j->g, "set yrange [0:%.6g]\nset ylabel \"occupancy (%%)\"\n", top > 0 ? top * 1.3 : 1);
    int occ = write_periods(j, r, 1);
    fprintf(j->g, "plot data index %d with lines lw 2 lc rgb \"%s\" title \"occupancy\"", occ,
            plot_series_colours[3]);
    if (!isnan(r->target_pct))
        fprintf(j->g, ", \\\n     %.6g with lines dt 2 lw 1.5 lc rgb \"%s\" title \"target %g %%\"",
                r->target_pct, plot_series_colours[6], r->target_pct);
    fputc('\n', j->g);
}

static void draw_meters(plot_job *j, const meter_set *set)
{
    meter_layout m = layout(j, set);
    fputs("set multiplot title ", j->g);
    plot_put_title(j, "ramp meters");
    fputs(" font \",12\"\n", j->g);
    fputs("set grid lc rgb \"#cccccc\" lw 0.5\nset samples 2\n", j->g);
    plot_time_axis(j, set->t0, set->t1, j->width - LEFT_PX - RIGHT_PX);
    /* plot_time_axis set the label; only the last panel shows it. */
    fprintf(j->g, "xl = \"%s\"\n",
            j->start_s >= 0 ? "time of day (h:min)" : "time since t = 0 (h:min)");
    for (int i = 0; i < set->n; i++) {
        const meter_ramp *r = &set->r[i];
        rate_panel(j, &m, r, i == set->n - 1 && !r->alinea);
        if (r->alinea) occupancy_panel(j, &m, r, i == set->n - 1);
    }
    fputs("unset multiplot\n", j->g);
}

int plot_meters(plot_job *j, plot_table *t)
{
    meter_set set;
    memset(&set, 0, sizeof set);
    int rc = read_meters(j, t, &set);
    if (!rc) {
        find_targets(j, &set);
        draw_meters(j, &set);
    }
    meters_free(&set);
    return rc;
}

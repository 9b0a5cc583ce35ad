/* plot.h: `lanesim plot`: reading lanesim's CSV outputs, and writing a gnuplot script with its
 * data beside the picture, then running gnuplot on it (docs/plot.md). */
#ifndef LS_PLOT_H
#define LS_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "lanesim/lanesim.h"
#include "outfile.h"

/* ---- a CSV file read whole (plot_csv.c) ---- */

typedef struct plot_table {
    const char *path;
    char *text;    /* the file, split in place into fields */
    int ncols;     /* columns of the header */
    char **names;  /* ncols header names */
    size_t nrows;  /* data rows */
    char **cells;  /* nrows * ncols fields, row-major */
    size_t *lines; /* the file line of each row (1-based), for messages */
} plot_table;

/* Reads a CSV file with a header line. Returns 0, or the exit status (2 for an empty file, one
 * that is not CSV text or a row with the wrong number of fields; 1 when it cannot be read)
 * with one line printed. */
int plot_table_read(plot_table *t, const char *path);
void plot_table_free(plot_table *t);
/* The index of a column, or -1. */
int plot_col_find(const plot_table *t, const char *name);
/* The index of a column; when missing, prints `FILE: expected a column "X", got columns a,b`
 * and returns -1. */
int plot_col(const plot_table *t, const char *name);
/* Prints `FILE: expected WHAT, got columns a,b` (for a file of neither accepted kind); returns
 * 2. */
int plot_wrong_columns(const plot_table *t, const char *what);
static inline const char *plot_cell(const plot_table *t, size_t row, int col)
{
    return t->cells[row * (size_t)t->ncols + (size_t)col];
}
/* A cell as a number. Returns 0, 1 for an empty cell (*v = NaN), or -1 after printing
 * `FILE:LINE: column X: expected a number, got "abc"`. */
int plot_num(const plot_table *t, size_t row, int col, double *v);
/* The same for a cell that must hold a number: 0, or -1 with the line printed. */
int plot_num_req(const plot_table *t, size_t row, int col, double *v);

/* ---- the picture being made (plot_out.c) ---- */

typedef enum plot_format { PLOT_PNG, PLOT_SVG, PLOT_PDF } plot_format;

typedef struct plot_job {
    const char *cmd;  /* "plot" for messages */
    const char *kind; /* "spacetime", "fd", ... */
    const char *input;
    int argc; /* the command line after `lanesim`, recorded at the head of the script */
    char **argv;
    plot_format format;
    int width, height;    /* pixels (PDF: 1/100 inch) */
    const char *title;    /* --title, or NULL */
    int lane;             /* --lane N, 0 = every lane */
    double bin_s;         /* --bin: the departure bins of trips.csv, s */
    const char *detector; /* --detector NAME, or NULL = every detector */
    const char *ramp;     /* --ramp NAME, or NULL = every metered ramp */
    int have_scenario;
    ls_scenario scenario; /* --scenario FILE, when have_scenario */
    double start_s;       /* time of day at t = 0, s after midnight; -1 when unknown */
    /* The three files: FILE.gp, FILE.dat and the picture. */
    char *gp_path, *dat_path, *img_path;
    ls_outfile gp, dat, img;
    FILE *g, *d; /* gp.f and dat.f */
    int blocks;  /* data blocks written to FILE.dat so far (gnuplot's `index`) */
} plot_job;

/* The speed palette of every speed picture: fixed stops in km/h (docs/plot.md lists them), so
 * that the same colour means the same speed in every picture. */
#define PLOT_SPEED_MAX_KMH 120.0

/* The colours of series (lanes, strategies, origin-destination pairs), Okabe and Ito's. */
extern const char *const plot_series_colours[];
#define PLOT_SERIES_COLOURS 8

/* Writes the script's head: how to redraw it, the file names, the terminal. A kind calls it
 * first, with its default size in pixels (--size overrides). */
void plot_begin(plot_job *j, int width, int height);
/* Starts a new data block in FILE.dat; returns its index for gnuplot's `index`. */
int plot_block(plot_job *j);
/* The title of the picture: --title, else `what` with the scenario's name when known. Written
 * as a gnuplot string (quoted). */
void plot_put_title(plot_job *j, const char *what);
/* Writes a gnuplot string literal (double-quoted, escaped). */
void plot_put_string(FILE *g, const char *s);
/* The x axis as time: range [t0, t1] (s from t = 0) shown as clock time when the start time is
 * known, tics fitted to a panel `panel_px` wide. */
void plot_time_axis(plot_job *j, double t0, double t1, int panel_px);
/* x in the script's data for a simulation time t (s): the time of day, or t itself. */
double plot_time_x(const plot_job *j, double t);
/* Sets the plot area of a panel in screen fractions, so that a data coordinate maps to a
 * known pixel (the tests rely on it). */
void plot_area(plot_job *j, double left, double right, double bottom, double top);
/* The speed palette and its colour box. */
void plot_speed_palette(plot_job *j, const char *label);
/* Horizontal lines at the ramps and detectors of --scenario, in a position axis in km, with
 * labels: `labels` bit 0 for the ramps', bit 1 for the detectors'. */
void plot_road_marks(plot_job *j, int labels);

/* ---- the kinds of picture ---- */

int plot_spacetime(plot_job *j, plot_table *t);
int plot_lanes(plot_job *j, plot_table *t);
int plot_fd(plot_job *j, plot_table *t);
int plot_traveltime(plot_job *j, plot_table *t);
int plot_meters(plot_job *j, plot_table *t);

#endif

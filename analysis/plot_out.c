/* plot_out.c: what every picture's script shares: titles, the time axis, the speed palette, the
 * plot area, the road's ramps and detectors. */
#include <math.h>
#include <string.h>

#include "plot.h"

const char *const plot_series_colours[PLOT_SERIES_COLOURS] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};

int plot_block(plot_job *j)
{
    /* gnuplot's `index` counts blocks separated by two blank lines. */
    if (j->blocks) fputs("\n\n", j->d);
    return j->blocks++;
}

void plot_put_string(FILE *g, const char *s)
{
    /* The terminals are set `noenhanced`, so only the string's own escapes are needed. */
    fputc('"', g);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\' || *s == '\n') fputc('\\', g);
        fputc(*s == '\n' ? 'n' : *s, g);
    }
    fputc('"', g);
}

void plot_put_title(plot_job *j, const char *what)
{
    char t[512];
    if (j->title)
        snprintf(t, sizeof t, "%s", j->title);
    else if (j->have_scenario)
        snprintf(t, sizeof t, "%s: %s", j->scenario.name, what);
    else
        snprintf(t, sizeof t, "%s", what);
    plot_put_string(j->g, t);
}

double plot_time_x(const plot_job *j, double t)
{
    return j->start_s >= 0 ? j->start_s + t : t;
}

/* A tic step of clock time that puts about one tic per 55 pixels. */
static double tic_step(double span_s, int panel_px)
{
    static const double steps[] = {1,   2,   5,    10,   15,   30,    60,    120,   300,
                                   600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
    double most = panel_px / 55.0 < 2 ? 2 : panel_px / 55.0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span_s / steps[i] <= most) return steps[i];
    return 86400 * ceil(span_s / most / 86400);
}

void plot_time_axis(plot_job *j, double t0, double t1, int panel_px)
{
    if (!(t1 > t0)) t1 = t0 + 1;
    double step = tic_step(t1 - t0, panel_px);
    fprintf(j->g, "set xrange [%.10g:%.10g]\n", plot_time_x(j, t0), plot_time_x(j, t1));
    fprintf(j->g, "set xtics %g format \"%s\" time\n", step, step < 60 ? "%tH:%tM:%tS" : "%tH:%tM");
    fprintf(j->g, "set xlabel \"%s\"\n",
            j->start_s >= 0 ? "time of day (h:min)" : "time since t = 0 (h:min)");
}

void plot_area(plot_job *j, double left, double right, double bottom, double top)
{
    fprintf(j->g,
            "set lmargin at screen %.4f; set rmargin at screen %.4f\n"
            "set bmargin at screen %.4f; set tmargin at screen %.4f\n",
            left, right, bottom, top);
}

void plot_speed_palette(plot_job *j, const char *label)
{
    fprintf(j->g,
            "# Speed colours, km/h: the same colour is the same speed in every lanesim picture.\n"
            "set palette defined (0 \"#a50026\", 30 \"#f46d43\", 60 \"#fee08b\", 90 \"#66bd63\", "
            "120 \"#1a9850\")\n"
            "set cbrange [0:%g]\nset cbtics 20\nset cblabel \"%s\"\n",
            PLOT_SPEED_MAX_KMH, label);
}

/* Ramps are labelled at the left of the first panel, detectors at the right of the last, so
 * that the labels of marks close together do not overlap. */
static void road_mark(plot_job *j, double at_m, const char *name, int ramp, int labels)
{
    fprintf(j->g, "set arrow from graph 0, first %.6g to graph 1, first %.6g nohead front %s\n",
            at_m / 1000, at_m / 1000,
            ramp ? "lw 1.5 lc rgb \"#202020\"" : "dt 2 lw 1 lc rgb \"#404040\"");
    if (!(labels & (ramp ? 1 : 2))) return;
    char text[LS_NAME_MAX + 16];
    snprintf(text, sizeof text, "%s%s", ramp ? "" : "detector ", name);
    fprintf(j->g, "set label ");
    plot_put_string(j->g, text);
    fprintf(j->g, " at graph %s, first %.6g %s offset 0,0.6 front boxed font \",8\"\n",
            ramp ? "0.02" : "0.98", at_m / 1000, ramp ? "left" : "right");
}

void plot_road_marks(plot_job *j, int labels)
{
    if (!j->have_scenario) return;
    const ls_scenario *s = &j->scenario;
    if (labels) fputs("set style textbox opaque fc rgb \"#ffffff\" noborder margins 1,1\n", j->g);
    for (int r = 0; r < s->ramp_count; r++)
        road_mark(j, s->ramps[r].at_m, s->ramps[r].name, 1, labels);
    for (int d = 0; d < s->detector_count; d++)
        road_mark(j, s->detectors[d].at_m, s->detectors[d].name, 0, labels);
}

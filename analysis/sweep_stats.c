/* sweep_stats.c: --aggregate: mean, sd and Student-t 95 % interval of every metric per point. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "outfile.h"
#include "sweep.h"

/* Running mean and sum of squared deviations (Welford), one per metric column: the rows of a
 * point are read once, in run order, so the result does not depend on completion order. */
typedef struct moments {
    long n;
    double mean, m2;
} moments;

/* The columns of a rows file: grid keys from 4 to first_metric - 1, metrics from there to the
 * one before wall_s (wall time is no property of the model, so it is not aggregated). */
typedef struct layout {
    sweep_fields header;
    int first_metric, metrics;
} layout;

static int read_layout(const sweep_table *t, const char *path, layout *l)
{
    memset(l, 0, sizeof *l);
    if (!t->header || sweep_fields_split(&l->header, t->header) != 0)
        return ls_cli_fail(2, "sweep", "%s: no header line", path);
    l->first_metric = sweep_csv_first_metric(&l->header);
    int last = l->header.count - 1;
    if (l->first_metric < 4 || strcmp(l->header.f[last], "wall_s") != 0)
        return ls_cli_fail(2, "sweep", "%s: not the rows of a sweep (no lane1_flow_vph ... wall_s)",
                           path);
    l->metrics = last - l->first_metric;
    return 0;
}

static void write_header(const layout *l, FILE *out)
{
    fputs("point", out);
    for (int k = 4; k < l->first_metric; k++) fprintf(out, ",%s", l->header.f[k]);
    fputs(",n", out);
    for (int m = 0; m < l->metrics; m++) {
        const char *name = l->header.f[l->first_metric + m];
        fprintf(out, ",%s_mean,%s_sd,%s_ci95_low,%s_ci95_high", name, name, name, name);
    }
    fputc('\n', out);
}

static int add_row(const layout *l, const sweep_fields *f, moments *mo)
{
    for (int m = 0; m < l->metrics; m++) {
        const char *s = f->f[l->first_metric + m];
        if (!*s) continue; /* a lane this point does not have */
        char *end;
        double x = strtod(s, &end);
        if (*end || !isfinite(x)) return -1;
        moments *a = &mo[m];
        double delta = x - a->mean;
        a->mean += delta / (double)++a->n;
        a->m2 += delta * (x - a->mean);
    }
    return 0;
}

/* With one replication there is no spread to estimate: sd and interval are left empty. */
static void write_stats(const moments *a, FILE *out)
{
    if (a->n == 0) {
        fputs(",,,,", out);
        return;
    }
    fprintf(out, ",%.15g", a->mean);
    if (a->n < 2) {
        fputs(",,,", out);
        return;
    }
    double sd = sqrt(a->m2 / (double)(a->n - 1));
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(a->n - 1)) * sd / sqrt((double)a->n);
    fprintf(out, ",%.15g,%.15g,%.15g", sd, a->mean - half, a->mean + half);
}

static void write_point(const layout *l, const sweep_fields *first, long n, const moments *mo,
                        FILE *out)
{
    sweep_buf b = {0};
    sweep_buf_add(&b, "%s", first->f[1]);
    for (int k = 4; k < l->first_metric; k++) sweep_buf_field(&b, first->f[k]);
    if (b.s) fputs(b.s, out);
    sweep_buf_free(&b);
    fprintf(out, ",%ld", n);
    for (int m = 0; m < l->metrics; m++) write_stats(&mo[m], out);
    fputc('\n', out);
}

/* Rows sorted by run hold each point's replications next to each other. */
static int aggregate_rows(const sweep_table *t, const layout *l, const char *path, FILE *out)
{
    sweep_fields f = {0}, first = {0};
    moments *mo = calloc((size_t)l->metrics, sizeof *mo);
    int rc = mo ? 0 : ls_cli_fail(1, "sweep", "out of memory");
    long n = 0;
    for (size_t i = 0; i <= t->count && !rc; i++) {
        bool last = i == t->count;
        if (!last && (sweep_fields_split(&f, t->lines[i]) != 0 || f.count != l->header.count)) {
            rc = ls_cli_fail(2, "sweep", "%s: a row does not have the header's %d fields: %.60s",
                             path, l->header.count, t->lines[i]);
            break;
        }
        if (n > 0 && (last || strcmp(f.f[1], first.f[1]) != 0)) {
            write_point(l, &first, n, mo, out);
            memset(mo, 0, (size_t)l->metrics * sizeof *mo);
            n = 0;
        }
        if (last) break;
        if (n++ == 0 && sweep_fields_split(&first, t->lines[i]) != 0)
            rc = ls_cli_fail(1, "sweep", "out of memory");
        else if (add_row(l, &f, mo) != 0)
            rc = ls_cli_fail(2, "sweep", "%s: run %s: a metric is not a number", path, f.f[0]);
    }
    free(mo);
    sweep_fields_free(&f);
    sweep_fields_free(&first);
    return rc;
}

int sweep_aggregate(const char *rows_path, const char *out_path)
{
    sweep_table t;
    if (sweep_table_read(rows_path, &t) != 0)
        return ls_cli_fail(1, "sweep", "%s: %s", rows_path, strerror(errno));
    layout l;
    int rc = read_layout(&t, rows_path, &l);
    ls_outfile out = {0};
    if (!rc && ls_outfile_open(&out, out_path) != 0)
        rc = ls_cli_fail(1, "sweep", "%s: %s", out_path, strerror(errno));
    if (!rc) {
        sweep_lines_sort(t.lines, t.count);
        write_header(&l, out.f);
        rc = aggregate_rows(&t, &l, rows_path, out.f);
    }
    if (!rc && ls_outfile_commit(&out) != 0)
        rc = ls_cli_fail(1, "sweep", "%s: %s", out_path, strerror(errno));
    ls_outfile_abort(&out);
    sweep_fields_free(&l.header);
    sweep_table_free(&t);
    return rc;
}

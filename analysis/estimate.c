/* estimate.c: estimators of freeway measures from measured data (estimate.h). */
#include "estimate.h"

#include <math.h>

/* ---- jam fronts: cross-correlation of neighbouring segments ---- */

static double cell(const ls_est_field *f, int x, int t)
{
    return f->speed_kmh[(size_t)t * (size_t)f->segments + (size_t)x];
}

/* Standard deviation of one segment's series over its finite values (0 with fewer than two). */
static double series_sd(const ls_est_field *f, int x, double *mean)
{
    double s = 0, ss = 0;
    int n = 0;
    for (int t = 0; t < f->periods; t++) {
        double v = cell(f, x, t);
        if (isnan(v)) continue;
        s += v;
        ss += v * v;
        n++;
    }
    *mean = n > 0 ? s / n : NAN;
    if (n < 2) return 0;
    double m = s / n, var = ss / n - m * m;
    return var > 0 ? sqrt(var) : 0;
}

/* Pearson correlation of b[t] (segment xb) with a[t - lag] (segment xa) over the periods where
 * both exist; NaN with fewer than a quarter of the periods (or 10) in common or no variance. */
static double lag_corr(const ls_est_field *f, int xa, int xb, int lag)
{
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    int n = 0;
    for (int t = 0; t < f->periods; t++) {
        int ta = t - lag;
        if (ta < 0 || ta >= f->periods) continue;
        double a = cell(f, xa, ta), b = cell(f, xb, t);
        if (isnan(a) || isnan(b)) continue;
        sa += a;
        sb += b;
        saa += a * a;
        sbb += b * b;
        sab += a * b;
        n++;
    }
    int need = f->periods / 4 > 10 ? f->periods / 4 : 10;
    if (n < need) return NAN;
    double va = saa - sa * sa / n, vb = sbb - sb * sb / n, cab = sab - sa * sb / n;
    if (va <= 0 || vb <= 0) return NAN;
    return cab / sqrt(va * vb);
}

/* The lag (periods, fractional) of the correlation peak of one pair, with the peak's value;
 * false when there is no interior peak above min_corr. */
static bool pair_lag(const ls_est_field *f, const ls_est_wave_opts *o, int xa, int xb, double *lag,
                     double *peak)
{
    int best = 0;
    double rbest = -2, rlo = NAN, rhi = NAN;
    for (int l = -o->max_lag; l <= o->max_lag; l++) {
        double r = lag_corr(f, xa, xb, l);
        if (!isnan(r) && r > rbest) {
            rbest = r;
            best = l;
        }
    }
    /* A peak at the edge of the searched lags is no peak: the true one may lie beyond. */
    if (rbest < o->min_corr || best == -o->max_lag || best == o->max_lag) return false;
    rlo = lag_corr(f, xa, xb, best - 1);
    rhi = lag_corr(f, xa, xb, best + 1);
    double shift = 0, den = rlo - 2 * rbest + rhi;
    if (!isnan(den) && den < 0) shift = 0.5 * (rlo - rhi) / den;
    *lag = best + shift;
    *peak = rbest;
    return true;
}

/* Whether a segment's series carries jam fronts: it varies enough and, with a limit, its mean
 * is congested. */
static bool series_used(const ls_est_field *f, const ls_est_wave_opts *o, int x)
{
    double mean;
    double sd = series_sd(f, x, &mean);
    return sd >= o->min_sd_kmh && (o->max_mean_kmh <= 0 || mean <= o->max_mean_kmh);
}

int ls_est_wave_speed(const ls_est_field *f, const ls_est_wave_opts *o, ls_est_wave *out)
{
    *out = (ls_est_wave){.speed_kmh = NAN, .se_kmh = NAN, .mean_corr = NAN};
    double sdd = 0, sdt = 0, stt = 0, scorr = 0;
    int n = 0;
    for (int x = 0; x < f->segments; x++) {
        if (!series_used(f, o, x)) continue;
        for (int d = 1; d <= o->max_separation; d++) {
            int xb = x + d;
            if (f->ring) xb %= f->segments;
            if (xb >= f->segments || xb == x || !series_used(f, o, xb)) continue;
            double lag, peak;
            if (!pair_lag(f, o, x, xb, &lag, &peak)) continue;
            double dist = d * f->segment_m, tau = lag * f->period_s;
            sdd += dist * dist;
            sdt += dist * tau;
            stt += tau * tau;
            scorr += peak;
            n++;
        }
    }
    if (n == 0 || sdt == 0) return -1;
    /* tau = b d through the origin: b = sum(d tau) / sum(d^2), its residuals give se(b). */
    double b = sdt / sdd, rss = stt - b * sdt;
    double se_b = n > 1 && rss > 0 ? sqrt(rss / (n - 1) / sdd) : 0;
    out->speed_kmh = 3.6 / b;
    out->se_kmh = 3.6 * se_b / (b * b);
    out->pairs = n;
    out->mean_corr = scorr / n;
    return 0;
}

/* ---- capacity drop: pre-queue flow against queue discharge ---- */

static bool queued_at(const double *speed, int k, double below)
{
    return !isnan(speed[k]) && speed[k] < below;
}

/* First period of `run` consecutive periods from `from` on whose state is `want`, or -1. */
static int first_run(const double *speed, int n, int from, double below, int run, bool want)
{
    int len = 0;
    for (int k = from; k < n; k++) {
        len = queued_at(speed, k, below) == want ? len + 1 : 0;
        if (len >= run) return k - run + 1;
    }
    return -1;
}

/* Mean of v[from .. from + count) and its standard error (NaN for one value). */
static double mean_of(const double *v, int from, int count, double *se)
{
    double s = 0, ss = 0;
    for (int k = from; k < from + count; k++) {
        s += v[k];
        ss += v[k] * v[k];
    }
    double m = s / count, var = count > 1 ? (ss - s * m) / (count - 1) : NAN;
    *se = count > 1 ? sqrt(var > 0 ? var : 0) / sqrt(count) : NAN;
    return m;
}

/* Mean flow over the queued periods of [from, to), and its batch-means standard error. */
static void discharge_mean(const double *flow, const double *speed, int from, int to,
                           const ls_est_drop_opts *o, ls_est_drop *out)
{
    double s = 0, batch = 0, sb = 0, sbb = 0;
    int n = 0, in_batch = 0, batches = 0;
    for (int k = from; k < to; k++) {
        if (!queued_at(speed, k, o->queued_kmh)) continue;
        s += flow[k];
        n++;
        batch += flow[k];
        if (++in_batch == o->window) {
            sb += batch / o->window;
            sbb += (batch / o->window) * (batch / o->window);
            batches++;
            batch = 0;
            in_batch = 0;
        }
    }
    out->discharge_periods = n;
    out->discharge_vph = n > 0 ? s / n : NAN;
    double var = batches > 1 ? (sbb - sb * sb / batches) / (batches - 1) : NAN;
    out->discharge_se = batches > 1 ? sqrt(var > 0 ? var : 0) / sqrt(batches) : NAN;
}

int ls_est_capacity_drop(const double *flow_vph, const double *upstream_kmh, int n,
                         const ls_est_drop_opts *o, ls_est_drop *out)
{
    *out = (ls_est_drop){
        .onset = -1, .prequeue_vph = NAN, .discharge_vph = NAN, .discharge_se = NAN, .drop = NAN};
    if (o->window < 1 || o->onset_periods < 1 || o->skip < 0) return -1;
    out->onset = first_run(upstream_kmh, n, 0, o->queued_kmh, o->onset_periods, true);
    if (out->onset < o->window) return -1;
    out->prequeue_vph = mean_of(flow_vph, out->onset - o->window, o->window, &out->prequeue_se);
    /* The queue lasts until the upstream loop runs free for as long as it took to count it. */
    int end = first_run(upstream_kmh, n, out->onset, o->queued_kmh, o->onset_periods, false);
    discharge_mean(flow_vph, upstream_kmh, out->onset + o->skip, end < 0 ? n : end, o, out);
    if (out->discharge_periods < o->window) return -1;
    out->drop = 1 - out->discharge_vph / out->prequeue_vph;
    return 0;
}

/* ---- turn-taking at a merge ---- */

int ls_est_turn_taking(const double *ramp_s, size_t ramp_n, const double *shoulder_s,
                       size_t shoulder_n, ls_est_turns *out)
{
    *out = (ls_est_turns){.ratio = NAN, .share_one = NAN, .share_zero = NAN, .share_more = NAN};
    if (ramp_n < 2) return -1;
    size_t j = 0;
    int ones = 0, zeros = 0, more = 0;
    while (j < shoulder_n && shoulder_s[j] <= ramp_s[0]) j++;
    for (size_t i = 0; i + 1 < ramp_n; i++) {
        int k = 0;
        while (j < shoulder_n && shoulder_s[j] <= ramp_s[i + 1]) {
            j++;
            k++;
        }
        out->shoulder += k;
        if (k == 0)
            zeros++;
        else if (k == 1)
            ones++;
        else
            more++;
    }
    out->intervals = (int)(ramp_n - 1);
    out->ramp = (int)ramp_n;
    out->ratio = (double)out->shoulder / out->intervals;
    out->share_one = (double)ones / out->intervals;
    out->share_zero = (double)zeros / out->intervals;
    out->share_more = (double)more / out->intervals;
    return 0;
}

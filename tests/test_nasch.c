/* test_nasch.c: the single-lane model against analytic results and published diagrams. */
#include <criterion/criterion.h>
#include <math.h>

#include "support.h"

/* Deterministic NaSch (p = 0): after transients every vehicle either drives at vmax (free flow)
 * or the road is one moving jam with J = 1 - rho; so J = min(rho vmax, 1 - rho) exactly
 * (Nagel & Schreckenberg 1992). Densities are kept away from rho_c = 1/(vmax+1), where
 * transients take longest; tolerance 1e-3 covers the finite-size rounding of N = rho L. */
/* J = min(5 rho, 1 - rho) within 1e-3 at each density, for a deterministic rule on a
 * 1000-cell ring with vmax 5, measured over `steps` after `warmup`. */
static void expect_triangular(const char *rule, double p, const double *rhos, size_t n, int warmup,
                              int steps)
{
    for (size_t i = 0; i < n; i++) {
        ls_scenario s;
        ls_test_ring(&s, 5, p, rhos[i], 1000, rule);
        ls_test_flow f = ls_test_ring_flow(&s, warmup, steps, 10, 1);
        double expect = fmin(rhos[i] * 5, 1 - rhos[i]);
        cr_expect(fabs(f.mean - expect) < 1e-3, "%s, rho %.2f: J = %.5f, expected %.5f", rule,
                  rhos[i], f.mean, expect);
    }
}

Test(nasch, deterministic_flow_is_min_of_branches)
{
    const double rhos[] = {0.05, 0.1, 0.25, 0.4, 0.6, 0.8};
    expect_triangular("nasch", 0.0, rhos, sizeof rhos / sizeof rhos[0], 3000, 1000);
}

/* vmax = 1 with parallel update is solved exactly (Schadschneider & Schreckenberg, J. Phys. A
 * 26, L679, 1993): J = (1 - sqrt(1 - 4 (1-p) rho (1-rho))) / 2. The issue asks for 0.005;
 * L = 10,000 cells and 4,000 measured steps give a standard error near 1e-4. */
Test(nasch, vmax1_matches_exact_solution)
{
    const double ps[] = {0.1, 0.5, 0.9};
    const double rhos[] = {0.1, 0.3, 0.5, 0.7, 0.9};
    for (size_t a = 0; a < 3; a++) {
        for (size_t b = 0; b < 5; b++) {
            double p = ps[a], rho = rhos[b];
            ls_scenario s;
            ls_test_ring(&s, 1, p, rho, 10000, "nasch");
            ls_test_flow f = ls_test_ring_flow(&s, 1000, 4000, 10, 0);
            double exact = (1 - sqrt(1 - 4 * (1 - p) * rho * (1 - rho))) / 2;
            cr_expect(fabs(f.mean - exact) < 0.005, "p %.1f rho %.1f: J = %.5f, exact %.5f", p, rho,
                      f.mean, exact);
        }
    }
}

/* vmax = 5 against the reference table of shared/reference/nasch-reference.md (L = 20,000,
 * 20,000 steps, three seeds; sd at most 0.0008 near the maximum). We run L = 10,000 for 10,000
 * steps after 2,000 and accept |J - J_ref| < 4 sqrt(se^2 + sd_ref^2) with se our batch-means
 * standard error, sd_ref the reference spread (0.0008 within 0.04 of the critical density,
 * 0.0003 elsewhere), and a floor of 0.0015 for the correlation between batches that batch
 * means underestimate near the critical density. */
static void check_reference(double p, const double (*table)[2], size_t n, double rho_c)
{
    for (size_t i = 0; i < n; i++) {
        double rho = table[i][0], ref = table[i][1];
        ls_scenario s;
        ls_test_ring(&s, 5, p, rho, 10000, "nasch");
        ls_test_flow f = ls_test_ring_flow(&s, 2000, 10000, 20, 0);
        double sd_ref = fabs(rho - rho_c) < 0.04 ? 0.0008 : 0.0003;
        double tol = fmax(0.0015, 4 * sqrt(f.stderr_mean * f.stderr_mean + sd_ref * sd_ref));
        cr_expect(fabs(f.mean - ref) < tol, "p %.2f rho %.2f: J = %.4f (se %.4f), reference %.4f",
                  p, rho, f.mean, f.stderr_mean, ref);
    }
}

static const double ref_p025[][2] = {{0.04, 0.1896}, {0.06, 0.2839}, {0.08, 0.3774}, {0.09, 0.4235},
                                     {0.10, 0.4679}, {0.11, 0.4996}, {0.12, 0.5057}, {0.13, 0.5051},
                                     {0.14, 0.5026}, {0.16, 0.4959}, {0.20, 0.4791}, {0.30, 0.4309},
                                     {0.50, 0.3240}, {0.70, 0.2051}};
static const double ref_p050[][2] = {{0.04, 0.1794}, {0.06, 0.2682}, {0.08, 0.3186}, {0.09, 0.3183},
                                     {0.10, 0.3171}, {0.11, 0.3151}, {0.12, 0.3132}, {0.13, 0.3110},
                                     {0.14, 0.3083}, {0.16, 0.3039}, {0.20, 0.2933}, {0.30, 0.2649},
                                     {0.50, 0.2004}, {0.70, 0.1284}};

Test(nasch, vmax5_p025_matches_reference_diagram)
{
    check_reference(0.25, ref_p025, sizeof ref_p025 / sizeof ref_p025[0], 0.125);
}

Test(nasch, vmax5_p050_matches_reference_diagram)
{
    check_reference(0.5, ref_p050, sizeof ref_p050 / sizeof ref_p050[0], 0.085);
}

/* In free flow every vehicle drives at vmax except for the dawdlers: J = rho (vmax - p). */
Test(nasch, free_flow_branch)
{
    ls_scenario s;
    ls_test_ring(&s, 5, 0.25, 0.03, 10000, "nasch");
    ls_test_flow f = ls_test_ring_flow(&s, 1000, 5000, 10, 0);
    cr_expect(fabs(f.mean - 0.03 * 4.75) < 4 * f.stderr_mean + 5e-4, "J = %.5f, expected %.5f",
              f.mean, 0.03 * 4.75);
}

/* Newell on the grid (p = 0, unlimited acceleration) has the triangular diagram
 * J = min(rho vmax, 1 - rho) without any transient dependence on acceleration. */
Test(nasch, newell_triangular_diagram)
{
    const double rhos[] = {0.1, 0.3, 0.6};
    /* p = 0.3 is given and must be ignored: the Newell rule never dawdles. */
    expect_triangular("newell", 0.3, rhos, sizeof rhos / sizeof rhos[0], 2000, 1000);
}

/* Slow-to-start (VDR, Barlovic et al., Eur. Phys. J. B 5, 793, 1998): a stopped vehicle dawdles
 * with p0 > p, so a jam's outflow is lower than the free-flow capacity (the capacity drop) and
 * jams present at the start survive at densities where plain NaSch dissolves them. Here p = 0.01,
 * p0 = 0.75, rho = 0.12 (below NaSch's critical 1/6) on a 10,000-cell ring started at rest:
 * NaSch reaches free flow, J = rho (vmax - p); VDR stays on the jammed branch, far below it. */
Test(nasch, vdr_keeps_jams_that_nasch_dissolves)
{
    ls_scenario s;
    ls_test_ring(&s, 5, 0.01, 0.12, 10000, "vdr");
    s.model.p_slow_start = 0.75;
    ls_test_flow jam = ls_test_ring_flow(&s, 5000, 5000, 10, 0);
    double free_branch = 0.12 * (5 - 0.01);
    cr_expect(jam.mean < 0.8 * free_branch, "VDR J = %.4f vs free branch %.4f", jam.mean,
              free_branch);
    ls_test_ring(&s, 5, 0.01, 0.12, 10000, "nasch");
    ls_test_flow nasch = ls_test_ring_flow(&s, 5000, 5000, 10, 0);
    cr_expect(fabs(nasch.mean - free_branch) < 0.01, "NaSch J = %.4f, free branch %.4f", nasch.mean,
              free_branch);
}

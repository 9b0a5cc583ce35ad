/* test_plot.c: `lanesim plot`: each kind of picture, drawn from a small input made here with a
 * known pattern, shows that pattern where its coordinates say and in the colours docs/plot.md
 * states; bad input gets one line, exit status 2 and no file. Needs gnuplot (tools/setup.sh
 * installs gnuplot-nox). The PNG is decoded here with the system's zlib, loaded at run time. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <criterion/criterion.h>
#include <dirent.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

/* ---- files ---- */

static char *tmpdir(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/lsplot-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static int exists(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Runs `lanesim plot ARGS` in `dir`; returns the exit status, stderr in *err. */
static int plot(const char *dir, const char *args, char **err)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s plot %s", dir, ls_test_cli(), args);
    return ls_test_run(cmd, NULL, err);
}

static char *read_in(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *s = ls_test_read(path, NULL);
    cr_assert_not_null(s, "%s missing", path);
    return s;
}

/* ---- PNG: size from the header; pixels decoded with zlib's uncompress ---- */

typedef struct image {
    int w, h;
    unsigned char *rgb; /* w * h * 3 */
} image;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undoes the row filters of an 8-bit image of `bpp` bytes a pixel, in place. */
static void unfilter(unsigned char *raw, int w, int h, int bpp)
{
    size_t stride = (size_t)w * (size_t)bpp + 1;
    for (int y = 0; y < h; y++) {
        unsigned char *row = raw + (size_t)y * stride + 1, *up = y ? row - stride : NULL;
        int type = row[-1];
        for (size_t i = 0; i < stride - 1; i++) {
            int a = i >= (size_t)bpp ? row[i - (size_t)bpp] : 0, b = up ? up[i] : 0;
            int c = up && i >= (size_t)bpp ? up[i - (size_t)bpp] : 0;
            int add = type == 1   ? a
                      : type == 2 ? b
                      : type == 3 ? (a + b) / 2
                      : type == 4 ? paeth(a, b, c)
                                  : 0;
            row[i] = (unsigned char)(row[i] + add);
        }
    }
}

typedef int (*uncompress_fn)(unsigned char *, unsigned long *, const unsigned char *,
                             unsigned long);

static image read_png(const char *path)
{
    size_t len;
    unsigned char *d = (unsigned char *)ls_test_read(path, &len);
    cr_assert_not_null(d, "%s missing", path);
    cr_assert(len > 33 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8), "%s is not a PNG", path);
    image im = {(int)be32(d + 16), (int)be32(d + 20), NULL};
    int depth = d[24], type = d[25], interlace = d[28];
    cr_assert(depth == 8 && (type == 2 || type == 6) && !interlace,
              "%s: expected 8-bit RGB(A), got depth %d type %d", path, depth, type);
    int bpp = type == 6 ? 4 : 3;
    unsigned char *z = malloc(len);
    size_t zn = 0;
    for (size_t p = 8; p + 12 <= len;) {
        uint32_t n = be32(d + p);
        if (!memcmp(d + p + 4, "IDAT", 4)) memcpy(z + zn, d + p + 8, n), zn += n;
        p += 12 + n;
    }
    void *lib = dlopen("libz.so.1", RTLD_NOW);
    cr_assert_not_null(lib, "libz.so.1: %s", dlerror());
    uncompress_fn unz;
    *(void **)&unz = dlsym(lib, "uncompress");
    unsigned long rawn = (unsigned long)im.h * ((unsigned long)im.w * (unsigned long)bpp + 1);
    unsigned char *raw = malloc(rawn);
    cr_assert_eq(unz(raw, &rawn, z, zn), 0, "%s: bad image data", path);
    unfilter(raw, im.w, im.h, bpp);
    im.rgb = malloc((size_t)im.w * (size_t)im.h * 3);
    for (int y = 0; y < im.h; y++)
        for (int x = 0; x < im.w; x++)
            memcpy(im.rgb + ((size_t)y * (size_t)im.w + (size_t)x) * 3,
                   raw + (size_t)y * ((size_t)im.w * (size_t)bpp + 1) + 1 + (size_t)x * (size_t)bpp,
                   3);
    free(raw);
    free(z);
    free(d);
    dlclose(lib);
    return im;
}

/* ---- where a data coordinate is: the panels' areas as the script sets them ---- */

typedef struct area {
    double l, r, b, t;     /* screen fractions */
    double x0, x1, y0, y1; /* data ranges */
} area;

/* The plot area of panel `panel` (0-based) and the ranges set before it. */
static area panel_area(const char *gp, int panel)
{
    area a = {0};
    const char *p = gp;
    for (int i = 0; i <= panel; i++) {
        p = strstr(p, "set lmargin at screen");
        cr_assert_not_null(p, "panel %d not in the script", panel);
        cr_assert_eq(sscanf(p,
                            "set lmargin at screen %lf; set rmargin at screen %lf\n"
                            "set bmargin at screen %lf; set tmargin at screen %lf",
                            &a.l, &a.r, &a.b, &a.t),
                     4);
        p++;
    }
    const char *x = strstr(gp, "set xrange ["), *y = strstr(gp, "set yrange [");
    cr_assert(x && y);
    cr_assert_eq(sscanf(x, "set xrange [%lf:%lf]", &a.x0, &a.x1), 2);
    cr_assert_eq(sscanf(y, "set yrange [%lf:%lf]", &a.y0, &a.y1), 2);
    return a;
}

/* The 5 x 5 pixels around data point (x, y) of an area: their mean colour, and the one pixel
 * closest to `near` (for lines and points, thinner than the block). */
static void colour_at_near(const image *im, const area *a, double x, double y, const double *near,
                           double rgb[3])
{
    double px = (a->l + (x - a->x0) / (a->x1 - a->x0) * (a->r - a->l)) * im->w;
    double py = (1 - (a->b + (y - a->y0) / (a->y1 - a->y0) * (a->t - a->b))) * im->h;
    double best = INFINITY;
    rgb[0] = rgb[1] = rgb[2] = 0;
    for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++) {
            int cx = (int)px + dx, cy = (int)py + dy;
            cr_assert(cx >= 0 && cy >= 0 && cx < im->w && cy < im->h);
            const unsigned char *p = im->rgb + ((size_t)cy * (size_t)im->w + (size_t)cx) * 3;
            double c[3] = {p[0], p[1], p[2]};
            if (!near) {
                for (int k = 0; k < 3; k++) rgb[k] += c[k] / 25.0;
                continue;
            }
            double d =
                sqrt((c[0] - near[0]) * (c[0] - near[0]) + (c[1] - near[1]) * (c[1] - near[1]) +
                     (c[2] - near[2]) * (c[2] - near[2]));
            if (d < best) best = d, memcpy(rgb, c, sizeof c);
        }
}

static void colour_at(const image *im, const area *a, double x, double y, double rgb[3])
{
    colour_at_near(im, a, x, y, NULL, rgb);
}

/* The palette's stops (docs/plot.md): 0 km/h #a50026, 90 km/h #66bd63. */
static const double DARK_RED[3] = {0xa5, 0x00, 0x26}, GREEN_90[3] = {0x66, 0xbd, 0x63};
/* Series colours (docs/plot.md): the first #0072B2, the second #D55E00. */
static const double BLUE[3] = {0x00, 0x72, 0xB2}, VERMILION[3] = {0xD5, 0x5E, 0x00};

static double distance(const double a[3], const double b[3])
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

#define EXPECT_COLOUR(im, a, x, y, want, tol, what)                                                \
    do {                                                                                           \
        double got_[3];                                                                            \
        colour_at(im, a, x, y, got_);                                                              \
        cr_expect_lt(distance(got_, want), tol, "%s at (%g, %g): got (%.0f, %.0f, %.0f)", what,    \
                     (double)(x), (double)(y), got_[0], got_[1], got_[2]);                         \
    } while (0)

/* A line or point of colour `want` passes within 2 pixels of (x, y). */
#define EXPECT_LINE(im, a, x, y, want, tol, what)                                                  \
    do {                                                                                           \
        double got_[3];                                                                            \
        colour_at_near(im, a, x, y, want, got_);                                                   \
        cr_expect_lt(distance(got_, want), tol, "%s at (%g, %g): closest (%.0f, %.0f, %.0f)",      \
                     what, (double)(x), (double)(y), got_[0], got_[1], got_[2]);                   \
    } while (0)

/* ---- inputs with a known pattern: a stopped queue in lane 2 between 1000 and 1500 m from
 * 300 to 600 s, every other place free at 90 km/h ---- */

static int queued(int lane, double pos_m, double t_s)
{
    return lane == 2 && pos_m >= 1000 && pos_m < 1500 && t_s >= 300 && t_s < 600;
}

static void field_csv(const char *dir)
{
    size_t cap = 1 << 20, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s, cap,
                          "begin_s,end_s,lane,from_m,to_m,speed_kmh,density_vpkm,flow_vph\n");
    for (int t = 0; t < 900; t += 60)
        for (int lane = 1; lane <= 3; lane++)
            for (int x = 0; x < 2000; x += 100)
                n += (size_t)snprintf(s + n, cap - n, "%d,%d,%d,%d,%d,%s,10,900\n", t, t + 60, lane,
                                      x, x + 100, queued(lane, x, t) ? "0.00" : "90.00");
    write_text(dir, "speed_field.csv", s);
    free(s);
}

/* Free vehicles every 20 m at 25 m/s (90 km/h), sampled every 10 s, none inside the queue; the
 * queue: a stopped vehicle every 2.5 m. */
static void trajectories_csv(const char *dir)
{
    size_t cap = 8 << 20, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s, cap, "time_s,id,lane,position_m,speed_kmh,lane_kind,ramp\n");
    for (int t = 0; t <= 900; t += 10)
        for (int lane = 1; lane <= 3; lane++) {
            for (int i = -100; i < 1150; i++) {
                double pos = 25.0 * (t - i * 0.8);
                if (pos < 0 || pos > 2000 || queued(lane, pos, t)) continue;
                n += (size_t)snprintf(s + n, cap - n, "%d,%d,%d,%.1f,90.0,mainline,\n", t,
                                      lane * 1000 + i + 100, lane, pos);
            }
            for (int k = 0; k < 200 && queued(lane, 1000, t); k++)
                n += (size_t)snprintf(s + n, cap - n, "%d,%d,%d,%.1f,0.0,mainline,\n", t, 90000 + k,
                                      lane, 1000 + 2.5 * k);
        }
    write_text(dir, "t.csv", s);
    free(s);
}

static image png_in(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return read_png(path);
}

/* ---- the pictures ---- */

Test(plot, spacetime_field_shows_the_queue_in_lane_2_only)
{
    char *dir = tmpdir(), *err;
    field_csv(dir);
    cr_assert_eq(plot(dir, "spacetime speed_field.csv --size 900x600 -o st.png", &err), 0, "%s",
                 err);
    cr_expect(exists(dir, "st.gp") && exists(dir, "st.dat"));
    image im = png_in(dir, "st.png");
    cr_expect_eq(im.w, 900);
    cr_expect_eq(im.h, 600);
    char *gp = read_in(dir, "st.gp");
    area lane[3];
    for (int l = 0; l < 3; l++) {
        lane[l] = panel_area(gp, l);
        /* No start time: seconds from t = 0; positions in km. */
        cr_expect(lane[l].x0 == 0 && lane[l].x1 == 900 && lane[l].y0 == 0 && lane[l].y1 == 2);
    }
    EXPECT_COLOUR(&im, &lane[1], 450, 1.25, DARK_RED, 12, "lane 2 inside the queue");
    EXPECT_COLOUR(&im, &lane[1], 150, 1.25, GREEN_90, 12, "lane 2 before the queue");
    EXPECT_COLOUR(&im, &lane[1], 750, 1.25, GREEN_90, 12, "lane 2 after the queue");
    EXPECT_COLOUR(&im, &lane[1], 450, 0.5, GREEN_90, 12, "lane 2 upstream of the queue");
    EXPECT_COLOUR(&im, &lane[1], 450, 1.75, GREEN_90, 12, "lane 2 downstream of the queue");
    EXPECT_COLOUR(&im, &lane[0], 450, 1.25, GREEN_90, 12, "lane 1 beside the queue");
    EXPECT_COLOUR(&im, &lane[2], 450, 1.25, GREEN_90, 12, "lane 3 beside the queue");
    free(gp);
    free(im.rgb);
    free(err);
}

/* Tracks are 1-pixel lines: the colour is the mean over 5 x 5 pixels, blended with the white
 * between lines, so the tolerance is wider than for the filled cells of the field. */
Test(plot, spacetime_tracks_of_one_lane_show_the_queue)
{
    char *dir = tmpdir(), *err;
    trajectories_csv(dir);
    cr_assert_eq(plot(dir, "spacetime t.csv --lane 2 --size 800x600 -o st.png", &err), 0, "%s",
                 err);
    image im = png_in(dir, "st.png");
    cr_expect(im.w == 800 && im.h == 600, "got %dx%d", im.w, im.h);
    char *gp = read_in(dir, "st.gp");
    area a = panel_area(gp, 0);
    cr_expect(!strstr(gp + (strstr(gp, "set lmargin at screen") - gp) + 1, "set lmargin"),
              "one panel for --lane 2");
    cr_expect(a.x0 == 0 && a.x1 == 900 && a.y0 == 0 && a.y1 == 2, "ranges [%g:%g] [%g:%g]", a.x0,
              a.x1, a.y0, a.y1);
    EXPECT_COLOUR(&im, &a, 450, 1.25, DARK_RED, 40, "inside the queue");
    double g[3];
    colour_at(&im, &a, 150, 1.25, g);
    cr_expect(g[1] > g[0] + 40 && g[1] > g[2] + 40,
              "before the queue: (%.0f, %.0f, %.0f) not green", g[0], g[1], g[2]);
    colour_at(&im, &a, 450, 0.5, g);
    cr_expect(g[1] > g[0] + 40 && g[1] > g[2] + 40,
              "upstream of the queue: (%.0f, %.0f, %.0f) not green", g[0], g[1], g[2]);
    free(gp);
    free(im.rgb);
    free(err);
}

Test(plot, lanes_compares_lanes_with_a_shared_scale_and_queued_share)
{
    char *dir = tmpdir(), *err;
    field_csv(dir);
    cr_assert_eq(plot(dir, "lanes speed_field.csv --start-time 06:00 -o lanes.png", &err), 0, "%s",
                 err);
    char *gp = read_in(dir, "lanes.gp");
    /* The queue: 500 m x 300 s of lane 2's 2000 m x 900 s: 8.3 %. */
    cr_expect(strstr(gp, "lane 2\\nqueued (below 40 km/h): 8 %"), "%s", gp);
    cr_expect(strstr(gp, "lane 1\\nqueued (below 40 km/h): 0 %"));
    image im = png_in(dir, "lanes.png");
    area l1 = panel_area(gp, 0), l2 = panel_area(gp, 1);
    /* 06:00 is 21600 s after midnight. */
    cr_expect(l2.x0 == 21600 && l2.x1 == 22500, "xrange [%g:%g]", l2.x0, l2.x1);
    cr_expect(strstr(gp, "time of day"));
    EXPECT_COLOUR(&im, &l2, 21600 + 450, 1.25, DARK_RED, 12, "lane 2 inside the queue");
    EXPECT_COLOUR(&im, &l1, 21600 + 450, 1.25, GREEN_90, 12, "lane 1 beside the queue");
    free(gp);
    free(im.rgb);
    free(err);
}

/* Two lanes of a sweep's CSV, each with its highest flow at a known point. */
Test(plot, fd_marks_each_lanes_capacity)
{
    char *dir = tmpdir(), *err;
    write_text(dir, "fd.csv",
               "run,point,rep,seed,demand.mainline.flow,lane1_flow_vph,lane1_speed_kmh,"
               "lane1_density_vpkm,lane1_lane_changes,lane2_flow_vph,lane2_speed_kmh,"
               "lane2_density_vpkm,lane2_lane_changes,flow_vph\n"
               "0,0,0,1,1000,900,90,10,0,800,80,10,0,1700\n"
               "1,1,0,2,2000,1800,90,20,0,1700,56.7,30,0,3500\n"
               "2,2,0,3,3000,2000,80,25,0,1200,24,50,0,3200\n"
               "3,3,0,4,4000,1500,37.5,40,0,,,,,1500\n"
               "4,4,0,5,5000,1000,16.7,60,0,,,,,1000\n");
    cr_assert_eq(plot(dir, "fd fd.csv --size 1000x700 -o fd.png", &err), 0, "%s", err);
    char *gp = read_in(dir, "fd.gp");
    cr_expect(strstr(gp, "capacity 2000 veh/h at 25.0 veh/km"), "%s", gp);
    cr_expect(strstr(gp, "capacity 1700 veh/h at 30.0 veh/km"), "%s", gp);
    image im = png_in(dir, "fd.png");
    area a = panel_area(gp, 0);
    EXPECT_LINE(&im, &a, 25, 2000, BLUE, 20, "lane 1's capacity");
    EXPECT_LINE(&im, &a, 30, 1700, VERMILION, 20, "lane 2's capacity");
    double white[3] = {255, 255, 255};
    EXPECT_COLOUR(&im, &a, 50, 400, white, 8, "no point");
    free(gp);
    free(im.rgb);
    free(err);
}

Test(plot, fd_from_detectors_is_flow_against_occupancy)
{
    char *dir = tmpdir(), *err;
    write_text(dir, "detectors.csv",
               "detector,position_m,lane,begin_s,end_s,count,flow_vph,speed_kmh,occupancy\n"
               "a,100.0,1,0.00,300.00,100,1200.0,90.00,0.1000\n"
               "a,100.0,1,300.00,600.00,150,1800.0,60.00,0.2000\n"
               "b,900.0,1,0.00,300.00,160,1920.0,50.00,0.3000\n"
               "a,100.0,2,0.00,300.00,50,600.0,90.00,0.0500\n");
    cr_assert_eq(plot(dir, "fd detectors.csv -o all.svg", &err), 0, "%s", err);
    char *gp = read_in(dir, "all.gp");
    cr_expect(strstr(gp, "capacity 1920 veh/h at 30.0 %"), "%s", gp);
    cr_expect(strstr(gp, "occupancy"));
    char *svg = read_in(dir, "all.svg");
    cr_expect(strstr(svg, "<svg"), "not an SVG");
    cr_assert_eq(plot(dir, "fd detectors.csv --detector a -o a.pdf", &err), 0, "%s", err);
    char *gpa = read_in(dir, "a.gp"), *pdf = read_in(dir, "a.pdf");
    cr_expect(strstr(gpa, "capacity 1800 veh/h at 20.0 %"), "%s", gpa);
    cr_expect(!strncmp(pdf, "%PDF", 4));
    cr_expect_eq(plot(dir, "fd detectors.csv --detector c -o c.png", &err), 2);
    cr_expect(strstr(err, "--detector c"), "%s", err);
    free(gp);
    free(gpa);
    free(svg);
    free(pdf);
    free(err);
}

/* Two strategies over three runs: a takes 10 min; b 30 min for departures from 1200 to 2400 s
 * and 10 min otherwise; one probe of b did not finish. */
Test(plot, traveltime_per_strategy_draws_the_mean_over_runs)
{
    char *dir = tmpdir(), *err;
    char text[16384];
    size_t n =
        (size_t)snprintf(text, sizeof text, "run,departure_s,strategy,travel_time_s,finished\n");
    for (int run = 0; run < 3; run++)
        for (int d = 0; d <= 3600; d += 120) {
            int slow = d >= 1200 && d <= 2400;
            n += (size_t)snprintf(text + n, sizeof text - n, "%d,%d,a,600,1\n", run, d);
            if (run == 1 && d == 0)
                n += (size_t)snprintf(text + n, sizeof text - n, "1,0,b,,0\n");
            else
                n += (size_t)snprintf(text + n, sizeof text - n, "%d,%d,b,%d,1\n", run, d,
                                      slow ? 1800 : 600);
        }
    write_text(dir, "tt.csv", text);
    cr_assert_eq(plot(dir, "traveltime tt.csv --title 'a against b' -o tt.png", &err), 0, "%s",
                 err);
    char *gp = read_in(dir, "tt.gp");
    cr_expect(strstr(gp, "b: mean of 3 runs (1 unfinished, not drawn)"), "%s", gp);
    cr_expect(strstr(gp, "set title \"a against b\""));
    image im = png_in(dir, "tt.png");
    area a = panel_area(gp, 0);
    cr_expect(a.x0 == 0 && a.x1 == 3600, "xrange [%g:%g]", a.x0, a.x1);
    EXPECT_LINE(&im, &a, 1800, 30, VERMILION, 20, "b's plateau");
    EXPECT_LINE(&im, &a, 1800, 10, BLUE, 20, "a's line under b's plateau");
    double white[3] = {255, 255, 255};
    EXPECT_COLOUR(&im, &a, 1800, 20, white, 8, "between the lines");
    free(gp);
    free(im.rgb);
    free(err);
}

Test(plot, traveltime_from_trips_is_per_origin_and_destination)
{
    char *dir = tmpdir(), *err;
    char text[65536];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "id,type,origin,destination,entry_lane,exit_lane,arrival_s,"
                                "entry_s,exit_s,travel_time_s,lane_changes\n");
    for (int i = 0; i < 200; i++) {
        double arr = 10.0 * i;
        int ramp = i % 4 == 0;
        /* The ramp's vehicles wait 60 s to enter: included in the picture's travel time. */
        n += (size_t)snprintf(text + n, sizeof text - n, "%d,car,%s,end,%d,1,%.2f,%.2f,%.2f,%d,0\n",
                              i, ramp ? "R on" : "mainline", ramp ? 3 : 1, arr,
                              arr + (ramp ? 60 : 0), arr + (ramp ? 600 : 300), ramp ? 540 : 300);
    }
    write_text(dir, "trips.csv", text);
    cr_assert_eq(plot(dir, "traveltime trips.csv --bin 600 -o tt.png", &err), 0, "%s", err);
    char *gp = read_in(dir, "tt.gp"), *dat = read_in(dir, "tt.dat");
    cr_expect(strstr(gp, "mainline to end: mean per 10 min (150 trips)"), "%s", gp);
    cr_expect(strstr(gp, "R on to end: mean per 10 min (50 trips)"), "%s", gp);
    /* The means: 5 min for the mainline, 10 min from the ramp, at the bins' centres. */
    cr_expect(strstr(dat, "\n300 5\n900 5\n"), "%s", dat);
    cr_expect(strstr(dat, "\n300 10\n900 10\n"));
    free(gp);
    free(dat);
    free(err);
}

Test(plot, the_script_beside_the_picture_redraws_it)
{
    char *dir = tmpdir(), *err;
    field_csv(dir);
    cr_assert_eq(plot(dir, "spacetime speed_field.csv -o sub/st.png", &err), 1,
                 "a missing directory");
    cr_assert_eq(plot(dir, "spacetime speed_field.csv -o st.png", &err), 0, "%s", err);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd %s && rm st.png && gnuplot st.gp", dir);
    cr_assert_eq(ls_test_run(cmd, NULL, NULL), 0);
    image im = png_in(dir, "st.png");
    cr_expect(im.w > 0);
    free(im.rgb);
    free(err);
}

/* ---- bad input: one line, exit 2, nothing written ---- */

static void expect_refused(const char *dir, const char *args, int status, const char *says)
{
    char *err;
    int files = count_files(dir);
    cr_expect_eq(plot(dir, args, &err), status, "%s: %s", args, err);
    cr_expect(strstr(err, says), "%s: got \"%s\", expected \"%s\"", args, err, says);
    char *nl = strchr(err, '\n');
    cr_expect(nl && !nl[1], "%s: more than one line: %s", args, err);
    cr_expect_eq(count_files(dir), files, "%s: a file was left", args);
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) cr_expect(!strstr(e->d_name, ".tmp."), "%s left", e->d_name);
    closedir(d);
    free(err);
}

Test(plot, bad_input_gets_one_line_and_exit_2_and_no_file)
{
    char *dir = tmpdir();
    write_text(dir, "t.csv", "time_s,id,lane,position_m\n0,1,1,10\n");
    write_text(dir, "empty.csv", "");
    write_text(dir, "header.csv", "run,departure_s,strategy,travel_time_s,finished\n");
    write_text(dir, "pic.csv", "\x89PNG\r\n\x1a\n\x01\x02");
    write_text(dir, "bad.csv", "time_s,id,lane,position_m,speed_kmh\n0,1,1,ten,90\n");
    write_text(dir, "short.csv", "time_s,id,lane,position_m,speed_kmh\n0,1,1\n");
    expect_refused(dir, "spacetime t.csv -o st.png", 2,
                   "lanesim plot: t.csv: expected a column \"speed_kmh\", got columns "
                   "time_s,id,lane,position_m\n");
    expect_refused(dir, "fd empty.csv -o fd.png", 2, "empty.csv: expected a CSV header line");
    expect_refused(dir, "traveltime pic.csv -o tt.png", 2, "pic.csv: expected CSV text");
    expect_refused(dir, "traveltime header.csv -o tt.png", 2,
                   "header.csv: expected rows under the header, got none");
    expect_refused(dir, "spacetime bad.csv -o st.png", 2,
                   "bad.csv:2: column position_m: expected a number, got \"ten\"");
    expect_refused(dir, "spacetime short.csv -o st.png", 2, "short.csv:2: expected 5 fields");
    expect_refused(dir, "traveltime t.csv -o st.png", 2, "expected the columns of `compare");
    expect_refused(dir, "lanes t.csv -o st.png", 2, "expected the columns of speed_field.csv");
    expect_refused(dir, "nonsense t.csv", 2, "unknown kind 'nonsense'");
    expect_refused(dir, "fd t.csv -o fd.jpg", 2,
                   "expected a file name ending in .png, .svg or .pdf");
    expect_refused(dir, "fd t.csv -o fd.png --format svg", 2, "--format says svg");
    expect_refused(dir, "fd t.csv --size 10 -o fd.png", 2, "--size 10");
    expect_refused(dir, "fd missing.csv -o fd.png", 1, "missing.csv: No such file");
    expect_refused(dir, "spacetime t.csv --scenario nope.yaml -o st.png", 1, "nope.yaml");
}

Test(plot, without_gnuplot_exit_1_with_one_line)
{
    char *dir = tmpdir(), *err;
    field_csv(dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd %s && PATH=/nonexistent %s plot lanes speed_field.csv", dir,
             ls_test_cli());
    cr_expect_eq(ls_test_run(cmd, NULL, &err), 1);
    cr_expect(strstr(err, "gnuplot not found on PATH: install gnuplot"), "%s", err);
    cr_expect_eq(count_files(dir), 1);
    free(err);
}

/* ---- meters: the ramp meters of meters.csv ---- */

/* Ramp "a", a fixed meter recorded every 60 s to 1800 s: the rate 600 veh/h until 900 s and
 * 300 veh/h after, 450 veh/h released in every period, a queue of t / 60 vehicles (rising by one
 * a minute). Ramp "b, east" (a quoted name), ALINEA: 900 veh/h, 700 released, occupancy 15 %, no
 * queue. */
static void meters_csv(const char *dir)
{
    char text[16384];
    size_t n =
        (size_t)snprintf(text, sizeof text, "time_s,ramp,rate_vph,released_vph,occupancy,queue\n");
    for (int t = 60; t <= 1800; t += 60) {
        n += (size_t)snprintf(text + n, sizeof text - n, "%d.00,a,%d.0,450.0,,%d\n", t,
                              t < 900 ? 600 : 300, t / 60);
        n += (size_t)snprintf(text + n, sizeof text - n, "%d.00,\"b, east\",900.0,700.0,0.1500,0\n",
                              t);
    }
    write_text(dir, "meters.csv", text);
}

/* A scenario with both ramps: "b, east" holds 12 % at detector d; t = 0 is 07:00. */
static void meters_scenario(const char *dir)
{
    write_text(dir, "s.yaml",
               "name: metered\n"
               "road: {length: 4000, lanes: 2}\n"
               "lane_change: {enabled: true}\n"
               "ramps:\n"
               "  - {name: a, kind: on, at: 1000, flow: 600, meter: {kind: fixed, rate: 600}}\n"
               "  - {name: \"b, east\", kind: on, at: 2000, flow: 600,\n"
               "     meter: {kind: alinea, detector: d, target_occupancy: 0.12}}\n"
               "detectors:\n"
               "  - {name: d, at: 2500}\n"
               "simulation: {duration: 1800, start_time: 7 h}\n");
}

/* Panel `panel`'s area with the y range set after its margins (each panel has its own), and
 * its right axis (y2) in *y2 when it has one. */
static area meter_panel(const char *gp, int panel, double y2[2])
{
    area a = panel_area(gp, panel);
    const char *p = gp;
    for (int i = 0; i <= panel; i++) p = strstr(p, "set lmargin at screen") + 1;
    const char *y = strstr(p, "set yrange [");
    cr_assert_not_null(y);
    cr_assert_eq(sscanf(y, "set yrange [%lf:%lf]", &a.y0, &a.y1), 2);
    const char *next = strstr(p, "set lmargin at screen"), *q = strstr(p, "set y2range [");
    if (y2 && q && (!next || q < next))
        cr_assert_eq(sscanf(q, "set y2range [%lf:%lf]", &y2[0], &y2[1]), 2);
    return a;
}

static const double GREEN[3] = {0x00, 0x9E, 0x73}, PURPLE[3] = {0xCC, 0x79, 0xA7};

Test(plot, meters_draws_the_rate_step_the_released_rate_and_the_queue)
{
    char *dir = tmpdir(), *err;
    meters_csv(dir);
    cr_assert_eq(plot(dir, "meters meters.csv --ramp a --size 900x500 -o m.png", &err), 0, "%s",
                 err);
    image im = png_in(dir, "m.png");
    cr_expect(im.w == 900 && im.h == 500, "got %dx%d", im.w, im.h);
    char *gp = read_in(dir, "m.gp");
    cr_expect(strstr(gp, "ramp a, fixed rate"), "%s", gp);
    cr_expect(!strstr(gp, "b, east"), "--ramp a draws ramp a only");
    double y2[2] = {NAN, NAN};
    area a = meter_panel(gp, 0, y2);
    cr_expect(!strstr(strstr(gp, "set lmargin at screen") + 1, "set lmargin"),
              "one panel: a fixed meter has no occupancy");
    /* The first period begins at t = 0. */
    cr_expect(a.x0 == 0 && a.x1 == 1800, "xrange [%g:%g]", a.x0, a.x1);
    EXPECT_LINE(&im, &a, 450, 600, BLUE, 20, "the rate before the step");
    EXPECT_LINE(&im, &a, 1350, 300, BLUE, 20, "the rate after the step");
    double white[3] = {255, 255, 255};
    EXPECT_COLOUR(&im, &a, 450, 300, white, 30, "no rate line below it before the step");
    EXPECT_COLOUR(&im, &a, 1350, 600, white, 30, "no rate line above it after the step");
    /* The rate recorded at 840 s holds until the next record, at 900 s. */
    EXPECT_LINE(&im, &a, 870, 600, BLUE, 20, "the rate just before the step");
    EXPECT_COLOUR(&im, &a, 870, 300, white, 30, "no rate line below it just before the step");
    EXPECT_LINE(&im, &a, 600, 450, VERMILION, 20, "the released rate");
    /* The queue on the right axis: 15 vehicles at 900 s, 25 at 1500 s. */
    cr_assert(y2[1] > 25, "y2range [%g:%g]", y2[0], y2[1]);
    area q = a;
    q.y0 = y2[0];
    q.y1 = y2[1];
    EXPECT_LINE(&im, &q, 900, 15, GREEN, 20, "the queue at 900 s");
    EXPECT_LINE(&im, &q, 1500, 25, GREEN, 20, "the queue at 1500 s");
    free(gp);
    free(im.rgb);
    free(err);
}

/* Both ramps, the scenario giving clock time and ALINEA's target: three panels, the occupancy
 * at 15 % against a target of 12 %. */
Test(plot, meters_draws_alineas_occupancy_against_the_scenarios_target)
{
    char *dir = tmpdir(), *err;
    meters_csv(dir);
    meters_scenario(dir);
    cr_assert_eq(plot(dir, "meters meters.csv --scenario s.yaml -o m.png", &err), 0, "%s", err);
    char *gp = read_in(dir, "m.gp");
    cr_expect(strstr(gp, "set multiplot title \"metered: ramp meters\""), "%s", gp);
    cr_expect(strstr(gp, "ramp b, east: occupancy at detector d"), "%s", gp);
    cr_expect(strstr(gp, "title \"target 12 %\""), "%s", gp);
    cr_expect(strstr(gp, "time of day"));
    image im = png_in(dir, "m.png");
    area a = meter_panel(gp, 0, NULL), b = meter_panel(gp, 1, NULL), o = meter_panel(gp, 2, NULL);
    cr_expect(a.x0 == 25200 && a.x1 == 25200 + 1800, "xrange [%g:%g]", a.x0, a.x1);
    cr_expect(a.t > b.t && b.t > o.t, "panels stacked from the top: a, b, b's occupancy");
    EXPECT_LINE(&im, &a, 25200 + 450, 600, BLUE, 20, "ramp a's rate");
    EXPECT_LINE(&im, &b, 25200 + 450, 900, BLUE, 20, "ramp b's rate");
    EXPECT_LINE(&im, &o, 25200 + 450, 15, PURPLE, 20, "ramp b's occupancy");
    double black[3] = {0, 0, 0};
    /* The target is dashed: somewhere along 30 s of it there is black. */
    int dash = 0;
    for (int t = 900; t < 930 && !dash; t += 3) {
        double got[3];
        colour_at_near(&im, &o, 25200 + t, 12, black, got);
        dash = distance(got, black) < 60;
    }
    cr_expect(dash, "the target's dashed line at 12 %%");
    free(gp);
    free(im.rgb);
    free(err);
}

Test(plot, meters_without_the_target_says_why)
{
    char *dir = tmpdir(), *err;
    meters_csv(dir);
    meters_scenario(dir);
    cr_assert_eq(plot(dir,
                      "meters meters.csv --scenario s.yaml --set 'ramps[1].meter.kind=fixed' "
                      "--ramp 'b, east' -o m.svg",
                      &err),
                 0, "%s", err);
    char *gp = read_in(dir, "m.gp"), *svg = read_in(dir, "m.svg");
    cr_expect(strstr(gp, "no target: its meter in --scenario is not ALINEA"), "%s", gp);
    cr_expect(!strstr(gp, "target 12"));
    cr_expect(strstr(svg, "<svg"));
    free(gp);
    free(svg);
    free(err);
}

Test(plot, meters_bad_input_gets_one_line_and_exit_2_and_no_file)
{
    char *dir = tmpdir();
    meters_csv(dir);
    write_text(dir, "empty.csv", "");
    write_text(dir, "nocol.csv", "time_s,ramp,rate_vph,released_vph,occupancy\n60,a,600,450,\n");
    write_text(dir, "back.csv",
               "time_s,ramp,rate_vph,released_vph,occupancy,queue\n"
               "60,a,600,450,,1\n120,a,600,450,,2\n120,a,600,450,,3\n");
    write_text(dir, "norate.csv",
               "time_s,ramp,rate_vph,released_vph,occupancy,queue\n60,a,,450,,1\n");
    expect_refused(dir, "meters nocol.csv -o m.png", 2,
                   "lanesim plot: nocol.csv: expected a column \"queue\", got columns "
                   "time_s,ramp,rate_vph,released_vph,occupancy\n");
    expect_refused(dir, "meters empty.csv -o m.png", 2, "empty.csv: expected a CSV header line");
    expect_refused(dir, "meters meters.csv --ramp c -o m.png", 2,
                   "meters.csv: --ramp c: expected a ramp of the file (a, b, east), found none");
    expect_refused(dir, "meters back.csv -o m.png", 2,
                   "back.csv:4: column time_s: expected a time after ramp a's previous row "
                   "(120 s), got 120");
    expect_refused(dir, "meters norate.csv -o m.png", 2,
                   "norate.csv:2: column rate_vph: expected a number, got an empty field");
    expect_refused(dir, "meters meters.csv --set 'x=1' -o m.png", 2,
                   "--set x=1: expected --scenario FILE");
}

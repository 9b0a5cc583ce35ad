/* cmd_view.c: `lanesim view`: watch a scenario live, or write a screenshot at a given time. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "cmd_view.h"
#include "record.h"
#include "viewer.h"

/* Option codes of this command, clear of the shared ones in cli_common.h. */
enum {
    OPT_AT = 2000,
    OPT_SCREENSHOT,
    OPT_SIZE,
    OPT_SPEED,
    OPT_PAUSED,
    OPT_CENTER,
    OPT_SPAN,
    OPT_LANE,
    OPT_UNITS,
    OPT_FRAMES,
    OPT_STATS,
    OPT_FOLLOW,
    OPT_RENDERER,
    OPT_FOLLOW_NEAR,
    OPT_PROBES,
    OPT_FOLLOW_STRATEGY,
    OPT_RECORD,
    OPT_FROM,
    OPT_TO,
    OPT_SPEEDUP,
    OPT_FPS,
};

typedef struct view_opts {
    ls_cli_common common;
    double at_s;
    const char *screenshot;
    int width, height;
    double speed; /* x real time; 0 = as fast as it goes */
    int paused;
    double center_m, span_m; /* NAN = default; span_m = INFINITY for the whole road */
    int lane;                /* 1-based; 0 = default */
    int units;               /* -1 = the scenario's */
    long frames;
    int stats;
    double follow;        /* vehicle id to follow at --at; 0 = none */
    double follow_near_m; /* --follow-near: road position (m), NAN = none */
    int follow_lane;      /* --follow-near's lane, 1-based; 0 = any */
    ls_renderer_choice renderer;
    int probes;                  /* --probes (or --follow-strategy) */
    const char *follow_strategy; /* --follow-strategy NAME, or NULL */
    const char *record;          /* --record FILE, or NULL */
    int at_given;                /* --at was given */
    double from_s, to_s;         /* --from, --to: simulated s; to_s NAN = the scenario's end */
    double speedup;              /* --speedup: simulated s per s of video; NAN = default */
    int fps;                     /* --fps: frames per s of video; 0 = the default of the kind */
} view_opts;

static const char view_help[] =
    "usage: lanesim view [SCENARIO] [options]\n"
    "Watches a scenario live in a window (the built-in default without SCENARIO). Press F1 or ?\n"
    "in the window for the keys; docs/viewer.md explains the picture.\n\n"
    "  --set KEY=VALUE      override a scenario value (repeatable)\n"
    "  --seed N             random seed\n"
    "  --duration S         simulated time (\"3600\", \"10 min\")\n"
    "  --at S               run to simulated second S before showing the window\n"
    "  --screenshot FILE    write what the window shows at --at as PNG, then exit (without a\n"
    "                       display, SDL's offscreen driver is used)\n"
    "  --size WxH           window size in pixels (default 1280x800)\n"
    "  --speed X            simulation speed in times real time, or \"max\" (default 1)\n"
    "  --paused             start paused\n"
    "  --center M           road position (m) at the centre of the main view\n"
    "  --span M             metres of road the main view shows (default 1000), or \"all\"\n"
    "  --lane N             lane of the space-time diagram (default 1)\n"
    "  --follow ID          follow vehicle ID (it must be on the road at --at)\n"
    "  --follow-near M[,N]  follow the vehicle whose front is nearest road position M (m) at\n"
    "                       --at, in lane N if given, else in any lane of the road\n"
    "  --probes             add the scenario's probe vehicles (its `strategies`, departing as\n"
    "                       its `probes` say; lanesim compare) and mark each with a ring in\n"
    "                       its strategy's colour; N / Shift+N follow the next / previous one\n"
    "  --follow-strategy NAME  follow the probes of strategy NAME one after another: each\n"
    "                       from its departure to the end of its trip, then the first of\n"
    "                       them to depart after that (implies --probes)\n"
    "  --units kmh|mph      speed unit of the labels (default: the scenario's)\n"
    "  --renderer R         auto, gpu or software (default auto: see docs/viewer.md)\n"
    "  --frames N           quit after N frames\n"
    "  --stats              print frame-time statistics when the window closes\n"
    "  --record FILE        write a movie of what the window shows, without a window, then\n"
    "                       exit: FILE.mp4 (H.264) or FILE.gif (half size); needs ffmpeg\n"
    "  --from S, --to S     the movie's simulated start and end (default 0 and the end);\n"
    "                       --follow and --follow-near pick their vehicle at --from\n"
    "  --speedup X          simulated seconds per second of movie (default 50)\n"
    "  --fps N              frames per second of movie (default 30, a GIF 10)\n";

static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

static int parse_size(const char *s, view_opts *o)
{
    char tail;
    if (sscanf(s, "%dx%d%c", &o->width, &o->height, &tail) != 2 || o->width < 320 ||
        o->height < 240 || o->width > 16384 || o->height > 16384)
        return ls_cli_fail(2, "view", "--size %s: expected WIDTHxHEIGHT, at least 320x240", s);
    return 0;
}

static int parse_speed(const char *s, view_opts *o)
{
    if (!strcmp(s, "max")) {
        o->speed = 0;
        return 0;
    }
    if (ls_cli_parse_positive(s, &o->speed) != 0)
        return ls_cli_fail(2, "view", "--speed %s: expected a positive factor or \"max\"", s);
    return 0;
}

static int parse_span(const char *s, view_opts *o)
{
    if (!strcmp(s, "all")) {
        o->span_m = INFINITY;
        return 0;
    }
    if (ls_cli_parse_positive(s, &o->span_m) != 0)
        return ls_cli_fail(2, "view", "--span %s: expected metres or \"all\"", s);
    return 0;
}

/* "M" or "M,LANE": a road position in metres and an optional lane number. */
static int parse_follow_near(const char *s, view_opts *o)
{
    char *end;
    errno = 0;
    double m = strtod(s, &end);
    double lane = 0;
    int ok = end != s && !errno && isfinite(m) && m >= 0;
    if (ok && *end == ',')
        ok = parse_number(end + 1, &lane) == 0 && lane >= 1 && lane <= LS_MAX_LANES &&
             lane == floor(lane);
    else if (ok)
        ok = *end == 0;
    if (!ok)
        return ls_cli_fail(2, "view",
                           "--follow-near %s: expected a road position in metres, optionally "
                           "followed by ,LANE (e.g. 5900,4)",
                           s);
    o->follow_near_m = m;
    o->follow_lane = (int)lane;
    return 0;
}

static int word_index(const char *s, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (!strcmp(s, words[i])) return i;
    return -1;
}

/* The options that pick a word from a list; the lists follow the order of their enums. */
static int parse_choice(int c, const char *s, view_opts *o)
{
    static const char *const units[] = {"kmh", "mph", NULL};
    static const char *const renderers[] = {"auto", "gpu", "software", NULL};
    int is_units = c == OPT_UNITS;
    int k = word_index(s, is_units ? units : renderers);
    if (k < 0)
        return ls_cli_fail(2, "view", "%s %s: expected %s", is_units ? "--units" : "--renderer", s,
                           is_units ? "kmh or mph" : "auto, gpu or software");
    if (is_units)
        o->units = k;
    else
        o->renderer = (ls_renderer_choice)k;
    return 0;
}

/* The options that take a plain number. */
static int parse_numeric(int c, const char *s, view_opts *o)
{
    double v;
    int ok = parse_number(s, &v) == 0;
    switch (c) {
    case OPT_AT:
        if (!ok || v < 0) return ls_cli_fail(2, "view", "--at %s: expected seconds >= 0", s);
        o->at_s = v;
        o->at_given = 1;
        return 0;
    case OPT_FROM:
        if (!ok || v < 0) return ls_cli_fail(2, "view", "--from %s: expected seconds >= 0", s);
        o->from_s = v;
        return 0;
    case OPT_TO:
        if (!ok || v <= 0) return ls_cli_fail(2, "view", "--to %s: expected seconds > 0", s);
        o->to_s = v;
        return 0;
    case OPT_SPEEDUP:
        if (!ok || v <= 0)
            return ls_cli_fail(2, "view", "--speedup %s: expected a positive factor", s);
        o->speedup = v;
        return 0;
    case OPT_FPS:
        if (!ok || v < 1 || v > 120 || v != floor(v))
            return ls_cli_fail(2, "view", "--fps %s: expected a whole number from 1 to 120", s);
        o->fps = (int)v;
        return 0;
    case OPT_CENTER:
        if (!ok || v < 0) return ls_cli_fail(2, "view", "--center %s: expected metres >= 0", s);
        o->center_m = v;
        return 0;
    case OPT_LANE:
        if (!ok || v < 1 || v > LS_MAX_LANES || v != floor(v))
            return ls_cli_fail(2, "view", "--lane %s: expected a lane number", s);
        o->lane = (int)v;
        return 0;
    case OPT_FOLLOW:
        if (!ok || v < 1 || v != floor(v) || v > 9e15)
            return ls_cli_fail(2, "view", "--follow %s: expected a vehicle id", s);
        o->follow = v;
        return 0;
    default:
        if (!ok || v < 1 || v != floor(v))
            return ls_cli_fail(2, "view", "--frames %s: expected a positive integer", s);
        o->frames = (long)v;
        return 0;
    }
}

static int view_option(int c, const char *arg, view_opts *o)
{
    switch (c) {
    case OPT_SCREENSHOT:
        o->screenshot = arg;
        return 0;
    case OPT_RECORD:
        o->record = arg;
        return 0;
    case OPT_SIZE:
        return parse_size(arg, o);
    case OPT_SPEED:
        return parse_speed(arg, o);
    case OPT_PAUSED:
        o->paused = 1;
        return 0;
    case OPT_SPAN:
        return parse_span(arg, o);
    case OPT_UNITS:
    case OPT_RENDERER:
        return parse_choice(c, arg, o);
    case OPT_STATS:
        o->stats = 1;
        return 0;
    case OPT_FOLLOW_NEAR:
        return parse_follow_near(arg, o);
    case OPT_FOLLOW_STRATEGY:
        o->follow_strategy = arg;
        o->probes = 1; /* following a strategy needs its probes */
        return 0;
    case OPT_PROBES:
        o->probes = 1;
        return 0;
    default:
        return parse_numeric(c, arg, o);
    }
}

/* The movie's options: --from, --to, --speedup and --fps only with --record, which takes the
 * place of --at and --screenshot. */
static int check_record(view_opts *o)
{
    int movie_opts = o->from_s > 0 || !isnan(o->to_s) || !isnan(o->speedup) || o->fps;
    if (!o->record)
        return movie_opts ? ls_cli_fail(2, "view",
                                        "--from, --to, --speedup and --fps: expected "
                                        "with --record FILE, found without")
                          : 0;
    int kind = ls_movie_kind_of(o->record);
    if (kind < 0)
        return ls_cli_fail(2, "view", "--record %s: expected a file name ending in .mp4 or .gif",
                           o->record);
    if (o->screenshot) return ls_cli_fail(2, "view", "--record and --screenshot: give one of them");
    if (o->at_given)
        return ls_cli_fail(2, "view",
                           "--at: expected without --record (the movie starts at --from)");
    if (kind == LS_MOVIE_MP4 && (o->width % 2 || o->height % 2))
        return ls_cli_fail(2, "view", "--size %dx%d: an MP4 movie needs an even width and height",
                           o->width, o->height);
    if (!isnan(o->to_s) && o->from_s >= o->to_s)
        return ls_cli_fail(2, "view", "--from %g --to %g: expected --from before --to", o->from_s,
                           o->to_s);
    if (isnan(o->speedup)) o->speedup = 50;
    if (!o->fps) o->fps = kind == LS_MOVIE_GIF ? 10 : 30;
    return 0;
}

/* 0 to go on, -1 after --help, or the exit status of a bad option. */
static int parse_view(int argc, char **argv, view_opts *o)
{
    static const struct option opts[] = {
        LS_CLI_COMMON_OPTIONS,
        {"at", required_argument, 0, OPT_AT},
        {"screenshot", required_argument, 0, OPT_SCREENSHOT},
        {"size", required_argument, 0, OPT_SIZE},
        {"speed", required_argument, 0, OPT_SPEED},
        {"paused", no_argument, 0, OPT_PAUSED},
        {"center", required_argument, 0, OPT_CENTER},
        {"span", required_argument, 0, OPT_SPAN},
        {"lane", required_argument, 0, OPT_LANE},
        {"units", required_argument, 0, OPT_UNITS},
        {"frames", required_argument, 0, OPT_FRAMES},
        {"stats", no_argument, 0, OPT_STATS},
        {"follow", required_argument, 0, OPT_FOLLOW},
        {"renderer", required_argument, 0, OPT_RENDERER},
        {"follow-near", required_argument, 0, OPT_FOLLOW_NEAR},
        {"probes", no_argument, 0, OPT_PROBES},
        {"follow-strategy", required_argument, 0, OPT_FOLLOW_STRATEGY},
        {"record", required_argument, 0, OPT_RECORD},
        {"from", required_argument, 0, OPT_FROM},
        {"to", required_argument, 0, OPT_TO},
        {"speedup", required_argument, 0, OPT_SPEEDUP},
        {"fps", required_argument, 0, OPT_FPS},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    *o = (view_opts){.width = 1280,
                     .height = 800,
                     .speed = 1,
                     .center_m = NAN,
                     .span_m = NAN,
                     .units = -1,
                     .follow_near_m = NAN,
                     .to_s = NAN,
                     .speedup = NAN};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        int r = ls_cli_common_option(&o->common, c, optarg);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (c == LS_OPT_HELP) {
            fputs(view_help, stdout);
            return -1;
        }
        if (c == ':') return ls_cli_fail(2, "view", "%s: expected a value", argv[optind - 1]);
        if (c == '?' || c < OPT_AT)
            return ls_cli_fail(2, "view", "unknown option %s (see lanesim view --help)",
                               argv[optind - 1]);
        if ((r = view_option(c, optarg, o)) != 0) return r;
    }
    int rc = ls_cli_scenario_operand(&o->common, argc, argv, "view");
    if (rc) return rc;
    if ((o->follow > 0) + !isnan(o->follow_near_m) + (o->follow_strategy != NULL) > 1)
        return ls_cli_fail(2, "view",
                           "--follow, --follow-near and --follow-strategy: give one of them");
    return check_record(o);
}

/* "a, b or c": the scenario's strategy names, for the message about a name that is none. */
static void strategy_names(const ls_scenario *s, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; i < s->strategy_count && at < size; i++) {
        const char *sep = i == 0 ? "" : i == s->strategy_count - 1 ? " or " : ", ";
        int k = snprintf(buf + at, size - at, "%s%s", sep, s->strategies[i].name);
        if (k < 0) break;
        at += (size_t)k;
    }
}

/* --probes and --follow-strategy: the index of the strategy to follow (-1: none) in *follow. */
static int check_probes(const view_opts *o, const ls_scenario *s, int *follow)
{
    *follow = -1;
    if (!o->probes) return 0;
    const char *opt = o->follow_strategy ? "--follow-strategy" : "--probes";
    if (s->strategy_count == 0)
        return ls_cli_fail(2, "view", "%s: expected a scenario with `strategies`, got none in %s",
                           opt, s->name[0] ? s->name : "the scenario");
    if (!o->follow_strategy) return 0;
    for (int i = 0; i < s->strategy_count; i++)
        if (!strcmp(s->strategies[i].name, o->follow_strategy)) *follow = i;
    if (*follow >= 0) return 0;
    char names[LS_MAX_STRATEGIES * (LS_NAME_MAX + 4)];
    strategy_names(s, names, sizeof names);
    return ls_cli_fail(2, "view", "--follow-strategy %s: expected one of the strategies %s",
                       o->follow_strategy, names);
}

/* Checks what only the loaded scenario can tell. */
static int check_against(const view_opts *o, const ls_scenario *s)
{
    double end = s->simulation.duration_s;
    if (o->record && o->from_s >= (isnan(o->to_s) ? end : o->to_s))
        return ls_cli_fail(2, "view", "--from %g: expected before the end of the movie (%g s)",
                           o->from_s, isnan(o->to_s) ? end : o->to_s);
    if (o->record && o->to_s > end)
        return ls_cli_fail(2, "view", "--to %g: past the end of the simulation (%g s)", o->to_s,
                           end);
    if (o->at_s > s->simulation.duration_s)
        return ls_cli_fail(2, "view", "--at %g: past the end of the simulation (%g s)", o->at_s,
                           s->simulation.duration_s);
    if (o->lane > s->road.lanes)
        return ls_cli_fail(2, "view", "--lane %d: the road has %d lanes", o->lane, s->road.lanes);
    if (o->follow_lane > s->road.lanes)
        return ls_cli_fail(2, "view", "--follow-near %g,%d: the road has %d lanes",
                           o->follow_near_m, o->follow_lane, s->road.lanes);
    if (o->follow_near_m > s->road.length_m)
        return ls_cli_fail(2, "view", "--follow-near %g: past the end of the road (%g m)",
                           o->follow_near_m, s->road.length_m);
    return 0;
}

static void apply_view(ls_viewer *v, const view_opts *o)
{
    ls_view *w = &v->view;
    const ls_road_geom *g = &v->scene.geom;
    ls_view_set_speed(w, o->speed);
    w->paused = o->paused;
    if (o->lane) w->st_lane = o->lane - 1;
    if (o->units >= 0) v->scene.unit = (ls_speed_unit)o->units;
    double span = isnan(o->span_m) ? w->m_per_px * w->win_w : o->span_m;
    if (isinf(span) || span > g->length_m) span = g->length_m;
    double center = isnan(o->center_m) ? (isnan(o->span_m) ? w->center_m : span / 2) : o->center_m;
    ls_view_show_span(w, g, w->win_w, center, span);
}

/* Without a display server a screenshot is drawn offscreen, and a live window can only be the
 * Linux console's (KMSDRM): probing X11 and Wayland then only prints libwayland's complaints. */
static void choose_video_driver(const view_opts *o)
{
    if (getenv("SDL_VIDEODRIVER") || ls_viewer_has_display()) return;
    SDL_SetHint(SDL_HINT_VIDEODRIVER, o->screenshot ? "offscreen" : "KMSDRM");
}

/* A movie is drawn offscreen even on a desktop: no window opens for it. */
static void choose_record_driver(void)
{
    if (!getenv("SDL_VIDEODRIVER")) SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
}

/* A vehicle of its own in a lane (not a lane-changing copy or a closed stretch), or -1. */
static int vehicle_at(const ls_viewer *v, ls_lane_state ls, int i, ls_vehicle_info *info)
{
    uint32_t h = ls.handle[i];
    if ((h & (LS_HANDLE_GHOST | LS_HANDLE_OBSTACLE)) ||
        ls_world_vehicle(v->scene.world, h, info) != LS_OK)
        return -1;
    return 0;
}

/* Finds the vehicle with that id among those on the road (the API looks vehicles up by handle,
 * so this walks the lanes once). */
static int follow_id(ls_viewer *v, uint64_t id)
{
    for (int lane = 0; lane < v->scene.all_lanes; lane++) {
        ls_lane_state ls = ls_world_lane(v->scene.world, lane);
        for (int i = 0; i < ls.count; i++) {
            ls_vehicle_info info;
            if (vehicle_at(v, ls, i, &info) != 0 || info.id != id) continue;
            ls_view_follow(&v->view, id, ls.handle[i]);
            v->view.follow_probe = ls_world_vehicle_probe(v->scene.world, ls.handle[i]);
            return 0;
        }
    }
    return ls_cli_fail(2, "view", "--follow %llu: no such vehicle on the road at %g s",
                       (unsigned long long)id, ls_world_time(v->scene.world));
}

/* The vehicle of the mainline lanes (or of one lane) whose front is nearest `at_m`; a tie goes to
 * the lower lane number, then to the vehicle upstream, so the choice never depends on the order
 * of the lane arrays. */
static int follow_near(ls_viewer *v, const view_opts *o, int road_lanes)
{
    int first = o->follow_lane ? o->follow_lane - 1 : 0;
    int last = o->follow_lane ? o->follow_lane - 1 : road_lanes - 1;
    double best = INFINITY, best_front = 0;
    int best_lane = -1;
    uint64_t best_id = 0;
    uint32_t best_h = 0;
    for (int lane = first; lane <= last; lane++) {
        ls_lane_state ls = ls_world_lane(v->scene.world, lane);
        for (int i = 0; i < ls.count; i++) {
            ls_vehicle_info info;
            if (vehicle_at(v, ls, i, &info) != 0) continue;
            double d = fabs(info.front_m - o->follow_near_m);
            if (!(d < best || (d == best && lane == best_lane && info.front_m < best_front)))
                continue;
            best = d, best_front = info.front_m, best_lane = lane;
            best_id = info.id, best_h = ls.handle[i];
        }
    }
    if (best_id) {
        ls_view_follow(&v->view, best_id, best_h);
        v->view.follow_probe = ls_world_vehicle_probe(v->scene.world, best_h);
        return 0;
    }
    return ls_cli_fail(2, "view", "--follow-near %g: no vehicle on the road%s at %g s",
                       o->follow_near_m, o->follow_lane ? " in that lane" : "",
                       ls_world_time(v->scene.world));
}

static void print_stats(const ls_viewer *v)
{
    ls_frame_summary s = ls_viewer_summary(v);
    int w, h;
    SDL_GetRendererOutputSize(v->ren, &w, &h);
    fprintf(stderr,
            "lanesim view: %ld frames of %dx%d (%s renderer), %.1f frames/s; frame work (events, "
            "simulation, drawing): mean %.2f ms, median %.2f, 95th percentile %.2f, max %.2f; "
            "drawing mean %.2f ms; simulated %.0f s, %.1fx real time\n",
            s.frames, w, h, ls_viewer_renderer_name(v), s.fps, s.mean_ms, s.median_ms, s.p95_ms,
            s.max_ms, s.draw_mean_ms, s.sim_s, s.real_factor);
}

/* --record: the frames from --from to --to, the world at --from already. */
static int record_movie(ls_viewer *v, const ls_scenario *s, const view_opts *o)
{
    ls_movie_plan p = {o->record,      (ls_movie_kind)ls_movie_kind_of(o->record),
                       o->from_s,      isnan(o->to_s) ? s->simulation.duration_s : o->to_s,
                       o->speedup,     o->fps,
                       o->common.quiet};
    char err[1024];
    int rc = ls_viewer_record(v, &p, err, sizeof err);
    if (rc < 0) return ls_cli_fail(1, "view", "%s", err);
    if (rc == 130) fprintf(stderr, "lanesim view: interrupted; no movie written\n");
    return rc;
}

static int show(ls_world *w, const ls_scenario *s, const view_opts *o, int follow_strategy)
{
    ls_viewer *v = malloc(sizeof *v);
    if (!v) return ls_cli_fail(1, "view", "out of memory");
    char err[1024];
    if (o->record)
        choose_record_driver();
    else
        choose_video_driver(o);
    int rc = 0, still = o->screenshot || o->record; /* no window to watch */
    ls_viewer_config cfg = {o->width, o->height, o->renderer, !still, o->probes};
    if (ls_viewer_open(v, w, s, &cfg, err, sizeof err) != 0) {
        free(v);
        return ls_cli_fail(1, "view", "%s", err);
    }
    apply_view(v, o);
    /* From t = 0: at --at the window shows what it would have shown had it been watched from
     * the start (the chain of probes is worked out from their finish times). */
    if (follow_strategy >= 0) ls_view_follow_strategy(&v->view, follow_strategy, 0);
    ls_status st = ls_scene_run_to(&v->scene, o->record ? o->from_s : o->at_s);
    if (st != LS_OK) rc = ls_cli_fail(1, "view", "the simulation stopped: %s", ls_status_name(st));
    if (!rc && o->follow > 0) rc = follow_id(v, (uint64_t)o->follow);
    if (!rc && !isnan(o->follow_near_m)) rc = follow_near(v, o, s->road.lanes);
    if (!rc && o->screenshot && ls_viewer_screenshot(v, o->screenshot, err, sizeof err) != 0)
        rc = ls_cli_fail(1, "view", "%s", err);
    if (!rc && o->record) rc = record_movie(v, s, o);
    if (!rc && !still && ls_viewer_run(v, o->frames, err, sizeof err) != 0)
        rc = ls_cli_fail(1, "view", "%s", err);
    if (o->stats && !still) print_stats(v);
    ls_viewer_close(v);
    free(v);
    return rc;
}

/* All of the scenario's strategies, as `lanesim compare` runs them by default. */
static int enable_probes(ls_world *w, const ls_scenario *s)
{
    int all[LS_MAX_STRATEGIES];
    for (int i = 0; i < s->strategy_count; i++) all[i] = i;
    ls_status st = ls_world_enable_probes(w, all, s->strategy_count);
    if (st == LS_ERR_NOMEM) return ls_cli_fail(1, "view", "out of memory");
    if (st != LS_OK) return ls_cli_fail(1, "view", "cannot add probes: %s", ls_status_name(st));
    return 0;
}

int ls_cmd_view(int argc, char **argv)
{
    view_opts o;
    int rc = parse_view(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    ls_scenario s;
    if ((rc = ls_cli_load(&o.common, &s)) != 0) return rc;
    int follow_strategy;
    if ((rc = check_against(&o, &s)) != 0 || (rc = check_probes(&o, &s, &follow_strategy)) != 0)
        return rc;
    if (o.record && !ls_movie_have_ffmpeg())
        return ls_cli_fail(1, "view",
                           "--record: the ffmpeg program is not on PATH; install it (Debian: "
                           "apt-get install ffmpeg, as tools/setup.sh does)");
    ls_world *w;
    if ((rc = ls_cli_create_world(&s, &w)) != 0) return rc;
    if (o.probes && (rc = enable_probes(w, &s)) != 0) {
        ls_world_destroy(w);
        return rc;
    }
    rc = show(w, &s, &o, follow_strategy);
    ls_world_destroy(w);
    return rc;
}

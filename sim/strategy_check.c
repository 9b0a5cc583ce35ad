/* strategy_check.c: the rules that tie commute strategies and probe departures to the road, its
 * ramps and the run, each reported at the offending value. */
#include <stdio.h>
#include <string.h>

#include "decode.h"

/* The ramp named `name` of the given kind, or -1. */
static int ramp_named(const ls_scenario *s, const char *name, ls_ramp_kind kind)
{
    for (int r = 0; r < s->ramp_count; r++)
        if (s->ramps[r].kind == kind && strcmp(s->ramps[r].name, name) == 0) return r;
    return -1;
}

/* The node of `key` in a strategy (a dotted key reaches into its sections), or the deepest
 * section on the way to it that is there (a left-out key is reported at its section). */
static const ls_node *at_key(const ls_node *item, const char *key)
{
    char part[64];
    const ls_node *found = item;
    for (const ls_node *n = item; n && *key;) {
        size_t len = strcspn(key, ".");
        snprintf(part, sizeof part, "%.*s", (int)len, key);
        if ((n = ls_node_get(n, part)) != NULL) found = n;
        key += len + (key[len] == '.');
    }
    return found;
}

typedef struct strategy_ctx {
    ls_decoder *d;
    const ls_node *item;
    int index;
} strategy_ctx;

static void report(const strategy_ctx *c, const char *key, const char *fmt, const char *a,
                   const char *b)
{
    char path[96];
    snprintf(path, sizeof path, "strategies[%d].%s", c->index, key);
    ls_decoder_report(c->d, at_key(c->item, key), path, fmt, a, b);
}

/* A named ramp of a kind, or a report; -1 when absent or wrong. */
static int named_ramp(const strategy_ctx *c, const char *key, const char *name, ls_ramp_kind kind)
{
    int r = ramp_named(c->d->s, name, kind);
    if (r >= 0) return r;
    const char *want = kind == LS_RAMP_ON ? "the name of an on-ramp" : "the name of an off-ramp";
    report(c, key, "expected %s, got \"%s\"", want, name);
    return -1;
}

static const ls_node *first_node(const ls_node *a, const ls_node *b)
{
    return a ? a : b;
}

static double ramp_at(const ls_scenario *s, int r)
{
    return r >= 0 ? s->ramps[r].at_m : 0;
}

/* Where the probe enters: one of enter_lane and enter_ramp. Returns its position (m), or -1. */
static double check_entry(const strategy_ctx *c, const ls_strategy_def *st)
{
    const ls_scenario *s = c->d->s;
    char a[32];
    if (st->enter_lane > 0 && st->enter_ramp[0]) {
        report(c, "enter_ramp", "expected either enter_lane or enter_ramp, got both%s%s", "", "");
        return -1;
    }
    if (st->enter_ramp[0]) {
        int r = named_ramp(c, "enter_ramp", st->enter_ramp, LS_RAMP_ON);
        return r >= 0 ? ramp_at(s, r) : -1;
    }
    if (st->enter_lane == 0) {
        report(c, "name", "expected enter_lane or enter_ramp, got neither%s%s", "", "");
        return -1;
    }
    if (st->enter_lane > s->road.lanes) {
        snprintf(a, sizeof a, "%d", s->road.lanes);
        char got[16];
        snprintf(got, sizeof got, "%d", st->enter_lane);
        report(c, "enter_lane", "expected a lane from 1 to %s (road.lanes), got %s", a, got);
        return -1;
    }
    for (int k = 0; k < s->lane_add_count; k++)
        if (s->lane_adds[k].lane == st->enter_lane) {
            snprintf(a, sizeof a, "%d", st->enter_lane);
            report(c, "enter_lane", "expected a lane that exists at the road's start, got %s%s", a,
                   " (it begins further on: lane_adds)");
            return -1;
        }
    return 0;
}

/* An off-ramp named by `key` that lies downstream of `from_m`: its index, or -1. */
static int downstream_exit(const strategy_ctx *c, const char *key, const char *name, double from_m)
{
    int r = named_ramp(c, key, name, LS_RAMP_OFF);
    if (r < 0) return -1;
    if (ramp_at(c->d->s, r) <= from_m) {
        char a[32], b[32];
        ls_num(from_m, a, 32);
        ls_num(ramp_at(c->d->s, r), b, 32);
        report(c, key,
               "expected an off-ramp downstream of where the probe joins (%s m), got one at "
               "%s m",
               a, b);
        return -1;
    }
    return r;
}

static void check_then(const strategy_ctx *c, const ls_strategy_def *st)
{
    const ls_scenario *s = c->d->s;
    char a[32], b[32];
    const ls_node *then = ls_node_get(c->item, "then");
    /* move_to: 0 (as the YAML writer puts it) is no `then`; leaving move_to out is a mistake. */
    if (!then || (st->then.move_to == 0 && ls_node_get(then, "move_to"))) return;
    if (st->then.move_to < 1 || st->then.move_to > s->road.lanes) {
        snprintf(a, sizeof a, "%d", s->road.lanes);
        snprintf(b, sizeof b, "%d", st->then.move_to);
        report(c, "then.move_to", "expected a lane from 1 to %s (road.lanes), got %s", a, b);
    }
    if (st->then.after_m >= s->road.length_m)
        report(c, "then.after", "expected a position below %s m (the road length), got %s m",
               ls_num(s->road.length_m, a, 32), ls_num(st->then.after_m, b, 32));
}

static void check_reenter(const strategy_ctx *c, const ls_strategy_def *st, double entry_m)
{
    const ls_reenter_def *re = &st->reenter;
    char a[32], b[32];
    if (!re->exit[0] && !re->enter[0]) return; /* none (as the YAML writer puts it) */
    int off = downstream_exit(c, "exit_reenter.exit", re->exit, entry_m);
    int on = named_ramp(c, "exit_reenter.enter", re->enter, LS_RAMP_ON);
    if (off >= 0 && on >= 0 && ramp_at(c->d->s, on) < ramp_at(c->d->s, off))
        report(c, "exit_reenter.enter",
               "expected an on-ramp at or downstream of the exit (%s m), got one at %s m",
               ls_num(ramp_at(c->d->s, off), a, 32), ls_num(ramp_at(c->d->s, on), b, 32));
    if (on >= 0 && st->exit[0]) downstream_exit(c, "exit", st->exit, ramp_at(c->d->s, on));
    const ls_signal_def *sg = &re->signal;
    if (sg->cycle_s > 0 && (sg->green_s <= 0 || sg->green_s > sg->cycle_s))
        report(c, "exit_reenter.signal.green",
               "expected a green time above 0 and up to the cycle (%s s), got %s s",
               ls_num(sg->cycle_s, a, 32), ls_num(sg->green_s, b, 32));
    if (sg->cycle_s == 0 && sg->green_s > 0)
        report(c, "exit_reenter.signal.cycle",
               "expected a cycle of at least the green time (%s s),"
               " got %s",
               ls_num(sg->green_s, a, 32), "0");
}

static void check_strategy(ls_decoder *d, const ls_node *list, int i)
{
    const ls_strategy_def *st = &d->s->strategies[i];
    strategy_ctx c = {d, ls_node_item(list, (size_t)i), i};
    double entry_m = check_entry(&c, st);
    if (entry_m < 0) return;
    if (st->exit[0] && !st->reenter.exit[0] && !st->reenter.enter[0])
        downstream_exit(&c, "exit", st->exit, entry_m);
    check_then(&c, st);
    check_reenter(&c, st, entry_m);
}

/* The departure window lies inside the run: from in [0, duration), to in [from, duration]. */
static void check_probes(ls_decoder *d)
{
    const ls_probes_def *p = &d->s->probes;
    const ls_node *sec = ls_node_get(d->src->root, "probes");
    double duration = d->s->simulation.duration_s;
    char a[32], b[32];
    if (!ls_decoder_clean(d, "probes") || !ls_decoder_clean(d, "simulation")) return;
    if (p->from_s != -1 && (p->from_s < 0 || p->from_s >= duration))
        ls_decoder_report(d, first_node(ls_node_get(sec, "from"), sec), "probes.from",
                          "expected -1 (the end of the warm-up) or a time from 0 to below %s s "
                          "(simulation.duration), got %s",
                          ls_num(duration, a, 32), ls_num(p->from_s, b, 32));
    double from = p->from_s >= 0 ? p->from_s : d->s->simulation.warmup_s;
    char c[32];
    if (p->to_s != -1 && (p->to_s < from || p->to_s > duration))
        ls_decoder_report(d, first_node(ls_node_get(sec, "to"), sec), "probes.to",
                          "expected -1 or a time from the first departure (%s s) to %s s "
                          "(simulation.duration), got %s",
                          ls_num(from, a, 32), ls_num(duration, b, 32), ls_num(p->to_s, c, 32));
    if (ls_decoder_clean(d, "model.dt") && p->every_s < d->s->model.dt_s)
        ls_decoder_report(d, first_node(ls_node_get(sec, "every"), sec), "probes.every",
                          "expected a time of at least %s s (model.dt), got %s",
                          ls_num(d->s->model.dt_s, a, 32), ls_num(p->every_s, b, 32));
}

void ls_check_strategies(ls_decoder *d)
{
    const ls_node *list = ls_node_get(d->src->root, "strategies");
    if (d->s->strategy_count == 0) return;
    if (!ls_decoder_clean(d, "road") || !ls_decoder_clean(d, "ramps") ||
        !ls_decoder_clean(d, "lane_adds"))
        return;
    if (d->s->road.ring) {
        ls_decoder_report(
            d, list, "strategies",
            "expected no strategies on a ring road (probes need an entry and an end)");
        return;
    }
    char path[48];
    for (int i = 0; i < d->s->strategy_count; i++) {
        snprintf(path, sizeof path, "strategies[%d]", i);
        if (ls_decoder_clean(d, path)) check_strategy(d, list, i);
    }
    check_probes(d);
}

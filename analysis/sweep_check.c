/* sweep_check.c: every grid point decoded and its world built before any run starts. */
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

#define MAX_SHOWN 64

/* A problem, printed once however many points share it. A problem that comes from one grid
 * value (its override is the diagnostic's origin, or its key is the diagnostic's path) is
 * blamed on that value; any other (a cross-field rule) on the grid point where it was found. */
typedef struct problem {
    char *text;            /* the diagnostic without "lanesim: " and without what `context` says */
    char *context;         /* "--grid KEY=VALUE", or "grid point KEY=VALUE, ..." */
    int key;               /* the grid key blamed, or -1 */
    unsigned char *values; /* key >= 0: which of the key's values have the problem */
    int64_t seen;          /* values (key >= 0) or points (key < 0) with the problem */
} problem;

typedef struct problems {
    problem *items;
    int count, cap;
    int64_t others; /* distinct problems past MAX_KEPT, counted but not kept */
    bool oom;
} problems;

/* Distinct problems kept (each with one byte per value of its key): enough to show MAX_SHOWN,
 * few enough that a grid of a million invalid points costs linear time and bounded memory. */
#define MAX_KEPT (4 * MAX_SHOWN)

/* Scratch space for decoding, too big for the stack. */
typedef struct scratch {
    ls_diags diags;
    ls_scenario scenario;
} scratch;

static problem *find_or_add(problems *ps, const char *text, int key, const char *context,
                            const sweep_grid *g)
{
    for (int i = 0; i < ps->count; i++)
        if (ps->items[i].key == key && strcmp(ps->items[i].text, text) == 0) return &ps->items[i];
    if (ps->count >= MAX_KEPT) return NULL;
    if (ps->count == ps->cap) {
        int cap = ps->cap ? 2 * ps->cap : 16;
        problem *items = realloc(ps->items, (size_t)cap * sizeof *items);
        if (!items) return NULL;
        ps->items = items;
        ps->cap = cap;
    }
    problem *pr = &ps->items[ps->count];
    memset(pr, 0, sizeof *pr);
    pr->key = key;
    pr->text = strdup(text);
    pr->context = strdup(context);
    pr->values = key >= 0 ? calloc((size_t)g->keys[key].count, 1) : NULL;
    if (!pr->text || !pr->context || (key >= 0 && !pr->values)) {
        free(pr->text);
        free(pr->context);
        free(pr->values);
        return NULL;
    }
    ps->count++;
    return pr;
}

static void problems_add(problems *ps, const sweep_grid *g, int64_t point, int key,
                         const char *text, const char *context)
{
    problem *pr = find_or_add(ps, text, key, context, g);
    if (!pr) {
        if (ps->count >= MAX_KEPT)
            ps->others++;
        else
            ps->oom = true;
        return;
    }
    if (key < 0) {
        pr->seen++;
        return;
    }
    int v = sweep_grid_value(g, point, key);
    pr->seen += !pr->values[v];
    pr->values[v] = 1;
}

static void print_problem(const problem *pr, const sweep_grid *g)
{
    int64_t all = pr->key >= 0 ? g->keys[pr->key].count : g->points;
    bool whole = pr->key >= 0 && pr->seen == all && all > 1; /* an unknown key, say */
    if (whole)
        fprintf(stderr, "lanesim: --grid %s: %s\n", g->keys[pr->key].option, pr->text);
    else if (pr->seen > 1)
        fprintf(stderr, "lanesim: %s: %s (and %lld other %s)\n", pr->context, pr->text,
                (long long)pr->seen - 1, pr->key >= 0 ? "values" : "grid points");
    else
        fprintf(stderr, "lanesim: %s: %s\n", pr->context, pr->text);
}

/* Prints every problem (up to MAX_SHOWN) and returns the exit status: 0 when there was none. */
static int problems_print(problems *ps, const sweep_grid *g)
{
    for (int i = 0; i < ps->count; i++) {
        if (i < MAX_SHOWN) print_problem(&ps->items[i], g);
        free(ps->items[i].text);
        free(ps->items[i].context);
        free(ps->items[i].values);
    }
    if (ps->count > MAX_SHOWN || ps->others)
        fprintf(stderr, "lanesim: %lld more problems not shown\n",
                (long long)(ps->count > MAX_SHOWN ? ps->count - MAX_SHOWN : 0) + ps->others);
    int rc = ps->oom ? ls_cli_fail(1, "sweep", "out of memory") : ps->count ? 2 : 0;
    free(ps->items);
    memset(ps, 0, sizeof *ps);
    return rc;
}

static bool is_key(const sweep_key *k, const char *path)
{
    return strcmp(k->name, path) == 0;
}

/* The grid key a diagnostic is about: its origin is the key's override, or (a problem found
 * when building the world, which has no origin) its path is the key. -1 when neither. */
static int blamed_key(const ls_diag *d, const sweep_grid *g, int64_t point)
{
    for (int k = 0; k < g->count; k++) {
        const char *a = g->keys[k].assignments[sweep_grid_value(g, point, k)];
        if (strncmp(d->where, "--set ", 6) == 0 && strcmp(d->where + 6, a) == 0) return k;
        if (!d->where[0] && is_key(&g->keys[k], d->path)) return k;
    }
    return -1;
}

static void point_context(const sweep_grid *g, int64_t point, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "grid point");
    for (int k = 0; k < g->count && used < size; k++)
        used += (size_t)snprintf(out + used, size - used, "%s %s", k ? "," : "",
                                 g->keys[k].assignments[sweep_grid_value(g, point, k)]);
}

static void collect(problems *ps, const ls_diags *d, const sweep_grid *g, int64_t point)
{
    for (int i = 0; i < d->count; i++) {
        ls_diag diag = d->items[i];
        int key = blamed_key(&diag, g, point);
        char context[2048], line[1024];
        if (key >= 0) {
            snprintf(context, sizeof context, "--grid %s",
                     g->keys[key].assignments[sweep_grid_value(g, point, key)]);
            diag.where[0] = 0;
            if (is_key(&g->keys[key], diag.path)) diag.path[0] = 0;
        } else {
            point_context(g, point, context, sizeof context);
        }
        ls_diag_format(&diag, line, sizeof line);
        const char *text = line + (strncmp(line, "lanesim: ", 9) == 0 ? 9 : 0);
        problems_add(ps, g, point, key, text, context);
    }
}

/* Decoding finds every scenario rule; building the world finds what only the grid of cells
 * shows (a speed that rounds to no cells, a road past the limits). */
static ls_status check_point(const sweep_plan *p, int64_t point, scratch *s)
{
    ls_diags_clear(&s->diags);
    ls_status st = sweep_point_scenario(p, point, &s->scenario, &s->diags);
    ls_world *w = NULL;
    if (st == LS_OK && (st = ls_world_create(&s->scenario, &w, &s->diags)) == LS_OK)
        ls_world_destroy(w);
    return st;
}

int sweep_plan_check(sweep_plan *p)
{
    scratch *s = malloc(sizeof *s);
    p->point_seed = calloc((size_t)p->grid.points, sizeof *p->point_seed);
    if (!s || !p->point_seed) {
        free(s);
        return ls_cli_fail(1, "sweep", "out of memory");
    }
    problems ps = {0};
    p->lanes = 1;
    for (int64_t point = 0; point < p->grid.points && !ps.oom; point++) {
        if (check_point(p, point, s) != LS_OK) {
            collect(&ps, &s->diags, &p->grid, point);
            continue;
        }
        p->point_seed[point] = s->scenario.simulation.seed;
        if (s->scenario.road.lanes > p->lanes) p->lanes = s->scenario.road.lanes;
    }
    free(s);
    return problems_print(&ps, &p->grid);
}

/* cmd_merge.c: `lanesim merge`: the rows files of a sharded sweep joined into one, by run. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "sweep.h"

enum { OPT_AGGREGATE = 2000 };

static const char merge_help[] =
    "usage: lanesim merge OUT.csv PART.csv... [--aggregate AGG.csv]\n"
    "Joins the rows files of a sweep run in shards (lanesim sweep --shard K/N, on any number\n"
    "of machines) into OUT.csv, one row per run sorted by run: the rows one process would\n"
    "have written. The parts must have the same header; a run found in two parts must have the\n"
    "same row apart from wall_s; a partial last row (a shard killed while writing) is left out.\n"
    "OUT.csv.sweep records the whole sweep, so that `lanesim sweep ... --out OUT.csv --resume`\n"
    "runs what no part had.\n\n"
    "  --aggregate AGG.csv   also write per grid point mean, sd and 95% t interval (as sweep)\n";

typedef struct parts {
    sweep_table *tables;
    size_t count;
    char **lines; /* every part's rows */
    size_t line_count;
} parts;

static int read_part(const char *path, sweep_table *t, const char *header)
{
    if (sweep_table_read(path, t) != 0)
        return ls_cli_fail(1, "merge", "%s: %s", path, strerror(errno));
    if (!t->header || strncmp(t->header, "run,point,rep,seed,", 19) != 0)
        return ls_cli_fail(2, "merge", "%s: not the rows of a sweep (no run,point,rep,seed header)",
                           path);
    if (header && strcmp(header, t->header) != 0)
        return ls_cli_fail(2, "merge",
                           "%s: its columns differ from the first part's (another sweep)", path);
    for (size_t i = 0; i < t->count; i++) {
        int64_t run;
        if (!sweep_line_run(t->lines[i], &run))
            return ls_cli_fail(2, "merge", "%s:%zu: not a row of a sweep", path, i + 2);
    }
    if (t->torn) fprintf(stderr, "lanesim merge: %s: left out a partial last row\n", path);
    return 0;
}

static int read_parts(char **paths, size_t n, parts *ps)
{
    ps->tables = calloc(n, sizeof *ps->tables);
    if (!ps->tables) return ls_cli_fail(1, "merge", "out of memory");
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = read_part(paths[i], &ps->tables[ps->count++], i ? ps->tables[0].header : NULL);
        if (rc) return rc;
        total += ps->tables[i].count;
    }
    ps->lines = malloc((total ? total : 1) * sizeof *ps->lines);
    if (!ps->lines) return ls_cli_fail(1, "merge", "out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ps->tables[i].count; k++)
            ps->lines[ps->line_count++] = ps->tables[i].lines[k];
    return 0;
}

static void parts_free(parts *ps)
{
    for (size_t i = 0; i < ps->count; i++) sweep_table_free(&ps->tables[i]);
    free(ps->tables);
    free(ps->lines);
}

/* Equal apart from the last column, wall_s, the only one identical runs may differ in. */
static bool same_run(const char *a, const char *b)
{
    const char *ea = strrchr(a, ','), *eb = strrchr(b, ',');
    if (!ea || !eb) return strcmp(a, b) == 0;
    return ea - a == eb - b && strncmp(a, b, (size_t)(ea - a)) == 0;
}

/* Sorts by run and drops a run's second copy (a shard that was run twice). */
static int dedupe(parts *ps)
{
    sweep_lines_sort(ps->lines, ps->line_count);
    size_t kept = 0;
    for (size_t i = 0; i < ps->line_count; i++) {
        int64_t run, prev;
        sweep_line_run(ps->lines[i], &run);
        if (kept > 0 && sweep_line_run(ps->lines[kept - 1], &prev) && prev == run) {
            if (!same_run(ps->lines[kept - 1], ps->lines[i]))
                return ls_cli_fail(2, "merge", "run %lld has two different rows in the parts",
                                   (long long)run);
            continue;
        }
        ps->lines[kept++] = ps->lines[i];
    }
    ps->line_count = kept;
    return 0;
}

/* Runs missing below the highest one: a shard not (yet) among the parts. */
static void warn_gaps(const parts *ps)
{
    int64_t last = -1;
    if (ps->line_count) sweep_line_run(ps->lines[ps->line_count - 1], &last);
    int64_t missing = last + 1 - (int64_t)ps->line_count;
    if (missing > 0)
        fprintf(stderr, "lanesim merge: %lld of runs 0 to %lld are in no part (a shard missing?)\n",
                (long long)missing, (long long)last);
}

static int write_merged(const char *path, const parts *ps)
{
    ls_outfile out;
    if (ls_outfile_open(&out, path) != 0)
        return ls_cli_fail(1, "merge", "%s: %s", path, strerror(errno));
    fprintf(out.f, "%s\n", ps->tables[0].header);
    for (size_t i = 0; i < ps->line_count; i++) fprintf(out.f, "%s\n", ps->lines[i]);
    if (ls_outfile_commit(&out) != 0)
        return ls_cli_fail(1, "merge", "%s: %s", path, strerror(errno));
    return 0;
}

/* ---- the parts' definitions (PART.csv.sweep, written by sweep) ---- */

/* A part's definition with its shard line set to 1/1 (the one line in which the shards of one
 * sweep differ): the definition of the whole sweep. NULL when the part has none. */
static char *whole_definition(const char *csv)
{
    char *side = sweep_definition_path(csv), *def = side ? sweep_read_file(side, NULL) : NULL;
    free(side);
    if (!def) return NULL;
    char *line = strstr(def, "\n# shard ");
    sweep_buf b = {0};
    if (line) {
        const char *rest = strchr(line + 1, '\n');
        sweep_buf_add(&b, "%.*s\n# shard 1/1%s", (int)(line - def), def, rest ? rest : "");
    } else {
        sweep_buf_add(&b, "%s", def);
    }
    free(def);
    return b.s;
}

/* The parts must come from one sweep. Returns its definition (NULL when no part has one). */
static int check_definitions(char **paths, size_t n, char **whole)
{
    *whole = NULL;
    for (size_t i = 0; i < n; i++) {
        char *def = whole_definition(paths[i]);
        if (def && *whole && strcmp(def, *whole) != 0) {
            free(def);
            return ls_cli_fail(2, "merge",
                               "%s: another sweep than the other parts' (see its .sweep file)",
                               paths[i]);
        }
        if (*whole)
            free(def);
        else
            *whole = def;
    }
    return 0;
}

/* OUT.csv.sweep: so that `lanesim sweep ... --out OUT.csv --resume` can complete the merged
 * rows. A stale one is removed when the parts had none. */
static int write_definition(const char *out, const char *whole)
{
    char *side = sweep_definition_path(out);
    if (!side) return ls_cli_fail(1, "merge", "out of memory");
    int rc = 0;
    if (!whole) {
        unlink(side);
    } else {
        ls_outfile f;
        bool opened = ls_outfile_open(&f, side) == 0;
        if (opened) fputs(whole, f.f);
        if (!opened || ls_outfile_commit(&f) != 0)
            rc = ls_cli_fail(1, "merge", "%s: %s", side, strerror(errno));
    }
    free(side);
    return rc;
}

static int parse_merge(int argc, char **argv, const char **aggregate)
{
    static const struct option opts[] = {{"aggregate", required_argument, 0, OPT_AGGREGATE},
                                         {"help", no_argument, 0, LS_OPT_HELP},
                                         {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == LS_OPT_HELP) {
            fputs(merge_help, stdout);
            return -1;
        }
        if (c == OPT_AGGREGATE) {
            *aggregate = optarg;
            continue;
        }
        if (c == ':') return ls_cli_fail(2, "merge", "%s: expected a value", argv[optind - 1]);
        return ls_cli_fail(2, "merge", "unknown option %s (see lanesim merge --help)",
                           argv[optind - 1]);
    }
    if (argc - optind < 2)
        return ls_cli_fail(2, "merge", "expected OUT.csv and at least one PART.csv");
    return 0;
}

int ls_cmd_merge(int argc, char **argv)
{
    const char *aggregate = NULL;
    int rc = parse_merge(argc, argv, &aggregate);
    if (rc) return rc < 0 ? 0 : rc;
    const char *out = argv[optind];
    /* Both outputs before anything is written, so that a bad --aggregate leaves no OUT.csv. */
    const char *outputs[] = {out, aggregate};
    for (int i = 0; i < 2 && !rc; i++)
        if (outputs[i] && ls_outfile_check(outputs[i]) != 0)
            rc = ls_cli_fail(1, "merge", "%s: %s", outputs[i], strerror(errno));
    if (rc) return rc;
    parts ps = {0};
    char *whole = NULL;
    char **paths = argv + optind + 1;
    size_t n = (size_t)(argc - optind - 1); /* at least 1: parse_merge checked */
    rc = check_definitions(paths, n, &whole);
    if (!rc) rc = read_parts(paths, n, &ps);
    if (!rc) rc = dedupe(&ps);
    if (!rc) warn_gaps(&ps);
    if (!rc) rc = write_merged(out, &ps);
    if (!rc) rc = write_definition(out, whole);
    free(whole);
    parts_free(&ps);
    if (!rc && aggregate) rc = sweep_aggregate(out, aggregate);
    return rc;
}

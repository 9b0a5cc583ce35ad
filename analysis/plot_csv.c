/* plot_csv.c: lanesim's CSV outputs read whole, split in place into fields. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"
#include "sweep.h"

/* Binary data (a PNG given by mistake) is told apart from text by its NUL bytes and control
 * characters, in the first few kilobytes, where a CSV file has only its newlines. */
static int looks_binary(const char *text, size_t len)
{
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 32 && c != '\n' && c != '\r' && c != '\t') return 1;
    }
    return 0;
}

/* Splits one line (NUL-terminated, in place) into fields; a quoted field loses its quotes, a
 * doubled quote inside it becomes one. Returns the number of fields, or -1 past `max`. */
static int split(char *line, char **out, int max)
{
    int n = 0;
    char *s = line;
    for (;;) {
        if (n == max) return -1;
        char *o = s, *start = s;
        if (*s == '"') {
            for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
                if (*s == '"') s++;
                *o++ = *s;
            }
            if (*s == '"') s++;
        } else {
            while (*s && *s != ',') *o++ = *s++;
        }
        char end = *s;
        *o = 0;
        out[n++] = start;
        if (end != ',') return n;
        s++;
    }
}

static char *next_line(char **p)
{
    char *line = *p;
    if (!*line) return NULL;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = 0;
        *p = nl + 1;
    } else {
        *p = line + strlen(line);
    }
    size_t n = strlen(line);
    if (n && line[n - 1] == '\r') line[n - 1] = 0;
    return line;
}

static int read_header(plot_table *t, char **p)
{
    char *line = next_line(p);
    int commas = 0;
    for (const char *c = line; *c; c++) commas += *c == ',';
    t->names = malloc((size_t)(commas + 1) * sizeof *t->names);
    if (!t->names) return ls_cli_fail(1, "plot", "out of memory");
    t->ncols = split(line, t->names, commas + 1);
    return 0;
}

static int read_rows(plot_table *t, char *p, size_t line_no)
{
    size_t lines = 1;
    for (const char *c = p; *c; c++) lines += *c == '\n';
    t->cells = malloc(lines * (size_t)t->ncols * sizeof *t->cells);
    t->lines = malloc(lines * sizeof *t->lines);
    if (!t->cells || !t->lines) return ls_cli_fail(1, "plot", "out of memory");
    char *line;
    while ((line = next_line(&p)) != NULL) {
        line_no++;
        if (!*line) continue;
        int n = split(line, t->cells + t->nrows * (size_t)t->ncols, t->ncols);
        if (n != t->ncols)
            return ls_cli_fail(2, "plot", "%s:%zu: expected %d fields as in the header, got %s",
                               t->path, line_no, t->ncols, n < 0 ? "more" : "fewer");
        t->lines[t->nrows++] = line_no;
    }
    return 0;
}

int plot_table_read(plot_table *t, const char *path)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    size_t len;
    t->text = sweep_read_file(path, &len);
    if (!t->text) return ls_cli_fail(1, "plot", "%s: %s", path, strerror(errno));
    char *p = t->text;
    while (*p == '\n' || *p == '\r' || *p == ' ') p++;
    if (!*p)
        return ls_cli_fail(2, "plot",
                           "%s: expected a CSV header line of column names, got an "
                           "empty file",
                           path);
    if (looks_binary(t->text, len) || strlen(t->text) != len)
        return ls_cli_fail(2, "plot",
                           "%s: expected CSV text (a header line of column names), got binary "
                           "data",
                           path);
    size_t skipped = 0;
    for (const char *c = t->text; c < p; c++) skipped += *c == '\n';
    int rc = read_header(t, &p);
    return rc ? rc : read_rows(t, p, skipped + 1);
}

void plot_table_free(plot_table *t)
{
    free(t->text);
    free(t->names);
    free(t->cells);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

int plot_col_find(const plot_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->names[i], name) == 0) return i;
    return -1;
}

static void put_columns(const plot_table *t)
{
    for (int i = 0; i < t->ncols; i++) fprintf(stderr, "%s%s", i ? "," : "", t->names[i]);
    fputc('\n', stderr);
}

int plot_col(const plot_table *t, const char *name)
{
    int c = plot_col_find(t, name);
    if (c >= 0) return c;
    fprintf(stderr, "lanesim plot: %s: expected a column \"%s\", got columns ", t->path, name);
    put_columns(t);
    return -1;
}

int plot_wrong_columns(const plot_table *t, const char *what)
{
    fprintf(stderr, "lanesim plot: %s: expected %s, got columns ", t->path, what);
    put_columns(t);
    return 2;
}

int plot_num(const plot_table *t, size_t row, int col, double *v)
{
    const char *s = plot_cell(t, row, col);
    if (!*s) {
        *v = NAN;
        return 1;
    }
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end != s && !*end && !errno && isfinite(*v)) return 0;
    ls_cli_fail(2, "plot", "%s:%zu: column %s: expected a number, got \"%s\"", t->path,
                t->lines[row], t->names[col], s);
    return -1;
}

int plot_num_req(const plot_table *t, size_t row, int col, double *v)
{
    int rc = plot_num(t, row, col, v);
    if (rc > 0)
        ls_cli_fail(2, "plot", "%s:%zu: column %s: expected a number, got an empty field", t->path,
                    t->lines[row], t->names[col]);
    return rc ? -1 : 0;
}

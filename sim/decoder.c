/* decoder.c: the problems one decode reports: where they point, which keys they spoil, order. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "units.h"

const char *ls_num(double v, char *buf, size_t size)
{
    ls_format_number(v, buf, size);
    return buf;
}

void ls_decoder_report(ls_decoder *d, const ls_node *node, const char *path, const char *fmt, ...)
{
    char where[320] = "", message[320];
    if (node) ls_node_where(d->src, node, where, sizeof where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    d->errors++;
    if (!d->diags) return;
    int index = d->diags->count;
    ls_diags_add(d->diags, where, path, "%s", message);
    if (index >= LS_DIAG_MAX || d->diags->count == index) return;
    d->order[index].origin = node ? node->origin : INT_MAX;
    d->order[index].line = node ? node->line : 0;
    d->order[index].column = node ? node->column : 0;
}

/* True when one path is the other or contains it ("road" and "road.lanes"). */
static bool related(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > m) return related(b, a);
    return strncmp(a, b, n) == 0 && (b[n] == 0 || b[n] == '.' || b[n] == '[' || n == 0);
}

bool ls_decoder_clean(const ls_decoder *d, const char *path)
{
    if (!d->diags || d->diags->dropped) return d->errors == 0;
    for (int i = d->first_diag; i < d->diags->count; i++)
        if (related(d->diags->items[i].path, path)) return false;
    return true;
}

int ls_decoder_lane_limit(const ls_decoder *d)
{
    return ls_decoder_clean(d, "road.lanes") ? d->s->road.lanes : LS_MAX_LANES;
}

static int order_cmp(const ls_decoder *d, int a, int b)
{
    if (d->order[a].origin != d->order[b].origin)
        return d->order[a].origin < d->order[b].origin ? -1 : 1;
    if (d->order[a].line != d->order[b].line) return d->order[a].line < d->order[b].line ? -1 : 1;
    return (d->order[a].column > d->order[b].column) - (d->order[a].column < d->order[b].column);
}

/* Insertion sort: stable, and there are at most LS_DIAG_MAX problems. */
void ls_decoder_sort(ls_decoder *d)
{
    if (!d->diags) return;
    for (int i = d->first_diag + 1; i < d->diags->count; i++) {
        for (int j = i; j > d->first_diag && order_cmp(d, j - 1, j) > 0; j--) {
            ls_diag t = d->diags->items[j];
            d->diags->items[j] = d->diags->items[j - 1];
            d->diags->items[j - 1] = t;
            ls_problem_pos o = d->order[j];
            d->order[j] = d->order[j - 1];
            d->order[j - 1] = o;
        }
    }
}

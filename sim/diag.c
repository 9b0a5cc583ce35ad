/* diag.c: status codes, the bounded list of input problems, and their one-line format. */
#include "lanesim/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SET_PREFIX "--set "

int ls_status_exit_code(ls_status s)
{
    if (s == LS_OK) return 0;
    return s == LS_ERR_INPUT ? 2 : 1;
}

const char *ls_status_name(ls_status s)
{
    switch (s) {
    case LS_OK:
        return "success";
    case LS_ERR_IO:
        return "input/output error";
    case LS_ERR_INPUT:
        return "invalid input";
    case LS_ERR_NOMEM:
        return "out of memory";
    case LS_ERR_LIMIT:
        return "beyond a documented limit";
    case LS_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown status";
}

void ls_diags_clear(ls_diags *d)
{
    if (!d) return;
    d->count = 0;
    d->dropped = 0;
}

static void copy_field(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* Every problem must print as exactly one line, whatever text it quotes. */
static void flatten(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r' || *s == '\t') *s = ' ';
}

void ls_diags_add(ls_diags *d, const char *where, const char *path, const char *fmt, ...)
{
    if (!d) return;
    if (d->count >= LS_DIAG_MAX) {
        d->dropped++;
        return;
    }
    ls_diag *item = &d->items[d->count++];
    copy_field(item->where, sizeof item->where, where);
    copy_field(item->path, sizeof item->path, path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(item->message, sizeof item->message, fmt, ap);
    va_end(ap);
    flatten(item->where);
    flatten(item->path);
    flatten(item->message);
}

/* True when the override's KEY (the text between "--set " and "=") is the problem's path. */
static int is_override_key(const char *where, const char *path)
{
    const char *key = where + strlen(SET_PREFIX);
    const char *eq = strchr(key, '=');
    size_t n = eq ? (size_t)(eq - key) : strlen(key);
    return strlen(path) == n && strncmp(key, path, n) == 0;
}

/* Origins on the command line ("--set K=V", or another option a driver renamed one to, such
 * as "--duration 60") are not file positions: they print after the program's name. */
int ls_diag_format(const ls_diag *d, char *buf, size_t size)
{
    const char *sep = d->path[0] ? ": " : "";
    const char *path = d->path;
    if (strncmp(d->where, SET_PREFIX, strlen(SET_PREFIX)) == 0 && is_override_key(d->where, path))
        path = sep = "";
    if (strncmp(d->where, "--", 2) == 0)
        return snprintf(buf, size, "lanesim: %s: %s%s%s", d->where, path, sep, d->message);
    if (d->where[0]) return snprintf(buf, size, "%s: %s%s%s", d->where, path, sep, d->message);
    return snprintf(buf, size, "lanesim: %s%s%s", path, sep, d->message);
}

/* scenario_yaml.c: a scenario back to YAML, every key in its default unit, exactly reversible. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "lanesim/scenario.h"
#include "schema.h"

/* A growing text; after a failed allocation every write is ignored and `failed` is set. */
typedef struct text {
    char *buf;
    size_t len, cap;
    bool failed;
} text;

static void put(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(text *t, const char *fmt, ...)
{
    if (t->failed) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = true;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + (size_t)n + 1) cap *= 2;
        char *grown = ls_realloc(t->buf, cap);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->buf = grown;
        t->cap = cap;
        va_start(ap, fmt);
        vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
    }
    t->len += (size_t)n;
}

static const void *at(const void *base, size_t offset)
{
    return (const char *)base + offset;
}

static void put_number(text *t, double v)
{
    char buf[40];
    ls_format_number(v, buf, sizeof buf);
    put(t, "%s", buf);
}

/* The code point of the UTF-8 sequence at s, its length in *n; -1 (n = 1) for a byte that
 * starts no valid sequence. Stops at a NUL: never reads past the end of the string. */
static long utf8_decode(const unsigned char *s, int *n)
{
    int len = s[0] < 0x80         ? 1
              : (s[0] >> 5) == 6  ? 2
              : (s[0] >> 4) == 14 ? 3
              : (s[0] >> 3) == 30 ? 4
                                  : 0;
    *n = 1;
    if (!len) return -1;
    long cp = len == 1 ? s[0] : s[0] & (0x7F >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *n = len;
    return cp;
}

/* What libyaml reads back as itself between double quotes: printable (its reader refuses C1
 * controls, U+FFFE and U+FFFF) and not a line break (NEL, U+2028 and U+2029 would fold). */
static bool plain_in_quotes(long cp)
{
    if (cp == '"' || cp == '\\' || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF) return false;
    return (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

static void put_escape(text *t, long cp)
{
    if (cp == '"' || cp == '\\')
        put(t, "\\%c", (int)cp);
    else if (cp == '\n' || cp == '\t')
        put(t, "\\%c", cp == '\n' ? 'n' : 't');
    else if (cp <= 0xFF)
        put(t, "\\x%02lX", (unsigned long)cp);
    else if (cp <= 0xFFFF)
        put(t, "\\u%04lX", (unsigned long)cp);
    else
        put(t, "\\U%08lX", (unsigned long)cp);
}

/* A YAML double-quoted string: reads back byte for byte (valid UTF-8 passes through, every code
 * point libyaml would refuse or fold is escaped). */
static void put_string(text *t, const char *s)
{
    put(t, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n;
        long cp = utf8_decode(p, &n);
        if (cp >= 0 && plain_in_quotes(cp))
            put(t, "%.*s", n, (const char *)p);
        else
            put_escape(t, cp >= 0 ? cp : *p);
        p += n;
    }
    put(t, "\"");
}

static void put_lanes(text *t, uint32_t mask)
{
    put(t, "[");
    for (int lane = 1, n = 0; lane <= 32; lane++)
        if (mask & (1u << (lane - 1))) put(t, "%s%d", n++ ? ", " : "", lane);
    put(t, "]");
}

static void put_split(text *t, const ls_field *f, const void *base)
{
    const double *shares = at(base, f->offset);
    int count = *(const int *)at(base, f->aux);
    put(t, "[");
    for (int i = 0; i < count; i++) {
        put(t, "%s", i ? ", " : "");
        put_number(t, shares[i]);
    }
    put(t, "]");
}

/* One number when constant from t = 0, else one point per line. */
static void put_profile(text *t, const ls_field *f, const ls_profile *p, int indent)
{
    if (p->count == 1 && p->points[0].t_s == 0) {
        put(t, " ");
        put_number(t, p->points[0].flow_vph);
        put(t, "  # %s, %s\n", ls_unit_default(f->unit), f->doc);
        return;
    }
    put(t, "  # %s, %s\n", ls_unit_default(f->unit), f->doc);
    for (int i = 0; i < p->count; i++) {
        put(t, "%*s- {t: ", indent + 2, "");
        put_number(t, p->points[i].t_s);
        put(t, ", %s: ", f->sub->fields[1].name);
        put_number(t, p->points[i].flow_vph);
        put(t, "}\n");
    }
}

static void put_density(text *t, const ls_field *f, const void *base)
{
    double v = *(const double *)at(base, f->offset);
    bool per_km = *(const bool *)at(base, f->aux);
    if (per_km) put(t, "\"");
    put_number(t, v);
    if (per_km) put(t, " veh/km\"");
}

static void put_enum(text *t, const ls_field *f, int v)
{
    int count = 0;
    while (f->names[count]) count++;
    if (v >= 0 && v < count)
        put(t, "%s", f->names[v]);
    else
        put(t, "%d", v); /* not a valid scenario: decoding will say so */
}

/* The unit, then the meaning, as a trailing comment. */
static void put_comment(text *t, const ls_field *f, const void *base)
{
    const char *unit = ls_unit_default(f->unit);
    if (f->kind == LS_FIELD_DENSITY && *(const bool *)at(base, f->aux)) unit = "";
    put(t, "  # %s%s%s\n", unit, unit[0] ? ", " : "", f->doc);
}

static void put_fields(text *t, const ls_schema *sch, const void *base, int indent,
                       const char *first_prefix);

static void put_list(text *t, const ls_field *f, const void *base, int indent)
{
    int count = *(const int *)at(base, f->aux);
    if (count == 0) {
        put(t, " []  # %s\n", f->doc);
        return;
    }
    put(t, "  # %s\n", f->doc);
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%*s- ", indent + 2, "");
    for (int i = 0; i < count; i++)
        put_fields(t, f->sub, at(base, f->offset + (size_t)i * f->sub->size), indent + 4, prefix);
}

static void put_field(text *t, const ls_field *f, const void *base, int indent)
{
    const void *p = at(base, f->offset);
    put(t, "%s:", f->name);
    if (f->kind == LS_FIELD_SECTION) {
        put(t, "  # %s\n", f->doc);
        put_fields(t, f->sub, p, indent + 2, NULL);
        return;
    }
    if (f->kind == LS_FIELD_LIST) {
        put_list(t, f, base, indent);
        return;
    }
    if (f->kind == LS_FIELD_PROFILE) {
        put_profile(t, f, p, indent);
        return;
    }
    put(t, " ");
    switch (f->kind) {
    case LS_FIELD_NUMBER:
        put_number(t, *(const double *)p);
        break;
    case LS_FIELD_INT:
        put(t, "%d", *(const int *)p);
        break;
    case LS_FIELD_U64:
        put(t, "%" PRIu64, *(const uint64_t *)p);
        break;
    case LS_FIELD_BOOL:
        put(t, "%s", *(const bool *)p ? "true" : "false");
        break;
    case LS_FIELD_ENUM:
        put_enum(t, f, *(const int *)p);
        break;
    case LS_FIELD_STRING:
        put_string(t, p);
        break;
    case LS_FIELD_DENSITY:
        put_density(t, f, base);
        break;
    case LS_FIELD_LANES:
        put_lanes(t, *(const uint32_t *)p);
        break;
    case LS_FIELD_SPLIT:
        put_split(t, f, base);
        break;
    case LS_FIELD_PROFILE:
    case LS_FIELD_SECTION:
    case LS_FIELD_LIST:
        break;
    }
    put_comment(t, f, base);
}

/* Writes a mapping's fields at `indent`; a list item starts with `first_prefix` ("  - "). */
static void put_fields(text *t, const ls_schema *sch, const void *base, int indent,
                       const char *first_prefix)
{
    for (size_t i = 0; i < sch->count; i++) {
        if (i == 0 && first_prefix)
            put(t, "%s", first_prefix);
        else
            put(t, "%*s", indent, "");
        put_field(t, &sch->fields[i], base, indent);
    }
}

ls_status ls_scenario_to_yaml(const ls_scenario *s, char **out, size_t *len)
{
    text t = {0};
    put(&t, "# lanesim scenario: every key, in its default unit\n");
    put_fields(&t, &ls_scenario_schema, s, 0, NULL);
    if (t.failed) {
        ls_free(t.buf);
        *out = NULL;
        if (len) *len = 0;
        return LS_ERR_NOMEM;
    }
    *out = t.buf;
    if (len) *len = t.len;
    return LS_OK;
}

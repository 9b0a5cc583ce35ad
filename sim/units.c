/* units.c: numbers with optional units, their conversions, and cell rounding. */
#include "units.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "lanesim/scenario.h"

/* A conversion to the kind's default unit as an exact ratio: value * num / den rounds once, so
 * "300 ft" is exactly 91.44 and "65 mph" exactly 104.60736 km/h. */
typedef struct unit {
    ls_unit_kind kind;
    const char *name;
    double num, den;
    bool per_km;
} unit;

static const unit UNITS[] = {
    {LS_UNIT_LENGTH, "m", 1, 1, false},
    {LS_UNIT_LENGTH, "km", 1000, 1, false},
    {LS_UNIT_LENGTH, "ft", 3048, 10000, false},
    {LS_UNIT_LENGTH, "mi", 1609344, 1000, false},
    {LS_UNIT_SPEED, "km/h", 1, 1, false},
    {LS_UNIT_SPEED, "kph", 1, 1, false},
    {LS_UNIT_SPEED, "mph", 1609344, 1000000, false},
    {LS_UNIT_SPEED, "m/s", 36, 10, false},
    {LS_UNIT_TIME, "s", 1, 1, false},
    {LS_UNIT_TIME, "min", 60, 1, false},
    {LS_UNIT_TIME, "h", 3600, 1, false},
    {LS_UNIT_FLOW, "veh/h", 1, 1, false},
    {LS_UNIT_FLOW, "veh/min", 60, 1, false},
    {LS_UNIT_FLOW, "veh/s", 3600, 1, false},
    {LS_UNIT_ACCEL, "m/s^2", 1, 1, false},
    {LS_UNIT_DENSITY, "veh/km", 1, 1, true},
    {LS_UNIT_DENSITY, "veh/mi", 1000000, 1609344, true},
};

const char *ls_unit_name(size_t i)
{
    return i < sizeof UNITS / sizeof UNITS[0] ? UNITS[i].name : NULL;
}

double ls_kmh_to_mps(double kmh)
{
    return kmh * 1000.0 / 3600.0;
}

int ls_round_cells(double cells)
{
    if (cells != cells) return 0;
    double r = floor(cells + 0.5 + 1e-9);
    if (r >= (double)INT_MAX) return INT_MAX;
    if (r <= (double)INT_MIN) return INT_MIN;
    return (int)r;
}

/* strtod and printf follow LC_NUMERIC; a scenario's "0.5" must not depend on the caller's locale.
 * uselocale is per thread, so this is safe in sweeps. */
static locale_t enter_c_locale(locale_t *old)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c) *old = uselocale(c);
    return c;
}

static void leave_c_locale(locale_t c, locale_t old)
{
    if (!c) return;
    uselocale(old);
    freelocale(c);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t skip_digits(const char *s, size_t i, size_t end)
{
    while (i < end && is_digit(s[i])) i++;
    return i;
}

/* Length of the decimal literal at s[i..end): [+-] (d+[.d*] | .d+) [(e|E)[+-]d+]; 0 if none.
 * Deliberately narrower than strtod: no hex, inf or nan. */
static size_t scan_literal(const char *s, size_t i, size_t end)
{
    size_t start = i;
    if (i < end && (s[i] == '+' || s[i] == '-')) i++;
    size_t int_end = skip_digits(s, i, end);
    bool digits = int_end > i;
    i = int_end;
    if (i < end && s[i] == '.') {
        size_t frac_end = skip_digits(s, i + 1, end);
        digits = digits || frac_end > i + 1;
        i = frac_end;
    }
    if (!digits) return 0;
    if (i < end && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < end && (s[j] == '+' || s[j] == '-')) j++;
        size_t exp_end = skip_digits(s, j, end);
        if (exp_end > j) i = exp_end;
    }
    return i - start;
}

/* Narrows [*b, *e) to exclude surrounding spaces; false when the text has a NUL inside. */
static bool trim(const char *text, size_t len, size_t *b, size_t *e)
{
    if (memchr(text, 0, len)) return false;
    *b = 0;
    *e = len;
    while (*b < *e && text[*b] == ' ') (*b)++;
    while (*e > *b && text[*e - 1] == ' ') (*e)--;
    return true;
}

bool ls_is_number_literal(const char *text, size_t len)
{
    size_t b, e;
    if (!trim(text, len, &b, &e) || b == e) return false;
    return scan_literal(text, b, e) == e - b;
}

/* Converts the literal text[b..e) with strtod; the caller has checked its grammar. */
static ls_parse_result to_double(const char *text, size_t b, size_t e, double *out)
{
    char small[64];
    char *copy = e - b < sizeof small ? small : ls_malloc(e - b + 1);
    if (!copy) return LS_PARSE_NOMEM;
    memcpy(copy, text + b, e - b);
    copy[e - b] = 0;
    locale_t old = (locale_t)0;
    locale_t c = enter_c_locale(&old);
    *out = strtod(copy, NULL);
    leave_c_locale(c, old);
    if (copy != small) ls_free(copy);
    /* ERANGE with a finite result is an underflow to 0 or a denormal: harmless. */
    return isfinite(*out) ? LS_PARSE_OK : LS_PARSE_RANGE;
}

static const unit *find_unit(ls_unit_kind kind, const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++)
        if (UNITS[i].kind == kind && strlen(UNITS[i].name) == n && memcmp(UNITS[i].name, s, n) == 0)
            return &UNITS[i];
    return NULL;
}

ls_parse_result ls_parse_quantity(const char *text, size_t len, ls_unit_kind kind, double *value,
                                  bool *per_km)
{
    size_t b, e;
    if (!trim(text, len, &b, &e)) return LS_PARSE_SYNTAX;
    size_t n = scan_literal(text, b, e);
    if (n == 0) return LS_PARSE_SYNTAX;
    size_t u = b + n;
    while (u < e && text[u] == ' ') u++;
    const unit *un = NULL;
    if (u < e) {
        un = find_unit(kind, text + u, e - u);
        if (!un) return LS_PARSE_SYNTAX;
    }
    double v;
    ls_parse_result r = to_double(text, b, b + n, &v);
    if (r != LS_PARSE_OK) return r;
    if (un) v = v * un->num / un->den;
    if (!isfinite(v)) return LS_PARSE_RANGE;
    *value = v;
    if (per_km) *per_km = un ? un->per_km : false;
    return LS_PARSE_OK;
}

/* Copies [+-]digits, without leading zeros, into buf for strto*; anything longer than buf
 * certainly overflows 64 bits. `allow_minus` is false for unsigned values. */
static ls_parse_result integer_text(const char *text, size_t len, bool allow_minus, char *buf,
                                    size_t size)
{
    size_t b, e;
    if (!trim(text, len, &b, &e) || b == e) return LS_PARSE_SYNTAX;
    size_t i = b, n = 0;
    if (text[i] == '-' && allow_minus)
        buf[n++] = text[i++];
    else if (text[i] == '+')
        i++;
    if (i == e || skip_digits(text, i, e) != e) return LS_PARSE_SYNTAX;
    while (i + 1 < e && text[i] == '0') i++;
    if (e - i + n >= size) return LS_PARSE_RANGE;
    memcpy(buf + n, text + i, e - i);
    buf[n + e - i] = 0;
    return LS_PARSE_OK;
}

ls_parse_result ls_parse_int(const char *text, size_t len, long long *out)
{
    char buf[32];
    ls_parse_result r = integer_text(text, len, true, buf, sizeof buf);
    if (r != LS_PARSE_OK) return r;
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    if (errno == ERANGE) return LS_PARSE_RANGE;
    *out = v;
    return LS_PARSE_OK;
}

ls_parse_result ls_parse_u64(const char *text, size_t len, uint64_t *out)
{
    char buf[32];
    if (!ls_is_number_literal(text, len)) return LS_PARSE_SYNTAX;
    /* A negative or fractional seed is a number out of range, not a string. */
    if (integer_text(text, len, false, buf, sizeof buf) != LS_PARSE_OK) return LS_PARSE_RANGE;
    errno = 0;
    unsigned long long v = strtoull(buf, NULL, 10);
    if (errno == ERANGE) return LS_PARSE_RANGE;
    *out = (uint64_t)v;
    return LS_PARSE_OK;
}

const char *ls_unit_default(ls_unit_kind kind)
{
    switch (kind) {
    case LS_UNIT_LENGTH:
        return "m";
    case LS_UNIT_SPEED:
        return "km/h";
    case LS_UNIT_TIME:
        return "s";
    case LS_UNIT_FLOW:
        return "veh/h";
    case LS_UNIT_ACCEL:
        return "m/s^2";
    case LS_UNIT_DENSITY:
        return "veh/cell";
    case LS_UNIT_NONE:
        break;
    }
    return "";
}

const char *ls_unit_noun(ls_unit_kind kind)
{
    switch (kind) {
    case LS_UNIT_LENGTH:
        return "a length";
    case LS_UNIT_SPEED:
        return "a speed";
    case LS_UNIT_TIME:
        return "a time";
    case LS_UNIT_FLOW:
        return "a flow";
    case LS_UNIT_ACCEL:
        return "an acceleration";
    case LS_UNIT_DENSITY:
        return "a density";
    case LS_UNIT_NONE:
        break;
    }
    return "a number";
}

const char *ls_unit_examples(ls_unit_kind kind)
{
    switch (kind) {
    case LS_UNIT_LENGTH:
        return "300, \"1000 ft\" or \"3.1 mi\"";
    case LS_UNIT_SPEED:
        return "65, \"65 mph\" or \"100 km/h\"";
    case LS_UNIT_TIME:
        return "600, \"600 s\" or \"10 min\"";
    case LS_UNIT_FLOW:
        return "1800, \"1800 veh/h\" or \"30 veh/min\"";
    case LS_UNIT_ACCEL:
        return "1.5 or \"1.5 m/s^2\"";
    case LS_UNIT_DENSITY:
        return "0.05 (vehicles per cell) or \"40 veh/km\"";
    case LS_UNIT_NONE:
        break;
    }
    return "0.5";
}

int ls_format_number(double v, char *buf, size_t size)
{
    locale_t old = (locale_t)0;
    locale_t c = enter_c_locale(&old);
    int n = 0;
    for (int digits = 15; digits <= 17; digits++) {
        n = snprintf(buf, size, "%.*g", digits, v);
        if (n < 0 || (size_t)n >= size || strtod(buf, NULL) == v) break;
    }
    leave_c_locale(c, old);
    return n;
}

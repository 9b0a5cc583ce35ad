/* units.h (internal): numbers with optional units ("65 mph", "3.1 mi"), parsed by kind. */
#ifndef LS_INTERNAL_UNITS_H
#define LS_INTERNAL_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a number measures; each kind has one default unit the scenario struct stores. */
typedef enum ls_unit_kind {
    LS_UNIT_NONE = 0, /* dimensionless: no unit allowed */
    LS_UNIT_LENGTH,   /* m; km, ft, mi */
    LS_UNIT_SPEED,    /* km/h; kph, mph, m/s */
    LS_UNIT_TIME,     /* s; min, h */
    LS_UNIT_FLOW,     /* veh/h; veh/min, veh/s */
    LS_UNIT_ACCEL,    /* m/s^2 */
    LS_UNIT_DENSITY,  /* plain = veh/cell; veh/km, veh/mi = per km */
} ls_unit_kind;

typedef enum ls_parse_result {
    LS_PARSE_OK = 0,
    LS_PARSE_SYNTAX, /* not a number, trailing junk, unknown unit */
    LS_PARSE_RANGE,  /* a number, but too large to represent */
    LS_PARSE_NOMEM,  /* a literal too long for the stack, and no memory to copy it */
} ls_parse_result;

/* Parses `text` (len bytes, surrounding spaces ignored) as a number in `kind`, converted to the
 * kind's default unit. For LS_UNIT_DENSITY *per_km tells which unit the value is in (veh/mi is
 * converted to veh/km); per_km may be NULL for other kinds. */
ls_parse_result ls_parse_quantity(const char *text, size_t len, ls_unit_kind kind, double *value,
                                  bool *per_km);

/* Integers: an optional sign and decimal digits only ("4.0" and "1e3" are not integers). */
ls_parse_result ls_parse_int(const char *text, size_t len, long long *out);
ls_parse_result ls_parse_u64(const char *text, size_t len, uint64_t *out);

/* True when the text is a bare decimal number ("1.7", "-3", "1e400"), shown unquoted in
 * messages; anything else is shown as a quoted string. */
bool ls_is_number_literal(const char *text, size_t len);

const char *ls_unit_default(ls_unit_kind kind);  /* "m", "km/h", ...; "" for NONE */
const char *ls_unit_noun(ls_unit_kind kind);     /* "a length", "a speed", ... */
const char *ls_unit_examples(ls_unit_kind kind); /* `65, "65 mph" or "100 km/h"` */
/* The i-th name of the table of units ("m", "km", ..., "veh/mi"); NULL past its end. */
const char *ls_unit_name(size_t i);

/* The shortest decimal text that reads back as exactly v (at most 17 digits), independent of
 * the process locale. Returns what snprintf returns. */
int ls_format_number(double v, char *buf, size_t size);

#endif

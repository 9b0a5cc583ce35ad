/* schema.h (internal): the table of every scenario key, shared by defaults, decoding, --set
 * checks and the YAML writer, so that a key is described in exactly one place. */
#ifndef LS_INTERNAL_SCHEMA_H
#define LS_INTERNAL_SCHEMA_H

#include <stddef.h>

#include "units.h"

/* Upper bounds that keep a valid scenario within what the engine can hold (docs/scenarios.md,
 * "Limits"). A demand above the most any entry admits (16 lanes x one vehicle per step at
 * dt = 0.01 s is 5.76e6 veh/h) only fills the entry queues, and GSL's Poisson draw for a mean
 * near 1e300 never returns. A road longer than LS_MAX_ROAD_M needs more than LS_MAX_TOTAL_CELLS
 * (world.h) cells even with the longest cells (100 m). A detector period longer than the
 * longest simulation (1e9 s) would overflow the step counter on the finest grid. */
#define LS_MAX_FLOW_VPH 1e7
#define LS_MAX_ROAD_M   2e10
#define LS_MAX_PERIOD_S 1e9

typedef enum ls_field_kind {
    LS_FIELD_NUMBER,  /* double in the unit kind's default unit */
    LS_FIELD_INT,     /* int */
    LS_FIELD_U64,     /* uint64_t */
    LS_FIELD_BOOL,    /* bool: true or false */
    LS_FIELD_ENUM,    /* an enum stored as int: one of `names` */
    LS_FIELD_STRING,  /* char[aux], NUL-terminated */
    LS_FIELD_DENSITY, /* double, with its per_km bool at `aux` */
    LS_FIELD_LANES,   /* uint32_t mask from a list of lane numbers; [] = every lane */
    LS_FIELD_SPLIT,   /* double[LS_MAX_LANES] with its int count at `aux`; [] = equal split */
    LS_FIELD_PROFILE, /* ls_profile: one flow, or a list of `sub` points {t, flow} */
    LS_FIELD_SECTION, /* a mapping whose `sub` fields are relative to base + offset */
    LS_FIELD_LIST,    /* a list of `sub` mappings; the array at offset, its int count at aux */
} ls_field_kind;

enum {
    LS_F_MIN_OPEN = 1u << 0,         /* the minimum itself is not allowed */
    LS_F_MAX_OPEN = 1u << 1,         /* the maximum itself is not allowed */
    LS_F_REQUIRED = 1u << 2,         /* the key must be present */
    LS_F_REQUIRED_IF_MANY = 1u << 3, /* must be present when its list has several items */
    LS_F_UNIQUE = 1u << 4,           /* a string distinct within its list */
    LS_F_NONEMPTY = 1u << 5,         /* a string that must not be "" */
};

typedef struct ls_schema ls_schema;

typedef struct ls_field {
    const char *name;
    ls_field_kind kind;
    ls_unit_kind unit;
    unsigned flags;
    double min, max;      /* numbers and integers: the range; lists and profiles: the count */
    double def;           /* numbers, integers, booleans, enum index; lists: the item count */
    const char *def_text; /* strings */
    size_t offset;        /* from the base of the enclosing section or list item */
    size_t aux;           /* see ls_field_kind */
    const ls_schema *sub;
    const char *const *names; /* enums: NULL-terminated */
    const char *doc;
} ls_field;

struct ls_schema {
    const char *noun; /* lists: an item, plural ("vehicle types") */
    const ls_field *fields;
    size_t count;
    size_t size; /* lists: bytes per item */
};

/* The top level of a scenario file; its base is the ls_scenario. */
extern const ls_schema ls_scenario_schema;

/* A field's key in `sch`, or NULL. */
const ls_field *ls_schema_find(const ls_schema *sch, const char *name, size_t len);

#endif

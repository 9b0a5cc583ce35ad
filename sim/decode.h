/* decode.h (internal): the state of one ls_scenario_decode, shared with the cross-field checks. */
#ifndef LS_INTERNAL_DECODE_H
#define LS_INTERNAL_DECODE_H

#include <stdbool.h>

#include "lanesim/scenario.h"
#include "source.h"

/* The origin, line and column of a reported problem: problems are listed in file order. */
typedef struct ls_problem_pos {
    int origin, line, column;
} ls_problem_pos;

typedef struct ls_decoder {
    const ls_source *src;
    ls_scenario *s;
    ls_diags *diags;
    int errors;     /* problems this decode found (diags may be NULL or full) */
    bool nomem;     /* an allocation failed: the decode fails with LS_ERR_NOMEM */
    int first_diag; /* diags->count when the decode started */
    char path[320]; /* the key path being decoded */
    size_t path_len;
    ls_problem_pos order[LS_DIAG_MAX]; /* where each problem points, to sort them */
} ls_decoder;

/* Reports a problem at node `at` (NULL: no position) for key `path`. */
void ls_decoder_report(ls_decoder *d, const ls_node *at, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* True when no problem was reported at `path`, inside it or around it ("road" for
 * "road.lanes"): cross-field rules skip values that already failed, so that one mistake is not
 * reported twice. A problem with no path (a syntax error) makes nothing clean. */
bool ls_decoder_clean(const ls_decoder *d, const char *path);

/* The lane numbers lists may use: road.lanes once the road decoded cleanly. */
int ls_decoder_lane_limit(const ls_decoder *d);

/* Puts the problems this decode reported in file order (stable), as people read them. */
void ls_decoder_sort(ls_decoder *d);

/* Cross-field rules (scenario_check.c), run after every section is decoded. */
void ls_check_scenario(ls_decoder *d);
/* The strategies and probe departures (strategy_check.c), called by ls_check_scenario. */
void ls_check_strategies(ls_decoder *d);

/* A number for messages: shortest exact text ("104.60736", "1e+09"). */
const char *ls_num(double v, char *buf, size_t size);

#endif

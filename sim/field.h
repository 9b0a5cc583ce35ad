/* field.h (internal): the space-time speed field and the queue lengths upstream of bottlenecks. */
#ifndef LS_FIELD_H
#define LS_FIELD_H

#include <stddef.h>
#include <stdint.h>
#include "lanesim/world.h"
#include "segment.h"

typedef struct ls_field_state {
    int on;
    int32_t seg, segs;       /* cells per segment, segments */
    uint64_t inv;            /* as friction's seg_inv, for seg */
    int64_t period, begin;   /* steps */
    uint64_t *speed, *count; /* mainline lanes x segments, this period */
    uint64_t *step;          /* scratch, a segment each: this step's speed sum and count, packed */
    ls_field_record *records;
    size_t record_count, record_cap;
    ls_queue_record *queue_records;
    size_t queue_record_count, queue_record_cap;
} ls_field_state;

ls_status ls_field_create(ls_world *w);
void ls_field_observe(ls_world *w);
ls_status ls_field_close_period(ls_world *w);

uint64_t ls_field_hash(const ls_world *w, uint64_t h);
void ls_field_free(ls_field_state *f);

/* The space-time field's segments. */
static inline ls_segmenter ls_field_segmenter(const ls_field_state *f)
{
    ls_segmenter g = {f->inv, f->seg, f->segs - 1};
    return g;
}

#endif

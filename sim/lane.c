/* lane.c: the per-lane vehicle deque and entry queue. */
#include <string.h>

#include "alloc.h"
#include "world_state.h"

static void free_arrays(ls_lane *ln)
{
    ls_free(ln->front);
    ls_free(ln->speed);
    ls_free(ln->vmax);
    ls_free(ln->length);
    ls_free(ln->accel);
    ls_free(ln->handle);
}

/* Moves the live range into fresh arrays of `cap` slots with `front_room` free slots before it. */
static ls_status lane_relocate(ls_lane *ln, int32_t cap, int32_t front_room)
{
    int32_t n = ls_lane_count(ln);
    void *p[6] = {ls_calloc((size_t)cap, 4), ls_calloc((size_t)cap, 2), ls_calloc((size_t)cap, 2),
                  ls_calloc((size_t)cap, 2), ls_calloc((size_t)cap, 2), ls_calloc((size_t)cap, 4)};
    for (int i = 0; i < 6; i++) {
        if (!p[i]) {
            for (int j = 0; j < 6; j++) ls_free(p[j]);
            return LS_ERR_NOMEM;
        }
    }
    if (n > 0) {
        memcpy((int32_t *)p[0] + front_room, ln->front + ln->lo, (size_t)n * 4);
        memcpy((uint16_t *)p[1] + front_room, ln->speed + ln->lo, (size_t)n * 2);
        memcpy((uint16_t *)p[2] + front_room, ln->vmax + ln->lo, (size_t)n * 2);
        memcpy((uint16_t *)p[3] + front_room, ln->length + ln->lo, (size_t)n * 2);
        memcpy((uint16_t *)p[4] + front_room, ln->accel + ln->lo, (size_t)n * 2);
        memcpy((uint32_t *)p[5] + front_room, ln->handle + ln->lo, (size_t)n * 4);
    }
    free_arrays(ln);
    ln->front = p[0];
    ln->speed = p[1];
    ln->vmax = p[2];
    ln->length = p[3];
    ln->accel = p[4];
    ln->handle = p[5];
    ln->cap = cap;
    ln->lo = front_room;
    ln->hi = front_room + n;
    return LS_OK;
}

/* Makes room for `front_room` more vehicles at the rear (index side lo) and `back_room` at the
 * front, recentring or growing the arrays; amortised O(1) per vehicle. */
ls_status ls_lane_reserve(ls_lane *ln, int32_t front_room, int32_t back_room)
{
    if (ln->front && ln->lo >= front_room && ln->cap - ln->hi >= back_room) return LS_OK;
    int64_t n = ls_lane_count(ln);
    int64_t need = n + front_room + back_room;
    int64_t cap = ln->cap > 0 ? ln->cap : 16;
    while (cap < 2 * need + 16) cap *= 2;
    if (cap > INT32_MAX / 2) return LS_ERR_LIMIT;
    /* Centre the live range so that both ends have slack afterwards. */
    int64_t room = (cap - n - front_room - back_room) / 2 + front_room;
    return lane_relocate(ln, (int32_t)cap, (int32_t)room);
}

void ls_lane_free(ls_lane *ln)
{
    free_arrays(ln);
    ls_free(ln->queue);
    memset(ln, 0, sizeof *ln);
}

ls_status ls_queue_push(ls_lane *ln, uint32_t handle)
{
    if (ln->q_count == ln->q_cap) {
        int32_t cap = ln->q_cap ? 2 * ln->q_cap : 16;
        if (cap <= ln->q_cap) return LS_ERR_LIMIT;
        uint32_t *q = ls_calloc((size_t)cap, sizeof *q);
        if (!q) return LS_ERR_NOMEM;
        for (int32_t i = 0; i < ln->q_count; i++) q[i] = ln->queue[(ln->q_head + i) % ln->q_cap];
        ls_free(ln->queue);
        ln->queue = q;
        ln->q_cap = cap;
        ln->q_head = 0;
    }
    ln->queue[(ln->q_head + ln->q_count) % ln->q_cap] = handle;
    ln->q_count++;
    return LS_OK;
}

uint32_t ls_queue_pop(ls_lane *ln)
{
    uint32_t h = ln->queue[ln->q_head];
    ln->q_head = (ln->q_head + 1) % ln->q_cap;
    ln->q_count--;
    return h;
}

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
    ls_free(ln->vcap);
}

/* Moves the live range into fresh arrays of `cap` slots with `front_room` free slots before it. */
static ls_status lane_relocate(ls_lane *ln, int32_t cap, int32_t front_room)
{
    int32_t n = ls_lane_count(ln);
    void *p[7] = {ls_calloc((size_t)cap, 4), ls_calloc((size_t)cap, 2), ls_calloc((size_t)cap, 2),
                  ls_calloc((size_t)cap, 2), ls_calloc((size_t)cap, 2), ls_calloc((size_t)cap, 4),
                  ls_calloc((size_t)cap, 2)};
    for (int i = 0; i < 7; i++) {
        if (!p[i]) {
            for (int j = 0; j < 7; j++) ls_free(p[j]);
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
        memcpy((uint16_t *)p[6] + front_room, ln->vcap + ln->lo, (size_t)n * 2);
    }
    free_arrays(ln);
    ln->front = p[0];
    ln->speed = p[1];
    ln->vmax = p[2];
    ln->length = p[3];
    ln->accel = p[4];
    ln->handle = p[5];
    ln->vcap = p[6];
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

/* Moves entries [a, b) by `by` slots (+1 or -1) in every array. */
static void shift(ls_lane *ln, int32_t a, int32_t b, int32_t by)
{
    size_t n = (size_t)(b - a);
    memmove(ln->front + a + by, ln->front + a, n * sizeof *ln->front);
    memmove(ln->speed + a + by, ln->speed + a, n * sizeof *ln->speed);
    memmove(ln->vmax + a + by, ln->vmax + a, n * sizeof *ln->vmax);
    memmove(ln->length + a + by, ln->length + a, n * sizeof *ln->length);
    memmove(ln->accel + a + by, ln->accel + a, n * sizeof *ln->accel);
    memmove(ln->handle + a + by, ln->handle + a, n * sizeof *ln->handle);
    memmove(ln->vcap + a + by, ln->vcap + a, n * sizeof *ln->vcap);
}

/* Inserts an entry before `index` (lo <= index <= hi), moving whichever side is shorter. The
 * caller guarantees the order: front between its neighbours' fronts. */
ls_status ls_lane_insert(ls_lane *ln, int32_t index, int32_t front, uint16_t speed, uint16_t vmax,
                         uint16_t length, uint16_t accel, uint32_t handle, uint16_t cap)
{
    int32_t offset = index - ln->lo;
    ls_status st = ls_lane_reserve(ln, 1, 1);
    if (st != LS_OK) return st;
    int32_t k = ln->lo + offset; /* the arrays may have moved */
    if (k - ln->lo <= ln->hi - k) {
        shift(ln, ln->lo, k, -1);
        ln->lo--;
        k--;
    } else {
        shift(ln, k, ln->hi, +1);
        ln->hi++;
    }
    ln->front[k] = front;
    ln->speed[k] = speed;
    ln->vmax[k] = vmax;
    ln->length[k] = length;
    ln->accel[k] = accel;
    ln->handle[k] = handle;
    ln->vcap[k] = cap;
    return LS_OK;
}

void ls_lane_remove(ls_lane *ln, int32_t index)
{
    if (index - ln->lo <= ln->hi - 1 - index) {
        shift(ln, ln->lo, index, +1);
        ln->lo++;
    } else {
        shift(ln, index + 1, ln->hi, -1);
        ln->hi--;
    }
}

int32_t ls_lane_lower_bound(const ls_lane *ln, int64_t x)
{
    /* Branch-free: the half kept depends on data the predictor cannot guess, so each step is a
     * conditional move; the loop runs log2(count) times whatever the answer. */
    const int32_t *base = ln->front + ln->lo;
    int32_t n = ln->hi - ln->lo;
    if (n == 0) return ln->lo;
    while (n > 1) {
        int32_t half = n / 2;
        base = base[half - 1] < x ? base + half : base;
        n -= half;
    }
    return (int32_t)(base - ln->front) + (*base < x);
}

/* batch.c: coloured rectangles drawn together through one SDL_RenderGeometry call. */
#include <stdlib.h>

#include "draw.h"

static int grow(ls_batch *b)
{
    int cap = b->cap ? b->cap * 2 : 4096;
    SDL_Vertex *v = realloc(b->vert, sizeof *v * 4 * (size_t)cap);
    if (!v) return -1;
    b->vert = v;
    int *ix = realloc(b->index, sizeof *ix * 6 * (size_t)cap);
    if (!ix) return -1;
    b->index = ix;
    b->cap = cap;
    return 0;
}

void ls_batch_add(ls_batch *b, SDL_FRect rc, SDL_Color c)
{
    if (b->quads == b->cap && grow(b) != 0) return;
    SDL_Vertex *v = b->vert + 4 * b->quads;
    float x1 = rc.x + rc.w, y1 = rc.y + rc.h;
    v[0] = (SDL_Vertex){{rc.x, rc.y}, c, {0, 0}};
    v[1] = (SDL_Vertex){{x1, rc.y}, c, {0, 0}};
    v[2] = (SDL_Vertex){{x1, y1}, c, {0, 0}};
    v[3] = (SDL_Vertex){{rc.x, y1}, c, {0, 0}};
    int *ix = b->index + 6 * b->quads, base = 4 * b->quads;
    ix[0] = base, ix[1] = base + 1, ix[2] = base + 2;
    ix[3] = base, ix[4] = base + 2, ix[5] = base + 3;
    b->quads++;
}

void ls_batch_flush(ls_batch *b, SDL_Renderer *r)
{
    if (b->quads) SDL_RenderGeometry(r, NULL, b->vert, 4 * b->quads, b->index, 6 * b->quads);
    b->quads = 0;
}

void ls_batch_free(ls_batch *b)
{
    free(b->vert);
    free(b->index);
    b->vert = NULL;
    b->index = NULL;
    b->quads = b->cap = 0;
}

/* text.c: font lookup, glyph atlases built with SDL2_ttf, and string drawing. */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_ttf.h>

/* Pixel sizes of the three fonts. */
#define BODY_PT  14
#define SMALL_PT 12
#define BOLD_PT  15
#define ATLAS_W  512

/* Debian's fonts-dejavu-core, then the same font where other distributions put it. */
static const char *const font_dirs[] = {
    "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu-sans-fonts", "/usr/local/share/fonts"};

int ls_font_find(char *buf, size_t size, const char *which, char *err, size_t err_size)
{
    const char *env = getenv("LANESIM_FONT");
    if (env && *env) {
        snprintf(buf, size, "%s", env);
        if (access(buf, R_OK) == 0) return 0;
        snprintf(err, err_size, "LANESIM_FONT=%s: cannot read that font file", env);
        return -1;
    }
    for (size_t i = 0; i < sizeof font_dirs / sizeof font_dirs[0]; i++) {
        snprintf(buf, size, "%s/%s", font_dirs[i], which);
        if (access(buf, R_OK) == 0) return 0;
    }
    snprintf(err, err_size,
             "no font found: %s is not in /usr/share/fonts/truetype/dejavu; install the Debian "
             "package fonts-dejavu-core, or set LANESIM_FONT to a .ttf file",
             which);
    return -1;
}

/* Renders one glyph in white (colour is applied per draw) and records its advance. */
static SDL_Surface *render_glyph(TTF_Font *font, Uint32 cp, int *advance)
{
    int minx, maxx, miny, maxy;
    if (!TTF_GlyphIsProvided32(font, cp) ||
        TTF_GlyphMetrics32(font, cp, &minx, &maxx, &miny, &maxy, advance) != 0)
        return NULL;
    SDL_Color white = {255, 255, 255, 255};
    return cp == ' ' ? NULL : TTF_RenderGlyph32_Blended(font, cp, white);
}

/* Packs the glyph surfaces row by row into one atlas surface. */
static SDL_Surface *pack_atlas(ls_font *f, SDL_Surface **glyphs)
{
    int x = 0, y = 0, row_h = 0;
    for (int i = 0; i < LS_GLYPH_COUNT; i++) {
        if (!glyphs[i]) continue;
        if (x + glyphs[i]->w > ATLAS_W) x = 0, y += row_h, row_h = 0;
        f->glyph[i] = (SDL_Rect){x, y, glyphs[i]->w, glyphs[i]->h};
        x += glyphs[i]->w;
        if (glyphs[i]->h > row_h) row_h = glyphs[i]->h;
    }
    SDL_Surface *atlas =
        SDL_CreateRGBSurfaceWithFormat(0, ATLAS_W, y + row_h + 1, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!atlas) return NULL;
    SDL_FillRect(atlas, NULL, 0);
    for (int i = 0; i < LS_GLYPH_COUNT; i++) {
        if (!glyphs[i]) continue;
        SDL_SetSurfaceBlendMode(glyphs[i], SDL_BLENDMODE_NONE);
        SDL_BlitSurface(glyphs[i], NULL, atlas, &f->glyph[i]);
    }
    return atlas;
}

static int build_font(ls_font *f, SDL_Renderer *r, const char *path, int px, int bold, char *err,
                      size_t err_size)
{
    memset(f, 0, sizeof *f);
    TTF_Font *font = TTF_OpenFont(path, px);
    if (!font) {
        snprintf(err, err_size, "%s: %s", path, TTF_GetError());
        return -1;
    }
    if (bold) TTF_SetFontStyle(font, TTF_STYLE_BOLD);
    TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    f->height = TTF_FontLineSkip(font);
    SDL_Surface *glyphs[LS_GLYPH_COUNT] = {0};
    for (int i = 0; i < LS_GLYPH_COUNT; i++)
        glyphs[i] = render_glyph(font, (Uint32)(LS_GLYPH_FIRST + i), &f->advance[i]);
    SDL_Surface *atlas = pack_atlas(f, glyphs);
    for (int i = 0; i < LS_GLYPH_COUNT; i++) SDL_FreeSurface(glyphs[i]);
    TTF_CloseFont(font);
    if (atlas) {
        f->atlas = SDL_CreateTextureFromSurface(r, atlas);
        f->atlas_w = atlas->w;
        f->atlas_h = atlas->h;
    }
    SDL_FreeSurface(atlas);
    if (!f->atlas) {
        snprintf(err, err_size, "font atlas: %s", SDL_GetError());
        return -1;
    }
    SDL_SetTextureBlendMode(f->atlas, SDL_BLENDMODE_BLEND);
    return 0;
}

int ls_fonts_open(ls_fonts *f, SDL_Renderer *r, char *err, size_t err_size)
{
    memset(f, 0, sizeof *f);
    char regular[1024], bold[1024];
    if (ls_font_find(regular, sizeof regular, "DejaVuSans.ttf", err, err_size) != 0) return -1;
    /* Without the bold face (or with LANESIM_FONT) the regular one is emboldened by FreeType. */
    int synth_bold = getenv("LANESIM_FONT") && *getenv("LANESIM_FONT");
    char ignored[256];
    if (synth_bold ||
        ls_font_find(bold, sizeof bold, "DejaVuSans-Bold.ttf", ignored, sizeof ignored) != 0) {
        snprintf(bold, sizeof bold, "%s", regular);
        synth_bold = 1;
    }
    if (TTF_Init() != 0) {
        snprintf(err, err_size, "SDL2_ttf: %s", TTF_GetError());
        return -1;
    }
    f->ttf_open = 1;
    if (build_font(&f->body, r, regular, BODY_PT, 0, err, err_size) != 0 ||
        build_font(&f->small, r, regular, SMALL_PT, 0, err, err_size) != 0 ||
        build_font(&f->bold, r, bold, BOLD_PT, synth_bold, err, err_size) != 0) {
        ls_fonts_close(f);
        return -1;
    }
    return 0;
}

void ls_fonts_close(ls_fonts *f)
{
    ls_font *all[] = {&f->body, &f->small, &f->bold};
    for (int i = 0; i < 3; i++) {
        if (all[i]->atlas) SDL_DestroyTexture(all[i]->atlas);
        all[i]->atlas = NULL;
    }
    if (f->ttf_open) TTF_Quit();
    f->ttf_open = 0;
}

/* Next code point of a UTF-8 string; malformed bytes come back as '?'. */
static Uint32 next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    Uint32 c = *s++;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c >= 0x80 && c < 0xC0) c = '?';
    if (extra) c &= 0x3Fu >> extra;
    for (int i = 0; i < extra; i++, s++) {
        if ((*s & 0xC0) != 0x80) {
            c = '?';
            break;
        }
        c = c << 6 | (*s & 0x3Fu);
    }
    *p = s;
    return c;
}

static int glyph_index(const ls_font *f, Uint32 cp)
{
    int i = cp >= LS_GLYPH_FIRST && cp < LS_GLYPH_FIRST + LS_GLYPH_COUNT ? (int)cp - LS_GLYPH_FIRST
                                                                         : '?' - LS_GLYPH_FIRST;
    return f->advance[i] ? i : '?' - LS_GLYPH_FIRST;
}

int ls_text_width(const ls_font *f, const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) w += f->advance[glyph_index(f, next_cp(&p))];
    return w;
}

/* Up to this many glyphs go to the renderer in one call. */
#define GLYPH_BATCH 64

typedef struct glyph_batch {
    SDL_Vertex v[4 * GLYPH_BATCH];
    int ix[6 * GLYPH_BATCH];
    int n;
} glyph_batch;

static void flush_glyphs(SDL_Renderer *r, const ls_font *f, glyph_batch *b)
{
    if (b->n) SDL_RenderGeometry(r, f->atlas, b->v, 4 * b->n, b->ix, 6 * b->n);
    b->n = 0;
}

static void add_glyph(glyph_batch *b, const ls_font *f, const SDL_Rect *g, int x, int y,
                      SDL_Color c)
{
    float u0 = (float)g->x / (float)f->atlas_w, u1 = (float)(g->x + g->w) / (float)f->atlas_w;
    float v0 = (float)g->y / (float)f->atlas_h, v1 = (float)(g->y + g->h) / (float)f->atlas_h;
    float x0 = (float)x, y0 = (float)y, x1 = (float)(x + g->w), y1 = (float)(y + g->h);
    SDL_Vertex *v = b->v + 4 * b->n;
    v[0] = (SDL_Vertex){{x0, y0}, c, {u0, v0}};
    v[1] = (SDL_Vertex){{x1, y0}, c, {u1, v0}};
    v[2] = (SDL_Vertex){{x1, y1}, c, {u1, v1}};
    v[3] = (SDL_Vertex){{x0, y1}, c, {u0, v1}};
    int *ix = b->ix + 6 * b->n, base = 4 * b->n;
    ix[0] = base, ix[1] = base + 1, ix[2] = base + 2;
    ix[3] = base, ix[4] = base + 2, ix[5] = base + 3;
    b->n++;
}

int ls_text(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *s)
{
    glyph_batch b;
    b.n = 0;
    int x0 = x;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int i = glyph_index(f, next_cp(&p));
        if (f->glyph[i].w) add_glyph(&b, f, &f->glyph[i], x, y, c);
        if (b.n == GLYPH_BATCH) flush_glyphs(r, f, &b);
        x += f->advance[i];
    }
    flush_glyphs(r, f, &b);
    return x - x0;
}

int ls_textf(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return ls_text(r, f, x, y, c, buf);
}

int ls_text_right(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *s)
{
    return ls_text(r, f, x - ls_text_width(f, s), y, c, s);
}

int ls_text_center(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *s)
{
    return ls_text(r, f, x - ls_text_width(f, s) / 2, y, c, s);
}

int ls_text_clip(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *s,
                 int max_w)
{
    if (ls_text_width(f, s) <= max_w) return ls_text(r, f, x, y, c, s);
    char buf[512];
    int dots = ls_text_width(f, "..."), n = 0;
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;
    while (*p && n < (int)sizeof buf - 8) {
        const unsigned char *start = p;
        int adv = f->advance[glyph_index(f, next_cp(&p))];
        if (w + adv + dots > max_w) break;
        w += adv;
        while (start < p) buf[n++] = (char)*start++;
    }
    SDL_memcpy(buf + n, "...", 4);
    return ls_text(r, f, x, y, c, buf);
}

/* text.h: text through SDL2_ttf: finding the font, glyph atlases, drawing strings. */
#ifndef LS_TEXT_H
#define LS_TEXT_H

#include <stddef.h>

#include <SDL.h>

/* Glyphs of one font and size, rendered once into a texture: drawing a string is then one
 * textured geometry call, which keeps a full head-up display cheap at 60 frames per second even
 * on a software rasteriser. Covers printable ASCII and Latin-1; any other character is drawn as
 * '?'. */
#define LS_GLYPH_FIRST 32
#define LS_GLYPH_COUNT 224 /* 32 .. 255 */

typedef struct ls_font {
    SDL_Texture *atlas;
    SDL_Rect glyph[LS_GLYPH_COUNT]; /* place in the atlas; w = 0 for a missing glyph */
    int advance[LS_GLYPH_COUNT];
    int height;           /* line height in pixels */
    int atlas_w, atlas_h; /* for texture coordinates */
} ls_font;

typedef struct ls_fonts {
    ls_font body;  /* labels and panels */
    ls_font small; /* axis labels, tables */
    ls_font bold;  /* titles */
    int ttf_open;  /* this set holds a reference on SDL2_ttf (TTF_Init counts them) */
} ls_fonts;

/* Where the font comes from: $LANESIM_FONT if set, else DejaVu Sans from Debian's
 * fonts-dejavu-core at its usual places. Writes the path into buf and returns 0, or returns -1
 * with a message in err that says what to install or set. */
int ls_font_find(char *buf, size_t size, const char *which, char *err, size_t err_size);

/* Opens the fonts and builds their atlases for this renderer. 0, or -1 with a message. */
int ls_fonts_open(ls_fonts *f, SDL_Renderer *r, char *err, size_t err_size);
void ls_fonts_close(ls_fonts *f);

/* Draws UTF-8 text with its top-left corner at (x, y); returns its width in pixels. */
int ls_text(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *s);
int ls_textf(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
int ls_text_width(const ls_font *f, const char *s);
/* Draws at most max_w pixels of text, ending in "..." when cut. Returns the width drawn. */
int ls_text_clip(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *s,
                 int max_w);
/* Right-aligned and centred variants: x is the right edge or the centre. */
int ls_text_right(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *s);
int ls_text_center(SDL_Renderer *r, const ls_font *f, int x, int y, SDL_Color c, const char *s);

#endif

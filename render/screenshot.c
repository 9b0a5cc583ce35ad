/* screenshot.c: reading the rendered picture back and writing it as PNG with SDL2_image. */
#include "screenshot.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <SDL_image.h>

static SDL_Surface *read_picture(SDL_Renderer *r, char *err, size_t err_size)
{
    int w, h;
    if (SDL_GetRendererOutputSize(r, &w, &h) != 0) {
        snprintf(err, err_size, "screenshot: %s", SDL_GetError());
        return NULL;
    }
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s) {
        snprintf(err, err_size, "screenshot: %s", SDL_GetError());
        return NULL;
    }
    if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch) != 0) {
        snprintf(err, err_size, "screenshot: %s", SDL_GetError());
        SDL_FreeSurface(s);
        return NULL;
    }
    return s;
}

int ls_screenshot_save(SDL_Renderer *r, const char *path, char *err, size_t err_size)
{
    SDL_Surface *s = read_picture(r, err, err_size);
    if (!s) return -1;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    int rc = IMG_SavePNG(s, tmp);
    SDL_FreeSurface(s);
    if (rc != 0) {
        snprintf(err, err_size, "%s: %s", path, IMG_GetError());
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

void ls_screenshot_name(char *buf, size_t size, const char *scenario, double t_s)
{
    /* Scenario names are free text; only a safe subset goes into a file name. */
    char name[64];
    size_t n = 0;
    for (const char *p = scenario ? scenario : ""; *p && n < sizeof name - 1; p++)
        name[n++] = (isalnum((unsigned char)*p) || *p == '-' || *p == '.') ? *p : '_';
    name[n] = 0;
    if (!n) snprintf(name, sizeof name, "scenario");
    snprintf(buf, size, "lanesim-%s-t%.0f.png", name, t_s);
    for (int k = 2; access(buf, F_OK) == 0 && k < 1000; k++)
        snprintf(buf, size, "lanesim-%s-t%.0f-%d.png", name, t_s, k);
}

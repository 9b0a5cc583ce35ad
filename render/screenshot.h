/* screenshot.h: what the window shows, written as a PNG file. */
#ifndef LS_SCREENSHOT_H
#define LS_SCREENSHOT_H

#include <stddef.h>

#include <SDL.h>

/* Reads the renderer's current picture (call before SDL_RenderPresent) and writes it as PNG.
 * The file is written under a temporary name and renamed, so it is whole or absent.
 * 0, or -1 with a message. */
int ls_screenshot_save(SDL_Renderer *r, const char *path, char *err, size_t err_size);

/* A file name in the current directory that does not exist yet:
 * lanesim-SCENARIO-tSECONDS.png, then -2, -3, ... */
void ls_screenshot_name(char *buf, size_t size, const char *scenario, double t_s);

#endif

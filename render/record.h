/* record.h: `lanesim view --record`: the viewer's frames, drawn offscreen, encoded by FFmpeg. */
#ifndef LS_RECORD_H
#define LS_RECORD_H

#include <stddef.h>

#include "viewer.h"

typedef enum ls_movie_kind {
    LS_MOVIE_MP4 = 0, /* H.264 in MP4 */
    LS_MOVIE_GIF,     /* an animated GIF at half the window's size */
} ls_movie_kind;

typedef struct ls_movie_plan {
    const char *path; /* the file to write (.mp4 or .gif) */
    ls_movie_kind kind;
    double from_s, to_s; /* simulated time of the first frame and the end of the movie, s */
    double speedup;      /* simulated seconds per second of video */
    int fps;             /* frames per second of video */
    int quiet;           /* no progress bar */
} ls_movie_plan;

/* The kind a file name asks for by its extension (.mp4, .gif, any case); -1 for any other. */
int ls_movie_kind_of(const char *path);

/* 1 if the ffmpeg program is on PATH (an executable file named ffmpeg in one of its folders). */
int ls_movie_have_ffmpeg(void);

/* Frames of the movie: one every speedup/fps simulated seconds from from_s, before to_s. */
long ls_movie_frames(const ls_movie_plan *p);

/* Draws the frames of `p` into the viewer's renderer (the world at from_s already), stepping the
 * world to each frame's time, and pipes them to ffmpeg, which writes a temporary file beside
 * p->path that is renamed into place when ffmpeg has finished. SIGINT and SIGTERM stop it and
 * remove the temporary file. 0, 130 when interrupted, or -1 with a message. */
int ls_viewer_record(ls_viewer *v, const ls_movie_plan *p, char *err, size_t err_size);

#endif

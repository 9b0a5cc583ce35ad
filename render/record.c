/* record.c: movies of the viewer: each frame drawn offscreen exactly as the window would show it
 * at its simulated time, read back as RGB and piped to the ffmpeg program, which encodes it. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_common.h"

extern char **environ;

int ls_movie_kind_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/')) return -1;
    if (!strcasecmp(dot, ".mp4")) return LS_MOVIE_MP4;
    if (!strcasecmp(dot, ".gif")) return LS_MOVIE_GIF;
    return -1;
}

int ls_movie_have_ffmpeg(void)
{
    const char *path = getenv("PATH");
    if (!path) return 0;
    while (*path) {
        size_t n = strcspn(path, ":");
        char file[4096];
        /* An empty entry is the current directory, as for execvp. */
        snprintf(file, sizeof file, "%.*s%sffmpeg", (int)n, n ? path : ".", "/");
        struct stat st;
        if (stat(file, &st) == 0 && S_ISREG(st.st_mode) && access(file, X_OK) == 0) return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

long ls_movie_frames(const ls_movie_plan *p)
{
    /* The tolerance keeps 60 s at 20x and 10 frames/s at 30 frames, not 31, despite rounding. */
    double n = ceil((p->to_s - p->from_s) * p->fps / p->speedup - 1e-9);
    return n < 1 ? 1 : (long)n;
}

typedef struct encoder {
    pid_t pid;
    int fd; /* ffmpeg's stdin */
} encoder;

/* ffmpeg reads raw RGB frames of the window's size from stdin; a GIF is scaled to half size and
 * gets a palette of its own colours (palettegen, then paletteuse) rather than a generic one. */
static void ffmpeg_args(const ls_movie_plan *p, const char *size, const char *rate, const char *tmp,
                        const char **a)
{
    static const char gif_filter[] =
        "scale=trunc(iw/2):trunc(ih/2):flags=lanczos,split[a][b];"
        "[a]palettegen=max_colors=64[p];[b][p]paletteuse=dither=none:diff_mode=rectangle";
    int n = 0;
    const char *head[] = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostats",
                          "-f",     "rawvideo",     "-pix_fmt",  "rgb24", "-s",
                          size,     "-r",           rate,        "-i",    "-"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) a[n++] = head[i];
    if (p->kind == LS_MOVIE_GIF) {
        const char *gif[] = {"-vf", gif_filter, "-f", "gif"};
        for (size_t i = 0; i < sizeof gif / sizeof gif[0]; i++) a[n++] = gif[i];
    } else {
        /* One thread: x264's output then does not depend on the machine's number of cores. */
        const char *mp4[] = {"-c:v", "libx264",   "-pix_fmt",   "yuv420p", "-threads",
                             "1",    "-movflags", "+faststart", "-f",      "mp4"};
        for (size_t i = 0; i < sizeof mp4 / sizeof mp4[0]; i++) a[n++] = mp4[i];
    }
    a[n++] = "-y";
    a[n++] = tmp;
    a[n] = NULL;
}

static int spawn_ffmpeg(encoder *e, const char **argv, char *err, size_t err_size)
{
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(err, err_size, "cannot start ffmpeg: %s", strerror(errno));
        return -1;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t dflt;
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE);
    posix_spawnattr_setsigdefault(&at, &dflt);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawnp(&e->pid, "ffmpeg", &fa, &at, (char *const *)argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        snprintf(err, err_size, "cannot start ffmpeg: %s", strerror(rc));
        return -1;
    }
    e->fd = fds[1];
    return 0;
}

/* Closes ffmpeg's input, which ends the movie, and waits for it: 0 if it exited with 0. */
static int finish_ffmpeg(encoder *e, char *err, size_t err_size)
{
    close(e->fd);
    int status = 0;
    while (waitpid(e->pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(err, err_size, "ffmpeg: %s", strerror(errno));
            return -1;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFEXITED(status))
        snprintf(err, err_size, "ffmpeg failed (exit status %d; its messages are above)",
                 WEXITSTATUS(status));
    else
        snprintf(err, err_size, "ffmpeg was killed by signal %d",
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return -1;
}

static int write_all(int fd, const unsigned char *buf, size_t n)
{
    while (n) {
        ssize_t k = write(fd, buf, n);
        if (k < 0) {
            if (errno == EINTR && !ls_cli_interrupted) continue;
            return -1;
        }
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Steps the world until its time reaches `t_s`, then places the picture between the last two
 * states where `t_s` falls, as the window's clock does between steps. */
static ls_status step_to(ls_scene *s, double t_s)
{
    double dt = s->info.dt_s;
    while (!ls_world_done(s->world) && ls_world_time(s->world) < t_s - dt * 1e-6) {
        ls_status st = ls_scene_step(s);
        if (st != LS_OK) return st;
    }
    double ahead = ls_world_time(s->world) - t_s;
    s->alpha = ahead > 0 && ahead < dt ? 1 - ahead / dt : 1;
    return LS_OK;
}

static int draw_frame(ls_viewer *v, unsigned char *px, int w, char *err, size_t err_size)
{
    ls_viewer_draw(v);
    int rc = SDL_RenderReadPixels(v->ren, NULL, SDL_PIXELFORMAT_RGB24, px, w * 3);
    SDL_RenderPresent(v->ren);
    if (rc == 0) return 0;
    snprintf(err, err_size, "reading the picture back: %s", SDL_GetError());
    return -1;
}

/* 0, 130 when interrupted, or -1 with a message. */
static int frames(ls_viewer *v, const ls_movie_plan *p, encoder *e, unsigned char *px, int w, int h,
                  char *err, size_t err_size)
{
    long n = ls_movie_frames(p);
    ls_progress pr;
    ls_progress_begin(&pr, p->quiet);
    int rc = 0;
    for (long k = 0; k < n && !rc; k++) {
        if (ls_cli_interrupted) break;
        ls_status st = step_to(&v->scene, p->from_s + (double)k * p->speedup / p->fps);
        if (st != LS_OK) {
            snprintf(err, err_size, "the simulation stopped: %s", ls_status_name(st));
            rc = -1;
        } else if ((rc = draw_frame(v, px, w, err, err_size)) == 0 &&
                   write_all(e->fd, px, (size_t)w * (size_t)h * 3) != 0 && !ls_cli_interrupted) {
            snprintf(err, err_size, "writing to ffmpeg: %s", strerror(errno));
            rc = -1;
        }
        char text[64];
        snprintf(text, sizeof text, "frame %ld of %ld", k + 1, n);
        ls_progress_update(&pr, (double)(k + 1) / (double)n, text);
    }
    ls_progress_end(&pr);
    return rc ? rc : ls_cli_interrupted ? 130 : 0;
}

int ls_viewer_record(ls_viewer *v, const ls_movie_plan *p, char *err, size_t err_size)
{
    int w, h;
    if (SDL_GetRendererOutputSize(v->ren, &w, &h) != 0) {
        snprintf(err, err_size, "%s", SDL_GetError());
        return -1;
    }
    unsigned char *px = malloc((size_t)w * (size_t)h * 3);
    if (!px) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    /* The movie plays at the speed-up: the status line says so, and nothing is paused. */
    ls_view_set_speed(&v->view, p->speedup);
    v->view.paused = 0;
    char tmp[4096], size[32], rate[16];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", p->path, (long)getpid());
    snprintf(size, sizeof size, "%dx%d", w, h);
    snprintf(rate, sizeof rate, "%d", p->fps);
    const char *argv[40];
    ffmpeg_args(p, size, rate, tmp, argv);
    /* SIGINT and SIGTERM set the flag the frame loop polls; ffmpeg quitting early must be a
     * write error to report, not a silent death by SIGPIPE. */
    ls_cli_catch_signals();
    struct sigaction ignore, old_pipe;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old_pipe);
    encoder e;
    int rc = spawn_ffmpeg(&e, argv, err, err_size);
    if (rc == 0) {
        rc = frames(v, p, &e, px, w, h, err, err_size);
        char ferr[256];
        /* ffmpeg's failure explains a broken pipe better than the pipe does. */
        if (finish_ffmpeg(&e, ferr, sizeof ferr) != 0 && rc != 130) {
            snprintf(err, err_size, "%s", ferr);
            rc = -1;
        }
        if (rc == 0 && rename(tmp, p->path) != 0) {
            snprintf(err, err_size, "%s: %s", p->path, strerror(errno));
            rc = -1;
        }
        if (rc != 0) unlink(tmp);
    }
    sigaction(SIGPIPE, &old_pipe, NULL);
    free(px);
    return rc;
}

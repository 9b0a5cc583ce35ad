/* fuzz_common.h: what the fuzz targets check, shared with the test that replays their findings. */
#ifndef LS_FUZZ_COMMON_H
#define LS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "lanesim/lanesim.h"

/* Each returns 0 when every check held for the input, or -1 with the check that broke described
 * in `why`. A crash, a leak or undefined behaviour is left to the sanitizers to report. */

/* The bytes are a scenario file: parse, decode, build and step the world (when it is small
 * enough), write it back as YAML and decode that again. */
int ls_fuzz_loader(const uint8_t *data, size_t size, char *why, size_t why_size);

/* The first line names a base scenario (a built-in one, or a file of tests/data/good without
 * .yaml; anything else is the empty scenario), every further line is one --set KEY=VALUE. */
int ls_fuzz_set(const uint8_t *data, size_t size, char *why, size_t why_size);

/* Every line is one --grid option of `lanesim sweep`, applied to the built-in ring scenario. */
int ls_fuzz_grid(const uint8_t *data, size_t size, char *why, size_t why_size);

/* Reads the base scenarios of ls_fuzz_set from `good_dir` (once; call before the first input). */
void ls_fuzz_set_init(const char *good_dir);

/* ---- shared by the targets (fuzz_check.c) ---- */

/* A scenario that decoded: its world (when small enough) runs a few steps with every invariant
 * checked, and it survives the YAML round trip. */
int ls_fuzz_check_scenario(const ls_scenario *s, char *why, size_t why_size);

/* A status and its diagnostics: one of `allowed` (a mask of LS_FUZZ_OK(status) bits), at least
 * one problem when it is not LS_OK, each problem one non-empty line. `what` names the call. */
#define LS_FUZZ_OK(status) (1u << (status))
int ls_fuzz_check_status(const char *what, ls_status st, unsigned allowed, const ls_diags *d,
                         char *why, size_t why_size);

#endif

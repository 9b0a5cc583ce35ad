/* fuzz_target.c: the libFuzzer entry point, built once per target with LS_FUZZ_FN set to
 * ls_fuzz_loader, ls_fuzz_set or ls_fuzz_grid (tests/fuzz/CMakeLists.txt). */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ls_fuzz_set_init(LS_SOURCE_DIR "/tests/data/good");
    return 0;
}

/* A broken check aborts, which libFuzzer reports as a crash and saves the input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[1024];
    if (LS_FUZZ_FN(data, size, why, sizeof why) != 0) {
        fprintf(stderr, "%s: %s\n", LS_FUZZ_NAME, why);
        abort();
    }
    return 0;
}

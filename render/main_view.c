/* main_view.c: lanesim-view, the program `lanesim view` runs (analysis/main.c says why). */
#include "cmd_view.h"

int main(int argc, char **argv)
{
    return ls_cmd_view(argc, argv);
}

/* cmd_view.h: the `lanesim view` command, the whole of the lanesim-view program. */
#ifndef LS_CMD_VIEW_H
#define LS_CMD_VIEW_H

/* Parses the options (argv[0] is the command's name), loads the scenario and runs the viewer or
 * writes the screenshot. Returns the exit status (docs/viewer.md). */
int ls_cmd_view(int argc, char **argv);

#endif

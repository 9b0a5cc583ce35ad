/* builtin.c: looking up the embedded scenarios. */
#include <stdio.h>
#include <string.h>

#include "builtin.h"

const ls_builtin_scenario *ls_builtin_find(const char *name)
{
    for (const ls_builtin_scenario *b = ls_builtin_scenarios; b->name; b++)
        if (strcmp(b->name, name) == 0) return b;
    return NULL;
}

const char *ls_builtin_path(const ls_builtin_scenario *b, char *buf, size_t size)
{
    snprintf(buf, size, "scenarios/%s.yaml", b->name);
    return buf;
}

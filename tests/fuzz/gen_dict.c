/* gen_dict.c: writes the fuzzers' dictionary from the schema, so it follows every new key. */
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "schema.h"

/* YAML punctuation and values that reach the loader's special cases. */
static const char *const TOKENS[] = {
    ": ",  "- ", "[",      "]",    "{",    "}",    ", ",     "\"",      "'",       "#",
    "&a",  "*a", "!!str",  "---",  "...",  "~",    "null",   "true",    "false",   "1e400",
    "-0",  ".5", "1e-320", "0x10", ".inf", ".nan", "\\x85",  "\\u2028", "\\uFFFE", "\\U0010FFFF",
    "\\0", "=",  "[0]",    "[1]",  ",",    ":",    "0:1:0.1"};

/* A dictionary entry is a C-like quoted string. */
static void entry(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') putchar('\\');
        putchar(*s);
    }
    puts("\"");
}

static void keys(const ls_schema *sch, const char *prefix)
{
    for (size_t i = 0; i < sch->count; i++) {
        const ls_field *f = &sch->fields[i];
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", f->name);
        entry(f->name);
        entry(path);
        for (int k = 0; f->names && f->names[k]; k++) entry(f->names[k]);
        if (f->kind == LS_FIELD_LIST || f->kind == LS_FIELD_PROFILE) strcat(path, "[0]");
        if (f->sub) keys(f->sub, path);
    }
}

int main(void)
{
    keys(&ls_scenario_schema, "");
    for (size_t i = 0; ls_unit_name(i); i++) entry(ls_unit_name(i));
    for (const ls_builtin_scenario *b = ls_builtin_scenarios; b->name; b++) entry(b->name);
    for (size_t i = 0; i < sizeof TOKENS / sizeof TOKENS[0]; i++) entry(TOKENS[i]);
    return 0;
}

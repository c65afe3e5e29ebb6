/*
 * export.h: `:export FILE.csv|FILE.json` of the filtered view.
 */
#ifndef ORGTOP_EXPORT_H
#define ORGTOP_EXPORT_H

#include <stddef.h>

struct model;

/*
 * Writes the accounts and regions given (model indices) to path, in the
 * format its extension names (.csv or .json; anything else is refused so a
 * typo never writes a table where a CSV was meant). 0, or -1 with *cause
 * (caller frees).
 */
int export_write(const struct model *m, const char *path, const size_t *accounts, size_t na,
    const size_t *regions, size_t nr, char **cause);

#endif

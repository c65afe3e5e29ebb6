/*
 * help.h: the help view, generated from the key table (tui/keys.h), the
 * command table (tui/prompt.h), the filter language and the glyph set.
 */
#ifndef ORGTOP_HELP_H
#define ORGTOP_HELP_H

#include "core/buf.h"

struct help;

struct help *help_new(void);
void help_free(struct help *h);

/* The help text, plain (one line per entry), for tests and --help-keys. */
void help_text(struct buf *out);

#endif

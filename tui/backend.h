/*
 * backend.h: the dashboard's backend (struct ui_backend) on a struct collect,
 * so wiring the live dashboard is a few lines in main.c:
 *
 *     struct ui_backend be;
 *     backend_from_collect(&be, collect);
 *     cfg.ui.backend = &be;
 *     app = app_new(&cfg, &diag, &cause);
 *     collect_set_msg_cb(collect, backend_message, app);
 *
 * Nothing here is linked unless main.c calls it.
 */
#ifndef ORGTOP_BACKEND_H
#define ORGTOP_BACKEND_H

#include "tui/ui.h"

struct collect;

/* Fills be with calls into c (borrowed; outlives be's use). */
void backend_from_collect(struct ui_backend *be, struct collect *c);

/* A collect_msg_cb that shows the collector's messages on the status line; arg is the app. */
void backend_message(int level, const char *msg, void *arg);

#endif

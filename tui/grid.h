/*
 * grid.h: the grid view (SCREENS.md): OU groups and accounts against region
 * columns, a frozen name/id column on the left and frozen budget, spend and
 * SSO columns on the right, layers, horizontal scrolling, a cell cursor.
 *
 * Only visible rows are drawn; the row list (tui/rows.h) is rebuilt only
 * when the model generation, the filter, the sort or the collapse state
 * changed.
 */
#ifndef ORGTOP_GRID_H
#define ORGTOP_GRID_H

#include <stddef.h>

struct ui;
struct grid;
struct rows;

struct grid *grid_new(void);
void grid_free(struct grid *g);

/* The rows must be rebuilt before the next frame (filter, sort, collapse changed). */
void grid_invalidate(struct ui *ui);
/* Brings the rows up to date now (a no-op when nothing changed). */
void grid_update(struct ui *ui);
/* The row list (after grid_update). Borrowed. */
const struct rows *grid_rows(struct ui *ui);

/* The selected account, or -1 (an OU row or nothing). */
long grid_selected_account(struct ui *ui);
/* Selects account a's row if it is shown. 0 / -1. */
int grid_select_account(struct ui *ui, size_t a);
/* The selected region column as a model region index, or -1 for none. */
int grid_selected_region(struct ui *ui);

/*
 * The filtered view for :export: the accounts shown (matching the filter)
 * and the regions shown. Caller frees both arrays.
 */
void grid_subset(struct ui *ui, size_t **accounts, size_t *na, size_t **regions, size_t *nr);

#endif

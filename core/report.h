/*
 * report.h: `orgtop --once` output from a model, the exit-code rule, and the
 * reader of orgtop/1 documents.
 *
 * Three formats (DESIGN.md section 4, issue 4 section 3):
 *
 *  - json: the orgtop/1 document of docs/JSON.md, exactly: accounts sorted
 *    by id, regions by name, OUs by path; counts only for ok/stale items;
 *    strings through text_json_string(). One account per line.
 *  - csv: RFC 4180 (CRLF line ends, fields with , " CR LF or edge spaces
 *    quoted, quotes doubled), a header row, one row per account x region,
 *    accounts by id and regions by name. Unknown values are empty fields,
 *    never 0. Every text field is sanitised (text_clean) and a field that
 *    starts with = + - or @ gets a leading ' (spreadsheet formula
 *    injection). The columns, in order:
 *
 *      account_id, account_name, account_email, account_status, ou_path,
 *      region, config_state, config_compliant, config_noncompliant,
 *      config_capped, config_reason, guardduty_state, guardduty_low,
 *      guardduty_medium, guardduty_high, guardduty_critical,
 *      guardduty_max_severity, guardduty_reason, spend_state, spend,
 *      currency, spend_reason, access_state, access_role, access_reason,
 *      budget_state, budget_count, budget_burn_pct, budget_forecast_pct,
 *      budget_reason, sso_state, sso_assignments, sso_reason
 *
 *    The account-level columns (access_*, budget_*, sso_*) repeat on each
 *    of the account's rows; budget_burn_pct and budget_forecast_pct are the
 *    highest over the account's budgets.
 *  - table: a plain-text grid for terminals and mail: accounts grouped by
 *    OU path, name and 12-digit id on every row, one column per region (the
 *    worst of compliance and findings, with the glyphs of SCREENS.md), then
 *    budget burn (-> forecast), spend and SSO assignment count; a legend.
 *    Columns are aligned by display width; REPORT_ASCII gives ASCII glyphs
 *    and escapes every non-ASCII character (for a non-UTF-8 locale).
 *
 * Writers never print by themselves: they hand bytes to a sink (a FILE, a
 * buf, or the caller's function), so the TUI's `:export` and the cache use
 * the same code. Numbers are written in the C locale whatever LC_NUMERIC is.
 */
#ifndef ORGTOP_REPORT_H
#define ORGTOP_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"

struct model;

enum report_format { REPORT_TABLE, REPORT_JSON, REPORT_CSV };

/* "table", "json", "csv". 0 / -1 (out untouched). */
int report_format_parse(const char *name, enum report_format *out);
const char *report_format_name(enum report_format fmt);

/* report_opts.flags */
#define REPORT_ASCII 0x01 /* table: ASCII glyphs and text */
/*
 * json: the cache's form. Adds "fetched_at" (epoch seconds) to every item
 * with a value (and "spend_fetched_at" to cells) and "principal_id" to SSO
 * assignments; an item that holds a value under a transient or failed state
 * (throttled, error, loading) is written as "stale" with its value, since
 * the cache keeps the last known value.
 */
#define REPORT_CACHE 0x02

struct report_opts {
	/* A subset of account indices (the TUI's filtered view), or NULL for all. */
	const size_t *accounts;
	size_t naccounts;
	/* A subset of region indices, or NULL for all. */
	const size_t *regions;
	size_t nregions;
	unsigned flags;      /* REPORT_* */
	double generated_at; /* epoch seconds written as generated_at; 0 = now */
};

/* Receives output bytes. Returns 0, or -1 to stop the writer (it then returns -1). */
typedef int (*report_sink_fn)(const void *data, size_t len, void *arg);

/* Writes m in fmt to sink. o may be NULL (everything, defaults). 0 / -1 (the sink failed). */
int report_write(const struct model *m, enum report_format fmt, const struct report_opts *o,
    report_sink_fn sink, void *arg);
/* The same to a FILE (flushed). 0, or -1 with errno set on a write error. */
int report_write_file(const struct model *m, enum report_format fmt,
    const struct report_opts *o, FILE *f);
/* The same appended to a buf. */
void report_write_buf(const struct model *m, enum report_format fmt,
    const struct report_opts *o, struct buf *out);

/*
 * Writes the model to path (created 0600, replaced if it exists; a symlink
 * at path is refused) in the format its extension names: .json, .csv, or
 * anything else for the table. 0, or -1 with *cause ("cannot write
 * FILE: reason"; caller frees).
 */
int report_export(const struct model *m, const char *path, const struct report_opts *o,
    char **cause);

/*
 * The exit code of `orgtop --once` for a collected model (DESIGN.md 4):
 * 0 when every item of every account (access, budget, SSO and each cell's
 * config, guardduty and spend) ended ok, disabled (the service or account
 * is off: that is the answer) or region_off; 1 when any is loading, stale,
 * throttled, denied or error.
 */
int report_exit_code(const struct model *m);

/*
 * Fills m from an orgtop/1 document (as written by report_write() in JSON,
 * with or without REPORT_CACHE). The document is validated strictly: JSON
 * syntax (RFC 8259, UTF-8, nesting at most 64 deep), the schema, types and
 * ranges of every known field, 12-digit account ids, unique ids and
 * regions, every region present in every account's cells, counts present
 * exactly when the state is ok or stale. Unknown fields are ignored (the
 * contract only adds). Items without "fetched_at" get generated_at.
 *
 * On success the model's whole contents are replaced (model_swap) and 0 is
 * returned. On failure m is untouched and *cause (caller frees) says what
 * and where: "accounts[3] (222222222222).cells.eu-west-1.config: compliant:
 * expected a whole number from 0 to 65535 (line 4, column 310)". Returns -2
 * for a document of a newer schema ("orgtop/2"), -1 for anything else.
 */
int report_json_load(struct model *m, const char *json, size_t len, char **cause);

/* "eu-central-1" -> "euc1", "ap-southeast-2" -> "apse2", "us-gov-west-1" -> "usgw1". */
void report_region_abbrev(const char *region, char *out, size_t len);

#endif

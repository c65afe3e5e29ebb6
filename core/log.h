/*
 * log.h: the --log FILE facility.
 *
 * One log file per process, opened once from the command line. Lines are
 *
 *   2026-11-28T10:00:00.123Z WARN  collect: eu-west-1 throttled, retry 2 in 1.4 s
 *
 * (UTC, milliseconds, the level, the message). The whole message is passed
 * through the text sanitizer (core/text.h) after formatting, so whatever an
 * argument holds (account names, error bodies) it stays on one line with
 * every control character and escape made visible: a log that someone
 * `cat`s in a terminal cannot attack that terminal.
 *
 * Nothing secret is ever passed here: key ids go through
 * creds_redact_key_id(); secret keys, session and SSO tokens never.
 *
 * Single-threaded, no locks: each line is one write(2) to a file opened
 * O_APPEND, so lines from two processes sharing a log do not interleave
 * within a line. A write that fails is dropped, never retried in a loop, so
 * logging never stalls the event loop. Not using <syslog.h> is part of the
 * contract: its LOG_INFO and LOG_DEBUG macros would clash with the levels.
 */
#ifndef ORGTOP_LOG_H
#define ORGTOP_LOG_H

#if defined(LOG_INFO) || defined(LOG_DEBUG)
#error "core/log.h cannot be used with <syslog.h> (LOG_INFO, LOG_DEBUG clash)"
#endif

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
	LOG_TRACE,
};

/* The longest line written, in bytes; longer messages are cut and end in "...". */
#define LOG_LINE_MAX 8192

/*
 * Opens (creating with mode 0600, else appending to) the log file at path,
 * and logs messages up to level. Refuses a symbolic link (O_NOFOLLOW) and
 * anything that is not a regular file; an existing file readable by group or
 * others is narrowed to 0600. The descriptor is close-on-exec. A log already
 * open is closed first. 0, or -1 with *cause (caller frees) naming the path
 * and the reason.
 */
int log_open(const char *path, enum log_level level, char **cause);

/* Closes the log; later log_msg() calls do nothing. Safe to call twice. */
void log_close(void);

/* 1 if a message at level would be written (to skip costly formatting). */
int log_enabled(enum log_level level);

/*
 * Writes one line at level, printf-style. errno is preserved. Does nothing
 * when no log is open or level is above the log's level.
 */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "error", "warn", "info", "debug", "trace" (any case) into *out. 0 / -1. */
int log_level_parse(const char *name, enum log_level *out);

/* "error" ... "trace"; "?" for a value out of range. */
const char *log_level_name(enum log_level level);

#endif

/*
 * log.c: the --log FILE facility.
 */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/text.h"
#include "core/util.h"
#include "core/xmalloc.h"

#ifndef ORGTOP_VERSION
#define ORGTOP_VERSION "dev"
#endif

static const char *const log_names[] = {"error", "warn", "info", "debug", "trace"};
/* Fixed width, so messages line up. */
static const char *const log_tags[] = {"ERROR", "WARN ", "INFO ", "DEBUG", "TRACE"};

static int log_fd = -1;
static void log__emit(enum log_level level, const char *msg, size_t n, int truncated);
static enum log_level log_max = LOG_INFO;

const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level >= NELEM(log_names))
		return "?";
	return log_names[level];
}

int
log_level_parse(const char *name, enum log_level *out)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < NELEM(log_names); i++) {
		if (util_strcasecmp(name, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

int
log_enabled(enum log_level level)
{
	return log_fd >= 0 && (unsigned)level <= (unsigned)log_max;
}

static int
log__fail(char **cause, const char *path, const char *why)
{
	if (cause != NULL)
		*cause = xasprintf("log file '%s': %s", path, why);
	return -1;
}

int
log_open(const char *path, enum log_level level, char **cause)
{
	struct stat st;
	char head[128];
	int fd, saved;

	if (path == NULL || *path == '\0')
		return log__fail(cause, "", "no path given");
	if ((unsigned)level >= NELEM(log_names))
		return log__fail(cause, path, "unknown log level");
	fd = open(path,
	          O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK,
	          0600);
	if (fd < 0) {
		saved = errno;
		if (saved == ELOOP)
			return log__fail(cause, path, "is a symbolic link (refused)");
		return log__fail(cause, path, strerror(saved));
	}
	if (fstat(fd, &st) < 0) {
		saved = errno;
		close(fd);
		return log__fail(cause, path, strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return log__fail(cause, path, "not a regular file");
	}
	/* Names of accounts and people end up here: keep it to the owner. */
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) < 0) {
		saved = errno;
		close(fd);
		return log__fail(cause, path, strerror(saved));
	}
	/* Back to blocking writes: a regular file never makes us wait long. */
	if (fcntl(fd, F_SETFL, O_APPEND) < 0) {
		saved = errno;
		close(fd);
		return log__fail(cause, path, strerror(saved));
	}
	log_close();
	log_fd = fd;
	log_max = level;
	/* Always written, whatever the level: where one run starts in an appended log. */
	snprintf(head, sizeof head, "orgtop %s log opened, level %s, pid %ld", ORGTOP_VERSION,
	         log_names[level], (long)getpid());
	log__emit(LOG_INFO, head, strlen(head), 0);
	return 0;
}

void
log_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
}

/* "2026-11-28T10:00:00.123Z" into out (>= 40 bytes). */
static void
log__timestamp(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char base[32];
	int ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int)(ts.tv_nsec / 1000000) % 1000;
	if (gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(out, len, "0000-00-00T00:00:00.000Z");
		return;
	}
	snprintf(out, len, "%.20s.%03dZ", base, ms);
}

static void
log__write(const char *data, size_t len)
{
	/* One write; a short write (disk full) is finished once, then given up. */
	for (int tries = 0; len > 0 && tries < 3; tries++) {
		ssize_t n = write(log_fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		data += n;
		len -= (size_t)n;
	}
}

/* Writes one line: timestamp, level, the message scrubbed. */
static void
log__emit(enum log_level level, const char *msg, size_t n, int truncated)
{
	struct buf line;
	char ts[40];

	log__timestamp(ts, sizeof ts);
	buf_init(&line);
	buf_adds(&line, ts);
	buf_addc(&line, ' ');
	buf_adds(&line, log_tags[level]);
	buf_addc(&line, ' ');
	/* Scrubbed after formatting: the arguments are what may be hostile. */
	text_sanitize(&line, msg, n, -1, text_utf8() ? 0 : TEXT_ASCII);
	if (line.len > LOG_LINE_MAX - 4) {
		size_t cut = LOG_LINE_MAX - 4;

		/* Back to a character boundary: never half a UTF-8 sequence. */
		while (cut > 0 && ((unsigned char)line.data[cut] & 0xC0) == 0x80)
			cut--;
		line.len = cut;
		line.data[cut] = '\0';
		truncated = 1;
	}
	if (truncated)
		buf_adds(&line, "...");
	buf_addc(&line, '\n');
	log__write(line.data, line.len);
	buf_done(&line);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char stack[1024];
	char *msg = stack;
	va_list ap;
	int saved = errno, n, truncated = 0;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	n = vsnprintf(stack, sizeof stack, fmt, ap);
	va_end(ap);
	if (n < 0)
		goto out;
	if ((size_t)n >= sizeof stack) {
		size_t cap = (size_t)n < LOG_LINE_MAX ? (size_t)n + 1 : LOG_LINE_MAX;

		msg = xmalloc(cap);
		va_start(ap, fmt);
		vsnprintf(msg, cap, fmt, ap);
		va_end(ap);
		if ((size_t)n >= cap) {
			n = (int)cap - 1;
			truncated = 1;
		}
	}
	log__emit(level, msg, (size_t)n, truncated);
	if (msg != stack)
		free(msg);
out:
	errno = saved;
}

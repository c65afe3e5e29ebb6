/*
 * creds_process.c: credential_process (botocore ProcessProvider).
 *
 * The command is split like a shell would (shlex) and run without one,
 * through uv_spawn on the loop: stdin is /dev/null, stdout and stderr are
 * pipes, the environment is orgtop's own (nothing added: no secret ever
 * reaches a child's argv or environment through us). The child gets a
 * timeout; past it, it is killed and the fetch fails. stdout must be the
 * Version 1 JSON document; a non-zero exit reports the start of stderr.
 *
 * A fetch is a job that owns its handles. When the provider goes away
 * mid-fetch the job is orphaned: it kills the child, closes its handles and
 * frees itself in the last close callback.
 */
#include "core/aws/creds.h"
#include "core/aws/creds_provider.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "core/aws/creds_parse.h"
#include "core/aws/ini.h"
#include "core/buf.h"
#include "core/xmalloc.h"

#define CREDS_PROCESS_STDOUT_MAX (64 * 1024)
#define CREDS_PROCESS_STDERR_MAX 2048

struct creds_process;

struct creds_process_job {
	struct creds_process *owner; /* NULL once orphaned */
	uv_process_t proc;
	uv_pipe_t out;
	uv_pipe_t err;
	uv_timer_t timer;
	int handles; /* still open */
	int exited;
	int out_eof;
	int err_eof;
	int reported; /* the provider was told */
	int64_t status;
	int term_signal;
	int overflow;
	struct buf stdout_buf;
	struct buf stderr_buf;
};

struct creds_process {
	uv_loop_t *loop;
	char **argv;
	char *profile;
	unsigned timeout_ms;
	struct creds_provider *p;
	struct creds_process_job *job;
};

static void
creds_process_job_close_cb(uv_handle_t *h)
{
	struct creds_process_job *job = h->data;

	if (--job->handles > 0)
		return;
	buf_done_secret(&job->stdout_buf);
	buf_done_secret(&job->stderr_buf);
	free(job);
}

static void
creds_process_job_close(uv_handle_t *h)
{
	if (!uv_is_closing(h))
		uv_close(h, creds_process_job_close_cb);
}

/* The name of the command for messages: its first word (the rest may be secret). */
static const char *
creds_process_cmd(const struct creds_process *cp)
{
	return cp->argv[0];
}

/* The first line of stderr, cut and trimmed, for the error message. */
static void
creds_process_stderr_line(struct creds_process_job *job, struct buf *out)
{
	const char *s = job->stderr_buf.data;
	size_t n = job->stderr_buf.len, i;

	while (n > 0 && (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	for (i = 0; i < n && s[i] != '\n' && s[i] != '\r'; i++)
		;
	if (i == 0) {
		buf_adds(out, "(nothing on stderr)");
		return;
	}
	buf_add(out, s, i < 300 ? i : 300);
}

/* Tells the provider how the job ended (once). */
static void
creds_process_report(struct creds_process_job *job, const char *timeout_msg)
{
	struct creds_process *cp = job->owner;
	struct creds *c = NULL;
	struct buf msg;
	char *cause = NULL;

	if (job->reported || cp == NULL)
		return;
	job->reported = 1;
	cp->job = NULL;
	job->owner = NULL;
	buf_init(&msg);
	buf_printf(&msg, "credential_process for profile '%s' (%s)", cp->profile,
	           creds_process_cmd(cp));
	if (timeout_msg != NULL) {
		buf_adds(&msg, timeout_msg);
	} else if (job->term_signal != 0) {
		buf_printf(&msg, " was killed by signal %d: ", job->term_signal);
		creds_process_stderr_line(job, &msg);
	} else if (job->status != 0) {
		buf_printf(&msg, " exited with status %lld: ", (long long)job->status);
		creds_process_stderr_line(job, &msg);
	} else if (job->overflow) {
		buf_printf(&msg, " wrote more than %d bytes", CREDS_PROCESS_STDOUT_MAX);
	} else if (creds_parse_process_output(job->stdout_buf.data, job->stdout_buf.len, &c,
	                                      &cause) < 0) {
		buf_printf(&msg, ": %s", cause);
		free(cause);
	}
	creds__fetch_done(cp->p, c, c != NULL ? NULL : msg.data, 0);
	buf_done(&msg);
}

static void
creds_process_maybe_done(struct creds_process_job *job)
{
	if (!job->exited || !job->out_eof || !job->err_eof)
		return;
	uv_timer_stop(&job->timer);
	creds_process_report(job, NULL);
	creds_process_job_close((uv_handle_t *)&job->timer);
	creds_process_job_close((uv_handle_t *)&job->proc);
}

static void
creds_process_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	static char scratch[4096];

	(void)h;
	(void)suggested;
	b->base = scratch;
	b->len = sizeof scratch;
}

static void
creds_process_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b, struct buf *into, size_t cap,
                   int *eof)
{
	struct creds_process_job *job = s->data;

	if (n > 0) {
		size_t room = into->len < cap ? cap - into->len : 0;

		if ((size_t)n > room && into == &job->stdout_buf)
			job->overflow = 1;
		buf_add(into, b->base, (size_t)n < room ? (size_t)n : room);
		xwipe(b->base, (size_t)n);
	}
	if (n < 0) {
		*eof = 1;
		uv_read_stop(s);
		creds_process_job_close((uv_handle_t *)s);
		creds_process_maybe_done(job);
	}
}

static void
creds_process_out_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct creds_process_job *job = s->data;

	creds_process_read(s, n, b, &job->stdout_buf, CREDS_PROCESS_STDOUT_MAX, &job->out_eof);
}

static void
creds_process_err_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct creds_process_job *job = s->data;

	creds_process_read(s, n, b, &job->stderr_buf, CREDS_PROCESS_STDERR_MAX, &job->err_eof);
}

static void
creds_process_exit_cb(uv_process_t *proc, int64_t status, int term_signal)
{
	struct creds_process_job *job = proc->data;

	job->exited = 1;
	job->status = status;
	job->term_signal = term_signal;
	if (job->reported) {
		/* Timed out or orphaned: the pipes are closed already. */
		creds_process_job_close((uv_handle_t *)&job->proc);
		return;
	}
	creds_process_maybe_done(job);
}

/* Stops a job that will not finish normally: kill, close the pipes, keep the process handle until
 * exit. */
static void
creds_process_abort(struct creds_process_job *job)
{
	uv_timer_stop(&job->timer);
	creds_process_job_close((uv_handle_t *)&job->timer);
	creds_process_job_close((uv_handle_t *)&job->out);
	creds_process_job_close((uv_handle_t *)&job->err);
	if (job->exited)
		creds_process_job_close((uv_handle_t *)&job->proc);
	else
		uv_process_kill(&job->proc, SIGKILL);
}

static void
creds_process_timer_cb(uv_timer_t *t)
{
	struct creds_process_job *job = t->data;
	struct creds_process *cp = job->owner;
	char msg[96];

	snprintf(msg, sizeof msg, " did not finish within %u s and was stopped",
	         cp != NULL ? (cp->timeout_ms + 999) / 1000 : 0);
	creds_process_report(job, msg);
	creds_process_abort(job);
}

static void
creds_process_fetch(struct creds_provider *p)
{
	struct creds_process *cp = creds__provider_impl(p);
	struct creds_process_job *job = xcalloc(1, sizeof *job);
	uv_process_options_t opt;
	uv_stdio_container_t stdio[3];
	int r;

	cp->p = p;
	job->owner = cp;
	buf_init(&job->stdout_buf);
	buf_init(&job->stderr_buf);
	uv_pipe_init(cp->loop, &job->out, 0);
	uv_pipe_init(cp->loop, &job->err, 0);
	uv_timer_init(cp->loop, &job->timer);
	job->out.data = job->err.data = job->timer.data = job->proc.data = job;
	job->handles = 4;
	memset(&opt, 0, sizeof opt);
	memset(stdio, 0, sizeof stdio);
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&job->out;
	stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[2].data.stream = (uv_stream_t *)&job->err;
	opt.exit_cb = creds_process_exit_cb;
	opt.file = cp->argv[0];
	opt.args = cp->argv;
	opt.stdio = stdio;
	opt.stdio_count = 3;
	r = uv_spawn(cp->loop, &job->proc, &opt);
	if (r != 0) {
		char *msg = xasprintf("credential_process for profile '%s': cannot run '%s': %s",
		                      cp->profile, creds_process_cmd(cp), uv_strerror(r));

		job->reported = 1;
		job->owner = NULL;
		creds_process_job_close((uv_handle_t *)&job->proc);
		creds_process_job_close((uv_handle_t *)&job->out);
		creds_process_job_close((uv_handle_t *)&job->err);
		creds_process_job_close((uv_handle_t *)&job->timer);
		creds__fetch_done(p, NULL, msg, 0);
		free(msg);
		return;
	}
	cp->job = job;
	uv_read_start((uv_stream_t *)&job->out, creds_process_alloc_cb, creds_process_out_cb);
	uv_read_start((uv_stream_t *)&job->err, creds_process_alloc_cb, creds_process_err_cb);
	uv_timer_start(&job->timer, creds_process_timer_cb, cp->timeout_ms, 0);
}

static void
creds_process_cancel(struct creds_provider *p)
{
	struct creds_process *cp = creds__provider_impl(p);
	struct creds_process_job *job = cp->job;

	if (job == NULL)
		return;
	cp->job = NULL;
	job->owner = NULL;
	job->reported = 1;
	creds_process_abort(job);
}

static void
creds_process_free(struct creds_provider *p)
{
	struct creds_process *cp = creds__provider_impl(p);

	creds_process_cancel(p);
	ini_words_free(cp->argv);
	free(cp->profile);
	free(cp);
}

static const struct creds_provider_ops creds_process_ops = {
    .kind = "credential_process",
    .fetch = creds_process_fetch,
    .cancel = creds_process_cancel,
    .free = creds_process_free,
};

struct creds_provider *
creds__process_new(uv_loop_t *loop, const char *command, const char *profile, unsigned timeout_ms,
                   char **cause)
{
	struct creds_process *cp;
	char **argv, *why = NULL, *desc;
	size_t argc;
	struct creds_provider *p;

	if (ini_split_words(command, &argv, &argc, &why) < 0) {
		*cause =
		    xasprintf("profile '%s': credential_process cannot be split into words: %s",
		              profile, why);
		free(why);
		return NULL;
	}
	if (argc == 0) {
		ini_words_free(argv);
		*cause = xasprintf("profile '%s': credential_process is empty", profile);
		return NULL;
	}
	cp = xcalloc(1, sizeof *cp);
	cp->loop = loop;
	cp->argv = argv;
	cp->profile = xstrdup(profile);
	cp->timeout_ms = timeout_ms != 0 ? timeout_ms : CREDS_PROCESS_TIMEOUT_MS;
	desc = xasprintf("profile %s (credential_process)", profile);
	p = creds__provider_new(&creds_process_ops, cp, desc);
	free(desc);
	cp->p = p;
	return p;
}

/*
 * awsim_proc.c: spawn awsim for a test, wait for "# ready", stop it.
 */
#include "awsim_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/xmalloc.h"

#define AP_MAX_EXPORTS 16

struct awsim_proc {
	struct awsim_proc *next; /* every live one, for the exit handler */
	pid_t pid;
	char out_path[64], err_path[64];
	char *names[AP_MAX_EXPORTS], *values[AP_MAX_EXPORTS];
	int n;
	char mgmt[16];
};

static struct awsim_proc *ap_live;

/* A test that failed half-way (cmocka jumps out of it) must not leave awsim running. */
static void
ap_atexit(void)
{
	for (struct awsim_proc *p = ap_live; p != NULL; p = p->next) {
		if (p->pid > 0) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
		}
		unlink(p->out_path);
		unlink(p->err_path);
	}
}

static void
ap_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static char *
ap_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[4096];
	size_t n;

	buf_init(&b);
	if (f != NULL) {
		for (;;) {
			n = fread(tmp, 1, sizeof tmp, f);
			if (n == 0)
				break;
			buf_add(&b, tmp, n);
		}
		fclose(f);
	}
	return buf_detach(&b);
}

static void
ap_parse(struct awsim_proc *p, const char *out)
{
	const char *line = out;

	while (*line != '\0') {
		const char *eol = strchr(line, '\n');
		size_t len = eol != NULL ? (size_t)(eol - line) : strlen(line);

		if (len > 7 && strncmp(line, "export ", 7) == 0 && p->n < AP_MAX_EXPORTS) {
			const char *eq = memchr(line, '=', len);

			if (eq != NULL) {
				p->names[p->n] = xstrndup(line + 7, (size_t)(eq - line - 7));
				p->values[p->n] = xstrndup(eq + 1, (size_t)(line + len - eq - 1));
				p->n++;
			}
		} else {
			const char *m = strstr(line, "management account ");

			if (m != NULL && m < line + len)
				snprintf(p->mgmt, sizeof p->mgmt, "%.12s", m + 19);
		}
		if (eol == NULL)
			break;
		line = eol + 1;
	}
}

struct awsim_proc *
awsim_proc_start(const char *const *args, char **why)
{
	struct awsim_proc *p;
	const char *build = getenv("ORGTOP_BUILD");
	char bin[4096];
	const char *argv[64];
	int argc = 0, fd;
	pid_t parent = getpid();
	static int registered;

	snprintf(bin, sizeof bin, "%s/awsim", build != NULL && build[0] != '\0' ? build : "build");
	if (access(bin, X_OK) != 0) {
		*why = xasprintf("%s is not built", bin);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	snprintf(p->out_path, sizeof p->out_path, "/tmp/orgtop-awsim-out-XXXXXX");
	snprintf(p->err_path, sizeof p->err_path, "/tmp/orgtop-awsim-err-XXXXXX");
	fd = mkstemp(p->out_path);
	if (fd >= 0)
		close(fd);
	fd = mkstemp(p->err_path);
	if (fd >= 0)
		close(fd);
	argv[argc++] = bin;
	argv[argc++] = "--listen";
	argv[argc++] = "127.0.0.1:0";
	argv[argc++] = "--die-with-parent";
	for (size_t i = 0; args != NULL && args[i] != NULL && argc < 62; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	if (!registered) {
		atexit(ap_atexit);
		registered = 1;
	}
	p->pid = fork();
	if (p->pid == 0) {
		int in = open("/dev/null", O_RDONLY), out = open(p->out_path, O_WRONLY | O_TRUNC),
		    err = open(p->err_path, O_WRONLY | O_TRUNC);

		/* Dies with the test program, even if that one crashes. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent || in < 0 || out < 0 || err < 0)
			_exit(127);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(bin, (char *const *)(void *)argv);
		_exit(127);
	}
	if (p->pid < 0) {
		*why = xasprintf("cannot start %s: %s", bin, strerror(errno));
		unlink(p->out_path);
		unlink(p->err_path);
		free(p);
		return NULL;
	}
	p->next = ap_live;
	ap_live = p;
	for (int waited = 0; waited < 60000; waited += 10) {
		char *out = ap_read(p->out_path);
		int st;

		if (strstr(out, "# ready") != NULL) {
			ap_parse(p, out);
			free(out);
			return p;
		}
		free(out);
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			char *err = ap_read(p->err_path);

			*why = xasprintf("awsim exited before it was ready: %s", err);
			free(err);
			p->pid = 0;
			awsim_proc_stop(p);
			return NULL;
		}
		ap_sleep_ms(10);
	}
	*why = xstrdup("awsim was not ready within 60 s");
	awsim_proc_stop(p);
	return NULL;
}

const char *
awsim_proc_get(const struct awsim_proc *p, const char *name)
{
	for (int i = 0; i < p->n; i++) {
		if (strcmp(p->names[i], name) == 0)
			return p->values[i];
	}
	return NULL;
}

const char *
awsim_proc_mgmt(const struct awsim_proc *p)
{
	return p->mgmt;
}

void
awsim_proc_stop(struct awsim_proc *p)
{
	int st;

	if (p == NULL)
		return;
	for (struct awsim_proc **pp = &ap_live; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		for (int waited = 0;; waited += 10) {
			if (waitpid(p->pid, &st, WNOHANG) == p->pid)
				break;
			if (waited == 5000)
				kill(p->pid, SIGKILL);
			ap_sleep_ms(10);
		}
	}
	unlink(p->out_path);
	unlink(p->err_path);
	for (int i = 0; i < p->n; i++) {
		free(p->names[i]);
		free(p->values[i]);
	}
	free(p);
}

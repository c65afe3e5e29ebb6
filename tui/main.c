/*
 * main.c: orgtop's entry point: the command line, then one of the modes.
 *
 * Wired here: --help, --version, --list-themes, and --open FILE (the
 * dashboard on a saved orgtop/1 document, no AWS). The live modes
 * (flags -> creds -> client -> collect -> app, --once, --iam-policy,
 * --call) are wired at integration: the dashboard needs only a struct
 * ui_backend (tui/backend.h makes one from a struct collect).
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/report.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "tui/app.h"
#include "tui/options.h"
#include "tui/theme.h"

#define OPEN_MAX_BYTES (512u << 20)

static int
list_themes(void)
{
	size_t n;
	char **names = theme_list(&n);
	char *dir;

	for (size_t i = 0; i < n; i++)
		printf("%s\n", names[i]);
	theme_list_free(names, n);
	fprintf(stderr, "searched:");
	for (unsigned i = 0; (dir = theme_dir(i)) != NULL; i++) {
		fprintf(stderr, " %s", dir);
		free(dir);
	}
	fprintf(stderr, "\n");
	return 0;
}

/* Reads path whole (a regular file, at most max bytes). 0 / -1 with *cause. */
static int
slurp(const char *path, size_t max, struct buf *out, char **cause)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char chunk[65536];
	char *clean;

	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > max) {
		int e = fd < 0 ? errno : !S_ISREG(sb.st_mode) ? EINVAL : EFBIG;
		clean = text_clean(path, 0);
		*cause = xasprintf("%s: %s", clean, e == EINVAL ? "not a regular file" :
		    e == EFBIG ? "larger than 512 MB" : strerror(e));
		free(clean);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

static void
ui_config_from(const struct options *o, struct model *m, struct ui_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->model = m;
	cfg->profile = o->profile != NULL ? o->profile : getenv("AWS_PROFILE");
	cfg->theme = o->theme;
	cfg->ascii = o->ascii;
	cfg->no_color = o->no_color;
	cfg->no_mouse = o->no_mouse;
}

/* Shows a saved document in the dashboard. The exit code. */
static int
run_open(const struct options *o)
{
	struct model *m = model_new();
	struct buf data, diag;
	struct app_config cfg;
	struct app *app;
	uv_loop_t loop;
	char *cause = NULL;
	int code;

	buf_init(&data);
	if (slurp(o->open, OPEN_MAX_BYTES, &data, &cause) != 0 ||
	    report_json_load(m, data.data, data.len, &cause) != 0) {
		char *file = text_clean(o->open, 0);
		fprintf(stderr, "orgtop: %s: %s\n", file, cause);
		free(file);
		free(cause);
		buf_done(&data);
		model_free(m);
		return 2;
	}
	buf_done(&data);
	if (app_check_terminal(&cause) != 0) {
		fprintf(stderr, "orgtop: %s\n", cause);
		free(cause);
		model_free(m);
		return 2;
	}
	uv_loop_init(&loop);
	memset(&cfg, 0, sizeof(cfg));
	cfg.loop = &loop;
	ui_config_from(o, m, &cfg.ui);
	buf_init(&diag);
	app = app_new(&cfg, &diag, &cause);
	if (app == NULL) {
		fprintf(stderr, "orgtop: %s\n", cause);
		free(cause);
		buf_done(&diag);
		uv_loop_close(&loop);
		model_free(m);
		return 2;
	}
	if (diag.len > 0)
		ui_message(app_ui(app), UI_WARN, "%.*s", (int)strcspn(diag.data, "\n"), diag.data);
	else
		ui_message(app_ui(app), UI_INFO, "showing a saved document (no AWS calls); ? for help");
	code = app_run(app, &cause);
	if (code < 0) {
		fprintf(stderr, "orgtop: %s\n", cause);
		free(cause);
		code = 2;
	}
	if (diag.len > 0)
		fprintf(stderr, "%s", diag.data);
	app_free(app);
	buf_done(&diag);
	if (uv_loop_close(&loop) != 0)
		fprintf(stderr, "orgtop: internal: handles left open at exit\n");
	model_free(m);
	return code;
}

int
main(int argc, char **argv)
{
	struct options o;
	char *cause = NULL;

	setlocale(LC_ALL, "");
	text_init();
	signal(SIGPIPE, SIG_IGN);
	if (options_parse(argc, argv, &o, &cause) != 0) {
		fprintf(stderr, "orgtop: %s\n", cause);
		free(cause);
		return 2;
	}
	if (o.help) {
		struct buf b;
		buf_init(&b);
		options_usage(&b);
		fputs(b.data, stdout);
		buf_done(&b);
		return 0;
	}
	if (o.version) {
		printf("orgtop %s\n", ORGTOP_VERSION);
		return 0;
	}
	if (o.list_themes)
		return list_themes();
	if (o.open != NULL)
		return run_open(&o);
	fprintf(stderr, "orgtop: this build has no AWS collector wired in yet; "
	    "orgtop --open FILE shows a saved orgtop/1 document\n");
	return 2;
}

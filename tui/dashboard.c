/*
 * dashboard.c: running the dashboard for main.c.
 */
#include "tui/dashboard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/collect.h"
#include "core/config.h"
#include "core/model.h"
#include "core/report.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "tui/app.h"
#include "tui/backend.h"
#include "tui/theme.h"

#define OPEN_MAX_BYTES (512u << 20)

int
dashboard_list_themes(FILE *out, FILE *err)
{
	size_t n;
	char **names = theme_list(&n);
	char *dir;

	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s\n", names[i]);
	theme_list_free(names, n);
	fprintf(err, "searched:");
	for (unsigned i = 0; (dir = theme_dir(i)) != NULL; i++) {
		fprintf(err, " %s", dir);
		free(dir);
	}
	fprintf(err, "\n");
	return 0;
}

static void
ui_config_from(const struct config *cfg, struct model *m, struct ui_config *ui)
{
	memset(ui, 0, sizeof(*ui));
	ui->model = m;
	ui->profile = cfg->profile != NULL ? cfg->profile : getenv("AWS_PROFILE");
	ui->theme = cfg->theme;
	ui->ascii = cfg->ascii;
	ui->no_color = cfg->color == CONFIG_COLOR_NEVER;
	ui->force_color = cfg->color == CONFIG_COLOR_ALWAYS;
	ui->no_mouse = !cfg->mouse;
}

int
dashboard_run(const struct dashboard_params *p)
{
	struct app_config cfg;
	struct ui_backend be;
	struct app *app;
	struct buf diag;
	char *cause = NULL;
	int code;

	if (app_check_terminal(&cause) != 0) {
		fprintf(stderr, "orgtop: %s\n", cause);
		free(cause);
		return 2;
	}
	model_set_budget_thresholds(p->model, p->cfg->budget_warn, p->cfg->budget_crit);
	memset(&cfg, 0, sizeof(cfg));
	cfg.loop = p->loop;
	cfg.save = p->save;
	cfg.save_arg = p->save_arg;
	ui_config_from(p->cfg, p->model, &cfg.ui);
	if (p->collect != NULL) {
		backend_from_collect(&be, p->collect);
		cfg.ui.backend = &be;
	}
	buf_init(&diag);
	app = app_new(&cfg, &diag, &cause);
	if (app == NULL) {
		fprintf(stderr, "orgtop: %s\n", cause);
		free(cause);
		buf_done(&diag);
		return 2;
	}
	if (p->collect != NULL)
		collect_set_msg_cb(p->collect, backend_message, app);
	if (diag.len > 0)
		ui_message(app_ui(app), UI_WARN, "%.*s", (int)strcspn(diag.data, "\n"), diag.data);
	else if (p->start_warning != NULL)
		ui_message(app_ui(app), UI_WARN, "%s", p->start_warning);
	else if (p->start_message != NULL)
		ui_message(app_ui(app), UI_INFO, "%s", p->start_message);
	code = app_run(app, &cause);
	if (p->collect != NULL)
		collect_set_msg_cb(p->collect, NULL, NULL);
	if (code < 0) {
		fprintf(stderr, "orgtop: %s\n", cause);
		free(cause);
		code = 2;
	}
	/* Theme problems again, now that the terminal is back: they are easy to miss. */
	if (diag.len > 0)
		fprintf(stderr, "%s", diag.data);
	app_free(app);
	buf_done(&diag);
	return code;
}

/* Reads path whole (a regular file, at most max bytes). 0 / -1 with *cause. */
static int
slurp(const char *path, size_t max, struct buf *out, char **cause)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char chunk[65536];

	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > max) {
		int e = fd < 0 ? errno : !S_ISREG(sb.st_mode) ? EINVAL : EFBIG;
		*cause = xstrdup(e == EINVAL ? "not a regular file" : e == EFBIG ?
		    "larger than 512 MB" : strerror(e));
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

int
dashboard_open(const char *path, const struct config *cfg)
{
	struct dashboard_params p;
	struct model *m = model_new();
	struct buf data;
	uv_loop_t loop;
	char *cause = NULL;
	int code;

	buf_init(&data);
	if (slurp(path, OPEN_MAX_BYTES, &data, &cause) != 0 ||
	    report_json_load(m, data.data, data.len, &cause) != 0) {
		char *file = text_clean(path, 0);
		fprintf(stderr, "orgtop: %s: %s\n", file, cause);
		free(file);
		free(cause);
		buf_done(&data);
		model_free(m);
		return 2;
	}
	buf_done(&data);
	uv_loop_init(&loop);
	memset(&p, 0, sizeof(p));
	p.loop = &loop;
	p.model = m;
	p.cfg = cfg;
	p.start_message = "showing a saved document (no AWS calls); ? for help";
	code = dashboard_run(&p);
	if (uv_loop_close(&loop) != 0)
		fprintf(stderr, "orgtop: internal: handles left open at exit\n");
	model_free(m);
	return code;
}

/*
 * backend.c: struct ui_backend over core/collect.h.
 */
#include "tui/backend.h"

#include "core/collect.h"
#include "core/log.h"
#include "tui/app.h"

static void
refresh_all(void *arg)
{
	collect_refresh_all(arg);
}

static void
refresh_account(size_t account, void *arg)
{
	collect_refresh_account(arg, account);
}

static void
fetch_detail(size_t account, void *arg)
{
	collect_fetch_detail(arg, account);
}

static void
set_paused(int paused, void *arg)
{
	collect_set_paused(arg, paused);
}

static int
set_regions(const char *patterns, char **cause, void *arg)
{
	return collect_set_regions(arg, patterns, cause);
}

static void
progress(struct collect_progress *out, void *arg)
{
	collect_progress(arg, out);
}

static const char *
caller_arn(void *arg)
{
	return collect_caller_arn(arg);
}

void
backend_from_collect(struct ui_backend *be, struct collect *c)
{
	be->refresh_all = refresh_all;
	be->refresh_account = refresh_account;
	be->fetch_detail = fetch_detail;
	be->set_paused = set_paused;
	be->set_regions = set_regions;
	be->progress = progress;
	be->caller_arn = caller_arn;
	be->arg = c;
}

void
backend_message(int level, const char *msg, void *arg)
{
	/* the status line takes errors, warnings and information; debug stays in the log */
	if (level > LOG_INFO)
		return;
	ui_message(app_ui(arg), level < LOG_ERROR ? LOG_ERROR : level, "%s", msg);
}

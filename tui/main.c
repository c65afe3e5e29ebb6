/*
 * main.c: orgtop's entry point: the command line, then one of the modes.
 *
 * Wired here: --help, --version, --list-themes, and --open FILE (the
 * dashboard on a saved orgtop/1 document, no AWS). The live modes
 * (flags -> creds -> client -> collect -> app, --once, --iam-policy,
 * --call) are wired at integration: the dashboard is one dashboard_run()
 * call (tui/dashboard.h) on the loop, model and collector --once builds.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/text.h"
#include "tui/dashboard.h"
#include "tui/options.h"

static void
warn_stderr(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "orgtop: %s\n", msg);
}

/*
 * The settings: the defaults, then the config file, then the flags (which
 * win). 0, or 2 (the exit code) after saying what is wrong.
 */
static int
settings(const struct options *o, struct config *cfg)
{
	struct config flags;
	char *cause = NULL;

	config_init(cfg);
	config_init(&flags);
	if (options_to_config(o, &flags, &cause) != 0)
		goto out_bad;
	if (config_load(cfg, o->config, warn_stderr, NULL, &cause) < 0)
		goto out_bad;
	config_merge(cfg, &flags);
	if (config_check(cfg, &cause) != 0)
		goto out_bad;
	config_done(&flags);
	return 0;
out_bad:
	fprintf(stderr, "orgtop: %s\n", cause);
	free(cause);
	config_done(&flags);
	config_done(cfg);
	return 2;
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
		return dashboard_list_themes(stdout, stderr);
	if (o.open != NULL) {
		struct config cfg;
		int code = settings(&o, &cfg);

		if (code != 0)
			return code;
		code = dashboard_open(o.open, &cfg);
		config_done(&cfg);
		return code;
	}
	fprintf(stderr, "orgtop: this build has no AWS collector wired in yet; "
	    "orgtop --open FILE shows a saved orgtop/1 document\n");
	return 2;
}

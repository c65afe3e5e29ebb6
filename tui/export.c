/*
 * export.c: the filtered view through core/report.h.
 */
#include "tui/export.h"

#include <string.h>

#include "core/report.h"
#include "core/xmalloc.h"

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

int
export_write(const struct model *m, const char *path, const size_t *accounts, size_t na,
    const size_t *regions, size_t nr, char **cause)
{
	struct report_opts o;

	if (path == NULL || path[0] == '\0') {
		*cause = xstrdup("needs a file name ending in .csv or .json");
		return -1;
	}
	if (!ends_with(path, ".csv") && !ends_with(path, ".json")) {
		*cause = xstrdup("the file name must end in .csv or .json");
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.accounts = accounts;
	o.naccounts = na;
	o.regions = regions;
	o.nregions = nr;
	return report_export(m, path, &o, cause);
}

// seeds: tests/data/json
/*
 * fuzz_report_load.c: the orgtop/1 reader (report_json_load) on arbitrary
 * bytes. What it accepts must write back out in every format, and the JSON
 * it writes must load again and write the same bytes: the document the
 * cache keeps is stable after one round. What it refuses must come with a
 * message and leave the model as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
write_json(const struct model *m, unsigned flags, struct buf *out)
{
	struct report_opts o = {.flags = flags, .generated_at = 1764324000};

	buf_reset(out);
	report_write_buf(m, REPORT_JSON, &o, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model *m = model_new(), *again;
	struct report_opts o = {.generated_at = 1764324000};
	struct buf a, b;
	char *cause = NULL;
	int rc;

	buf_init(&a);
	buf_init(&b);
	rc = report_json_load(m, (const char *)data, size, &cause);
	if (rc != 0) {
		/* Refused: a reason, and nothing half-loaded. */
		if (cause == NULL || (rc != -1 && rc != -2) || model_naccounts(m) != 0 ||
		    model_nregions(m) != 0)
			abort();
		goto out;
	}
	for (unsigned flags = 0; flags <= REPORT_CACHE; flags += REPORT_CACHE) {
		write_json(m, flags, &a);
		again = model_new();
		if (report_json_load(again, a.data, a.len, &cause) != 0)
			abort(); /* we cannot read what we wrote */
		write_json(again, flags, &b);
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			abort(); /* not stable after one round */
		model_free(again);
	}
	buf_reset(&a);
	report_write_buf(m, REPORT_CSV, &o, &a);
	buf_reset(&a);
	report_write_buf(m, REPORT_TABLE, &o, &a);
	o.flags = REPORT_ASCII;
	buf_reset(&a);
	report_write_buf(m, REPORT_TABLE, &o, &a);
	for (size_t i = 0; i < a.len; i++) {
		if ((unsigned char)a.data[i] >= 0x80)
			abort(); /* the ASCII table is ASCII */
	}
	(void)report_exit_code(m);
out:
	free(cause);
	buf_done(&a);
	buf_done(&b);
	model_free(m);
	return 0;
}

/*
 * test_util.c: xmalloc, buf and util.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/util.h"
#include "core/xmalloc.h"

static void
test_buf_grows_and_terminates(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
	assert_true(b.len > 3000);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.data[3], '\0');
	buf_done(&b);
}

static void
test_buf_detach(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b);
	buf_adds(&b, "hello");
	s = buf_detach(&b);
	assert_string_equal(s, "hello");
	assert_int_equal(b.len, 0);
	assert_null(b.data);
	free(s);
	buf_done(&b); /* a no-op after detach: no double free */
	buf_adds(&b, "again"); /* and the buffer starts anew */
	assert_string_equal(b.data, "again");
	s = buf_detach(&b);
	free(s);
}

static void
test_parse_ll(void **state)
{
	long long v = 7;

	(void)state;
	assert_int_equal(util_parse_ll("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(util_parse_ll("101", 0, 100, &v), -1);
	assert_int_equal(util_parse_ll("12x", 0, 100, &v), -1);
	assert_int_equal(util_parse_ll("", 0, 100, &v), -1);
	assert_int_equal(util_parse_ll(" 1", 0, 100, &v), -1);
	assert_int_equal(util_parse_ll("99999999999999999999999", 0, 100, &v), -1);
	assert_int_equal(v, 42);
}

static void
test_parse_time_forms(void **state)
{
	double t;

	(void)state;
	assert_int_equal(util_parse_time("2024-06-01T13:00:00Z", &t), 0);
	assert_true(t == 1717246800.0);
	assert_int_equal(util_parse_time("2024-06-01T13:00:00UTC", &t), 0);
	assert_true(t == 1717246800.0);
	assert_int_equal(util_parse_time("2024-06-01T13:00:00+00:00", &t), 0);
	assert_true(t == 1717246800.0);
	assert_int_equal(util_parse_time("2024-06-01T15:00:00+02:00", &t), 0);
	assert_true(t == 1717246800.0);
	assert_int_equal(util_parse_time("2024-06-01T13:00:00.500Z", &t), 0);
	assert_true(t == 1717246800.5);
	assert_int_equal(util_parse_time("1481830215.45", &t), 0);
	assert_true(t > 1481830215.4 && t < 1481830215.5);
	assert_int_equal(util_parse_time("1.7e9", &t), 0);
	assert_true(t == 1.7e9);
	assert_int_equal(util_parse_time("2024-13-01T00:00:00Z", &t), -1);
	assert_int_equal(util_parse_time("2024-02-31T00:00:00Z", &t), -1);
	assert_int_equal(util_parse_time("2023-02-29T00:00:00Z", &t), -1);
	assert_int_equal(util_parse_time("2024-02-29T00:00:00Z", &t), 0);
	assert_int_equal(util_parse_time("2100-02-29T00:00:00Z", &t), -1);
	assert_int_equal(util_parse_time("2024-06-01T13:00:00Zjunk", &t), -1);
	assert_int_equal(util_parse_time("nan", &t), -1);
}

static void
test_format_iso8601(void **state)
{
	char out[32];

	(void)state;
	util_format_iso8601(1717246800, out, sizeof out);
	assert_string_equal(out, "2024-06-01T13:00:00Z");
}

static void
test_hex_and_case(void **state)
{
	char out[9];
	const unsigned char in[4] = {0xde, 0xad, 0x00, 0x0f};

	(void)state;
	util_hex(in, 4, out);
	assert_string_equal(out, "dead000f");
	assert_int_equal(util_strcasecmp("X-Amz-Date", "x-amz-date"), 0);
	assert_true(util_strcasecmp("a", "b") < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_terminates),
		cmocka_unit_test(test_buf_detach),
		cmocka_unit_test(test_parse_ll),
		cmocka_unit_test(test_parse_time_forms),
		cmocka_unit_test(test_format_iso8601),
		cmocka_unit_test(test_hex_and_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

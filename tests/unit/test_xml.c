/*
 * test_xml.c: the hardened XML reader: well-formed documents become a DOM;
 * DOCTYPE, entities, depth, node count and size over their caps are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "core/aws/xml.h"
#include "core/buf.h"
#include "core/xmalloc.h"
#include "lib/testsrv.h"

static struct xml_doc *
parse_ok(const char *s)
{
	char *cause = NULL;
	struct xml_doc *d = xml_parse(s, strlen(s), NULL, &cause);

	if (d == NULL)
		fail_msg("parse failed: %s", cause);
	return d;
}

static void
expect_refused(const char *s, size_t len, const struct xml_limits *lim, const char *words)
{
	char *cause = NULL;
	struct xml_doc *d = xml_parse(s, len, lim, &cause);

	if (d != NULL)
		fail_msg("accepted: %.80s", s);
	assert_non_null(cause);
	if (words != NULL && strstr(cause, words) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, words);
	free(cause);
}

static void
test_assume_role_answer(void **state)
{
	size_t len;
	char *raw = testsrv_read_data("responses/sts/AssumeRole.json", &len);
	cJSON *fx;
	const cJSON *body;
	struct xml_doc *d;
	const struct xml_node *root, *res;

	(void)state;
	assert_non_null(raw);
	fx = cJSON_ParseWithLength(raw, len);
	body = cJSON_GetObjectItem(fx, "body");
	assert_true(cJSON_IsString(body));
	d = parse_ok(body->valuestring);
	root = xml_root(d);
	assert_string_equal(root->name, "AssumeRoleResponse");
	res = xml_child(root, "AssumeRoleResult");
	assert_non_null(res);
	assert_string_equal(xml_path_text(res, "Credentials/AccessKeyId"), "ASIAEXAMPLEACCESSKEY");
	assert_non_null(xml_path_text(res, "Credentials/SessionToken"));
	assert_string_equal(xml_path_text(res, "Credentials/Expiration"), "2024-06-01T13:00:00Z");
	assert_string_equal(xml_path_text(root, "ResponseMetadata/RequestId"),
	    "4d9c3e3a-1111-2222-3333-444455556666");
	assert_null(xml_path_text(res, "Credentials/Nope"));
	assert_null(xml_path(res, "Credentials//AccessKeyId"));
	xml_free_secret(d);
	cJSON_Delete(fx);
	free(raw);
}

static void
test_dom_shape(void **state)
{
	struct xml_doc *d;
	const struct xml_node *root, *items, *it;
	int n = 0;

	(void)state;
	d = parse_ok("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		     "<ns:R xmlns:ns=\"urn:x\" a=\"1\"><!-- c --><ns:Items>"
		     "<item><v>a&amp;b &lt;&gt; &#x263A;</v></item>"
		     "<other/>"
		     "<item><v><![CDATA[<raw>]]></v></item>"
		     "<item><v>x<b>mid</b>y</v></item>"
		     "</ns:Items><?pi data?></ns:R>");
	root = xml_root(d);
	assert_string_equal(root->name, "R");
	assert_null(root->parent);
	items = xml_child(root, "Items");
	assert_non_null(items);
	assert_ptr_equal(items->parent, root);
	for (it = xml_child(items, "item"); it != NULL; it = xml_next_same(it))
		n++;
	assert_int_equal(n, 3);
	it = xml_child(items, "item");
	/* Declared ISO-8859-1, read as UTF-8: the smiley stays UTF-8. */
	assert_string_equal(xml_path_text(it, "v"), "a&b <> \xe2\x98\xba");
	it = xml_next_same(it);
	assert_string_equal(xml_path_text(it, "v"), "<raw>");
	it = xml_next_same(it);
	assert_string_equal(xml_path_text(it, "v"), "xy"); /* direct text only */
	assert_string_equal(xml_path_text(it, "v/b"), "mid");
	assert_int_equal(xml_path(it, "v")->text_len, 2);
	assert_string_equal(xml_child(items, "other")->text, "");
	assert_null(xml_child(NULL, "x"));
	assert_null(xml_next_same(NULL));
	xml_free(d);
}

static void
test_doctype_and_entities_refused(void **state)
{
	static const char *const evil[] = {
		/* billion laughs */
		("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		 "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
		 "<lolz>&lol2;</lolz>"),
		/* external entity (XXE) */
		("<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
		 "<foo>&xxe;</foo>"),
		/* external DTD */
		"<!DOCTYPE foo SYSTEM \"http://evil.example/x.dtd\"><foo/>",
		/* a harmless-looking DOCTYPE is refused too */
		"<!DOCTYPE foo><foo/>",
	};

	(void)state;
	for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++)
		expect_refused(evil[i], strlen(evil[i]), NULL, "DOCTYPE not allowed");
	/* Without a DTD, an entity reference is simply undefined. */
	expect_refused("<a>&nope;</a>", 13, NULL, "undefined entity");
}

static void
test_malformed(void **state)
{
	(void)state;
	expect_refused("", 0, NULL, NULL);
	expect_refused("   ", 3, NULL, NULL);
	expect_refused("not xml", 7, NULL, "line 1");
	expect_refused("<a><b></a>", 10, NULL, "mismatched");
	expect_refused("<a>", 3, NULL, NULL);                 /* truncated */
	expect_refused("<a/><b/>", 8, NULL, "junk");          /* two roots */
	expect_refused("<a>\xff\xfe</a>", 9, NULL, NULL);     /* invalid UTF-8 */
	expect_refused("<a>&#0;</a>", 11, NULL, NULL);        /* NUL reference */
	expect_refused("<a>\0</a>", 8, NULL, NULL);           /* a raw NUL */
	expect_refused("<a>&#x1B;</a>", 13, NULL, NULL);      /* not an XML 1.0 char */
	/* Found by fuzz_xml: names whose local part is empty. */
	expect_refused("<:/>", 4, NULL, "no local part");
	expect_refused("<r><a:/></r>", 12, NULL, "no local part");
}

static void
test_caps(void **state)
{
	struct buf b;
	struct xml_limits lim = { 0 };
	struct xml_doc *d;

	(void)state;
	/* 10,000-deep nesting: stopped at the default depth cap (64), quickly. */
	buf_init(&b);
	for (int i = 0; i < 10000; i++)
		buf_adds(&b, "<a>");
	for (int i = 0; i < 10000; i++)
		buf_adds(&b, "</a>");
	expect_refused(b.data, b.len, NULL, "deeper than 64");
	/* Exactly at the cap is fine. */
	buf_reset(&b);
	for (int i = 0; i < 64; i++)
		buf_adds(&b, "<a>");
	for (int i = 0; i < 64; i++)
		buf_adds(&b, "</a>");
	d = xml_parse(b.data, b.len, NULL, NULL);
	assert_non_null(d);
	xml_free(d);
	/* Node count and size caps. */
	buf_reset(&b);
	buf_adds(&b, "<r>");
	for (int i = 0; i < 1000; i++)
		buf_adds(&b, "<i/>");
	buf_adds(&b, "</r>");
	lim.max_nodes = 500;
	expect_refused(b.data, b.len, &lim, "more than 500 elements");
	lim.max_nodes = 0;
	lim.max_bytes = 100;
	expect_refused(b.data, b.len, &lim, "cap");
	lim.max_bytes = 0;
	d = xml_parse(b.data, b.len, &lim, NULL);
	assert_non_null(d);
	xml_free(d);
	buf_done(&b);
}

static void
test_untouched_on_failure(void **state)
{
	char *cause = NULL;

	(void)state;
	assert_null(xml_parse("<a>", 3, NULL, &cause));
	assert_non_null(cause);
	free(cause);
	assert_null(xml_parse("<a>", 3, NULL, NULL)); /* cause is optional */
	xml_free(NULL);
	xml_free_secret(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assume_role_answer),
		cmocka_unit_test(test_dom_shape),
		cmocka_unit_test(test_doctype_and_entities_refused),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_untouched_on_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

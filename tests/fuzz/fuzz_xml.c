/*
 * fuzz_xml.c: the hardened XML reader (xml_parse) on any input.
 *
 * Asserts: never a crash; a failure always says why; a document never
 * nests deeper or holds more elements than the limits allow; every element
 * has a non-empty local name without ':'; text_len is the text's length;
 * parent links agree with the child lists; xml_path finds what the child
 * lists hold. The input is parsed with small limits, so the caps are hit.
 */
// seeds: tests/fuzz/seeds/xml tests/fuzz/regress/fuzz_xml
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_xml: %s\n", what);                           \
			abort();                                                           \
		}                                                                          \
	} while (0)

static size_t
walk(const struct xml_node *n, unsigned depth, unsigned max_depth)
{
	size_t count = 1;

	CHECK(depth <= max_depth, "deeper than the cap");
	CHECK(n->name != NULL && n->name[0] != '\0' && strchr(n->name, ':') == NULL, "bad name");
	CHECK(n->text != NULL && strlen(n->text) == n->text_len, "bad text");
	for (const struct xml_node *c = n->child; c != NULL; c = c->next) {
		CHECK(c->parent == n, "bad parent");
		CHECK(xml_child(n, c->name) != NULL, "child not found by name");
		count += walk(c, depth + 1, max_depth);
	}
	return count;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml_limits lim = { 1 << 16, 16, 500 };
	char *cause = NULL;
	struct xml_doc *d = xml_parse((const char *)data, size, &lim, &cause);

	if (d == NULL) {
		CHECK(cause != NULL && cause[0] != '\0', "failure without a cause");
		free(cause);
		return 0;
	}
	CHECK(cause == NULL, "cause on success");
	CHECK(size > 0, "an empty input parsed");
	CHECK(xml_root(d) != NULL && xml_root(d)->parent == NULL, "no root");
	CHECK(walk(xml_root(d), 1, lim.max_depth) <= lim.max_nodes, "more nodes than the cap");
	if (xml_root(d)->child != NULL) {
		const struct xml_node *c = xml_root(d)->child;

		CHECK(xml_path(xml_root(d), c->name) == xml_child(xml_root(d), c->name), "path");
	}
	if (size & 1)
		xml_free_secret(d);
	else
		xml_free(d);
	return 0;
}

/*
 * xml.c: a hardened expat reader producing a small DOM in one arena.
 *
 * Refused: any DOCTYPE (so no DTD, no entity declaration, no external
 * entity, no billion laughs), references to undefined entities (expat's own
 * error), input over max_bytes, nesting over max_depth, more than max_nodes
 * elements. The parser is told the input is UTF-8 whatever it declares.
 */
#include "core/aws/xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "core/buf.h"
#include "core/xmalloc.h"

#define XML_DEF_MAX_BYTES ((size_t)4 << 20)
#define XML_DEF_MAX_DEPTH 64u
#define XML_DEF_MAX_NODES ((size_t)200000)
#define XML_BLOCK 8192

struct xml_block {
	struct xml_block *next;
	size_t used, cap;
	/* data follows, aligned for any node */
	max_align_t data[];
};

struct xml_doc {
	struct xml_block *blocks;
	struct xml_node *root;
};

/* Parser state: the open elements, each with its text so far. */
struct xml_frame {
	struct xml_node *node;
	struct xml_node *last_child;
	struct buf text;
	int text_init;
};

struct xml_state {
	XML_Parser p;
	struct xml_doc *doc;
	struct xml_frame *stack;
	unsigned depth, max_depth;
	size_t nodes, max_nodes;
	char *error; /* why we stopped, when it was us */
};

static void *
xml__alloc(struct xml_doc *doc, size_t n)
{
	struct xml_block *b = doc->blocks;
	size_t align = sizeof(max_align_t);
	void *p;

	n = (n + align - 1) / align * align;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > XML_BLOCK ? n : XML_BLOCK;

		b = xmalloc(sizeof *b + cap);
		b->cap = cap;
		b->used = 0;
		b->next = doc->blocks;
		doc->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

static char *
xml__strdup(struct xml_doc *doc, const char *s, size_t n)
{
	char *p = xml__alloc(doc, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
xml__stop(struct xml_state *st, char *why)
{
	if (st->error == NULL)
		st->error = why;
	else
		free(why);
	XML_StopParser(st->p, XML_FALSE);
}

static void XMLCALL
xml__start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_state *st = arg;
	struct xml_node *n;
	struct xml_frame *f;
	const char *local = strrchr(name, ':');

	(void)attrs;
	if (st->error != NULL)
		return;
	if (st->depth >= st->max_depth) {
		xml__stop(st, xasprintf("nesting deeper than %u", st->max_depth));
		return;
	}
	if (++st->nodes > st->max_nodes) {
		xml__stop(st, xasprintf("more than %zu elements", st->max_nodes));
		return;
	}
	local = local != NULL ? local + 1 : name;
	if (*local == '\0') {
		/* "<:/>", "<a:/>": well-formed XML 1.0, but no name to look up. */
		xml__stop(st, xasprintf("element name \"%.40s\" has no local part", name));
		return;
	}
	n = xml__alloc(st->doc, sizeof *n);
	memset(n, 0, sizeof *n);
	n->name = xml__strdup(st->doc, local, strlen(local));
	n->text = "";
	if (st->depth == 0) {
		st->doc->root = n;
	} else {
		struct xml_frame *parent = &st->stack[st->depth - 1];

		n->parent = parent->node;
		if (parent->last_child != NULL)
			parent->last_child->next = n;
		else
			parent->node->child = n;
		parent->last_child = n;
	}
	f = &st->stack[st->depth++];
	f->node = n;
	f->last_child = NULL;
	if (!f->text_init) {
		buf_init(&f->text);
		f->text_init = 1;
	}
	buf_reset(&f->text);
}

static void XMLCALL
xml__end(void *arg, const XML_Char *name)
{
	struct xml_state *st = arg;
	struct xml_frame *f;

	(void)name;
	if (st->error != NULL || st->depth == 0)
		return;
	f = &st->stack[--st->depth];
	if (f->text.len > 0) {
		f->node->text = xml__strdup(st->doc, f->text.data, f->text.len);
		f->node->text_len = f->text.len;
	}
}

static void XMLCALL
xml__chars(void *arg, const XML_Char *s, int len)
{
	struct xml_state *st = arg;

	if (st->error != NULL || st->depth == 0 || len <= 0)
		return;
	buf_add(&st->stack[st->depth - 1].text, s, (size_t)len);
}

static void XMLCALL
xml__doctype(void *arg, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
    int has_internal)
{
	struct xml_state *st = arg;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	xml__stop(st, xstrdup("DOCTYPE not allowed"));
}

static void XMLCALL
xml__entity(void *arg, const XML_Char *name, int is_param, const XML_Char *value, int value_len,
    const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	struct xml_state *st = arg;

	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	xml__stop(st, xstrdup("entity declarations not allowed"));
}

static void
xml__free_blocks(struct xml_doc *doc, int wipe)
{
	struct xml_block *b = doc->blocks;

	while (b != NULL) {
		struct xml_block *next = b->next;

		if (wipe)
			xwipe(b->data, b->used);
		free(b);
		b = next;
	}
	doc->blocks = NULL;
}

struct xml_doc *
xml_parse(const char *data, size_t len, const struct xml_limits *lim, char **cause)
{
	struct xml_state st;
	struct xml_doc *doc;
	size_t max_bytes = lim != NULL && lim->max_bytes != 0 ? lim->max_bytes : XML_DEF_MAX_BYTES;
	enum XML_Status rc;

	if (len > max_bytes) {
		if (cause != NULL)
			*cause = xasprintf("XML document of %zu bytes is over the %zu-byte cap", len,
			    max_bytes);
		return NULL;
	}
	if (len > INT32_MAX) {
		if (cause != NULL)
			*cause = xstrdup("XML document too large");
		return NULL;
	}
	memset(&st, 0, sizeof st);
	st.max_depth = lim != NULL && lim->max_depth != 0 ? lim->max_depth : XML_DEF_MAX_DEPTH;
	st.max_nodes = lim != NULL && lim->max_nodes != 0 ? lim->max_nodes : XML_DEF_MAX_NODES;
	st.stack = xcalloc(st.max_depth, sizeof *st.stack);
	doc = xcalloc(1, sizeof *doc);
	st.doc = doc;
	st.p = XML_ParserCreate("UTF-8");
	if (st.p == NULL)
		abort(); /* only when out of memory */
	XML_SetUserData(st.p, &st);
	XML_SetElementHandler(st.p, xml__start, xml__end);
	XML_SetCharacterDataHandler(st.p, xml__chars);
	XML_SetStartDoctypeDeclHandler(st.p, xml__doctype);
	XML_SetEntityDeclHandler(st.p, xml__entity);
	XML_SetParamEntityParsing(st.p, XML_PARAM_ENTITY_PARSING_NEVER);
	rc = XML_Parse(st.p, data != NULL ? data : "", (int)len, 1);
	if (rc != XML_STATUS_OK || st.error != NULL || doc->root == NULL) {
		if (cause != NULL) {
			const char *why = st.error != NULL ? st.error :
			    doc->root == NULL && rc == XML_STATUS_OK ?
							     "no element" :
							     XML_ErrorString(XML_GetErrorCode(st.p));

			*cause = xasprintf("line %lu, column %lu: %s",
			    (unsigned long)XML_GetCurrentLineNumber(st.p),
			    (unsigned long)XML_GetCurrentColumnNumber(st.p) + 1, why);
		}
		xml__free_blocks(doc, 1);
		free(doc);
		doc = NULL;
	}
	free(st.error);
	for (unsigned i = 0; i < st.max_depth; i++) {
		if (st.stack[i].text_init)
			buf_done_secret(&st.stack[i].text);
	}
	free(st.stack);
	XML_ParserFree(st.p);
	return doc;
}

void
xml_free(struct xml_doc *doc)
{
	if (doc == NULL)
		return;
	xml__free_blocks(doc, 0);
	free(doc);
}

void
xml_free_secret(struct xml_doc *doc)
{
	if (doc == NULL)
		return;
	xml__free_blocks(doc, 1);
	free(doc);
}

const struct xml_node *
xml_root(const struct xml_doc *doc)
{
	return doc->root;
}

const struct xml_node *
xml_child(const struct xml_node *n, const char *name)
{
	if (n == NULL)
		return NULL;
	for (const struct xml_node *c = n->child; c != NULL; c = c->next) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

const struct xml_node *
xml_next_same(const struct xml_node *n)
{
	if (n == NULL)
		return NULL;
	for (const struct xml_node *c = n->next; c != NULL; c = c->next) {
		if (strcmp(c->name, n->name) == 0)
			return c;
	}
	return NULL;
}

const struct xml_node *
xml_path(const struct xml_node *n, const char *path)
{
	char name[128];

	while (n != NULL && *path != '\0') {
		size_t len = strcspn(path, "/");

		if (len == 0 || len >= sizeof name)
			return NULL;
		memcpy(name, path, len);
		name[len] = '\0';
		n = xml_child(n, name);
		path += len;
		if (*path == '/')
			path++;
	}
	return n;
}

const char *
xml_path_text(const struct xml_node *n, const char *path)
{
	const struct xml_node *x = xml_path(n, path);

	return x != NULL ? x->text : NULL;
}

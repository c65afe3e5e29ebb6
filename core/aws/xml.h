/*
 * xml.h: a small, hardened XML reader (expat) producing a read-only DOM.
 *
 * AWS's query and ec2 protocols answer in XML (STS AssumeRole and
 * GetCallerIdentity, EC2 DescribeRegions, their errors). The documents are
 * small and untrusted, so the parser is strict: a DOCTYPE (and so any DTD,
 * entity declaration or external entity) is refused outright; only the five
 * predefined entities and character references are expanded; depth, node
 * count and input size are capped; the input is read as UTF-8 whatever its
 * declaration says. Attributes, comments and processing instructions are
 * ignored. Element names lose their namespace prefix ("ns:Code" -> "Code").
 *
 * The whole tree lives in one arena owned by struct xml_doc: nodes and
 * strings are borrowed until xml_free().
 */
#ifndef ORGTOP_XML_H
#define ORGTOP_XML_H

#include <stddef.h>

struct xml_node {
	const char *name;        /* local name */
	const char *text;        /* character data directly inside, concatenated; "" if none */
	size_t text_len;         /* strlen(text): XML cannot carry NUL (&#0; is refused) */
	const struct xml_node *parent;
	const struct xml_node *child; /* first child element */
	const struct xml_node *next;  /* next sibling element */
};

/* Limits; zero fields take the defaults. */
struct xml_limits {
	size_t max_bytes;  /* 4 MiB */
	unsigned max_depth; /* 64 */
	size_t max_nodes;  /* 200,000 */
};

struct xml_doc;

/*
 * Parses len bytes. lim may be NULL. Returns the document, or NULL with
 * *cause (line:column and why: "line 1, column 10: DOCTYPE not allowed",
 * "nesting deeper than 64", "not well-formed (invalid token)").
 */
struct xml_doc *xml_parse(const char *data, size_t len, const struct xml_limits *lim,
    char **cause);
/* NULL-safe. */
void xml_free(struct xml_doc *doc);
/* As xml_free() but wipes every string first (documents that held secrets). */
void xml_free_secret(struct xml_doc *doc);

/* The root element (never NULL for a parsed document). */
const struct xml_node *xml_root(const struct xml_doc *doc);

/* The first child element of n named name, or NULL. n may be NULL. */
const struct xml_node *xml_child(const struct xml_node *n, const char *name);
/* The next sibling of n with the same name, or NULL (iterate repeated elements). */
const struct xml_node *xml_next_same(const struct xml_node *n);
/*
 * Follows a '/'-separated path of child names from n:
 * xml_path(root, "AssumeRoleResult/Credentials/AccessKeyId"). NULL if any
 * step is missing. n may be NULL.
 */
const struct xml_node *xml_path(const struct xml_node *n, const char *path);
/* The text of xml_path(n, path), or NULL if there is no such element. */
const char *xml_path_text(const struct xml_node *n, const char *path);

#endif

/*
 * identitystore.h: IAM Identity Center's identity store (json 1.1,
 * AWSIdentityStore): the display name of a user or group, so assignments
 * read "Platform Admins" instead of a principal id. Callers cache the names.
 *
 * Conventions as in organizations.h: builders return 0 or -1 with *cause;
 * decoders copy out of the borrowed tree, return -1 with *cause naming the
 * field on a malformed answer and leave *out untouched; _done() releases
 * (NULL-safe).
 */
#ifndef ORGTOP_IDENTITYSTORE_H
#define ORGTOP_IDENTITYSTORE_H

#include <cjson/cJSON.h>

#include "core/services/ops.h"

struct identitystore_describe_user_result {
	char *user_id; /* UserId, NULL if absent */
	char *name;    /* UserName, or DisplayName when there is no UserName; untrusted text */
};

/* identity_store_id: "d-1234567890" (ListInstances' IdentityStoreId). */
int identitystore_describe_user_request(struct ops_request *out, const char *identity_store_id,
                                        const char *user_id, char **cause);
/* Fails when the answer names the user neither by UserName nor by DisplayName. */
int identitystore_describe_user_decode(const cJSON *root,
                                       struct identitystore_describe_user_result *out,
                                       char **cause);
void identitystore_describe_user_result_done(struct identitystore_describe_user_result *r);

struct identitystore_describe_group_result {
	char *group_id; /* GroupId, NULL if absent */
	char *name;     /* DisplayName; untrusted text */
};

int identitystore_describe_group_request(struct ops_request *out, const char *identity_store_id,
                                         const char *group_id, char **cause);
int identitystore_describe_group_decode(const cJSON *root,
                                        struct identitystore_describe_group_result *out,
                                        char **cause);
void identitystore_describe_group_result_done(struct identitystore_describe_group_result *r);

/* ListUsers and ListGroups: every principal of the store, a page at a time. */
#define IDENTITYSTORE_MAX_RESULTS 100

struct identitystore_principal {
	char *id;   /* UserId / GroupId */
	char *name; /* UserName (or DisplayName without one) / DisplayName; untrusted text */
};

struct identitystore_list_result {
	struct identitystore_principal *items;
	size_t nitems;
	char *next_token;
};

/* max_results 0 or 1..100. */
int identitystore_list_users_request(struct ops_request *out, const char *identity_store_id,
                                     int max_results, const char *next_token, char **cause);
int identitystore_list_groups_request(struct ops_request *out, const char *identity_store_id,
                                      int max_results, const char *next_token, char **cause);
/* Fails on a user named neither by UserName nor DisplayName, or a group without DisplayName. */
int identitystore_list_users_decode(const cJSON *root, struct identitystore_list_result *out,
                                    char **cause);
int identitystore_list_groups_decode(const cJSON *root, struct identitystore_list_result *out,
                                     char **cause);
void identitystore_list_result_done(struct identitystore_list_result *r);

#endif

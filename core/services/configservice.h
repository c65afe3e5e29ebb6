/*
 * configservice.h: AWS Config (json 1.1, StarlingDoveService): compliance per
 * account and region, the rules behind it, and the organization's aggregators.
 * Named configservice_ (AWS's "Config Service") so it never collides with
 * orgtop's own configuration file code.
 *
 * Conventions as in organizations.h: builders return 0 or -1 with *cause;
 * next_token NULL or "" asks for the first page; decoders copy out of the
 * borrowed tree, return -1 with *cause naming the field on a malformed answer
 * and leave *out untouched; _done() releases (NULL-safe).
 *
 * The counts in the summary operations count *rules*, although AWS names the
 * fields ...ResourceCount. A count AWS capped (CapExceeded) is a lower bound.
 */
#ifndef ORGTOP_CONFIGSERVICE_H
#define ORGTOP_CONFIGSERVICE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/services/ops.h"

enum configservice_compliance {
	CONFIGSERVICE_UNKNOWN = 0, /* absent, or a value AWS added later */
	CONFIGSERVICE_COMPLIANT,
	CONFIGSERVICE_NON_COMPLIANT,
	CONFIGSERVICE_NOT_APPLICABLE,
	CONFIGSERVICE_INSUFFICIENT_DATA,
	CONFIGSERVICE__COUNT
};

/* Bit for a compliance type in a builder's filter. */
#define CONFIGSERVICE_BIT(c) (1u << (c))

/* "COMPLIANT", ...; NULL for UNKNOWN or out of range. */
const char *configservice_compliance_name(enum configservice_compliance c);

/* A capped count (ComplianceContributorCount, CompliantResourceCount, ...). */
struct configservice_count {
	int present;    /* 0: AWS gave no count (unknown, not zero) */
	uint32_t count; /* CappedCount */
	int capped;     /* CapExceeded: the real count is at least count */
};

struct configservice_summary {
	struct configservice_count compliant;
	struct configservice_count noncompliant;
	double timestamp; /* ComplianceSummaryTimestamp, epoch seconds; 0 if absent */
};

/* GetComplianceSummaryByConfigRule: the caller's account in the endpoint's region. */
struct configservice_get_compliance_summary_by_config_rule_result {
	int present; /* 0 when the answer holds no ComplianceSummary */
	struct configservice_summary summary;
};

int configservice_get_compliance_summary_by_config_rule_request(struct ops_request *out,
                                                                char **cause);
int configservice_get_compliance_summary_by_config_rule_decode(
    const cJSON *root, struct configservice_get_compliance_summary_by_config_rule_result *out,
    char **cause);
/* Nothing to free; zeroes *r. */
void configservice_get_compliance_summary_by_config_rule_result_done(
    struct configservice_get_compliance_summary_by_config_rule_result *r);

/* DescribeComplianceByConfigRule: the rules and their compliance (drill-down). */
struct configservice_rule_compliance {
	char *name; /* ConfigRuleName; untrusted text */
	enum configservice_compliance compliance;
	struct configservice_count count; /* noncompliant resources, when AWS says */
};

struct configservice_describe_compliance_by_config_rule_result {
	struct configservice_rule_compliance *rules;
	size_t nrules;
	char *next_token;
};

/*
 * rule_names: at most 25 (n 0: every rule). compliance_filter:
 * CONFIGSERVICE_BIT()s of COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA (0: all).
 */
int configservice_describe_compliance_by_config_rule_request(struct ops_request *out,
                                                             const char *const *rule_names,
                                                             size_t nrule_names,
                                                             unsigned compliance_filter,
                                                             const char *next_token, char **cause);
int configservice_describe_compliance_by_config_rule_decode(
    const cJSON *root, struct configservice_describe_compliance_by_config_rule_result *out,
    char **cause);
void configservice_describe_compliance_by_config_rule_result_done(
    struct configservice_describe_compliance_by_config_rule_result *r);

/* DescribeConfigRules */
struct configservice_rule {
	char *name;              /* ConfigRuleName; untrusted text */
	char *arn;               /* NULL if absent */
	char *id;                /* ConfigRuleId, NULL if absent */
	char *description;       /* NULL if absent; untrusted text */
	char *state;             /* ConfigRuleState ("ACTIVE", ...), NULL if absent */
	char *source_owner;      /* Source.Owner ("AWS", "CUSTOM_LAMBDA", ...), NULL if absent */
	char *source_identifier; /* Source.SourceIdentifier, NULL if absent */
};

struct configservice_describe_config_rules_result {
	struct configservice_rule *rules;
	size_t nrules;
	char *next_token;
};

/* rule_names: at most 25 (n 0: every rule). */
int configservice_describe_config_rules_request(struct ops_request *out,
                                                const char *const *rule_names, size_t nrule_names,
                                                const char *next_token, char **cause);
int configservice_describe_config_rules_decode(
    const cJSON *root, struct configservice_describe_config_rules_result *out, char **cause);
void configservice_describe_config_rules_result_done(
    struct configservice_describe_config_rules_result *r);

/* DescribeConfigurationAggregators */
struct configservice_aggregator {
	char *name;         /* ConfigurationAggregatorName */
	char *arn;          /* NULL if absent */
	int org_source;     /* 1: OrganizationAggregationSource (the whole organization) */
	char *org_role_arn; /* its RoleArn, NULL if absent */
	int all_regions;    /* the organization source covers every region */
	char **regions;     /* otherwise these (AwsRegions) */
	size_t nregions;
	size_t naccount_sources; /* AccountAggregationSources given instead or as well */
};

struct configservice_describe_configuration_aggregators_result {
	struct configservice_aggregator *aggregators;
	size_t naggregators;
	char *next_token;
};

/* names: at most 10 (n 0: every aggregator). limit 0 or 1..100. */
int configservice_describe_configuration_aggregators_request(struct ops_request *out,
                                                             const char *const *names,
                                                             size_t nnames, int limit,
                                                             const char *next_token, char **cause);
int configservice_describe_configuration_aggregators_decode(
    const cJSON *root, struct configservice_describe_configuration_aggregators_result *out,
    char **cause);
void configservice_describe_configuration_aggregators_result_done(
    struct configservice_describe_configuration_aggregators_result *r);

/* DescribeAggregateComplianceByConfigRules: one row per rule x account x region. */
struct configservice_aggregate_filter {
	const char *rule_name;                    /* NULL: any */
	enum configservice_compliance compliance; /* COMPLIANT or NON_COMPLIANT; UNKNOWN: any */
	const char *account_id;                   /* 12 digits, NULL: any */
	const char *region;                       /* NULL: any */
};

struct configservice_aggregate_rule {
	char *rule_name;
	enum configservice_compliance compliance;
	struct configservice_count count; /* noncompliant resources, when AWS says */
	char account_id[13];
	char *region; /* only [A-Za-z0-9_-] */
};

struct configservice_describe_aggregate_compliance_by_config_rules_result {
	struct configservice_aggregate_rule *rows;
	size_t nrows;
	char *next_token;
};

/* filter may be NULL. limit 0 or 1..1000. */
int configservice_describe_aggregate_compliance_by_config_rules_request(
    struct ops_request *out, const char *aggregator,
    const struct configservice_aggregate_filter *filter, int limit, const char *next_token,
    char **cause);
int configservice_describe_aggregate_compliance_by_config_rules_decode(
    const cJSON *root,
    struct configservice_describe_aggregate_compliance_by_config_rules_result *out, char **cause);
void configservice_describe_aggregate_compliance_by_config_rules_result_done(
    struct configservice_describe_aggregate_compliance_by_config_rules_result *r);

/* GetAggregateConfigRuleComplianceSummary */
enum configservice_group_by {
	CONFIGSERVICE_GROUP_NONE = 0,
	CONFIGSERVICE_GROUP_ACCOUNT_ID,
	CONFIGSERVICE_GROUP_AWS_REGION,
	CONFIGSERVICE_GROUP__COUNT
};

struct configservice_group {
	char *name; /* GroupName: the account id or region name, as AWS gave it */
	struct configservice_summary summary;
};

struct configservice_get_aggregate_config_rule_compliance_summary_result {
	enum configservice_group_by group_by; /* GroupByKey as echoed; NONE if absent/unknown */
	struct configservice_group *groups;
	size_t ngroups;
	char *next_token;
};

/* filter_account (12 digits) and filter_region may be NULL. limit 0 or 1..1000. */
int configservice_get_aggregate_config_rule_compliance_summary_request(
    struct ops_request *out, const char *aggregator, enum configservice_group_by group_by,
    const char *filter_account, const char *filter_region, int limit, const char *next_token,
    char **cause);
int configservice_get_aggregate_config_rule_compliance_summary_decode(
    const cJSON *root,
    struct configservice_get_aggregate_config_rule_compliance_summary_result *out, char **cause);
void configservice_get_aggregate_config_rule_compliance_summary_result_done(
    struct configservice_get_aggregate_config_rule_compliance_summary_result *r);

#endif

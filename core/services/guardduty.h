/*
 * guardduty.h: Amazon GuardDuty (rest-json; camelCase on the wire): detectors,
 * finding statistics per severity band or per account, the top findings, and
 * the delegated administrator's members.
 *
 * Conventions as in organizations.h: builders return 0 or -1 with *cause
 * (path labels are percent-encoded; ListDetectors and ListMembers put
 * maxResults/nextToken in the query string); decoders copy out of the borrowed
 * tree, return -1 with *cause naming the field on a malformed answer and leave
 * *out untouched; _done() releases (NULL-safe). GuardDuty ends a listing with
 * "nextToken": "", which decodes as NULL like an absent token.
 *
 * Severity bands (as the console shows them): low < 4.0 <= medium < 7.0 <=
 * high < 9.0 <= critical.
 */
#ifndef ORGTOP_GUARDDUTY_H
#define ORGTOP_GUARDDUTY_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/services/ops.h"

#define GUARDDUTY_MAX_RESULTS       50  /* ListDetectors, ListFindings, ListMembers */
#define GUARDDUTY_STATS_MAX_RESULTS 100 /* GetFindingsStatistics with groupBy */
#define GUARDDUTY_GET_FINDINGS_MAX  50  /* ids per GetFindings */

enum guardduty_band {
	GUARDDUTY_LOW,
	GUARDDUTY_MEDIUM,
	GUARDDUTY_HIGH,
	GUARDDUTY_CRITICAL,
	GUARDDUTY__BANDS
};

/* The band of a severity (a finite value; below 0 counts as low). */
enum guardduty_band guardduty_band_of(double severity);
/*
 * The integer bounds of a band for guardduty_criteria: *min (>=) and *below
 * (<), -1 where the band is open. Returns -1 for an invalid band.
 */
int guardduty_band_bounds(enum guardduty_band band, int *min, int *below);

/*
 * findingCriteria. Each member adds one condition (all must hold); a struct
 * with none (or a NULL pointer) sends no findingCriteria.
 */
struct guardduty_criteria {
	int not_archived;               /* service.archived equals "false" */
	const char *const *account_ids; /* accountId equals one of these (12 digits) */
	size_t naccount_ids;            /* 0: any account; at most 50 */
	int severity_min;               /* severity greaterThanOrEqual; -1: no bound */
	int severity_below;             /* severity lessThan; -1: no bound */
};

/* ListDetectors */
struct guardduty_list_detectors_result {
	char **detector_ids;
	size_t ndetector_ids; /* 0: GuardDuty is not enabled in that region */
	char *next_token;
};

/* max_results 0 or 1..50. */
int guardduty_list_detectors_request(struct ops_request *out, int max_results,
                                     const char *next_token, char **cause);
int guardduty_list_detectors_decode(const cJSON *root, struct guardduty_list_detectors_result *out,
                                    char **cause);
void guardduty_list_detectors_result_done(struct guardduty_list_detectors_result *r);

/* GetDetector */
enum guardduty_detector_status {
	GUARDDUTY_DETECTOR_UNKNOWN = 0,
	GUARDDUTY_DETECTOR_ENABLED,
	GUARDDUTY_DETECTOR_DISABLED,
	GUARDDUTY_DETECTOR__COUNT
};

struct guardduty_get_detector_result {
	enum guardduty_detector_status status;
	char *finding_publishing_frequency; /* "SIX_HOURS", ..., NULL if absent */
	char *service_role;                 /* NULL if absent */
	double created_at, updated_at;      /* epoch seconds; 0 if absent */
};

int guardduty_get_detector_request(struct ops_request *out, const char *detector_id, char **cause);
int guardduty_get_detector_decode(const cJSON *root, struct guardduty_get_detector_result *out,
                                  char **cause);
void guardduty_get_detector_result_done(struct guardduty_get_detector_result *r);

/* GetFindingsStatistics */
enum guardduty_group_by { GUARDDUTY_GROUP_ACCOUNT, GUARDDUTY_GROUP_SEVERITY };

struct guardduty_account_count {
	char account_id[13];
	uint32_t total;           /* totalFindings */
	double last_generated_at; /* epoch seconds; 0 if absent */
};

/* Which parts an answer held (guardduty_get_findings_statistics_result.have). */
#define GUARDDUTY_HAVE_BANDS    0x01 /* countBySeverity or groupedBySeverity */
#define GUARDDUTY_HAVE_ACCOUNTS 0x02 /* groupedByAccount */

struct guardduty_get_findings_statistics_result {
	unsigned have;
	uint32_t bands[GUARDDUTY__BANDS]; /* findings per band (HAVE_BANDS) */
	double max_severity;              /* the highest severity with findings; 0 with none */
	struct guardduty_account_count *accounts; /* HAVE_ACCOUNTS, in AWS's order */
	size_t naccounts;
	char *next_token; /* AWS documents it as unsupported; returned for completeness */
};

/* The COUNT_BY_SEVERITY form. criteria may be NULL. */
int guardduty_get_findings_statistics_request(struct ops_request *out, const char *detector_id,
                                              const struct guardduty_criteria *criteria,
                                              char **cause);
/* The groupBy form, orderBy DESC. max_results 0 or 1..100. criteria may be NULL. */
int guardduty_get_findings_statistics_grouped_request(
    struct ops_request *out, const char *detector_id, enum guardduty_group_by group_by,
    int max_results, const struct guardduty_criteria *criteria, char **cause);
/*
 * Decodes either form: countBySeverity (keys such as "8.0" parsed with
 * strtod), groupedBySeverity and groupedByAccount.
 */
int guardduty_get_findings_statistics_decode(const cJSON *root,
                                             struct guardduty_get_findings_statistics_result *out,
                                             char **cause);
void
guardduty_get_findings_statistics_result_done(struct guardduty_get_findings_statistics_result *r);

/* ListFindings: ids sorted by severity, highest first. */
struct guardduty_list_findings_result {
	char **finding_ids;
	size_t nfinding_ids;
	char *next_token;
};

/* max_results 0 or 1..50. criteria may be NULL. */
int guardduty_list_findings_request(struct ops_request *out, const char *detector_id,
                                    const struct guardduty_criteria *criteria, int max_results,
                                    const char *next_token, char **cause);
int guardduty_list_findings_decode(const cJSON *root, struct guardduty_list_findings_result *out,
                                   char **cause);
void guardduty_list_findings_result_done(struct guardduty_list_findings_result *r);

/* GetFindings */
struct guardduty_finding {
	char *id;
	char *type;          /* "Recon:EC2/PortProbeUnprotectedPort"; untrusted text */
	char *title;         /* NULL if absent; untrusted text */
	char *description;   /* NULL if absent; untrusted text */
	double severity;     /* 0..10 */
	char account_id[13]; /* "" if absent */
	char *region;        /* NULL if absent */
	char *resource_type; /* resource.resourceType, NULL if absent */
	char *resource;      /* what identifies the resource best (instance id, user name,
	                        bucket, cluster, function, DB ...); NULL if nothing does */
	double created_at;   /* epoch seconds; 0 if absent */
	double updated_at;   /* epoch seconds */
	uint32_t count;      /* service.count: times seen; 0 if absent */
	int archived;        /* service.archived */
};

struct guardduty_get_findings_result {
	struct guardduty_finding *findings;
	size_t nfindings;
};

/* 1..50 ids. */
int guardduty_get_findings_request(struct ops_request *out, const char *detector_id,
                                   const char *const *finding_ids, size_t nfinding_ids,
                                   char **cause);
int guardduty_get_findings_decode(const cJSON *root, struct guardduty_get_findings_result *out,
                                  char **cause);
void guardduty_get_findings_result_done(struct guardduty_get_findings_result *r);

/* ListMembers (the delegated administrator's view of the organization). */
struct guardduty_member {
	char account_id[13];
	char administrator_id[13];     /* administratorId, falling back to masterId; "" if absent */
	char *detector_id;             /* NULL if absent */
	char *email;                   /* NULL if absent */
	char *relationship_status;     /* "Enabled", ...; NULL if absent */
	double invited_at, updated_at; /* epoch seconds; 0 if absent */
};

struct guardduty_list_members_result {
	struct guardduty_member *members;
	size_t nmembers;
	char *next_token;
};

/* only_associated: 1 sends onlyAssociated=true, 0 onlyAssociated=false. max_results 0 or 1..50. */
int guardduty_list_members_request(struct ops_request *out, const char *detector_id,
                                   int only_associated, int max_results, const char *next_token,
                                   char **cause);
int guardduty_list_members_decode(const cJSON *root, struct guardduty_list_members_result *out,
                                  char **cause);
void guardduty_list_members_result_done(struct guardduty_list_members_result *r);

#endif

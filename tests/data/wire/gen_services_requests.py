#!/usr/bin/env python3
"""Generates services-botocore.json: the requests botocore itself serializes for
the exact calls orgtop's request builders (core/services) make in
tests/unit/test_services.c.

Run by hand when a builder changes (needs botocore; 1.43.11 made the checked-in
file):   python3 tests/data/wire/gen_services_requests.py > tests/data/wire/services-botocore.json

Each call is sent through a real botocore client; a before-send hook records the
method, the path and query as they would go on the wire, X-Amz-Target and the
body, then stops the call. The JSON key order in a body is the order of the
parameters below (botocore keeps the caller's order), which is the order the C
builders use.
"""
import json
import sys

import botocore
import botocore.session


class Captured(Exception):
    pass


NAMES = {
    "organizations": "organizations",
    "account": "account",
    "config": "config",
    "guardduty": "guardduty",
    "budgets": "budgets",
    "ce": "ce",
    "sso-admin": "sso-admin",
    "identitystore": "identitystore",
}

INST = "arn:aws:sso:::instance/ssoins-1111111111111111"
PS = "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222"
DET = "12abc34d567e8fa901bc2d34e56789f0"
TOK = "tok/+= &x"

CALLS = [
    # (id, service, method name, params)
    ("organizations.DescribeOrganization", "organizations", "describe_organization", {}),
    ("organizations.ListRoots", "organizations", "list_roots", {"MaxResults": 20}),
    ("organizations.ListRoots.page2", "organizations", "list_roots",
     {"MaxResults": 20, "NextToken": TOK}),
    ("organizations.ListOrganizationalUnitsForParent", "organizations",
     "list_organizational_units_for_parent",
     {"ParentId": "r-ab12", "MaxResults": 20, "NextToken": TOK}),
    ("organizations.ListAccountsForParent", "organizations", "list_accounts_for_parent",
     {"ParentId": "ou-ab12-abcdefgh", "MaxResults": 20, "NextToken": TOK}),
    ("organizations.ListAccounts", "organizations", "list_accounts", {"MaxResults": 20}),
    ("organizations.ListParents", "organizations", "list_parents",
     {"ChildId": "111122223333", "MaxResults": 20, "NextToken": TOK}),
    ("organizations.ListDelegatedAdministrators", "organizations",
     "list_delegated_administrators",
     {"ServicePrincipal": "guardduty.amazonaws.com", "MaxResults": 20, "NextToken": TOK}),
    ("account.ListRegions", "account", "list_regions",
     {"AccountId": "444455556666", "RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"],
      "MaxResults": 50, "NextToken": TOK}),
    ("account.ListRegions.self", "account", "list_regions",
     {"RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"], "MaxResults": 50}),
    ("config.GetComplianceSummaryByConfigRule", "config",
     "get_compliance_summary_by_config_rule", {}),
    ("config.DescribeComplianceByConfigRule", "config", "describe_compliance_by_config_rule",
     {"ConfigRuleNames": ["required-tags", "s3-bucket-public-read-prohibited"],
      "ComplianceTypes": ["NON_COMPLIANT", "INSUFFICIENT_DATA"], "NextToken": TOK}),
    ("config.DescribeConfigRules", "config", "describe_config_rules",
     {"ConfigRuleNames": ["required-tags"], "NextToken": TOK}),
    ("config.DescribeConfigurationAggregators", "config", "describe_configuration_aggregators",
     {"ConfigurationAggregatorNames": ["org-agg"], "Limit": 100, "NextToken": TOK}),
    ("config.DescribeAggregateComplianceByConfigRules", "config",
     "describe_aggregate_compliance_by_config_rules",
     {"ConfigurationAggregatorName": "org-agg",
      "Filters": {"ConfigRuleName": "required-tags", "ComplianceType": "NON_COMPLIANT",
                  "AccountId": "444455556666", "AwsRegion": "eu-west-1"},
      "Limit": 1000, "NextToken": TOK}),
    ("config.GetAggregateConfigRuleComplianceSummary.ACCOUNT_ID", "config",
     "get_aggregate_config_rule_compliance_summary",
     {"ConfigurationAggregatorName": "org-agg", "GroupByKey": "ACCOUNT_ID",
      "Filters": {"AwsRegion": "eu-west-1"}, "Limit": 1000, "NextToken": TOK}),
    ("config.GetAggregateConfigRuleComplianceSummary.AWS_REGION", "config",
     "get_aggregate_config_rule_compliance_summary",
     {"ConfigurationAggregatorName": "org-agg", "GroupByKey": "AWS_REGION",
      "Filters": {"AccountId": "444455556666"}, "Limit": 1000}),
    ("guardduty.ListDetectors", "guardduty", "list_detectors", {"MaxResults": 50}),
    ("guardduty.ListDetectors.page2", "guardduty", "list_detectors",
     {"MaxResults": 50, "NextToken": TOK}),
    ("guardduty.GetDetector", "guardduty", "get_detector", {"DetectorId": DET}),
    ("guardduty.GetDetector.odd", "guardduty", "get_detector", {"DetectorId": "a/b c:%"}),
    ("guardduty.GetFindingsStatistics.COUNT_BY_SEVERITY", "guardduty",
     "get_findings_statistics",
     {"DetectorId": DET, "FindingStatisticTypes": ["COUNT_BY_SEVERITY"],
      "FindingCriteria": {"Criterion": {"service.archived": {"Equals": ["false"]}}}}),
    ("guardduty.GetFindingsStatistics.ACCOUNT", "guardduty", "get_findings_statistics",
     {"DetectorId": DET, "GroupBy": "ACCOUNT", "OrderBy": "DESC", "MaxResults": 100,
      "FindingCriteria": {"Criterion": {
          "service.archived": {"Equals": ["false"]},
          "accountId": {"Equals": ["444455556666", "777788889999"]},
          "severity": {"GreaterThanOrEqual": 7, "LessThan": 9}}}}),
    ("guardduty.GetFindingsStatistics.SEVERITY", "guardduty", "get_findings_statistics",
     {"DetectorId": DET, "GroupBy": "SEVERITY", "OrderBy": "DESC", "MaxResults": 100,
      "FindingCriteria": {"Criterion": {
          "service.archived": {"Equals": ["false"]},
          "accountId": {"Equals": ["444455556666"]}}}}),
    ("guardduty.ListFindings", "guardduty", "list_findings",
     {"DetectorId": DET,
      "FindingCriteria": {"Criterion": {
          "service.archived": {"Equals": ["false"]},
          "severity": {"GreaterThanOrEqual": 4}}},
      "SortCriteria": {"AttributeName": "severity", "OrderBy": "DESC"},
      "MaxResults": 50, "NextToken": TOK}),
    ("guardduty.GetFindings", "guardduty", "get_findings",
     {"DetectorId": DET, "FindingIds": ["a1b2c3", "d4e5f6"]}),
    ("guardduty.ListMembers", "guardduty", "list_members",
     {"DetectorId": DET, "OnlyAssociated": "true", "MaxResults": 50, "NextToken": TOK}),
    ("budgets.DescribeBudgets", "budgets", "describe_budgets",
     {"AccountId": "111122223333", "MaxResults": 100, "NextToken": TOK}),
    ("ce.GetCostAndUsage", "ce", "get_cost_and_usage",
     {"TimePeriod": {"Start": "2024-06-01", "End": "2024-07-01"}, "Granularity": "MONTHLY",
      "Metrics": ["UnblendedCost"],
      "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
                  {"Type": "DIMENSION", "Key": "REGION"}],
      "NextPageToken": TOK}),
    ("sso-admin.ListInstances", "sso-admin", "list_instances",
     {"MaxResults": 100, "NextToken": TOK}),
    ("sso-admin.ListPermissionSets", "sso-admin", "list_permission_sets",
     {"InstanceArn": INST, "MaxResults": 100, "NextToken": TOK}),
    ("sso-admin.DescribePermissionSet", "sso-admin", "describe_permission_set",
     {"InstanceArn": INST, "PermissionSetArn": PS}),
    ("sso-admin.ListAccountsForProvisionedPermissionSet", "sso-admin",
     "list_accounts_for_provisioned_permission_set",
     {"InstanceArn": INST, "PermissionSetArn": PS,
      "ProvisioningStatus": "LATEST_PERMISSION_SET_PROVISIONED", "MaxResults": 100,
      "NextToken": TOK}),
    ("sso-admin.ListAccountAssignments", "sso-admin", "list_account_assignments",
     {"InstanceArn": INST, "AccountId": "444455556666", "PermissionSetArn": PS,
      "MaxResults": 100, "NextToken": TOK}),
    ("sso-admin.ListAccountAssignmentsForPrincipal", "sso-admin",
     "list_account_assignments_for_principal",
     {"InstanceArn": INST, "PrincipalId": "906740a8e1-12345678-1234-1234-1234-123456789013",
      "PrincipalType": "GROUP", "Filter": {"AccountId": "444455556666"}, "MaxResults": 100,
      "NextToken": TOK}),
    ("identitystore.ListUsers", "identitystore", "list_users",
     {"IdentityStoreId": "d-1234567890", "MaxResults": 100, "NextToken": TOK}),
    ("identitystore.ListGroups", "identitystore", "list_groups",
     {"IdentityStoreId": "d-1234567890", "MaxResults": 100}),
    ("identitystore.DescribeUser", "identitystore", "describe_user",
     {"IdentityStoreId": "d-1234567890",
      "UserId": "906740a8e1-12345678-1234-1234-1234-123456789012"}),
    ("identitystore.DescribeGroup", "identitystore", "describe_group",
     {"IdentityStoreId": "d-1234567890",
      "GroupId": "906740a8e1-12345678-1234-1234-1234-123456789013"}),
]


def main():
    session = botocore.session.get_session()
    out = []
    for ident, svc, meth, params in CALLS:
        client = session.create_client(
            NAMES[svc], region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        seen = {}

        def hook(request, **kwargs):
            seen["method"] = request.method
            url = request.url
            seen["path"] = url[url.index("/", url.index("//") + 2):]
            seen["target"] = request.headers.get("X-Amz-Target")
            if seen["target"] is not None and isinstance(seen["target"], bytes):
                seen["target"] = seen["target"].decode()
            body = request.body
            if isinstance(body, bytes):
                body = body.decode()
            seen["body"] = body if body else None
            raise Captured()

        client.meta.events.register("before-send", hook)
        try:
            getattr(client, meth)(**params)
        except Captured:
            pass
        out.append({"id": ident, "service": svc, "method": seen["method"],
                    "path": seen["path"], "target": seen["target"], "body": seen["body"]})
    json.dump({"botocore": botocore.__version__, "requests": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

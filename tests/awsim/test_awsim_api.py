#!/usr/bin/env python3
# timeout: 240
"""awsim: every API answers and boto3 parses it; pagination crosses pages and ends."""
import datetime
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import taptest  # noqa: E402
from awsim import Awsim  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402


def code(fn, *a, **kw):
    try:
        fn(*a, **kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None


class Api(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Awsim("--accounts", "80", "--seed", "11", "--page-size", "3",
                        "--ce-page-size", "40").start()
        cls.truth = cls.sim.truth()
        cls.mgmt = cls.truth["organization"]["management_account_id"]
        cls.members = [a for a in cls.truth["accounts"]
                       if a["access"]["state"] == "ok" and "role" in a["access"]]
        names = {a["name"]: a for a in cls.truth["accounts"]}
        cls.security = names["security-tooling"]
        cls.member = next(a for a in cls.members if a["name"] != "security-tooling")
        cls.mkeys = cls.sim.assume(cls.member["id"])
        cls.skeys = cls.sim.assume(cls.security["id"])

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def c(self, svc, region=None, creds=None):
        return self.sim.client(svc, region=region, creds=creds)

    # --- STS ---------------------------------------------------------------
    def test_sts(self):
        me = self.c("sts").get_caller_identity()
        self.assertEqual(me["Account"], self.mgmt)
        self.assertTrue(me["Arn"].endswith(":user/awsim-admin"))
        self.assertIn("x-amzn-requestid", me["ResponseMetadata"]["HTTPHeaders"])
        who = self.c("sts", creds=self.mkeys).get_caller_identity()
        self.assertEqual(who["Account"], self.member["id"])
        self.assertIn("assumed-role/OrganizationAccountAccessRole/test", who["Arn"])
        self.assertTrue(self.mkeys[0].startswith("ASIA") and "SIM" in self.mkeys[0])

    # --- Organizations -------------------------------------------------------
    def test_organizations_walk(self):
        org = self.c("organizations")
        o = org.describe_organization()["Organization"]
        self.assertEqual(o["Id"], self.truth["organization"]["id"])
        self.assertEqual(o["MasterAccountId"], self.mgmt)
        roots = org.list_roots()["Roots"]
        self.assertEqual(len(roots), 1)
        # Walk the tree as a collector would: OUs per parent, accounts per parent.
        seen_ous, seen_accts, pages, empty_pages = {}, {}, 0, 0
        todo = [roots[0]["Id"]]
        while todo:
            pid = todo.pop()
            for p in org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=pid):
                pages += 1
                empty_pages += not p["OrganizationalUnits"]
                for ou in p["OrganizationalUnits"]:
                    seen_ous[ou["Id"]] = ou["Name"]
                    todo.append(ou["Id"])
            for p in org.get_paginator("list_accounts_for_parent").paginate(ParentId=pid):
                pages += 1
                empty_pages += not p["Accounts"] and "NextToken" in p
                for a in p["Accounts"]:
                    seen_accts[a["Id"]] = pid
                    self.assertIsInstance(a["JoinedTimestamp"], datetime.datetime)
                    self.assertIn(a["State"], ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE"))
        self.assertEqual(len(seen_ous) + 1, len(self.truth["ous"]))
        self.assertEqual({a["id"]: a["ou_id"] for a in self.truth["accounts"]}, seen_accts)
        self.assertGreater(empty_pages, 0, "an empty page with a NextToken is expected sometimes")
        flat = [a for p in org.get_paginator("list_accounts").paginate() for a in p["Accounts"]]
        self.assertEqual(len(flat), 80)
        par = org.list_parents(ChildId=self.member["id"])["Parents"]
        self.assertEqual(par[0]["Id"], self.member["ou_id"])
        self.assertEqual(org.describe_account(AccountId=self.member["id"])["Account"]["Name"],
                         self.member["name"])
        ch = [c for p in org.get_paginator("list_children").paginate(
            ParentId=roots[0]["Id"], ChildType="ORGANIZATIONAL_UNIT") for c in p["Children"]]
        self.assertEqual(len(ch), sum(1 for o in self.truth["ous"] if o["parent"] == roots[0]["Id"]))
        da = org.list_delegated_administrators(ServicePrincipal="guardduty.amazonaws.com")
        self.assertEqual(da["DelegatedAdministrators"][0]["Id"], self.security["id"])

    def test_organizations_errors(self):
        org = self.c("organizations")
        self.assertEqual(code(org.list_accounts_for_parent, ParentId="ou-zzzz-00000000"),
                         ("ParentNotFoundException", 400))
        self.assertEqual(code(org.list_parents, ChildId="000000000000"),
                         ("ChildNotFoundException", 400))
        self.assertEqual(code(org.list_accounts, NextToken="forged"), ("InvalidInputException", 400))
        self.assertEqual(code(self.c("organizations", creds=self.mkeys).list_roots),
                         ("AccessDeniedException", 400))
        # the delegated administrator may list
        self.assertTrue(self.c("organizations", creds=self.skeys).list_roots()["Roots"])
        # a token from another operation is refused
        tok = org.list_accounts()["NextToken"]
        self.assertEqual(code(org.list_roots, NextToken=tok), ("InvalidInputException", 400))

    # --- Account / EC2 ---------------------------------------------------------
    def test_account_list_regions(self):
        acct = self.c("account")
        pag = acct.get_paginator("list_regions")
        pages = list(pag.paginate(AccountId=self.member["id"],
                                  RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"]))
        self.assertGreater(len(pages), 1)
        mine = sorted(r["RegionName"] for p in pages for r in p["Regions"])
        cells = self.member["cells"]
        expected = sorted(r for r, c in cells.items() if c["config"]["state"] != "region_off")
        self.assertEqual(mine, expected)
        own = [r for p in self.c("account", creds=self.mkeys).get_paginator("list_regions").paginate()
               for r in p["Regions"]]
        self.assertEqual(len(own), len(self.truth["regions"]) if len(own) >= 25 else len(own))
        self.assertEqual(code(acct.list_regions, AccountId=self.mgmt), ("ValidationException", 400))
        self.assertEqual(code(self.c("account", creds=self.mkeys).list_regions, AccountId=self.mgmt),
                         ("AccessDeniedException", 403))
        st = acct.get_region_opt_status(AccountId=self.member["id"], RegionName="us-east-1")
        self.assertEqual(st["RegionOptStatus"], "ENABLED_BY_DEFAULT")

    def test_ec2_describe_regions(self):
        ec2 = self.c("ec2", region="eu-west-1", creds=self.mkeys)
        on = {r["RegionName"] for r in ec2.describe_regions()["Regions"]}
        allr = ec2.describe_regions(AllRegions=True)["Regions"]
        self.assertTrue(on <= {r["RegionName"] for r in allr})
        self.assertTrue(all("OptInStatus" in r for r in allr))
        opted = ec2.describe_regions(Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required"]}])
        self.assertEqual(len(opted["Regions"]), 17)

    # --- Config ----------------------------------------------------------------
    def ok_region(self, acct, svc):
        return next(r for r, c in acct["cells"].items() if c[svc]["state"] == "ok")

    def test_config(self):
        region = self.ok_region(self.member, "config")
        cfg = self.c("config", region=region, creds=self.mkeys)
        s = cfg.get_compliance_summary_by_config_rule()["ComplianceSummary"]
        t = self.member["cells"][region]["config"]
        self.assertEqual(s["NonCompliantResourceCount"]["CappedCount"], t["noncompliant"])
        rules = [r for p in cfg.get_paginator("describe_compliance_by_config_rule").paginate()
                 for r in p["ComplianceByConfigRules"]]
        nc = [r for r in rules if r["Compliance"]["ComplianceType"] == "NON_COMPLIANT"]
        self.assertEqual(len(nc), t["noncompliant"])
        only_nc = [r for p in cfg.get_paginator("describe_compliance_by_config_rule").paginate(
            ComplianceTypes=["NON_COMPLIANT"]) for r in p["ComplianceByConfigRules"]]
        self.assertEqual(len(only_nc), len(nc))
        defs = [r for p in cfg.get_paginator("describe_config_rules").paginate() for r in p["ConfigRules"]]
        self.assertEqual(len(defs), len(rules))
        self.assertEqual(code(cfg.describe_compliance_by_config_rule, ConfigRuleNames=["no-such-rule"]),
                         ("NoSuchConfigRuleException", 400))
        self.assertEqual(code(cfg.describe_compliance_by_config_rule, NextToken="AAAA"),
                         ("InvalidNextTokenException", 400))

    def test_config_aggregator(self):
        cfg = self.c("config", region="us-east-1", creds=self.skeys)
        aggs = cfg.describe_configuration_aggregators()["ConfigurationAggregators"]
        self.assertEqual(len(aggs), 1)
        name = aggs[0]["ConfigurationAggregatorName"]
        region = self.ok_region(self.member, "config")
        t = self.member["cells"][region]["config"]
        summ = cfg.get_aggregate_config_rule_compliance_summary(
            ConfigurationAggregatorName=name, GroupByKey="AWS_REGION",
            Filters={"AccountId": self.member["id"]})
        groups = {g["GroupName"]: g["ComplianceSummary"] for g in summ["AggregateComplianceCounts"]}
        self.assertEqual(groups[region]["NonCompliantResourceCount"]["CappedCount"], t["noncompliant"])
        by_acct = cfg.get_aggregate_config_rule_compliance_summary(
            ConfigurationAggregatorName=name, GroupByKey="ACCOUNT_ID", Filters={"AwsRegion": region})
        self.assertIn(self.member["id"], [g["GroupName"] for g in by_acct["AggregateComplianceCounts"]])
        rows = [r for p in cfg.get_paginator("describe_aggregate_compliance_by_config_rules").paginate(
            ConfigurationAggregatorName=name,
            Filters={"AccountId": self.member["id"], "AwsRegion": region, "ComplianceType": "NON_COMPLIANT"})
            for r in p["AggregateComplianceByConfigRules"]]
        self.assertEqual(len(rows), t["noncompliant"])
        self.assertEqual(code(cfg.get_aggregate_config_rule_compliance_summary,
                              ConfigurationAggregatorName="nope"),
                         ("NoSuchConfigurationAggregatorException", 400))
        other = self.c("config", region="eu-west-1", creds=self.skeys)
        self.assertEqual(other.describe_configuration_aggregators()["ConfigurationAggregators"], [])

    # --- GuardDuty --------------------------------------------------------------
    def test_guardduty_member(self):
        acct = next(a for a in self.members if a["name"] != "security-tooling" and any(
            c["guardduty"]["state"] == "ok" and c["guardduty"]["high"] + c["guardduty"]["medium"] > 0
            for c in a["cells"].values()))
        keys = self.sim.assume(acct["id"])
        region = next(r for r, c in acct["cells"].items() if c["guardduty"]["state"] == "ok"
                      and c["guardduty"]["high"] + c["guardduty"]["medium"] > 0)
        t = acct["cells"][region]["guardduty"]
        gd = self.c("guardduty", region=region, creds=keys)
        det = gd.list_detectors()["DetectorIds"][0]
        self.assertEqual(gd.get_detector(DetectorId=det)["Status"], "ENABLED")
        for crit in ({"service.archived": {"Eq": ["false"]}},
                     {"service.archived": {"Equals": ["false"]}}):
            st = gd.get_findings_statistics(DetectorId=det, FindingStatisticTypes=["COUNT_BY_SEVERITY"],
                                            FindingCriteria={"Criterion": crit})
            cbs = st["FindingStatistics"]["CountBySeverity"]
            self.assertEqual(sum(v for k, v in cbs.items() if 4 <= float(k) < 7), t["medium"])
        for op in ("Gte", "GreaterThanOrEqual"):
            st = gd.get_findings_statistics(DetectorId=det, GroupBy="SEVERITY",
                                            FindingCriteria={"Criterion": {
                                                "severity": {op: 7},
                                                "service.archived": {"Equals": ["false"]}}})
            n = sum(g["TotalFindings"] for g in st["FindingStatistics"]["GroupedBySeverity"])
            self.assertEqual(n, t["high"] + t["critical"])
        ids = [i for p in gd.get_paginator("list_findings").paginate(
            DetectorId=det, FindingCriteria={"Criterion": {"service.archived": {"Eq": ["false"]}}},
            SortCriteria={"AttributeName": "severity", "OrderBy": "DESC"}, PaginationConfig={"PageSize": 2})
            for i in p["FindingIds"]]
        n = t["low"] + t["medium"] + t["high"] + t["critical"]
        self.assertEqual(len(ids), n)
        fs = gd.get_findings(DetectorId=det, FindingIds=ids[:50],
                             SortCriteria={"AttributeName": "severity", "OrderBy": "DESC"})["Findings"]
        sev = [f["Severity"] for f in fs]
        self.assertEqual(sev, sorted(sev, reverse=True))
        self.assertAlmostEqual(sev[0], t["max_severity"])
        self.assertTrue(all(f["AccountId"] == acct["id"] and f["Region"] == region for f in fs))
        self.assertEqual(code(gd.get_detector, DetectorId="0" * 32), ("BadRequestException", 400))
        self.assertEqual(code(gd.get_findings_statistics, DetectorId=det,
                              FindingStatisticTypes=["COUNT_BY_SEVERITY"], GroupBy="ACCOUNT"),
                         ("BadRequestException", 400))

    def test_guardduty_admin(self):
        region = "us-east-1"
        gd = self.c("guardduty", region=region, creds=self.skeys)
        det = gd.list_detectors()["DetectorIds"][0]
        members = [m for p in gd.get_paginator("list_members").paginate(DetectorId=det)
                   for m in p["Members"]]
        expected = [a for a in self.truth["accounts"] if a["id"] != self.security["id"]
                    and a["status"] == "ACTIVE" and a["cells"][region]["guardduty"]["state"] in ("ok", "denied")
                    and a["access"]["state"] != "denied"]
        self.assertGreater(len(members), 10)
        self.assertLessEqual(len(members), len(self.truth["accounts"]))
        st = gd.get_findings_statistics(DetectorId=det, GroupBy="ACCOUNT", MaxResults=100,
                                        FindingCriteria={"Criterion": {
                                            "service.archived": {"Equals": ["false"]},
                                            "severity": {"GreaterThanOrEqual": 7}}})
        got = {g["AccountId"]: g["TotalFindings"] for g in st["FindingStatistics"]["GroupedByAccount"]}
        for a in self.truth["accounts"]:
            cell = a["cells"][region]["guardduty"]
            if cell["state"] == "ok" and a["id"] in got:
                self.assertEqual(got[a["id"]], cell["high"] + cell["critical"], a["id"])
        few = gd.get_findings_statistics(DetectorId=det, GroupBy="ACCOUNT", MaxResults=2)
        self.assertLessEqual(len(few["FindingStatistics"]["GroupedByAccount"]), 2)
        del expected

    # --- Budgets / CE --------------------------------------------------------------
    def test_budgets(self):
        acct = next(a for a in self.members if len(a["budget"]["budgets"]) >= 2)
        keys = self.sim.assume(acct["id"])
        b = self.c("budgets", creds=keys)
        got = [x for p in b.get_paginator("describe_budgets").paginate(AccountId=acct["id"], MaxResults=1)
               for x in p["Budgets"]]
        self.assertEqual(sorted(x["BudgetName"] for x in got),
                         [x["name"] for x in acct["budget"]["budgets"]])
        for x in got:
            self.assertIsInstance(x["BudgetLimit"]["Amount"], str)
        self.assertEqual(code(b.describe_budgets, AccountId=self.mgmt), ("AccessDeniedException", 400))

    def test_cost_explorer(self):
        ce = self.c("ce")
        today = datetime.date.today()
        start = today.replace(day=1).isoformat()
        end = (today + datetime.timedelta(days=1)).isoformat()
        before = self.sim.stats()["ce_calls"]
        groups, pages, tok = {}, 0, None
        while True:
            kw = dict(TimePeriod={"Start": start, "End": end}, Granularity="MONTHLY",
                      Metrics=["UnblendedCost"],
                      GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
                               {"Type": "DIMENSION", "Key": "REGION"}])
            if tok:
                kw["NextPageToken"] = tok
            r = ce.get_cost_and_usage(**kw)
            pages += 1
            for rb in r["ResultsByTime"]:
                for g in rb["Groups"]:
                    groups[tuple(g["Keys"])] = round(float(g["Metrics"]["UnblendedCost"]["Amount"]), 2)
            tok = r.get("NextPageToken")
            if not tok:
                break
        self.assertGreater(pages, 1)
        self.assertEqual(self.sim.stats()["ce_calls"] - before, pages)
        for a in self.truth["accounts"]:
            for region, cell in a["cells"].items():
                self.assertEqual(groups.get((a["id"], region), 0), cell["spend"], (a["id"], region))
        daily = ce.get_cost_and_usage(TimePeriod={"Start": start, "End": end}, Granularity="DAILY",
                                      Metrics=["UnblendedCost"])
        self.assertEqual(len(daily["ResultsByTime"]), (today - today.replace(day=1)).days + 1)
        self.assertEqual(code(self.c("ce", creds=self.mkeys).get_cost_and_usage,
                              TimePeriod={"Start": start, "End": end}, Granularity="MONTHLY",
                              Metrics=["UnblendedCost"]), ("AccessDeniedException", 400))
        self.assertEqual(code(ce.get_cost_and_usage, TimePeriod={"Start": end, "End": start},
                              Granularity="MONTHLY", Metrics=["UnblendedCost"]),
                         ("ValidationException", 400))

    # --- SSO ------------------------------------------------------------------------
    def test_sso_admin_identitystore(self):
        sso = self.c("sso-admin", region="us-east-1")
        inst = sso.list_instances()["Instances"][0]
        arn, store = inst["InstanceArn"], inst["IdentityStoreId"]
        psets = [p for pg in sso.get_paginator("list_permission_sets").paginate(InstanceArn=arn)
                 for p in pg["PermissionSets"]]
        names = {p: sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=p)["PermissionSet"]["Name"]
                 for p in psets}
        ids = self.c("identitystore", region="us-east-1")
        got = set()
        for p in psets:
            accts = [a for pg in sso.get_paginator("list_accounts_for_provisioned_permission_set").paginate(
                InstanceArn=arn, PermissionSetArn=p) for a in pg["AccountIds"]]
            if self.member["id"] not in accts:
                continue
            for pg in sso.get_paginator("list_account_assignments").paginate(
                    InstanceArn=arn, AccountId=self.member["id"], PermissionSetArn=p):
                for x in pg["AccountAssignments"]:
                    if x["PrincipalType"] == "USER":
                        n = ids.describe_user(IdentityStoreId=store, UserId=x["PrincipalId"])["UserName"]
                    else:
                        n = ids.describe_group(IdentityStoreId=store, GroupId=x["PrincipalId"])["DisplayName"]
                    got.add((names[p], x["PrincipalType"], n))
        want = {(x["permission_set"], x["principal_type"], x["principal"])
                for x in self.member["sso"]["assignments"]}
        self.assertEqual(got, want)
        elsewhere = self.c("sso-admin", region="eu-west-1")
        self.assertEqual(elsewhere.list_instances()["Instances"], [])
        self.assertEqual(code(elsewhere.list_permission_sets, InstanceArn=arn)[0], "ResourceNotFoundException")
        self.assertEqual(code(ids.describe_user, IdentityStoreId=store, UserId="nope")[0],
                         "ResourceNotFoundException")
        self.assertEqual(code(self.c("sso-admin", region="us-east-1", creds=self.mkeys).list_instances)[0],
                         "AccessDeniedException")

    def test_sso_assignments_for_principal(self):
        """ListAccountAssignmentsForPrincipal (botocore 1.43) over every user and group gives
        exactly the truth's assignments of every account, ACTIVE or not."""
        sso = self.c("sso-admin", region="us-east-1")
        inst = sso.list_instances()["Instances"][0]
        arn, store = inst["InstanceArn"], inst["IdentityStoreId"]
        ids = self.c("identitystore", region="us-east-1")
        psets = [p for pg in sso.get_paginator("list_permission_sets").paginate(InstanceArn=arn)
                 for p in pg["PermissionSets"]]
        pname = {p: sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=p)["PermissionSet"]["Name"]
                 for p in psets}
        principals = [("USER", u["UserId"], u["UserName"]) for pg in ids.get_paginator("list_users").paginate(
            IdentityStoreId=store) for u in pg["Users"]]
        principals += [("GROUP", g["GroupId"], g["DisplayName"]) for pg in ids.get_paginator(
            "list_groups").paginate(IdentityStoreId=store) for g in pg["Groups"]]
        got = {}
        pager = sso.get_paginator("list_account_assignments_for_principal")
        for ptype, pid, name in principals:
            for pg in pager.paginate(InstanceArn=arn, PrincipalId=pid, PrincipalType=ptype):
                for x in pg["AccountAssignments"]:
                    self.assertEqual((x["PrincipalType"], x["PrincipalId"]), (ptype, pid))
                    got.setdefault(x["AccountId"], set()).add((pname[x["PermissionSetArn"]], ptype, name))
        for a in self.truth["accounts"]:
            want = {(x["permission_set"], x["principal_type"], x["principal"])
                    for x in a["sso"]["assignments"]}
            self.assertEqual(got.get(a["id"], set()), want, a["id"])
        one = sso.list_account_assignments_for_principal(
            InstanceArn=arn, PrincipalId=principals[-1][1], PrincipalType="GROUP",
            Filter={"AccountId": self.member["id"]})["AccountAssignments"]
        self.assertTrue(all(x["AccountId"] == self.member["id"] for x in one))
        self.assertEqual(code(sso.list_account_assignments_for_principal, InstanceArn=arn,
                              PrincipalId=principals[0][1], PrincipalType="ROLE"),
                         ("ValidationException", 400))
        self.assertEqual(code(self.c("sso-admin", region="us-east-1", creds=self.mkeys)
                              .list_account_assignments_for_principal, InstanceArn=arn,
                              PrincipalId=principals[0][1], PrincipalType="USER")[0],
                         "AccessDeniedException")

    def test_aggregators_cover_what_aws_sees(self):
        """The Config aggregator and GuardDuty's administrator have data exactly where the
        service runs for an ACTIVE account: not where an SCP keeps it out, an opt-in region
        is off, Config has no rules or GuardDuty no detector."""
        region = "eu-west-1"
        cfg = self.c("config", region="us-east-1", creds=self.skeys)
        name = cfg.describe_configuration_aggregators()["ConfigurationAggregators"][0][
            "ConfigurationAggregatorName"]
        groups, kw = {}, {}
        while True:  # no botocore paginator for this one: NextToken by hand
            page = cfg.get_aggregate_config_rule_compliance_summary(
                ConfigurationAggregatorName=name, GroupByKey="ACCOUNT_ID",
                Filters={"AwsRegion": region}, Limit=1000, **kw)
            groups.update({g["GroupName"]: g["ComplianceSummary"]
                           for g in page["AggregateComplianceCounts"]})
            if not page.get("NextToken"):
                break
            kw = {"NextToken": page["NextToken"]}
        gd = self.c("guardduty", region=region, creds=self.skeys)
        det = gd.list_detectors()["DetectorIds"][0]
        members = {m["AccountId"] for p in gd.get_paginator("list_members").paginate(DetectorId=det)
                   for m in p["Members"] if m["RelationshipStatus"] == "Enabled"}
        for a in self.truth["accounts"]:
            if a["status"] != "ACTIVE" or a["access"]["state"] != "ok":
                continue
            c = a["cells"][region]
            self.assertEqual(a["id"] in groups, c["config"]["state"] == "ok", a["id"])
            if c["config"]["state"] == "ok":
                self.assertEqual(groups[a["id"]]["CompliantResourceCount"]["CappedCount"],
                                 c["config"]["compliant"])
                self.assertEqual(groups[a["id"]]["NonCompliantResourceCount"]["CappedCount"],
                                 c["config"]["noncompliant"])
            if a["id"] != self.security["id"]:
                self.assertEqual(a["id"] in members, c["guardduty"]["state"] == "ok", a["id"])
        # GuardDuty takes at most 50 values in an equals criterion, as the model says.
        ids = ["%012d" % i for i in range(51)]
        self.assertEqual(code(gd.get_findings_statistics, DetectorId=det, GroupBy="ACCOUNT",
                              FindingCriteria={"Criterion": {"accountId": {"Equals": ids}}}),
                         ("BadRequestException", 400))
        st = gd.get_findings_statistics(DetectorId=det, GroupBy="ACCOUNT", MaxResults=100,
                                        FindingCriteria={"Criterion": {"accountId": {"Equals": ids[:50]}}})
        self.assertEqual(st["FindingStatistics"]["GroupedByAccount"], [])


if __name__ == "__main__":
    taptest.main()

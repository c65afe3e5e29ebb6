#!/usr/bin/env python3
"""peer_boto3.py: the script a capable admin would write instead of orgtop.

boto3's own clients (standard retry mode) on a ThreadPoolExecutor make the
same calls `orgtop --once --format json` makes (core/collect_*.c), against
the same endpoint, and print the same orgtop/1 document (docs/JSON.md):

  - sts GetCallerIdentity; organizations DescribeOrganization, ListRoots,
    then ListOrganizationalUnitsForParent + ListAccountsForParent for every
    parent, every parent in parallel (MaxResults 20, every page);
  - per ACTIVE member account: sts AssumeRole (session name orgtop), then
    account ListRegions (ENABLED, ENABLED_BY_DEFAULT) in the role's session,
    from the caller with AccountId when the role may not;
  - per account x enabled region: config GetComplianceSummaryByConfigRule
    (DescribeConfigRules when it says 0/0, to tell "no rules" apart) and
    guardduty ListDetectors -> GetFindingsStatistics (COUNT_BY_SEVERITY, the
    account's own findings, not archived);
  - per account: budgets DescribeBudgets (MaxResults 100, every page);
  - Identity Center from the caller: ListInstances, ListPermissionSets, per
    permission set DescribePermissionSet + ListAccountsForProvisionedPermissionSet,
    per (account, permission set) ListAccountAssignments, per principal
    identitystore DescribeUser / DescribeGroup (once each);
  - ce GetCostAndUsage month to date by LINKED_ACCOUNT and REGION, every page.

Work flows as it is found: a parent's listing submits its children's
listings, an account found submits its preparation, a prepared account
submits its cells. One pool of --pool threads does it all. Clients come from
one botocore session (the service models load once) under a lock (a
session is not thread-safe; clients are); each member account's clients are
made once per (region, service) and reused for both calls of a chain.

    AWS_ENDPOINT_URL=... AWS_ACCESS_KEY_ID=... python3 peer_boto3.py --pool 32 [-r REGIONS]

Exit 0 when every item is ok (as orgtop), 1 when some are not, 2 on a usage
error, 3 when the base credentials are refused.
"""
import argparse
import calendar
import datetime
import json
import math
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ORG_PAGE = 20
REGIONS_PAGE = 50
GD_PAGE = 50
BUDGETS_PAGE = 100
SSO_PAGE = 100
ROLE = "OrganizationAccountAccessRole"
SESSION_NAME = "orgtop"

# Error codes that mean a service is not enabled there (core/collect_sched.c).
DISABLED_CODES = {"OptInRequired", "SubscriptionRequiredException",
                  "NoSuchConfigurationRecorderException", "AWSOrganizationsNotInUseException"}
DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                "UnauthorizedException"}
AUTH_CODES = {"UnrecognizedClientException", "InvalidClientTokenId"}

ENDPOINT_URL_ENV = tuple(int(x) for x in botocore.__version__.split(".")[:2]) >= (1, 31)


def cents(v):
    """Money as docs/JSON.md rounds it: to cents, halves away from zero (C's
    round(v * 100) / 100). Python's round() rounds the exact binary value
    (590.775 is 590.77499...), so it gave 590.77 where awsim's truth and
    orgtop say 590.78 (7 cells of 1,000 accounts in make bench)."""
    x = v * 100.0
    return math.copysign(math.floor(abs(x) + 0.5), x) / 100.0


def error_state(exc, region_enabled=True):
    """(state, reason) for a failed call, as orgtop's collector reads it."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code, msg = err.get("Code", ""), err.get("Message", "")
        if code in DENIED_CODES:
            return "denied", msg or code
        if code in AUTH_CODES and not region_enabled:
            return "region_off", "region not enabled"
        if code in DISABLED_CODES:
            return "disabled", msg or code
        if code and msg and code != msg:
            return "error", "%s: %s" % (code, msg)
        return "error", code or msg or "error"
    return "error", str(exc)[:200]


# The aws partition's regions that every account has on (no opt-in).
DEFAULT_REGIONS = {
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
}

class Work:
    """A pool and a count of what is still to do: done when it reaches zero."""

    def __init__(self, threads):
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.lock = threading.Lock()
        self.pending = 0
        self.idle = threading.Event()
        self.failures = []

    def submit(self, fn, *args):
        with self.lock:
            self.pending += 1
            self.idle.clear()
        self.pool.submit(self._run, fn, args)

    def _run(self, fn, args):
        try:
            fn(*args)
        except Exception as e:  # a bug here must not hang the run
            self.failures.append("%s: %r" % (fn.__name__, e))
        finally:
            with self.lock:
                self.pending -= 1
                if self.pending == 0:
                    self.idle.set()

    def wait(self):
        self.idle.wait()
        self.pool.shutdown(wait=True)


class Peer:
    def __init__(self, threads, regions, role):
        self.threads = threads
        self.role = role
        self.literal_regions = sorted(set(regions)) if regions else None
        self.home = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") \
            or "us-east-1"
        self.session = botocore.session.get_session()
        self.boto = boto3.session.Session(botocore_session=self.session, region_name=self.home)
        self.client_lock = threading.Lock()
        # Shared clients of the caller carry the whole pool's connections.
        self.cfg_shared = Config(retries={"mode": "standard"},
                                 max_pool_connections=max(10, threads))
        self.cfg_member = Config(retries={"mode": "standard"})
        # botocore follows AWS_ENDPOINT_URL itself from 1.31 on; an older one
        # (Debian 12's 1.29) is given it, as a script for that botocore would
        self.endpoint = {} if ENDPOINT_URL_ENV or not os.environ.get("AWS_ENDPOINT_URL") \
            else {"endpoint_url": os.environ["AWS_ENDPOINT_URL"]}
        self.base = {}
        self.work = Work(threads)
        self.lock = threading.Lock()
        self.org = None
        self.caller = None
        self.ous = {}        # id -> {"id", "name", "parent"}
        self.accounts = {}   # id -> account record
        self.enabled_union = set()
        self.sso = None      # (state, reason) or {account: [assignments]}
        self.spend = None    # (state, reason) or ({(account, region): amount}, unit)

    # -- clients ---------------------------------------------------------------------
    def client(self, service, region=None, creds=None):
        with self.client_lock:
            if creds is None:
                key = (service, region)
                c = self.base.get(key)
                if c is None:
                    c = self.base[key] = self.boto.client(
                        service, region_name=region or self.home, config=self.cfg_shared,
                        **self.endpoint)
                return c
            return self.boto.client(service, region_name=region or self.home,
                                    config=self.cfg_member, aws_access_key_id=creds[0],
                                    aws_secret_access_key=creds[1], aws_session_token=creds[2],
                                    **self.endpoint)

    # -- the walk --------------------------------------------------------------------
    def run(self):
        try:
            ident = self.client("sts").get_caller_identity()
        except (ClientError, BotoCoreError) as e:
            print("peer: who am I: %s" % e, file=sys.stderr)
            return 3
        self.caller = ident["Account"]
        org = self.client("organizations")
        try:
            d = org.describe_organization()["Organization"]
            self.org = {"id": d["Id"], "management_account_id": d["MasterAccountId"]}
        except (ClientError, BotoCoreError) as e:
            print("peer: organizations: %s" % e, file=sys.stderr)
            return 1
        self.work.submit(self.list_roots)
        self.work.submit(self.sso_start)
        self.work.submit(self.cost)
        self.work.wait()
        for f in self.work.failures:
            print("peer: %s" % f, file=sys.stderr)
        return self.report()

    def pages(self, call, token_in, token_out, **kw):
        while True:
            r = call(**kw)
            yield r
            tok = r.get(token_out)
            if not tok:
                return
            kw[token_in] = tok

    def list_roots(self):
        org = self.client("organizations")
        for page in self.pages(org.list_roots, "NextToken", "NextToken", MaxResults=ORG_PAGE):
            for root in page.get("Roots", []):
                self.parent_found(root["Id"], root.get("Name") or "Root", None)

    def parent_found(self, pid, name, parent):
        with self.lock:
            if pid in self.ous:
                return
            self.ous[pid] = {"id": pid, "name": name, "parent": parent}
        self.work.submit(self.list_ous, pid)
        self.work.submit(self.list_accounts, pid)

    def list_ous(self, pid):
        org = self.client("organizations")
        for page in self.pages(org.list_organizational_units_for_parent, "NextToken",
                               "NextToken", ParentId=pid, MaxResults=ORG_PAGE):
            for ou in page.get("OrganizationalUnits", []):
                self.parent_found(ou["Id"], ou.get("Name", ""), pid)

    def list_accounts(self, pid):
        org = self.client("organizations")
        for page in self.pages(org.list_accounts_for_parent, "NextToken", "NextToken",
                               ParentId=pid, MaxResults=ORG_PAGE):
            for a in page.get("Accounts", []):
                rec = {"id": a["Id"], "name": a.get("Name", ""), "email": a.get("Email", ""),
                       "status": a.get("Status", ""), "ou_id": pid, "cells": {},
                       "joined": a.get("JoinedTimestamp")}
                with self.lock:
                    self.accounts[a["Id"]] = rec
                if rec["status"] == "ACTIVE":
                    self.work.submit(self.prepare, rec)

    # -- one account -----------------------------------------------------------------
    def prepare(self, rec):
        own = rec["id"] == self.caller
        creds = None
        if own:
            rec["access"] = {"state": "ok"}
        else:
            arn = "arn:aws:iam::%s:role/%s" % (rec["id"], self.role)
            try:
                c = self.client("sts").assume_role(RoleArn=arn, RoleSessionName=SESSION_NAME)
                c = c["Credentials"]
                creds = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
                rec["access"] = {"state": "ok", "role": self.role}
            except (ClientError, BotoCoreError) as e:
                st, why = error_state(e)
                rec["access"] = {"state": st, "reason": why}
                if self.literal_regions is None:  # the region list needs its regions
                    self.regions_of(rec, None, via_caller=True)
                return
        rec["creds"] = creds
        if self.literal_regions is not None and set(self.literal_regions) <= DEFAULT_REGIONS:
            # regions on by default in every account: nothing to ask (as orgtop)
            rec["enabled"] = set(self.literal_regions)
        else:
            self.regions_of(rec, creds, via_caller=own)
        self.work.submit(self.budget, rec)
        for r in self.selected_for(rec):
            self.work.submit(self.config_cell, rec, r)
            self.work.submit(self.guardduty_cell, rec, r)

    def regions_of(self, rec, creds, via_caller):
        kw = {"RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"],
              "MaxResults": REGIONS_PAGE}
        try:
            if via_caller:
                if rec["id"] != self.caller:
                    kw["AccountId"] = rec["id"]
                acc = self.client("account")
            else:
                acc = self.client("account", creds=creds)
            found = set()
            for page in self.pages(acc.list_regions, "NextToken", "NextToken", **kw):
                for r in page.get("Regions", []):
                    if r.get("RegionOptStatus") in ("ENABLED", "ENABLED_BY_DEFAULT"):
                        found.add(r["RegionName"])
        except ClientError as e:
            if not via_caller and error_state(e)[0] == "denied":
                return self.regions_of(rec, None, via_caller=True)
            found = None
        except BotoCoreError:
            found = None
        rec["enabled"] = found
        if found:
            with self.lock:
                self.enabled_union |= found
        return found

    def selected_for(self, rec):
        """The regions to ask: enabled and selected (every selected one when unknown)."""
        enabled = rec.get("enabled")
        if self.literal_regions is not None:
            if enabled is None:
                return list(self.literal_regions)
            return [r for r in self.literal_regions if r in enabled]
        return sorted(enabled) if enabled else [self.home]

    def config_cell(self, rec, region):
        cfg = self.client("config", region, rec["creds"])
        try:
            s = cfg.get_compliance_summary_by_config_rule().get("ComplianceSummary")
            comp = (s or {}).get("CompliantResourceCount", {})
            non = (s or {}).get("NonCompliantResourceCount", {})
            nc, nn = comp.get("CappedCount", 0), non.get("CappedCount", 0)
            if s and (nc > 0 or nn > 0):
                out = {"state": "ok", "compliant": nc, "noncompliant": nn}
                if comp.get("CapExceeded") or non.get("CapExceeded"):
                    out["capped"] = True
                rec["cells"].setdefault(region, {})["config"] = out
                return
            rules = 0
            for page in self.pages(cfg.describe_config_rules, "NextToken", "NextToken"):
                rules += len(page.get("ConfigRules", []))
                if rules:
                    break
            rec["cells"].setdefault(region, {})["config"] = \
                {"state": "ok", "compliant": 0, "noncompliant": 0} if rules else \
                {"state": "disabled", "reason": "no Config rules"}
        except (ClientError, BotoCoreError) as e:
            st, why = error_state(e)
            rec["cells"].setdefault(region, {})["config"] = {"state": st, "reason": why}

    def guardduty_cell(self, rec, region):
        gd = self.client("guardduty", region, rec["creds"])
        try:
            det = None
            for page in self.pages(gd.list_detectors, "NextToken", "NextToken",
                                   MaxResults=GD_PAGE):
                ids = page.get("DetectorIds", [])
                if ids:
                    det = ids[0]
                    break
            if det is None:
                rec["cells"].setdefault(region, {})["guardduty"] = \
                    {"state": "disabled", "reason": "GuardDuty not enabled"}
                return
            crit = {"Criterion": {"service.archived": {"Equals": ["false"]},
                                  "accountId": {"Equals": [rec["id"]]}}}
            st = gd.get_findings_statistics(DetectorId=det,
                                            FindingStatisticTypes=["COUNT_BY_SEVERITY"],
                                            FindingCriteria=crit)
            by = st.get("FindingStatistics", {}).get("CountBySeverity") or {}
            bands = [0, 0, 0, 0]
            top = 0.0
            for sev, n in by.items():
                v = float(sev)
                if n <= 0:
                    continue
                bands[0 if v < 4 else 1 if v < 7 else 2 if v < 9 else 3] += n
                top = max(top, v)
            rec["cells"].setdefault(region, {})["guardduty"] = {
                "state": "ok", "low": bands[0], "medium": bands[1], "high": bands[2],
                "critical": bands[3], "max_severity": top}
        except (ClientError, BotoCoreError) as e:
            st, why = error_state(e)
            rec["cells"].setdefault(region, {})["guardduty"] = {"state": st, "reason": why}

    def budget(self, rec):
        bud = self.client("budgets", None, rec["creds"])
        out = []
        try:
            for page in self.pages(bud.describe_budgets, "NextToken", "NextToken",
                                   AccountId=rec["id"], MaxResults=BUDGETS_PAGE):
                for b in page.get("Budgets", []):
                    lim = b.get("BudgetLimit")
                    act = (b.get("CalculatedSpend") or {}).get("ActualSpend")
                    if not lim or not act:
                        continue
                    item = {"name": b.get("BudgetName", ""), "limit": cents(float(
                        lim["Amount"])), "actual": cents(float(act["Amount"])),
                        "unit": lim.get("Unit", ""), "time_unit": b.get("TimeUnit", "")}
                    fc = (b.get("CalculatedSpend") or {}).get("ForecastedSpend")
                    if fc:
                        item["forecast"] = cents(float(fc["Amount"]))
                    out.append(item)
            rec["budget"] = {"state": "ok", "budgets": sorted(out, key=lambda b: b["name"])}
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") == "NotFoundException":
                rec["budget"] = {"state": "ok", "budgets": []}
            else:
                st, why = error_state(e)
                rec["budget"] = {"state": st, "reason": why}
        except BotoCoreError as e:
            rec["budget"] = {"state": "error", "reason": str(e)[:200]}

    # -- Identity Center ------------------------------------------------------------
    def sso_start(self):
        try:
            admin = self.client("sso-admin")
            inst = None
            for page in self.pages(admin.list_instances, "NextToken", "NextToken",
                                   MaxResults=SSO_PAGE):
                if page.get("Instances"):
                    inst = page["Instances"][0]
                    break
            if inst is None:
                self.sso = ("disabled", "IAM Identity Center not enabled")
                return
            job = {"arn": inst["InstanceArn"], "store": inst["IdentityStoreId"], "ps": {},
                   "assign": [], "names": {}, "asked": set(), "lock": threading.Lock()}
            self.sso = job
            for page in self.pages(admin.list_permission_sets, "NextToken", "NextToken",
                                   InstanceArn=job["arn"], MaxResults=SSO_PAGE):
                for ps in page.get("PermissionSets", []):
                    job["ps"][ps] = ps.rsplit("/", 1)[-1]
                    self.work.submit(self.sso_describe_ps, job, ps)
                    self.work.submit(self.sso_ps_accounts, job, ps)
        except (ClientError, BotoCoreError) as e:
            self.sso = error_state(e)

    def sso_fail(self, job, e):
        job.setdefault("failed", error_state(e))

    def sso_describe_ps(self, job, ps):
        try:
            d = self.client("sso-admin").describe_permission_set(InstanceArn=job["arn"],
                                                                 PermissionSetArn=ps)
            job["ps"][ps] = d["PermissionSet"]["Name"]
        except (ClientError, BotoCoreError):
            pass  # the ARN's tail stands in for the name

    def sso_ps_accounts(self, job, ps):
        try:
            admin = self.client("sso-admin")
            for page in self.pages(admin.list_accounts_for_provisioned_permission_set,
                                   "NextToken", "NextToken", InstanceArn=job["arn"],
                                   PermissionSetArn=ps, MaxResults=SSO_PAGE):
                for acct in page.get("AccountIds", []):
                    # (a suspended account's assignments are still read, as orgtop does)
                    self.work.submit(self.sso_assignments, job, ps, acct)
        except (ClientError, BotoCoreError) as e:
            self.sso_fail(job, e)

    def sso_assignments(self, job, ps, acct):
        try:
            admin = self.client("sso-admin")
            for page in self.pages(admin.list_account_assignments, "NextToken", "NextToken",
                                   InstanceArn=job["arn"], AccountId=acct,
                                   PermissionSetArn=ps, MaxResults=SSO_PAGE):
                for a in page.get("AccountAssignments", []):
                    pid, ptype = a.get("PrincipalId"), a.get("PrincipalType")
                    if not pid or ptype not in ("USER", "GROUP"):
                        continue
                    with job["lock"]:
                        job["assign"].append((acct, ps, ptype, pid))
                        ask = pid not in job["asked"]
                        job["asked"].add(pid)
                    if ask:
                        self.work.submit(self.sso_name, job, ptype, pid)
        except (ClientError, BotoCoreError) as e:
            self.sso_fail(job, e)

    def sso_name(self, job, ptype, pid):
        ids = self.client("identitystore")
        try:
            if ptype == "USER":
                job["names"][pid] = ids.describe_user(IdentityStoreId=job["store"],
                                                      UserId=pid)["UserName"]
            else:
                job["names"][pid] = ids.describe_group(IdentityStoreId=job["store"],
                                                       GroupId=pid)["DisplayName"]
        except (ClientError, BotoCoreError, KeyError):
            pass  # the id stands in

    # -- Cost Explorer ----------------------------------------------------------------
    def cost(self):
        today = datetime.datetime.now(datetime.timezone.utc).date()
        start = today.replace(day=1)
        end = (start + datetime.timedelta(days=calendar.monthrange(start.year,
                                                                   start.month)[1]))
        ce = self.client("ce")
        sums, unit = {}, None
        kw = {"TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
              "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"],
              "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
                          {"Type": "DIMENSION", "Key": "REGION"}]}
        try:
            for page in self.pages(ce.get_cost_and_usage, "NextPageToken", "NextPageToken",
                                   **kw):
                for period in page.get("ResultsByTime", []):
                    for g in period.get("Groups", []):
                        keys = g.get("Keys", [])
                        m = g.get("Metrics", {}).get("UnblendedCost", {})
                        if len(keys) != 2 or "Amount" not in m:
                            continue
                        unit = unit or m.get("Unit")
                        k = (keys[0], keys[1])
                        sums[k] = sums.get(k, 0.0) + float(m["Amount"])
            self.spend = (sums, unit)
        except (ClientError, BotoCoreError) as e:
            self.spend = error_state(e)

    # -- the document ---------------------------------------------------------------
    def ou_path(self, oid):
        names = []
        while oid is not None and oid in self.ous:
            names.append(self.ous[oid]["name"])
            oid = self.ous[oid]["parent"]
        return "/".join(reversed(names))

    def report(self):
        regions = self.literal_regions if self.literal_regions is not None else \
            sorted(self.enabled_union)
        spend_ok = isinstance(self.spend, tuple) and isinstance(self.spend[0], dict)
        sso_ok = isinstance(self.sso, dict) and "failed" not in self.sso
        assign = {}
        if sso_ok:
            for acct, ps, ptype, pid in self.sso["assign"]:
                assign.setdefault(acct, []).append({
                    "permission_set": self.sso["ps"].get(ps, ps),
                    "principal_type": ptype,
                    "principal": self.sso["names"].get(pid, pid)})
        elif isinstance(self.sso, dict):
            sso_state = self.sso["failed"]
        else:
            sso_state = self.sso or ("error", "Identity Center not read")
        bad = 0
        accounts = []
        for aid in sorted(self.accounts):
            rec = self.accounts[aid]
            out = {k: rec[k] for k in ("id", "name", "email", "status", "ou_id")}
            out["ou_path"] = self.ou_path(rec["ou_id"])
            if rec.get("joined") is not None:
                out["joined"] = rec["joined"].astimezone(datetime.timezone.utc).strftime(
                    "%Y-%m-%dT%H:%M:%SZ")
            active = rec["status"] == "ACTIVE"
            gone = None if active else {"state": "disabled",
                                        "reason": "account %s" % rec["status"]}
            access = rec.get("access") or {"state": "error", "reason": "not reached"}
            out["access"] = gone or access
            denied = None if gone or access["state"] == "ok" else access
            out["budget"] = gone or denied or rec.get("budget") or \
                {"state": "error", "reason": "not fetched"}
            # Identity Center's assignments stay readable for a suspended account
            # (they live at the management account), as orgtop shows them.
            if sso_ok:
                out["sso"] = {"state": "ok", "assignments": sorted(
                    assign.get(aid, []), key=lambda a: (a["permission_set"],
                                                        a["principal_type"], a["principal"]))}
            else:
                out["sso"] = {"state": sso_state[0], "reason": sso_state[1]}
            enabled = rec.get("enabled")
            cells = {}
            for r in regions:
                cell = dict(rec["cells"].get(r, {}))
                for item in ("config", "guardduty"):
                    if gone or denied:
                        cell[item] = gone or denied
                    elif enabled is not None and r not in enabled:
                        cell[item] = {"state": "region_off", "reason": "region not enabled"}
                    elif item not in cell:
                        cell[item] = {"state": "error", "reason": "not fetched"}
                if spend_ok:
                    cell["spend"] = cents(self.spend[0].get((aid, r), 0.0))
                    cell["spend_state"] = "ok"
                else:
                    cell["spend_state"] = self.spend[0] if self.spend else "error"
                    cell["spend_reason"] = self.spend[1] if self.spend else "not fetched"
                cells[r] = cell
                bad += sum(1 for i in ("config", "guardduty") if cell[i]["state"] != "ok")
            out["cells"] = cells
            bad += sum(1 for i in ("access", "budget", "sso") if out[i]["state"] != "ok")
            accounts.append(out)
        ous = []
        for oid, ou in self.ous.items():
            ous.append({"id": oid, "name": ou["name"], "path": self.ou_path(oid),
                        "parent": ou["parent"]})
        doc = {"schema": "orgtop/1",
               "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime(
                   "%Y-%m-%dT%H:%M:%SZ"),
               "organization": self.org,
               "currency": (self.spend[1] if spend_ok and self.spend[1] else "USD"),
               "regions": regions,
               "ous": sorted(ous, key=lambda o: o["path"]),
               "accounts": accounts}
        json.dump(doc, sys.stdout, ensure_ascii=False, separators=(",", ":"))
        sys.stdout.write("\n")
        sys.stdout.flush()
        return 1 if bad or self.work.failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pool", type=int, default=32, help="threads (default 32)")
    ap.add_argument("-r", "--regions", help="comma list of region names (default: enabled)")
    ap.add_argument("--role-name", default=ROLE)
    a = ap.parse_args()
    if a.pool < 1:
        ap.error("--pool must be at least 1")
    regions = [r for r in a.regions.split(",") if r] if a.regions else None
    return Peer(a.pool, regions, a.role_name).run()


if __name__ == "__main__":
    sys.exit(main())

"""What the two conformance suites share: awsim's truth, read the way orgtop
reads AWS, and the checks that compare a client's parsed answers with it.

test_boto3.py and test_awscli.py each start one awsim, ask it the same
questions through an official client (boto3 1.43 in-process, Debian's
awscli 2.9.19 as a subprocess) and hand the parsed answers to the helpers
here. The truth always comes from a separate `awsim --dump-truth` run with
the same organization flags, so a test also proves the dump is
deterministic and equal to what the running server serves.
"""
import datetime
import decimal
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

from awsim import dump_truth  # noqa: E402

# The session name every AssumeRole of the suites uses: the truth's SCP
# denial reasons name it (orgtop's own session name).
SESSION = "orgtop"
ROLE = "OrganizationAccountAccessRole"

# The codes botocore (retries/standard.py, ThrottledRetryableChecker) treats
# as throttling, copied so the CLI suite can check Debian's client too.
BOTOCORE_THROTTLING = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
}

SIG_MESSAGE = ("The request signature we calculated does not match the signature you "
               "provided. Check your AWS Secret Access Key and signing method. Consult the "
               "service documentation for details.")


class Truth:
    """awsim --dump-truth, indexed."""

    def __init__(self, *org_args):
        self.doc = dump_truth(*org_args)
        d = self.doc
        self.org_id = d["organization"]["id"]
        self.mgmt = d["organization"]["management_account_id"]
        self.regions = d["regions"]
        self.ous = {o["id"]: o for o in d["ous"]}
        self.accounts = {a["id"]: a for a in d["accounts"]}
        self.by_name = {a["name"]: a for a in d["accounts"]}
        self.root = next(o["id"] for o in d["ous"] if o["parent"] is None)
        self.security = self.by_name["security-tooling"]["id"]

    def active(self):
        return [a for a in self.doc["accounts"] if a["status"] == "ACTIVE"]

    def reachable(self):
        """ACTIVE accounts whose data a client can read (the role works, or it is the caller)."""
        return [a for a in self.active() if a["access"]["state"] == "ok"]

    def members(self):
        """Reachable accounts other than the management account (AssumeRole targets)."""
        return [a for a in self.reachable() if a["id"] != self.mgmt]

    def refusing(self):
        return [a for a in self.active() if a["access"]["state"] == "denied"]

    def suspended(self):
        return [a for a in self.doc["accounts"] if a["status"] != "ACTIVE"]

    def cells(self, state, item="config", accounts=None):
        """(account, region) pairs whose item is in state, over reachable accounts."""
        out = []
        for a in accounts if accounts is not None else self.reachable():
            for r in self.regions:
                if a["cells"][r][item]["state"] == state:
                    out.append((a["id"], r))
        return out

    def enabled_regions(self, account):
        """Regions a reachable account has enabled (every cell but region_off)."""
        a = self.accounts[account]
        return sorted(r for r in self.regions if a["cells"][r]["config"]["state"] != "region_off")

    def ou_path_of(self, ou_id):
        return self.ous[ou_id]["path"]


def spread(items, n):
    """n items spread evenly over a list (deterministic), all of it when shorter."""
    items = list(items)
    if len(items) <= n:
        return items
    step = len(items) / float(n)
    return [items[int(i * step)] for i in range(n)]


def cents(x):
    """Money as the JSON contract writes it: AWS's decimal string parsed to a double, then
    C's round(v * 100) / 100 (half away from zero on the double, as orgtop and awsim do;
    Python's round() would give 912.38 for "912.385" where they give 912.39)."""
    v = decimal.Decimal(float(x) * 100.0)  # exact value of the double
    return float(v.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP)) / 100.0


def bands(count_by_severity):
    """GuardDuty countBySeverity {"7.5": 2, ...} -> (low, medium, high, critical, max)."""
    b = [0, 0, 0, 0]
    top = 0.0
    for k, n in count_by_severity.items():
        s = float(k)
        b[0 if s < 4.0 else 1 if s < 7.0 else 2 if s < 9.0 else 3] += n
        if n > 0 and s > top:
            top = s
    return b[0], b[1], b[2], b[3], top


def gd_truth(cell):
    g = cell["guardduty"]
    return g["low"], g["medium"], g["high"], g["critical"], g["max_severity"]


def parse_time(s):
    """An ISO 8601 string (the CLI's output, the truth's 'joined') -> epoch seconds."""
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(s).timestamp()


def month_to_date():
    """Cost Explorer's TimePeriod for month to date (End is exclusive), in UTC."""
    today = datetime.datetime.now(datetime.timezone.utc).date()
    return today.replace(day=1).isoformat(), (today + datetime.timedelta(days=1)).isoformat()


def check_ce_groups(test, truth, groups):
    """groups: {(account, region): rounded amount} from GetCostAndUsage's pages.
    Every account x region of the truth is compared; a pair without a group is 0
    once Cost Explorer answered (docs/JSON.md)."""
    for a in truth.doc["accounts"]:
        for r in truth.regions:
            test.assertEqual(groups.get((a["id"], r), 0), a["cells"][r]["spend"], (a["id"], r))
    extra = {k for k in groups if k[1] not in truth.regions and k[1] != "global"}
    test.assertEqual(extra, set(), "spend in regions outside the truth")
    test.assertEqual({k[0] for k in groups} - set(truth.accounts), set())


def check_org_tree(test, truth, ous_by_parent, accounts_by_parent):
    """ous_by_parent: {parent_id: [(ou_id, name), ...]}; accounts_by_parent:
    {parent_id: [account dict as the client parsed it, ...]} for every OU walked.
    Checks the OU tree (ids, names, paths, parents) and every account's OU."""
    paths = {truth.root: "Root"}
    todo = [truth.root]
    while todo:
        p = todo.pop()
        for ou_id, name in ous_by_parent.get(p, []):
            test.assertNotIn(ou_id, paths, "an OU listed twice")
            paths[ou_id] = paths[p] + "/" + name
            todo.append(ou_id)
    want = {o["id"]: (o["path"], o["parent"]) for o in truth.doc["ous"]}
    got = {}
    for parent, kids in ous_by_parent.items():
        for ou_id, _ in kids:
            got[ou_id] = (paths[ou_id], parent)
    got[truth.root] = ("Root", None)
    test.assertEqual(got, want)
    seen = {}
    for parent, accts in accounts_by_parent.items():
        for a in accts:
            test.assertNotIn(a["Id"], seen, "an account listed under two parents")
            seen[a["Id"]] = (parent, paths[parent])
    test.assertEqual(seen, {a["id"]: (a["ou_id"], a["ou_path"]) for a in truth.doc["accounts"]})


def check_account(test, truth, a, joined_epoch):
    """One Organizations Account as a client parsed it (JSON names)."""
    t = truth.accounts[a["Id"]]
    test.assertEqual((a["Name"], a["Email"]), (t["name"], t["email"]), a["Id"])
    if "State" in a:  # 1.43 models only; Debian's know Status alone
        test.assertEqual(a["State"], t["status"], a["Id"])
    # Status is being retired; it only knows ACTIVE|SUSPENDED|PENDING_CLOSURE.
    test.assertEqual(a["Status"], t["status"] if t["status"] != "CLOSED" else "SUSPENDED",
                     a["Id"])
    test.assertTrue(a["Arn"].endswith("/%s/%s" % (truth.org_id, a["Id"])), a["Arn"])
    if "joined" in t:
        test.assertEqual(int(joined_epoch), int(parse_time(t["joined"])), a["Id"])


def check_budgets(test, truth, account, budgets):
    """budgets: DescribeBudgets' Budgets (all pages) for account."""
    want = truth.accounts[account]["budget"]
    test.assertEqual(want["state"], "ok")
    got = []
    for b in sorted(budgets, key=lambda b: b["BudgetName"]):
        for amount in (b["BudgetLimit"]["Amount"], b["CalculatedSpend"]["ActualSpend"]["Amount"]):
            test.assertIsInstance(amount, str, "Budgets sends amounts as decimal strings")
        x = {"name": b["BudgetName"], "limit": cents(b["BudgetLimit"]["Amount"]),
             "actual": cents(b["CalculatedSpend"]["ActualSpend"]["Amount"]),
             "unit": b["BudgetLimit"]["Unit"], "time_unit": b["TimeUnit"]}
        fc = b["CalculatedSpend"].get("ForecastedSpend")
        if fc:
            x["forecast"] = cents(fc["Amount"])
        got.append(x)
    test.assertEqual(got, want["budgets"], account)


class WireChecker:
    """Holds every answer a botocore client parses to its model, more strictly than
    botocore does (botocore silently drops a member it does not know, so a misspelt
    or misplaced member would go unseen): each JSON member must be one the output
    shape names, of its type, enum values from the enum, required members present;
    STS's XML must have the <Op>Response/<Op>Result wrapper and known members;
    errors carry the protocol's code field; every answer has a request id.
    Register with session.register("before-parse", checker.hook)."""

    CTYPES = {"json": "application/x-amz-json-1.1", "rest-json": "application/json"}

    def __init__(self):
        self.problems = []
        self.checked = 0

    def hook(self, operation_model, response_dict, **kw):
        try:
            self._check(operation_model, response_dict)
        except Exception as e:  # a checker bug must show, not pass
            self.problems.append("%s: checker failed: %r" % (operation_model.name, e))

    def _note(self, op, where, msg):
        self.problems.append("%s %s: %s" % (op.name, where or "<body>", msg))

    def _check(self, op, resp):
        import json as _json
        self.checked += 1
        proto = op.service_model.protocol
        headers = {k.lower(): v for k, v in resp["headers"].items()}
        status, body = resp["status_code"], resp["body"]
        if proto in ("json", "rest-json"):
            if "x-amzn-requestid" not in headers:
                self._note(op, "headers", "no x-amzn-RequestId")
        if status >= 300:
            self._check_error(op, proto, headers, body)
            return
        if proto == "query":
            self._check_xml(op, body)
            return
        if headers.get("content-type", "").split(";")[0] != self.CTYPES[proto]:
            self._note(op, "headers", "Content-Type %r" % headers.get("content-type"))
        doc = _json.loads(body.decode("utf-8")) if body else {}
        shape = op.output_shape
        if shape is None:
            if doc not in ({}, None):
                self._note(op, None, "a body for an operation without output")
            return
        body_members = {n: m for n, m in shape.members.items()
                        if m.serialization.get("location") is None}
        self._structure(op, "", doc, shape, body_members)

    def _check_error(self, op, proto, headers, body):
        import json as _json
        if proto == "query":
            if b"<ErrorResponse" not in body or b"<Code>" not in body or b"<RequestId>" not in body:
                self._note(op, "error", "not an ErrorResponse with Code and RequestId")
            return
        try:
            doc = _json.loads(body.decode("utf-8"))
        except ValueError:
            self._note(op, "error", "body is not JSON")
            return
        if proto == "json" and not isinstance(doc.get("__type"), str):
            self._note(op, "error", "no __type")
        if proto == "rest-json" and "x-amzn-errortype" not in headers:
            self._note(op, "error", "no X-Amzn-ErrorType")
        if not isinstance(doc.get("message", doc.get("Message")), str):
            self._note(op, "error", "no message")

    def _structure(self, op, path, v, shape, members=None):
        members = shape.members if members is None else members
        if not isinstance(v, dict):
            self._note(op, path, "expected an object, got %s" % type(v).__name__)
            return
        wire = {m.serialization.get("name", n): (n, m) for n, m in members.items()}
        for k, x in v.items():
            if k not in wire:
                self._note(op, path, "member %r is not in %s" % (k, shape.name))
                continue
            self._value(op, "%s.%s" % (path, k) if path else k, x, wire[k][1])
        for n in shape.required_members:
            if n in members and members[n].serialization.get("name", n) not in v:
                self._note(op, path, "required member %r missing" % n)

    def _value(self, op, path, v, shape):
        t = shape.type_name
        if v is None:
            self._note(op, path, "null")
        elif t == "structure":
            self._structure(op, path, v, shape)
        elif t == "list":
            if not isinstance(v, list):
                self._note(op, path, "expected a list")
                return
            for i, x in enumerate(v):
                self._value(op, "%s[%d]" % (path, i), x, shape.member)
        elif t == "map":
            if not isinstance(v, dict):
                self._note(op, path, "expected a map")
                return
            for k, x in v.items():
                self._value(op, "%s{%s}" % (path, k), x, shape.value)
        elif t == "string":
            if not isinstance(v, str):
                self._note(op, path, "expected a string, got %r" % (v,))
            elif shape.enum and v not in shape.enum:
                self._note(op, path, "%r is not in the enum %s" % (v, shape.name))
        elif t in ("integer", "long"):
            if not isinstance(v, int) or isinstance(v, bool):
                self._note(op, path, "expected an integer, got %r" % (v,))
        elif t in ("double", "float"):
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                self._note(op, path, "expected a number, got %r" % (v,))
        elif t == "boolean":
            if not isinstance(v, bool):
                self._note(op, path, "expected a boolean, got %r" % (v,))
        elif t == "timestamp":
            fmt = shape.serialization.get("timestampFormat")
            if fmt == "iso8601" and not isinstance(v, str):
                self._note(op, path, "expected an ISO 8601 string")
            elif fmt != "iso8601" and not isinstance(v, (int, float, str)):
                self._note(op, path, "expected a timestamp")
        elif t == "blob":
            if not isinstance(v, str):
                self._note(op, path, "expected base64 text")

    def _check_xml(self, op, body):
        import xml.etree.ElementTree as ET
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            self._note(op, "xml", "not XML: %s" % e)
            return
        ns = "{https://sts.amazonaws.com/doc/2011-06-15/}"
        if root.tag != ns + op.name + "Response":
            self._note(op, "xml", "root %s" % root.tag)
            return
        result = root.find(ns + op.name + "Result")
        if result is None or root.find(ns + "ResponseMetadata/" + ns + "RequestId") is None:
            self._note(op, "xml", "no %sResult or ResponseMetadata/RequestId" % op.name)
            return
        self._xml_structure(op, op.name, result, op.output_shape, ns)

    def _xml_structure(self, op, path, el, shape, ns):
        wire = {m.serialization.get("name", n): (n, m) for n, m in shape.members.items()}
        for child in el:
            name = child.tag[len(ns):] if child.tag.startswith(ns) else child.tag
            if name not in wire:
                self._note(op, path, "element %r is not in %s" % (name, shape.name))
            elif wire[name][1].type_name == "structure":
                self._xml_structure(op, path + "." + name, child, wire[name][1], ns)
        present = {c.tag[len(ns):] for c in el}
        for n in shape.required_members:
            if shape.members[n].serialization.get("name", n) not in present:
                self._note(op, path, "required element %r missing" % n)

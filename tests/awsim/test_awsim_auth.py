#!/usr/bin/env python3
# timeout: 180
"""awsim: signatures, keys, sessions, expiry, clock skew, roles; IMDSv2, container, SSO portal."""
import datetime
import json
import os
import sys
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import taptest  # noqa: E402
from awsim import Awsim  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

SMALL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios", "small.json")


def err(fn, *a, **kw):
    try:
        fn(*a, **kw)
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"],
                e.response["Error"].get("Message", ""))
    return None


def http(url, method="GET", headers=None, data=None):
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class Auth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Awsim("--scenario", SMALL, "--container-token", "ctok-123").start()
        cls.truth = cls.sim.truth()

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()

    def test_wrong_secret(self):
        bad = (self.sim.access_key, "x" * 40, None)
        code, status, msg = err(self.sim.client("sts", creds=bad).get_caller_identity)
        self.assertEqual((code, status), ("SignatureDoesNotMatch", 403))
        self.assertIn("does not match the signature you provided", msg)
        self.assertEqual(err(self.sim.client("organizations", creds=bad).list_roots)[:2],
                         ("InvalidSignatureException", 400))
        self.assertEqual(err(self.sim.client("guardduty", creds=bad).list_detectors)[:2],
                         ("InvalidSignatureException", 403))
        self.assertNotIn(self.sim.secret_key, msg)

    def test_unknown_key(self):
        bad = ("AKIASIMUNKNOWNKEY000", "x" * 40, None)
        self.assertEqual(err(self.sim.client("sts", creds=bad).get_caller_identity)[:2],
                         ("InvalidClientTokenId", 403))
        self.assertEqual(err(self.sim.client("config", creds=bad).get_compliance_summary_by_config_rule)[:2],
                         ("UnrecognizedClientException", 400))

    def test_missing_and_incomplete(self):
        s, body = http(self.sim.endpoint + "/", "POST",
                       {"X-Amz-Target": "AWSOrganizationsV20161128.ListRoots",
                        "Content-Type": "application/x-amz-json-1.1"}, b"{}")
        self.assertEqual(s, 400)
        self.assertEqual(json.loads(body)["__type"], "MissingAuthenticationTokenException")
        s, body = http(self.sim.endpoint + "/", "POST",
                       {"Content-Type": "application/x-www-form-urlencoded",
                        "Authorization": "AWS4-HMAC-SHA256 garbage"},
                       b"Action=GetCallerIdentity&Version=2011-06-15")
        self.assertEqual(s, 403)
        self.assertIn("<Code>IncompleteSignature</Code>", body)

    def test_session_scoped_to_account(self):
        member = next(a for a in self.truth["accounts"] if a["name"] == "de-payments-prod")
        keys = self.sim.assume(member["id"])
        me = self.sim.client("sts", creds=keys).get_caller_identity()
        self.assertEqual(me["Account"], member["id"])
        # sees its own data
        s = self.sim.client("config", region="eu-central-1", creds=keys)
        summ = s.get_compliance_summary_by_config_rule()["ComplianceSummary"]
        self.assertEqual(summ["NonCompliantResourceCount"]["CappedCount"], 3)
        self.assertTrue(summ["CompliantResourceCount"]["CapExceeded"])
        # not the organization's, not another account's budgets, not Cost Explorer
        self.assertEqual(err(self.sim.client("organizations", creds=keys).list_accounts)[0],
                         "AccessDeniedException")
        self.assertEqual(err(self.sim.client("budgets", creds=keys).describe_budgets,
                             AccountId="111111111111")[0], "AccessDeniedException")
        # an SCP denies it outside eu-*
        code, status, msg = err(self.sim.client("config", region="us-east-1",
                                                creds=keys).get_compliance_summary_by_config_rule)
        self.assertEqual(code, "AccessDeniedException")
        self.assertIn("explicit deny in a service control policy", msg)
        self.assertEqual(err(self.sim.client("guardduty", region="us-east-1", creds=keys).list_detectors)[:2],
                         ("AccessDeniedException", 403))
        # a region the account has not opted into
        self.assertEqual(err(self.sim.client("config", region="af-south-1",
                                             creds=keys).get_compliance_summary_by_config_rule)[0],
                         "UnrecognizedClientException")
        # a member session cannot assume into another account
        self.assertEqual(err(self.sim.assume, "555555555555", creds=keys)[0], "AccessDenied")

    def test_refusing_and_suspended(self):
        code, status, msg = err(self.sim.assume, "444444444444")
        self.assertEqual((code, status), ("AccessDenied", 403))
        self.assertIn("is not authorized to perform: sts:AssumeRole on resource: "
                      "arn:aws:iam::444444444444:role/OrganizationAccountAccessRole", msg)
        self.assertEqual(err(self.sim.assume, "666666666666")[0], "AccessDenied")
        self.assertEqual(err(self.sim.assume, "555555555555", role="NoSuchRole")[0], "AccessDenied")
        # a role that requires an ExternalId
        self.assertEqual(err(self.sim.assume, "555555555555", role="OrgtopAudit")[0], "AccessDenied")
        self.assertEqual(err(self.sim.assume, "555555555555", role="OrgtopAudit",
                             external_id="wrong")[0], "AccessDenied")
        self.assertTrue(self.sim.assume("555555555555", role="OrgtopAudit", external_id="ext-123"))

    def test_assume_role_validation(self):
        raw = self.sim.client("sts", validate=False)
        arn = "arn:aws:iam::555555555555:role/OrganizationAccountAccessRole"
        self.assertEqual(err(raw.assume_role, RoleArn=arn, RoleSessionName="s", DurationSeconds=60)[0],
                         "ValidationError")
        self.assertEqual(err(raw.assume_role, RoleArn=arn, RoleSessionName="bad name!")[0],
                         "ValidationError")
        self.assertEqual(err(raw.assume_role, RoleArn=arn)[0], "ValidationError")
        sts = self.sim.client("sts")
        self.assertEqual(err(sts.assume_role, RoleArn="arn:aws:iam::x:role/" + "r" * 20,
                             RoleSessionName="ok")[0], "ValidationError")
        first = self.sim.assume("222222222222", role="OrgtopAudit")
        # role chaining is limited to one hour
        self.assertEqual(err(self.sim.assume, "222222222222", duration=7200, creds=first)[0],
                         "ValidationError")
        c = sts.assume_role(RoleArn="arn:aws:iam::555555555555:role/OrganizationAccountAccessRole",
                            RoleSessionName="dur", DurationSeconds=900)["Credentials"]
        left = (c["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(800 < left <= 901, left)

    def test_clock_skew(self):
        real = datetime.datetime

        class Past(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return real.utcnow() - datetime.timedelta(minutes=20)

            @classmethod
            def now(cls, tz=None):
                return real.now(tz) - datetime.timedelta(minutes=20)

        with mock.patch("botocore.auth.datetime.datetime", Past):
            code, status, msg = err(self.sim.client("sts").get_caller_identity)
            self.assertEqual(code, "SignatureDoesNotMatch")  # STS: 403, 15 minutes
            self.assertRegex(msg, r"^Signature expired: \d{8}T\d{6}Z is now earlier than "
                                  r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$")
            self.assertEqual(err(self.sim.client("organizations").list_roots)[0],
                             "InvalidSignatureException")

    def test_imds_v2(self):
        base = self.sim.endpoint
        s, _ = http(base + "/latest/meta-data/iam/security-credentials/")
        self.assertEqual(s, 401)  # v1 (no token) is refused
        s, _ = http(base + "/latest/api/token", "PUT")
        self.assertEqual(s, 400)  # the TTL header is required
        s, tok = http(base + "/latest/api/token", "PUT",
                      {"X-aws-ec2-metadata-token-ttl-seconds": "60"})
        self.assertEqual(s, 200)
        h = {"X-aws-ec2-metadata-token": tok}
        s, role = http(base + "/latest/meta-data/iam/security-credentials/", headers=h)
        self.assertEqual((s, role), (200, "awsim-instance-role"))
        s, body = http(base + "/latest/meta-data/iam/security-credentials/" + role, headers=h)
        c = json.loads(body)
        self.assertEqual(c["Code"], "Success")
        who = self.sim.client("sts", creds=(c["AccessKeyId"], c["SecretAccessKey"], c["Token"]))
        self.assertEqual(who.get_caller_identity()["Account"], "111111111111")
        s, _ = http(base + "/latest/meta-data/iam/security-credentials/", headers={
            "X-aws-ec2-metadata-token": tok[:-1] + ("0" if tok[-1] != "0" else "1")})
        self.assertEqual(s, 401)

    def test_container_credentials(self):
        url = self.sim.endpoint + "/v2/credentials/abc"
        self.assertEqual(http(url)[0], 401)
        self.assertEqual(http(url, headers={"Authorization": "wrong"})[0], 401)
        s, body = http(url, headers={"Authorization": "ctok-123"})
        c = json.loads(body)
        self.assertEqual(s, 200)
        who = self.sim.client("sts", creds=(c["AccessKeyId"], c["SecretAccessKey"], c["Token"]))
        self.assertIn("awsim-container-role", who.get_caller_identity()["Arn"])

    def test_sso_portal(self):
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config
        sso = boto3.session.Session(region_name="us-east-1").client(
            "sso", endpoint_url=self.sim.endpoint, config=Config(signature_version=UNSIGNED))
        rc = sso.get_role_credentials(roleName="ReadOnlyAccess", accountId="555555555555",
                                      accessToken="awsim-sso-token-small")["roleCredentials"]
        self.assertGreater(rc["expiration"], time.time() * 1000)
        who = self.sim.client("sts", creds=(rc["accessKeyId"], rc["secretAccessKey"], rc["sessionToken"]))
        self.assertIn("AWSReservedSSO_ReadOnlyAccess_", who.get_caller_identity()["Arn"])
        e = err(sso.get_role_credentials, roleName="ReadOnlyAccess", accountId="555555555555",
                accessToken="stale-token")
        self.assertEqual(e[:2], ("UnauthorizedException", 401))
        e = err(sso.get_role_credentials, roleName="NoSuchRole", accountId="555555555555",
                accessToken="awsim-sso-token-small")
        self.assertEqual(e[:2], ("ForbiddenException", 403))
        accts = sso.list_accounts(accessToken="awsim-sso-token-small")["accountList"]
        self.assertIn("555555555555", [a["accountId"] for a in accts])


class Expiry(unittest.TestCase):
    def test_short_sessions_expire(self):
        with Awsim("--scenario", SMALL, "--session-seconds", "2") as sim:
            keys = sim.assume("555555555555")
            sts = sim.client("sts", creds=keys)
            self.assertEqual(sts.get_caller_identity()["Account"], "555555555555")
            time.sleep(3)
            self.assertEqual(err(sts.get_caller_identity)[:2], ("ExpiredToken", 403))
            self.assertEqual(err(sim.client("config", creds=keys).get_compliance_summary_by_config_rule)[:2],
                             ("ExpiredTokenException", 400))
            self.assertEqual(err(sim.client("guardduty", creds=keys).list_detectors)[:2],
                             ("ExpiredTokenException", 403))
            # a fresh session works again
            fresh = sim.assume("555555555555")
            self.assertEqual(sim.client("sts", creds=fresh).get_caller_identity()["Account"],
                             "555555555555")


if __name__ == "__main__":
    taptest.main()

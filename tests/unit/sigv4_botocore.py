#!/usr/bin/env python3
"""Generates requests and signs them with botocore's SigV4Auth, for test_sigv4.

    python3 tests/unit/sigv4_botocore.py SEED N

prints N JSON lines, one request each, deterministic for a SEED:

    {"i": 0, "method": "GET", "url": "https://...", "path": "/a b/./c",
     "query": "k=v&k2", "headers": [["X-Amz-Target", "  A.B "], ...],
     "body_hex": "...", "akid": "...", "secret": "...", "token": null,
     "region": "...", "service": "...", "when": 1440938160,
     "canonical_request": "...", "string_to_sign": "...",
     "signature": "...", "authorization": "..."}

The requests are what a client could put on the wire: odd paths (dot
segments, repeated slashes, spaces, unicode, %-escapes), queries already
encoded the way botocore encodes them (repeated and empty keys and values,
keys without '='), many headers with odd whitespace (tabs, runs, folded
lines), repeated in mixed case, some botocore never signs, random bodies,
session tokens, explicit Host headers, ports, X-Amz-Content-SHA256.

botocore signs with its own code path (SigV4Auth: canonical_request,
string_to_sign, signature, the Authorization header) at a fixed time; only
the clock is ours. Exit status 2 with a message if botocore is missing.
Works with botocore 1.29 (Debian 12's python3-botocore) to 1.43.
"""
import datetime
import json
import random
import sys
from urllib.parse import quote

try:
    from botocore.auth import SIGNED_HEADERS_BLACKLIST, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:  # pragma: no cover - reported by the C test
    sys.stderr.write("sigv4_botocore.py: botocore is not importable (%s); "
                     "install python3-botocore (make deps)\n" % e)
    sys.exit(2)

SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"

HOSTS = ["example.amazonaws.com", "organizations.us-east-1.amazonaws.com",
         "127.0.0.1:4566", "localhost:8080", "GuardDuty.EU-West-1.AmazonAWS.com",
         "sts.eu-west-1.amazonaws.com:443", "[::1]:4566", "awsim.test:80"]
REGIONS = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "cn-north-1",
           "us-gov-west-1", "me-central-1"]
SERVICES = ["sts", "organizations", "config", "guardduty", "budgets", "ce", "sso",
            "identitystore", "securityhub", "account", "ec2", "execute-api"]
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]

SEGMENTS = ["a", "b", "detector", "12abc34d", ".", "..", "", "a b", "%2F", "%25",
            "arn%3Aaws%3Asecurityhub", "\u65e5\u672c", "caf\u00e9", "x~y", "-_.", "$del",
            "!*'()", "a+b", "=", ";x", "@", ",", "%E1%88%B4", "\U0001F680", "%zz", "%"]
QUERY_PARTS = ["a", "b", "A", "maxResults", "nextToken", "", " ", "a b", "x/y", "=",
               "&", "+", "%", "~", "-_.", "\u00e9", "\u65e5", "\U0001F680", "a=b",
               "onlyAssociated", "true", "50", "Param-3", "ZZ", "zz", "*"]
HEADER_NAMES = ["Content-Type", "X-Amz-Target", "x-amz-target", "My-Header1", "MY-HEADER1",
                "my-header1", "X-Custom", "x-custom", "Accept", "Accept-Encoding",
                "User-Agent", "Expect", "Connection", "Keep-Alive", "TE", "Trailer",
                "Transfer-Encoding", "Upgrade", "Proxy-Authorization", "X-Amzn-Trace-Id",
                "x-amz-sso_bearer_token", "X_Under_Score", "x.dot", "x~tilde", "x!bang",
                "x#hash", "x$dollar", "x%pct", "x&amp", "x'quote", "x*star", "x+plus",
                "x^caret", "x`tick", "x|pipe", "Amz-Sdk-Request", "Z", "a"]
VALUE_WORDS = ["value", "application/x-amz-json-1.1", "AWSOrganizationsV20161128.ListRoots",
               "a,b", "\"a   b   c\"", "caf\u00e9", "\u65e5\u672c\u8a9e", "\U0001F680",
               "x=y;z", "attempt=1", "", "%20", "\\", "'q'", "{}"]
# Hop-by-hop headers were added to botocore's unsigned list in 1.31 (core/aws/sigv4.c
# follows the newer list); with an older botocore (Debian 12 has 1.29) they are
# left out of the requests rather than compared against the old rule.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "transfer-encoding", "upgrade"}
HEADER_NAMES = [n for n in HEADER_NAMES
                if n.lower() not in HOP_BY_HOP or n.lower() in SIGNED_HEADERS_BLACKLIST]
# ASCII whitespace as Python's str.split() sees it (what botocore folds).
SPACES = [" ", "  ", "\t", " \t ", "\x0b", "\x0c", "\x1c", "\x1f", "\r\n ", "\n\t", "   "]


def rand_path(r):
    n = r.randint(0, 6)
    segs = [r.choice(SEGMENTS) for _ in range(n)]
    path = "/" + "/".join(segs)
    if r.random() < 0.3:
        path += "/"
    if r.random() < 0.1:
        path = "/" + path  # leading double slash
    return path


def rand_query(r):
    if r.random() < 0.3:
        return ""
    pairs = []
    for _ in range(r.randint(1, 6)):
        key = quote("".join(r.choice(QUERY_PARTS) for _ in range(r.randint(0, 2))), safe="-_.~")
        if r.random() < 0.15:
            pairs.append(key)  # no '=': botocore signs "key="
            continue
        val = quote("".join(r.choice(QUERY_PARTS) for _ in range(r.randint(0, 3))), safe="-_.~")
        pairs.append(key + "=" + val)
        if r.random() < 0.2:
            pairs.append(key + "=" + quote(r.choice(QUERY_PARTS), safe="-_.~"))  # repeated key
    return "&".join(pairs)


def rand_value(r):
    parts = []
    for _ in range(r.randint(0, 4)):
        if r.random() < 0.5:
            parts.append(r.choice(SPACES))
        parts.append(r.choice(VALUE_WORDS))
    if r.random() < 0.4:
        parts.append(r.choice(SPACES))
    return "".join(parts)


def rand_headers(r, host):
    headers = []
    for _ in range(r.randint(0, 9)):
        headers.append([r.choice(HEADER_NAMES), rand_value(r)])
    if r.random() < 0.15:
        headers.insert(r.randint(0, len(headers)), ["Host", host.upper() if r.random() < 0.5
                                                    else " " + host + " "])
    if r.random() < 0.1:
        headers.append(["X-Amz-Content-SHA256", r.choice(["UNSIGNED-PAYLOAD", "  UNSIGNED-PAYLOAD "])])
    return headers


def rand_secret(r):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"
    return "".join(r.choice(alphabet) for _ in range(40))


def one(r, i):
    host = r.choice(HOSTS)
    scheme = "http" if host.endswith(":80") or r.random() < 0.2 else "https"
    path = rand_path(r)
    query = rand_query(r)
    url = "%s://%s%s%s" % (scheme, host, path, "?" + query if query else "")
    method = r.choice(METHODS)
    headers = rand_headers(r, host)
    body = bytes(r.getrandbits(8) for _ in range(r.choice([0, 0, 1, 2, 17, 64, 300])))
    akid = ("ASIA" if r.random() < 0.5 else "AKIA") + "".join(
        r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    secret = rand_secret(r)
    token = None
    if r.random() < 0.5:
        token = "IQoJb3JpZ2luX2VjE" + "".join(
            r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=")
            for _ in range(r.randint(20, 400)))
    region = r.choice(REGIONS)
    service = r.choice(SERVICES)
    when = r.randint(946684800, 2082758399)  # 2000 .. 2035

    req = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        req.headers[name] = value  # HTTPHeaders appends: repeated names kept in order
    auth = SigV4Auth(Credentials(akid, secret, token), service, region)
    # add_auth() with the clock fixed: the same steps, in botocore's own code.
    req.context["timestamp"] = datetime.datetime.fromtimestamp(
        when, datetime.timezone.utc).strftime(SIGV4_TIMESTAMP)
    auth._modify_request_before_signing(req)
    creq = auth.canonical_request(req)
    sts = auth.string_to_sign(req, creq)
    sig = auth.signature(sts, req)
    auth._inject_signature_to_request(req, sig)
    return {
        "i": i, "method": method, "url": url, "path": path, "query": query,
        "headers": headers, "body_hex": body.hex(), "akid": akid, "secret": secret,
        "token": token, "region": region, "service": service, "when": when,
        "canonical_request": creq, "string_to_sign": sts, "signature": sig,
        "authorization": req.headers["Authorization"],
    }


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: sigv4_botocore.py SEED N\n")
        return 2
    r = random.Random(int(sys.argv[1]))
    out = sys.stdout
    for i in range(int(sys.argv[2])):
        out.write(json.dumps(one(r, i)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Feeds every fixture in this directory through botocore's own response parser
(the service model of the installed botocore, 1.43.11 when these were checked)
and reports any it rejects. Run by hand after adding a fixture:

    python3 tests/data/responses/check_botocore.py

A fixture file is <service>/<Operation>[.variant].json holding
{"status": N, "headers": {...}, "body": "..."}. Error fixtures (status >= 300)
must parse into an Error with a Code. Exit status 1 if any file fails.
"""
import glob
import json
import os
import sys

import botocore.parsers
import botocore.session

HERE = os.path.dirname(os.path.abspath(__file__))
SERVICES = {"sts", "organizations", "config", "guardduty", "budgets", "ce", "sso-admin",
            "identitystore", "sso", "securityhub", "account", "ec2"}


def main():
    session = botocore.session.get_session()
    bad = 0
    n = 0
    for path in sorted(glob.glob(os.path.join(HERE, "*", "*.json"))):
        svc = os.path.basename(os.path.dirname(path))
        if svc not in SERVICES:
            continue
        opname = os.path.basename(path).split(".")[0]
        model = session.get_service_model(svc)
        op = model.operation_model(opname)
        with open(path, encoding="utf-8") as f:
            fx = json.load(f)
        parser = botocore.parsers.create_parser(model.metadata["protocol"])
        resp = {"status_code": fx["status"], "headers": fx["headers"],
                "body": fx["body"].encode("utf-8")}
        n += 1
        try:
            parsed = parser.parse(resp, op.output_shape)
        except Exception as e:  # noqa: BLE001 - report whatever botocore raises
            print(f"FAIL {os.path.relpath(path, HERE)}: {e}")
            bad += 1
            continue
        if fx["status"] >= 300 and not parsed.get("Error", {}).get("Code"):
            print(f"FAIL {os.path.relpath(path, HERE)}: no error code")
            bad += 1
    print(f"{n - bad}/{n} fixtures parsed by botocore {botocore.__version__}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

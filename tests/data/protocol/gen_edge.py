#!/usr/bin/env python3
"""Writes the edge-case answers in edge/ (error decoding corner cases that the
70 captured answers in ../responses do not cover). Run once; the files are
checked in. Then gen_expected.py asks botocore what each one means."""
import json, os

H = {'x-amzn-RequestId': 'edge-req-1', 'Content-Type': 'application/x-amz-json-1.1'}
RH = {'x-amzn-RequestId': 'edge-req-2', 'Content-Type': 'application/json'}
XH = {'x-amzn-RequestId': 'edge-req-3', 'Content-Type': 'text/xml'}

CASES = {
    # json 1.1: code from __type only, cut at ':' then '#'
    'ce/GetCostAndUsage.edge-namespace': (400, H, '{"__type":"com.amazonaws.awsinsightsindexservice#LimitExceededException","message":"Rate exceeded"}'),
    'config/DescribeComplianceByConfigRule.edge-uri-suffix': (400, H, '{"__type":"ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/","message":"bad"}'),
    'organizations/ListRoots.edge-both': (400, H, '{"__type":"aws.protocoltests#FooError:http://internal/x#y","Message":"capital M"}'),
    'organizations/ListRoots.edge-no-type': (400, H, '{"Message":"no type here"}'),
    'organizations/ListRoots.edge-not-json': (400, H, 'Bad things happened'),
    'organizations/ListRoots.edge-empty-400': (400, H, ''),
    'organizations/ListRoots.edge-503-empty': (503, H, ''),
    'organizations/ListRoots.edge-502-html': (502, {'Content-Type': 'text/html'}, '<html><body>Bad Gateway</body></html>'),
    'organizations/ListRoots.edge-500-json': (500, H, '{"__type":"ServiceException","message":"internal"}'),
    'budgets/DescribeBudgets.edge-header-ignored': (400, dict(H, **{'X-Amzn-ErrorType': 'HeaderCode'}), '{"__type":"BodyCode","message":"json reads the body"}'),
    'sso-admin/ListInstances.edge-message-both': (400, H, '{"__type":"ThrottlingException","message":"lower","Message":"upper"}'),
    # rest-json: header first, then body code/Code, then __type
    'guardduty/ListDetectors.edge-body-code': (400, RH, '{"code":"BodyLowerCode","message":"m1"}'),
    'guardduty/ListDetectors.edge-body-Code': (400, RH, '{"Code":"BodyUpperCode","Message":"m2"}'),
    'guardduty/ListDetectors.edge-type-only': (400, RH, '{"__type":"ns#TypeCode","message":"m3"}'),
    'guardduty/ListDetectors.edge-header-wins': (400, dict(RH, **{'X-Amzn-ErrorType': 'HeaderCode:http://internal/'}), '{"__type":"TypeCode","code":"LowerCode","message":"m4"}'),
    'guardduty/ListDetectors.edge-header-empty-body': (429, dict(RH, **{'X-Amzn-ErrorType': 'TooManyRequestsException'}), ''),
    'account/ListRegions.edge-not-json': (403, dict(RH, **{'X-Amzn-ErrorType': 'AccessDeniedException'}), 'nope'),
    'securityhub/GetFindings.edge-504-html': (504, {'Content-Type': 'text/html'}, '  <html>timeout</html>'),
    # query (STS) and ec2
    'sts/GetCallerIdentity.edge-no-request-id': (403, XH, '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>'),
    'sts/AssumeRole.edge-no-code': (400, XH, '<ErrorResponse><Error><Message>only a message</Message></Error><RequestId>rid-9</RequestId></ErrorResponse>'),
    'sts/AssumeRole.edge-503-empty': (503, XH, ''),
    'sts/GetCallerIdentity.edge-expired-request': (400, XH, '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>RequestExpired</Code><Message>Request has expired.</Message></Error><RequestId>rid-10</RequestId></ErrorResponse>'),
    'ec2/DescribeRegions.edge-auth-failure': (401, {'Content-Type': 'text/xml;charset=UTF-8'}, '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message></Error></Errors><RequestID>ec2-rid-1</RequestID></Response>'),
}

for name, (status, headers, body) in CASES.items():
    path = os.path.join('edge', name + '.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump({'status': status, 'headers': headers, 'body': body}, f, indent=1)
        f.write('\n')

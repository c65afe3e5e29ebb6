#!/usr/bin/env python3
"""Asks botocore (1.43, on this machine's Python) what every answer in
../responses and edge/ decodes to, and writes expected.json: per file, the
HTTP status and, for errors, botocore's Code, Message and RequestId (None
when botocore has none). Run from this directory:
    python3 gen_expected.py > expected.json"""
import glob, json, os, sys
import botocore, botocore.session, botocore.parsers
from botocore.awsrequest import HTTPHeaders

s = botocore.session.get_session()
res = {'botocore': botocore.__version__, 'answers': {}}
here = os.path.dirname(os.path.abspath(__file__))
files = sorted(glob.glob(os.path.join(here, '..', 'responses', '*', '*.json'))) + \
    sorted(glob.glob(os.path.join(here, 'edge', '*', '*.json')))
for f in files:
    svc = f.split(os.sep)[-2]
    op = os.path.basename(f).split('.')[0]
    d = json.load(open(f))
    m = s.get_service_model(svc)
    om = m.operation_model(op)
    p = botocore.parsers.create_parser(m.metadata['protocol'])
    h = HTTPHeaders()
    for k, v in d['headers'].items():
        h[k] = v
    out = p.parse({'status_code': d['status'], 'headers': h, 'body': d['body'].encode()},
                  om.output_shape)
    e = out.get('Error')
    md = out.get('ResponseMetadata', {})
    key = os.path.relpath(f, os.path.join(here, '..'))
    ent = {'status': d['status'], 'request_id': md.get('RequestId')}
    if e:
        ent['code'] = e.get('Code')
        ent['message'] = e.get('Message')
    res['answers'][key] = ent
json.dump(res, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write('\n')

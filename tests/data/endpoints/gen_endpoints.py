#!/usr/bin/env python3
"""Regenerates botocore-endpoints.tsv: where botocore sends each orgtop service
in each region (URL without path, signing region), by capturing the request
botocore prepares. Run with botocore installed:  python3 gen_endpoints.py > botocore-endpoints.tsv
Columns: service  region  url  signing_region ("-" for unsigned services)."""
import sys
import botocore.session
from urllib.parse import urlsplit

SERVICES = {
    'sts': ('get_caller_identity', {}),
    'organizations': ('describe_organization', {}),
    'account': ('list_regions', {}),
    'config': ('describe_configuration_aggregators', {}),
    'guardduty': ('list_detectors', {}),
    'budgets': ('describe_budgets', {'AccountId': '111122223333'}),
    'ce': ('get_cost_forecast', {'TimePeriod': {'Start': '2024-01-01', 'End': '2024-02-01'},
                                 'Metric': 'UNBLENDED_COST', 'Granularity': 'MONTHLY'}),
    'sso-admin': ('list_instances', {}),
    'identitystore': ('list_groups', {'IdentityStoreId': 'd-1234567890'}),
    'sso': ('get_role_credentials', {'roleName': 'x', 'accountId': '111122223333', 'accessToken': 't'}),
    'sso-oidc': ('create_token', {'clientId': 'a', 'clientSecret': 'b', 'grantType': 'refresh_token'}),
    'ec2': ('describe_regions', {}),
    'securityhub': ('get_findings', {}),
}
REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2',
           'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2',
           'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1', 'af-south-1', 'ap-east-1',
           'eu-south-1', 'eu-central-2', 'me-south-1', 'il-central-1', 'mx-central-1',
           'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1']


class Stop(Exception):
    pass


def main():
    s = botocore.session.get_session()
    s.set_credentials('AKIDEXAMPLE', 'secret')
    for svc, (op, args) in SERVICES.items():
        for r in REGIONS:
            c = s.create_client(svc, region_name=r)
            seen = {}

            def hook(request, **kw):
                a = request.headers.get('Authorization')
                seen['scope'] = a.decode().split('Credential=')[1].split('/')[2] if a else '-'
                u = urlsplit(request.url)
                seen['url'] = '%s://%s' % (u.scheme, u.netloc)
                raise Stop()
            c.meta.events.register('before-send', hook)
            try:
                getattr(c, op)(**args)
            except Stop:
                pass
            print('%s\t%s\t%s\t%s' % (svc, r, seen['url'], seen['scope']))


main()

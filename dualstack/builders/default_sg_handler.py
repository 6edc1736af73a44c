'''Custom::DefaultSecurityGroupRules (dualstack/builders/defaultsg.py).'''

import json
import time
import urllib.request
from typing import Any

# Seconds: a try (no botocore retries) and the response (defaultsg.py).
CONNECT, READ, RESPOND = 5, 5, 10
RESERVE = CONNECT + READ + RESPOND
RETRY = {'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'InternalError', None}
OK = {'revoke': ['InvalidPermission.NotFound'], 'authorize': ['InvalidPermission.Duplicate', 'InvalidGroup.NotFound']}


def client_config() -> Any:
    from botocore.config import Config

    return Config(connect_timeout=CONNECT, read_timeout=READ, retries={'total_max_attempts': 1})


def default_rules(group: str, account: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ('ingress', {'IpProtocol': '-1', 'UserIdGroupPairs': [{'GroupId': group, 'UserId': account}]}),
        ('egress', {'IpProtocol': '-1', 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}),
        ('egress', {'IpProtocol': '-1', 'Ipv6Ranges': [{'CidrIpv6': '::/0'}]}),
    ]


def code(exc: Exception) -> Any:
    if not hasattr(exc, 'response') and not type(exc).__module__.startswith('botocore'):
        return ''
    return ((getattr(exc, 'response', None) or {}).get('Error') or {}).get('Code')


def left(context: Any) -> float:
    return context.get_remaining_time_in_millis() / 1000 if context else RESERVE  # none: one try


def call(action: Any, context: Any, sleep: Any, **kwargs: Any) -> None:
    for tries in range(1, 10**6):
        if left(context) < RESERVE:
            raise TimeoutError('too little time left')
        try:
            action(**kwargs)
            return
        except Exception as exc:
            wait = min(2 ** (tries - 1), 8)
            if code(exc) not in RETRY or left(context) < RESERVE + wait:
                raise
            print(f'try {tries}: {exc!r}')
            sleep(wait)


def change(ec2: Any, verb: str, group: str, account: str, context: Any = None, sleep: Any = time.sleep) -> None:
    failed = None
    for direction, rule in default_rules(group, account):
        try:
            action = getattr(ec2, f'{verb}_security_group_{direction}')
            call(action, context, sleep, GroupId=group, IpPermissions=[rule])
        except Exception as exc:
            if code(exc) not in OK[verb]:
                failed = failed or exc
    if failed:
        raise failed


def handler(event: Any, context: Any, ec2: Any = None, urlopen: Any = urllib.request.urlopen, sleep: Any = None) -> str:
    status, reason, group, kind, old = 'FAILED', '', None, '', ''
    try:
        props = event.get('ResourceProperties') or {}
        kind, old = str(event.get('RequestType') or ''), str(event.get('PhysicalResourceId') or '')
        if not isinstance(props, dict):
            raise TypeError(f'ResourceProperties is a {type(props).__name__}')
        group = props.get('GroupId')
        verb = {'Create': 'revoke', 'Update': 'revoke', 'Delete': 'authorize'}[kind]
        if kind != 'Delete' or (group and not old.startswith('failed:')):
            if ec2 is None:
                import boto3

                ec2 = boto3.client('ec2', config=client_config())
            change(ec2, verb, props['GroupId'], props['Account'], context, sleep or time.sleep)
        status, reason = 'SUCCESS', 'done'
    except Exception as exc:
        reason = f'{type(exc).__name__}: {exc}'
    print(kind, group, status, reason)
    physical = old if kind == 'Delete' and old else group or old or 'none'
    if kind == 'Create' and status == 'FAILED':
        physical = 'failed:' + (group or 'none')
    answer = {'Status': status, 'Reason': reason[:1000], 'PhysicalResourceId': str(physical)}
    try:
        answer.update((key, event.get(key)) for key in ('StackId', 'RequestId', 'LogicalResourceId'))
        body = json.dumps(answer).encode()
        urlopen(urllib.request.Request(event['ResponseURL'], body, {'Content-Type': ''}, method='PUT'), timeout=RESPOND)
    except Exception as exc:
        print('no response sent:', repr(exc))
    return status

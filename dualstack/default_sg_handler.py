"""Custom::DefaultSecurityGroupRules: remove every rule of a VPC's default security group; put them back on Delete.

This file is the Lambda function's code, inlined into the templates (ZipFile) as it is. Create and Update revoke
the default rules (all traffic from the group itself; all traffic out to 0.0.0.0/0 and to ::/0), Delete
authorizes them again. Rules already gone, or already back, are not errors. Every request gets a response,
FAILED with the error when anything fails, so a stack never waits for one.
"""

import json
import urllib.request
from typing import Any

Rule = tuple[str, dict[str, Any]]


def default_rules(group: str, account: str) -> list[Rule]:
    """(direction, rule) for each rule EC2 gives a default security group; ::/0 when the VPC has IPv6."""
    return [
        ("ingress", {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group, "UserId": account}]}),
        ("egress", {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),
        ("egress", {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}),
    ]


def change(ec2: Any, verb: str, group: str, account: str) -> None:
    """``verb`` is revoke or authorize: one call per rule, so one missing rule cannot hide the others."""
    # A group already deleted (its VPC replaced or deleted) has no rules to put back.
    harmless = (
        ["InvalidPermission.NotFound"] if verb == "revoke" else ["InvalidPermission.Duplicate", "InvalidGroup.NotFound"]
    )
    for direction, rule in default_rules(group, account):
        try:
            getattr(ec2, verb + "_security_group_" + direction)(GroupId=group, IpPermissions=[rule])
        except Exception as exc:
            if getattr(exc, "response", {}).get("Error", {}).get("Code") not in harmless:
                raise


def handler(event: dict[str, Any], context: Any, ec2: Any = None, urlopen: Any = urllib.request.urlopen) -> str:
    props: dict[str, Any] = event.get("ResourceProperties") or {}
    group = props.get("GroupId")
    status, reason = "SUCCESS", "done"
    try:
        verb = {"Create": "revoke", "Update": "revoke", "Delete": "authorize"}[event["RequestType"]]
        if ec2 is None:
            import boto3
            from botocore.config import Config

            # At most 3 calls x 2 attempts x 15 s: well inside the function's timeout, so it can still answer.
            ec2 = boto3.client("ec2", config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 2}))
        change(ec2, verb, props["GroupId"], props["Account"])
    except Exception as exc:
        status, reason = "FAILED", f"{type(exc).__name__}: {exc}"
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:1000],
            # The group: a new one (a new VPC) makes CloudFormation send Delete, restoring the old group's rules.
            "PhysicalResourceId": group or event.get("PhysicalResourceId") or "none",
            "StackId": event.get("StackId"),
            "RequestId": event.get("RequestId"),
            "LogicalResourceId": event.get("LogicalResourceId"),
        }
    ).encode()
    request = urllib.request.Request(
        event.get("ResponseURL", ""), data=body, method="PUT", headers={"Content-Type": ""}
    )
    try:
        urlopen(request, timeout=30).close()
    except Exception as exc:
        print(f"could not send the response: {type(exc).__name__}: {exc}")
    return status

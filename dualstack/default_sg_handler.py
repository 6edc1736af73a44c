"""Custom::DefaultSecurityGroupRules: the Lambda function's inline code (see dualstack/defaultsg.py)."""

import json
import urllib.request
from typing import Any

Rule = tuple[str, dict[str, Any]]
# Seconds. An EC2 call makes at most ATTEMPTS tries (a retry waits <= 6 s); none starts without time for them.
CONNECT, READ, ATTEMPTS, RESPOND = 5, 5, 2, 10
RESERVE = ATTEMPTS * (CONNECT + READ) + 6 + RESPOND


def client_config() -> Any:
    from botocore.config import Config

    return Config(
        connect_timeout=CONNECT, read_timeout=READ, retries={"total_max_attempts": ATTEMPTS, "mode": "standard"}
    )


def default_rules(group: str, account: str) -> list[Rule]:
    """(direction, rule) for each rule EC2 gives a default security group (::/0 with IPv6)."""
    return [
        ("ingress", {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group, "UserId": account}]}),
        ("egress", {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),
        ("egress", {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}),
    ]


def change(ec2: Any, verb: str, group: str, account: str, context: Any = None) -> None:
    """One call per rule, so a missing rule cannot hide the others; a deleted group has none to put back."""
    harmless = (
        ["InvalidPermission.NotFound"] if verb == "revoke" else ["InvalidPermission.Duplicate", "InvalidGroup.NotFound"]
    )
    for direction, rule in default_rules(group, account):
        if context and context.get_remaining_time_in_millis() < RESERVE * 1000:
            raise TimeoutError("too little time left")
        try:
            getattr(ec2, verb + "_security_group_" + direction)(GroupId=group, IpPermissions=[rule])
        except Exception as exc:
            if getattr(exc, "response", {}).get("Error", {}).get("Code") not in harmless:
                raise


def handler(event: dict[str, Any], context: Any, ec2: Any = None, urlopen: Any = urllib.request.urlopen) -> str:
    props: dict[str, Any] = event.get("ResourceProperties") or {}
    group, kind, old = props.get("GroupId"), event.get("RequestType") or "", event.get("PhysicalResourceId") or ""
    status, reason = "SUCCESS", "done"
    try:
        verb = {"Create": "revoke", "Update": "revoke", "Delete": "authorize"}[kind]
        if kind != "Delete" or (group and not old.startswith("failed:")):
            if ec2 is None:
                import boto3

                ec2 = boto3.client("ec2", config=client_config())
            change(ec2, verb, props["GroupId"], props["Account"], context)
    except Exception as exc:
        status, reason = "FAILED", f"{type(exc).__name__}: {exc}"
    # A new group (a new VPC) makes CloudFormation send Delete, restoring the old group's rules.
    physical = old if kind == "Delete" and old else group or old or "none"
    if kind == "Create" and status == "FAILED":
        physical = f"failed:{group or 'none'}"
    answer: dict[str, Any] = {"Status": status, "Reason": reason[:1000], "PhysicalResourceId": physical}
    answer.update((key, event.get(key)) for key in ("StackId", "RequestId", "LogicalResourceId"))
    body = json.dumps(answer).encode()
    request = urllib.request.Request(
        event.get("ResponseURL", ""), data=body, method="PUT", headers={"Content-Type": ""}
    )
    try:
        urlopen(request, timeout=RESPOND).close()
    except Exception as exc:
        print(f"could not send the response: {type(exc).__name__}: {exc}")
    return status

"""Flow logs: all traffic, logs kept, and a role that can do only what delivery needs."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from dualstack import TemplateSpec
from dualstack.proofs.evaluate import evaluate

from .conftest import rendered

BUCKET = "arn:aws:s3:::example-flow-logs"


def _deploy(choices: dict[str, str]) -> dict[str, dict[str, Any]]:
    return evaluate(rendered(TemplateSpec()), choices, region="eu-west-1", stack_name="net").resources


def test_cloudwatch_flow_log_records_all_traffic_of_the_vpc_to_its_group_by_name() -> None:
    props = _deploy({"FlowLogs": "CloudWatchLogs"})["FlowLog"]["Properties"]
    assert props["ResourceId"] == "<Vpc>"
    assert props["ResourceType"] == "VPC"
    assert props["TrafficType"] == "ALL"
    assert props["LogDestinationType"] == "cloud-watch-logs"
    # By name: the group's Arn attribute ends in ":*", which breaks delivery as a LogDestination.
    assert props["LogGroupName"] == "<FlowLogGroup>"
    assert "LogDestination" not in props
    assert props["DeliverLogsPermissionArn"] == "<FlowLogRole.Arn>"


def test_s3_flow_log_writes_to_the_given_bucket_without_a_role() -> None:
    resources = _deploy({"FlowLogs": "S3", "FlowLogS3BucketArn": BUCKET})
    props = resources["FlowLog"]["Properties"]
    assert props["LogDestinationType"] == "s3"
    assert props["LogDestination"] == BUCKET
    assert "DeliverLogsPermissionArn" not in props
    assert "LogGroupName" not in props
    assert "FlowLogRole" not in resources


def test_log_group_survives_stack_deletion_and_replacement() -> None:
    group = rendered(TemplateSpec())["Resources"]["FlowLogGroup"]
    assert group["DeletionPolicy"] == "Retain"
    assert group["UpdateReplacePolicy"] == "Retain"
    # The integer the parameter names, through the LogRetention mapping: a Ref would pass text on.
    assert group["Properties"]["RetentionInDays"] == {
        "Fn::FindInMap": ["LogRetention", "Days", {"Ref": "FlowLogRetentionDays"}]
    }


def test_role_trust_policy_admits_only_the_flow_logs_service_of_this_account() -> None:
    role = _deploy({"FlowLogs": "CloudWatchLogs"})["FlowLogRole"]["Properties"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Action"] == ["sts:AssumeRole"]
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*"},
    }


def test_role_may_only_write_to_its_own_log_group() -> None:
    role = _deploy({"FlowLogs": "CloudWatchLogs"})["FlowLogRole"]["Properties"]
    assert "ManagedPolicyArns" not in role
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    assert statements == [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": ["<FlowLogGroup.Arn>"],
        }
    ]
    assert "*" not in repr(statements).replace("vpc-flow-log/*", "")


def test_destination_output_names_the_group_or_the_bucket() -> None:
    template = rendered(TemplateSpec())
    cloudwatch = evaluate(template, {"FlowLogs": "CloudWatchLogs"}, region="eu-west-1").outputs
    assert cloudwatch["FlowLogDestination"]["Value"] == "arn:aws:logs:eu-west-1:123456789012:log-group:<FlowLogGroup>"
    s3 = evaluate(template, {"FlowLogs": "S3", "FlowLogS3BucketArn": BUCKET}).outputs
    assert s3["FlowLogDestination"]["Value"] == BUCKET
    assert "FlowLogDestination" not in evaluate(template).outputs


KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
#: The version-5 fields that say which way a flow went and through what (Amazon VPC User Guide, flow log records).
VERSION_5 = ("flow-direction", "traffic-path", "pkt-src-aws-service", "pkt-dst-aws-service")


def test_records_carry_the_version_5_fields_and_the_address_family_after_the_default_ones() -> None:
    props = _deploy({"FlowLogs": "CloudWatchLogs"})["FlowLog"]["Properties"]
    fields = props["LogFormat"].split(" ")
    assert all(f.startswith("${") and f.endswith("}") for f in fields)
    names = [f[2:-1] for f in fields]
    # The default format's fields first, in AWS's order, so a reader of the default format still finds them.
    assert names[:14] == [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
        "protocol", "packets", "bytes", "start", "end", "action", "log-status",
    ]  # fmt: skip
    assert set(VERSION_5) | {"type", "tcp-flags"} <= set(names)
    assert len(set(names)) == len(names)


def test_aggregation_interval_is_a_choice_of_the_two_aws_accepts() -> None:
    parameter = rendered(TemplateSpec())["Parameters"]["FlowLogAggregationSeconds"]
    assert parameter["AllowedValues"] == ["600", "60"]
    assert parameter["Default"] == "600"
    props = _deploy({"FlowLogs": "S3", "FlowLogS3BucketArn": BUCKET, "FlowLogAggregationSeconds": "60"})
    assert props["FlowLog"]["Properties"]["MaxAggregationInterval"] == "60"


def test_log_group_is_encrypted_with_the_given_key_and_only_then() -> None:
    assert "KmsKeyId" not in _deploy({"FlowLogs": "CloudWatchLogs"})["FlowLogGroup"]["Properties"]
    group = _deploy({"FlowLogs": "CloudWatchLogs", "FlowLogKmsKeyArn": KEY})["FlowLogGroup"]["Properties"]
    assert group["KmsKeyId"] == KEY


def test_retention_offers_a_year_and_longer_for_controls_that_require_it() -> None:
    allowed = [int(v) for v in rendered(TemplateSpec())["Parameters"]["FlowLogRetentionDays"]["AllowedValues"]]
    assert {365, 400, 545, 731, 1096, 1827, 3653} <= set(allowed)
    for days in allowed:
        deployed = _deploy({"FlowLogs": "CloudWatchLogs", "FlowLogRetentionDays": str(days)})
        assert deployed["FlowLogGroup"]["Properties"]["RetentionInDays"] == days  # an integer, every allowed value


def _queries(resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in resources.items() if v["Type"] == "AWS::Logs::QueryDefinition"}


def test_saved_queries_exist_with_the_log_group_and_read_only_it() -> None:
    assert _queries(_deploy({})) == {}
    assert _queries(_deploy({"FlowLogs": "S3", "FlowLogS3BucketArn": BUCKET})) == {}
    queries = _queries(_deploy({"FlowLogs": "CloudWatchLogs"}))
    assert set(queries) == {"FlowLogBytesQuery", "FlowLogInboundIpv6Query"}
    for query in queries.values():
        assert query["LogGroupNames"] == ["<FlowLogGroup>"]
        assert query["Name"].startswith("net/flow-logs/")


@pytest.mark.parametrize("encryption", ["None", "Monitor", "Enforce"])
def test_queries_parse_exactly_the_fields_of_the_record_format(encryption: str) -> None:
    resources = _deploy({"FlowLogs": "CloudWatchLogs", "EncryptionControl": encryption})
    fields = [f[2:-1].replace("-", "_") for f in resources["FlowLog"]["Properties"]["LogFormat"].split(" ")]
    queries = _queries(resources)
    assert ("FlowLogUnencryptedQuery" in queries) is (encryption != "None")
    for query in queries.values():
        first = query["QueryString"].split("\n")[0]
        pattern, names = first.removeprefix('parse @message "').split('" as ')
        assert pattern.split(" ") == ["*"] * len(fields)
        assert names.split(", ") == fields


def test_with_an_encryption_control_records_add_reject_reason_and_encryption_status_and_only_then() -> None:
    without = _deploy({"FlowLogs": "CloudWatchLogs"})["FlowLog"]["Properties"]["LogFormat"]
    for encryption in ("Monitor", "Enforce"):
        with_control = _deploy({"FlowLogs": "CloudWatchLogs", "EncryptionControl": encryption})
        fields = with_control["FlowLog"]["Properties"]["LogFormat"]
        # The format of a stack without one, unchanged, then the two fields: LogFormat is create-only.
        assert fields == without + " ${reject-reason} ${encryption-status}"
    query = _queries(_deploy({"FlowLogs": "CloudWatchLogs", "EncryptionControl": "Monitor"}))
    unencrypted = query["FlowLogUnencryptedQuery"]["QueryString"]
    assert 'action = "ACCEPT" and encryption_status = "0"' in unencrypted
    # Saved queries come with the CloudWatch Logs group only.
    s3 = {"FlowLogs": "S3", "FlowLogS3BucketArn": BUCKET, "EncryptionControl": "Monitor"}
    assert _queries(_deploy(s3)) == {}


def test_bytes_query_sums_by_address_family_direction_and_path() -> None:
    query = _queries(_deploy({"FlowLogs": "CloudWatchLogs"}))["FlowLogBytesQuery"]["QueryString"]
    assert "| stats sum(bytes) as total_bytes by type, flow_direction, traffic_path," in query


def test_inbound_ipv6_query_keeps_connections_opened_from_outside_the_vpcs_block() -> None:
    resources = _deploy({"FlowLogs": "CloudWatchLogs"})
    query = _queries(resources)["FlowLogInboundIpv6Query"]["QueryString"]
    assert 'type = "IPv6" and flow_direction = "ingress" and action = "ACCEPT"' in query
    # The evaluator's example /56 of the VPC: the block is read once it is associated.
    assert 'not isIpv6InSubnet(srcaddr, "2001:db8:1234:1a00::/56")' in query
    assert "VpcIpv6CidrBlock" in resources["FlowLogInboundIpv6Query"]["DependsOn"]
    # Flow logs OR the flags seen in a record: FIN 1, SYN 2, RST 4, SYN-ACK 18. Opened from outside: SYN without
    # SYN-ACK (a reply to a connection opened from inside carries SYN-ACK).
    flags = (1, 2, 4, 18)
    combos = {sum(c) for n in range(1, 5) for c in itertools.combinations(flags, n)}
    opened_from_outside = sorted(v for v in combos if v & 2 and not v & 16)
    listed = query.split("tcp_flags in [")[1].split("]")[0]
    assert [int(v.strip('" ')) for v in listed.split(",")] == opened_from_outside

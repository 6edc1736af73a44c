"""Flow logs: all traffic, logs kept, and a role that can do only what delivery needs."""

from __future__ import annotations

from typing import Any

from dualstack import TemplateSpec
from dualstack.evaluate import evaluate

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
    assert group["Properties"]["RetentionInDays"] == {"Ref": "FlowLogRetentionDays"}


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

"""VPC flow logs: to a retained CloudWatch Logs group (with a least-privilege role) or to an existing S3 bucket."""

from __future__ import annotations

from dataclasses import dataclass

from awacs import logs, sts
from awacs.aws import Allow, ArnLike, Condition, PolicyDocument, Principal, Statement, StringEquals
from troposphere import AWSHelperFn, GetAtt, If, NoValue, Sub, Template, ec2, iam
from troposphere import logs as cwlogs

from . import names
from .network import Network
from .parameters import Parameters, when

FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com"
POLICY_VERSION = "2012-10-17"


@dataclass(frozen=True)
class FlowLogs:
    flow_log: ec2.FlowLog
    log_group: cwlogs.LogGroup
    role: iam.Role
    #: The log group's ARN (without the ``:*`` of its ``Arn`` attribute) or the bucket's, whichever was chosen.
    destination: AWSHelperFn


def trust_policy() -> PolicyDocument:
    """Only the flow-logs service may assume the role, and only for flow logs of this account and region
    (``aws:SourceAccount`` and ``aws:SourceArn`` guard against the confused deputy)."""
    return PolicyDocument(
        Version=POLICY_VERSION,
        Statement=[
            Statement(
                Effect=Allow,
                Principal=Principal("Service", FLOW_LOGS_SERVICE),
                Action=[sts.AssumeRole],
                Condition=Condition(
                    [
                        StringEquals({"aws:SourceAccount": Sub("${AWS::AccountId}")}),
                        ArnLike(
                            {
                                "aws:SourceArn": Sub(
                                    "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*"
                                )
                            }
                        ),
                    ]
                ),
            )
        ],
    )


def write_policy(log_group: cwlogs.LogGroup) -> PolicyDocument:
    """Write streams and events to this one log group, and nothing else (its ``Arn`` ends in ``:*``,
    which covers its streams)."""
    return PolicyDocument(
        Version=POLICY_VERSION,
        Statement=[
            Statement(
                Effect=Allow,
                Action=[logs.CreateLogStream, logs.PutLogEvents, logs.DescribeLogStreams],
                Resource=[GetAtt(log_group, "Arn")],
            )
        ],
    )


def add_flow_logs(t: Template, params: Parameters, network: Network) -> FlowLogs:
    """A flow log of all traffic of the VPC when ``FlowLogs`` is not None; the group and role only for CloudWatch."""
    to_cloudwatch = names.FLOW_LOGS_TO_CLOUDWATCH_LOGS
    log_group = t.add_resource(
        cwlogs.LogGroup(
            names.FLOW_LOG_GROUP,
            # Deleting or replacing the stack must never delete the logs.
            DeletionPolicy="Retain",
            UpdateReplacePolicy="Retain",
            RetentionInDays=params.flow_log_retention_days.ref(),
            Tags=names.name_tags("flow-logs"),
            **when(to_cloudwatch),
        )
    )
    role = t.add_resource(
        iam.Role(
            names.FLOW_LOG_ROLE,
            AssumeRolePolicyDocument=trust_policy(),
            Policies=[iam.Policy(PolicyName="write-flow-logs", PolicyDocument=write_policy(log_group))],
            Tags=names.name_tags("flow-logs"),
            **when(to_cloudwatch),
        )
    )
    flow_log = t.add_resource(
        ec2.FlowLog(
            names.FLOW_LOG,
            ResourceId=network.vpc.ref(),
            ResourceType="VPC",
            # ALL, not ACCEPT: the point is to see what was refused, such as inbound IPv6.
            TrafficType="ALL",
            LogDestinationType=If(to_cloudwatch, "cloud-watch-logs", "s3"),
            # The group by name: its Arn attribute ends in ":*", which as a LogDestination makes
            # delivery fail with access denied.
            LogGroupName=If(to_cloudwatch, log_group.ref(), NoValue),
            LogDestination=If(to_cloudwatch, NoValue, params.flow_log_s3_bucket_arn.ref()),
            DeliverLogsPermissionArn=If(to_cloudwatch, GetAtt(role, "Arn"), NoValue),
            Tags=names.name_tags("flow-log"),
            **when(names.HAS_FLOW_LOGS),
        )
    )
    group_arn = Sub(
        f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{names.FLOW_LOG_GROUP}}}"
    )
    destination = If(to_cloudwatch, group_arn, params.flow_log_s3_bucket_arn.ref())
    return FlowLogs(flow_log, log_group, role, destination)

"""VPC flow logs: to a retained CloudWatch Logs group (with a least-privilege role) or to an existing S3 bucket.

Records carry the version-5 fields as well as the default ones: ``type`` (IPv4 or
IPv6), ``flow-direction``, ``traffic-path`` (for egress: 1 within the VPC, which
includes traffic to a NAT gateway; 2 or 8 through an internet gateway or a gateway
endpoint) and the AWS services at either end ("Flow log records", Amazon VPC User
Guide: https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html).
Every property of ``AWS::EC2::FlowLog`` is create-only, so changing the format or
the aggregation interval replaces the flow log; its records keep going to the same
group or bucket.

With CloudWatch Logs, two saved Logs Insights queries come with the group.
"""

from __future__ import annotations

from dataclasses import dataclass

from awacs.aws import ArnLike, PolicyDocument, StringEquals
from awacs.aws import Condition as PolicyCondition
from troposphere import (
    And,
    AWSHelperFn,
    Condition,
    Equals,
    FindInMap,
    GetAtt,
    If,
    Join,
    Not,
    NoValue,
    Parameter,
    Sub,
    Template,
    ec2,
    iam,
)
from troposphere import logs as cwlogs

from dualstack.builders import naming, policies
from dualstack.builders.network import Network
from dualstack.builders.parameters import add_choice, add_parameter, require_value, when
from dualstack.model import names
from dualstack.model.choices import FLOW_LOGS_CLOUDWATCH, FLOW_LOGS_NONE, FLOW_LOGS_S3

FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com"
#: The retention periods CloudWatch Logs accepts, in days.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
#: The record's fields, in order: the default (version 2) ones, then those of versions 3 to 5.
LOG_FORMAT_FIELDS = (
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "az-id",
    "flow-direction",
    "traffic-path",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
)
#: With an encryption control (``EncryptionControl`` Monitor or Enforce), two more at the end: ``reject-reason``
#: (why a flow was refused, such as ``BPA`` for Block Public Access; version 8) and ``encryption-status`` (0 not
#: encrypted, 1 encrypted by the Nitro hardware, 2 encrypted by the application (TLS) as AWS sees it, 3 both)
#: ("Flow log records", Amazon VPC User Guide; "VPC Encryption Controls", same guide).
ENCRYPTION_FIELDS = ("reject-reason", "encryption-status")


def log_format(fields: tuple[str, ...]) -> str:
    return " ".join(f"${{{name}}}" for name in fields)


def parse(fields: tuple[str, ...]) -> str:
    """Logs Insights parses a custom format itself: one glob per field, named with underscores."""
    return f'parse @message "{" ".join("*" for _ in fields)}" as ' + ", ".join(
        name.replace("-", "_") for name in fields
    )


LOG_FORMAT = log_format(LOG_FORMAT_FIELDS)
#: The fields of a VPC with an encryption control: the others, then ``ENCRYPTION_FIELDS``.
ENCRYPTION_LOG_FORMAT_FIELDS = (*LOG_FORMAT_FIELDS, *ENCRYPTION_FIELDS)
PARSE = parse(LOG_FORMAT_FIELDS)
#: Bytes per address family, direction and path, and the AWS services at either end.
BYTES_QUERY_BODY = (
    '\n| filter log_status = "OK"\n'
    "| stats sum(bytes) as total_bytes by type, flow_direction, traffic_path, pkt_src_aws_service, pkt_dst_aws_service"
    "\n| sort total_bytes desc"
)
BYTES_QUERY = PARSE + BYTES_QUERY_BODY
#: TCP connections into the VPC over IPv6 from outside it that were accepted: an ingress record whose flags hold
#: SYN (2), possibly with FIN (1) or RST (4), but not SYN-ACK (18), is a connection opened from outside; replies
#: to connections opened from inside carry SYN-ACK. With egress-only IPv6 routing there should be none.
INBOUND_IPV6_QUERY_BODY = (
    "\n"
    '| filter type = "IPv6" and flow_direction = "ingress" and action = "ACCEPT" and protocol = "6"'
    ' and tcp_flags in ["2", "3", "6", "7"] and not isIpv6InSubnet(srcaddr, "${VpcIpv6Block}")\n'
    "| stats count(*) as records, sum(bytes) as total_bytes by srcaddr, dstaddr, dstport, interface_id"
    "\n| sort records desc"
)
INBOUND_IPV6_QUERY = PARSE + INBOUND_IPV6_QUERY_BODY
#: Accepted flows the VPC saw unencrypted (``encryption-status`` 0): what enforce mode would refuse, unless a
#: gateway it excludes carries them. Run it in monitor mode before switching to enforce.
UNENCRYPTED_QUERY = (
    parse(ENCRYPTION_LOG_FORMAT_FIELDS)
    + '\n| filter log_status = "OK" and action = "ACCEPT" and encryption_status = "0"\n'
    "| stats count(*) as records, sum(bytes) as total_bytes by srcaddr, dstaddr, dstport, protocol, traffic_path"
    "\n| sort total_bytes desc"
)


def _with_encryption_fields(base: str, extra: str) -> Join:
    """``base``, then ``extra`` where the VPC has an encryption control: one ``Fn::Join`` rather than two copies of the
    text in an ``Fn::If``, which would take the public template for 6 AZs over the inline limit."""
    return Join("", [base, If(names.HAS_ENCRYPTION_CONTROL, extra, "")])


def _for_format(body: AWSHelperFn | str) -> Join:
    """A saved query's text for the format the flow log has: the parse line names every field, in order."""
    globs, fields = (
        " ".join("*" for _ in LOG_FORMAT_FIELDS),
        ", ".join(f.replace("-", "_") for f in LOG_FORMAT_FIELDS),
    )
    extra_globs = "".join(" *" for _ in ENCRYPTION_FIELDS)
    extra_fields = "".join(", " + f.replace("-", "_") for f in ENCRYPTION_FIELDS)
    on = names.HAS_ENCRYPTION_CONTROL
    return Join(
        "",
        [f'parse @message "{globs}', If(on, extra_globs, ""), f'" as {fields}', If(on, extra_fields, ""), body],
    )


@dataclass(frozen=True)
class FlowLogParameters:
    """The flow-log parameters other options read (the default security group's log group takes the same key)."""

    retention_days: Parameter
    s3_bucket_arn: Parameter
    kms_key_arn: Parameter
    aggregation_seconds: Parameter

    def retention(self) -> FindInMap:
        """``FlowLogRetentionDays`` as the integer CloudFormation passes on (``LogRetention`` mapping), not text."""
        return FindInMap(names.LOG_RETENTION_MAPPING, names.LOG_RETENTION_KEY, self.retention_days.ref())


def add_flow_log_parameters(t: Template) -> FlowLogParameters:
    """The flow-log choices of the console form's "Flow logs" group, their conditions, mapping and rule."""
    group = "Flow logs"
    flow_logs = add_choice(
        t,
        group,
        "VPC flow logs",
        names.FLOW_LOGS_PARAM,
        [FLOW_LOGS_NONE, FLOW_LOGS_CLOUDWATCH, FLOW_LOGS_S3],
        (
            "Log all traffic, accepted and rejected, of the whole VPC: to a new CloudWatch Logs group "
            "(kept when the stack is deleted) or to an existing S3 bucket."
        ),
    )
    retention = add_parameter(
        t,
        group,
        "Retention in days (CloudWatchLogs only)",
        Parameter(
            names.FLOW_LOG_RETENTION_DAYS_PARAM,
            Type="Number",
            Default="90",
            AllowedValues=[str(d) for d in LOG_RETENTION_DAYS],
            Description="How long the CloudWatch Logs group keeps flow log records (365 or more for compliance).",
        ),
    )
    kms_key = add_parameter(
        t,
        group,
        "KMS key ARN for the log groups",
        Parameter(
            names.FLOW_LOG_KMS_KEY_ARN_PARAM,
            Type="String",
            Default="",
            AllowedPattern=r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+)?$",
            ConstraintDescription="must be empty or a KMS key ARN (arn:aws:kms:region:account:key/id)",
            Description=(
                "Encrypts the flow-log group (CloudWatchLogs) and the default-security-group function's group. "
                "Empty: a key CloudWatch Logs manages. Or a symmetric KMS key in the stack's region whose policy "
                "lets logs.<region>.amazonaws.com use it (docs/flow-logs.md)."
            ),
        ),
    )
    aggregation = add_parameter(
        t,
        group,
        "Aggregation interval in seconds",
        Parameter(
            names.FLOW_LOG_AGGREGATION_SECONDS_PARAM,
            Type="Number",
            Default="600",
            AllowedValues=["600", "60"],
            Description="The longest a flow log record covers. Changing it replaces the flow log (a new ID).",
        ),
    )
    bucket = add_parameter(
        t,
        group,
        "S3 bucket ARN (S3 only)",
        Parameter(
            names.FLOW_LOG_S3_BUCKET_ARN_PARAM,
            Type="String",
            Default="",
            AllowedPattern=r"^(arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\s]*)?)?$",
            ConstraintDescription="must be empty or an S3 bucket ARN such as arn:aws:s3:::my-flow-logs",
            Description="ARN of an existing bucket (optionally with /prefix) whose policy lets flow logs write.",
        ),
    )
    t.add_condition(names.HAS_FLOW_LOGS, Not(Equals(flow_logs.ref(), FLOW_LOGS_NONE)))
    t.add_condition(names.FLOW_LOGS_TO_CLOUDWATCH_LOGS, Equals(flow_logs.ref(), FLOW_LOGS_CLOUDWATCH))
    t.add_condition(names.HAS_FLOW_LOG_KMS_KEY, Not(Equals(kms_key.ref(), "")))
    # HasEncryptionControl is the encryption control's (builders/encryption.py).
    t.add_condition(
        names.FLOW_LOGS_ENCRYPTION_QUERY,
        And(Condition(names.FLOW_LOGS_TO_CLOUDWATCH_LOGS), Condition(names.HAS_ENCRYPTION_CONTROL)),
    )
    t.add_mapping(names.LOG_RETENTION_MAPPING, {names.LOG_RETENTION_KEY: {str(d): d for d in LOG_RETENTION_DAYS}})
    require_value(
        t,
        "FlowLogS3BucketRequired",
        Equals(flow_logs.ref(), FLOW_LOGS_S3),
        bucket,
        "FlowLogs is S3: set FlowLogS3BucketArn to the ARN of an existing bucket",
    )
    return FlowLogParameters(retention, bucket, kms_key, aggregation)


@dataclass(frozen=True)
class FlowLogs:
    flow_log: ec2.FlowLog
    log_group: cwlogs.LogGroup
    role: iam.Role
    #: The log group's ARN (without the ``:*`` of its ``Arn`` attribute) or the bucket's, whichever was chosen.
    destination: AWSHelperFn
    parameters: FlowLogParameters


def trust_policy() -> PolicyDocument:
    """Only the flow-logs service may assume the role, and only for flow logs of this account and region
    (``aws:SourceAccount`` and ``aws:SourceArn`` guard against the confused deputy)."""
    source_arn = Sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*")
    return policies.trust(
        FLOW_LOGS_SERVICE,
        PolicyCondition(
            [StringEquals({"aws:SourceAccount": Sub("${AWS::AccountId}")}), ArnLike({"aws:SourceArn": source_arn})]
        ),
    )


def write_policy(log_group: cwlogs.LogGroup) -> PolicyDocument:
    """Write streams and events to this one log group, and nothing else (its ``Arn`` ends in ``:*``,
    which covers its streams)."""
    return policies.allow("logs", ["CreateLogStream", "PutLogEvents", "DescribeLogStreams"], [GetAtt(log_group, "Arn")])


def add_flow_logs(t: Template, network: Network) -> FlowLogs:
    """The flow-log parameters, and a flow log of all traffic of the VPC when ``FlowLogs`` is not None; the group
    and role only for CloudWatch."""
    params = add_flow_log_parameters(t)
    to_cloudwatch = names.FLOW_LOGS_TO_CLOUDWATCH_LOGS
    log_group = t.add_resource(
        cwlogs.LogGroup(
            names.FLOW_LOG_GROUP,
            # Deleting or replacing the stack must never delete the logs.
            DeletionPolicy="Retain",
            UpdateReplacePolicy="Retain",
            RetentionInDays=params.retention(),
            KmsKeyId=If(names.HAS_FLOW_LOG_KMS_KEY, params.kms_key_arn.ref(), NoValue),
            Tags=naming.name_tags("flow-logs"),
            **when(to_cloudwatch),
        )
    )
    role = t.add_resource(
        iam.Role(
            names.FLOW_LOG_ROLE,
            AssumeRolePolicyDocument=trust_policy(),
            Policies=[iam.Policy(PolicyName="write-flow-logs", PolicyDocument=write_policy(log_group))],
            Tags=naming.name_tags("flow-logs"),
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
            # The encryption fields only with an encryption control: the flow log of a stack without one keeps
            # the format it was created with (LogFormat is create-only: a change replaces the flow log).
            LogFormat=_with_encryption_fields(LOG_FORMAT, " " + log_format(ENCRYPTION_FIELDS)),
            MaxAggregationInterval=params.aggregation_seconds.ref(),
            LogDestinationType=If(to_cloudwatch, "cloud-watch-logs", "s3"),
            # The group by name: its Arn attribute ends in ":*", which as a LogDestination makes
            # delivery fail with access denied.
            LogGroupName=If(to_cloudwatch, log_group.ref(), NoValue),
            LogDestination=If(to_cloudwatch, NoValue, params.s3_bucket_arn.ref()),
            DeliverLogsPermissionArn=If(to_cloudwatch, GetAtt(role, "Arn"), NoValue),
            Tags=naming.name_tags("flow-log"),
            **when(names.HAS_FLOW_LOGS),
        )
    )
    t.add_resource(
        cwlogs.QueryDefinition(
            names.FLOW_LOG_BYTES_QUERY,
            Name=Sub("${AWS::StackName}/flow-logs/bytes-by-family-and-path"),
            LogGroupNames=[log_group.ref()],
            QueryString=_for_format(BYTES_QUERY_BODY),
            **when(to_cloudwatch),
        )
    )
    t.add_resource(
        cwlogs.QueryDefinition(
            names.FLOW_LOG_INBOUND_IPV6_QUERY,
            # It names the VPC's /56, which exists only once the block is associated.
            DependsOn=[network.ipv6_cidr_block],
            Name=Sub("${AWS::StackName}/flow-logs/ipv6-connections-opened-from-outside"),
            LogGroupNames=[log_group.ref()],
            # Fn::Sub takes its text as a literal, not a function's result: it fills in the body alone.
            QueryString=_for_format(Sub(INBOUND_IPV6_QUERY_BODY, VpcIpv6Block=network.vpc_ipv6_block())),
            **when(to_cloudwatch),
        )
    )
    t.add_resource(
        cwlogs.QueryDefinition(
            names.FLOW_LOG_UNENCRYPTED_QUERY,
            Name=Sub("${AWS::StackName}/flow-logs/unencrypted-flows"),
            LogGroupNames=[log_group.ref()],
            QueryString=UNENCRYPTED_QUERY,
            Condition=names.FLOW_LOGS_ENCRYPTION_QUERY,
        )
    )
    group_arn = Sub(
        f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{names.FLOW_LOG_GROUP}}}"
    )
    destination = If(to_cloudwatch, group_arn, params.s3_bucket_arn.ref())
    return FlowLogs(flow_log, log_group, role, destination, params)

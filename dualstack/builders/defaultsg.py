"""The VPC's default security group, left with no rules at all when ``RestrictDefaultSecurityGroup=true``.

The default is ``false``: a stack updated to a template that has this option keeps EC2's default rules, which
workloads launched without a security group of their own may rely on, until its owner chooses ``true``.

EC2 gives every VPC a default security group that admits all traffic from itself and lets
everything out (to ``::/0`` as well, once the VPC has an IPv6 block); CloudFormation cannot
change its rules. AWS Security Hub control EC2.2 and CIS AWS Foundations 5.4 want them gone.
Like AWS CDK's ``Custom::VpcRestrictDefaultSG`` (aws-cdk ``aws-ec2/lib/vpc.ts``), a custom
resource does it; unlike it, this one revokes the IPv6 egress rule too (aws/aws-cdk#29709).

The Lambda function's code is ``default_sg_handler.py``, read from the package when the template
is built and inlined as it is (``ZipFile``, at most 4,096 characters). Its role may revoke and
authorize rules of this one group, and write to the function's own log group, and do nothing
else. A failure is reported in the stack's events (the custom resource's status reason) and
logged there: each request's outcome and each retried try. The log group is the function's own
through Lambda's ``LoggingConfig`` (not the ``/aws/lambda/<name>`` group Lambda would create
outside the stack, without retention), kept 365 days, and encrypted with ``FlowLogKmsKeyArn``
when one is given, so the compliant parameter set holds for it too (CT.CLOUDWATCH.PR.2 and .3).
Deleting the custom resource, by setting the parameter to false or by deleting the stack, puts
the default rules back.

The handler: Create and Update revoke the default rules (all from the group itself; all out to 0.0.0.0/0 and
::/0), Delete authorizes them again; rules already gone, or back, are not errors, and one refused leaves the others
tried (the first error is the answer), so a Delete never stops at the first rule. EC2 is called with botocore's
own retries off; the handler tries a call again after throttling (``RequestLimitExceeded`` and the like), an AWS
internal error or a call that got no answer (a botocore timeout), waiting 1, 2, 4, then 8 s between tries, for as
long as the function has time for the wait, one more try and the response (``RESERVE``): a throttled Delete does
not give up in a second and leave the group empty while the parameter says false. Every request is answered, even
one whose properties are not an object, FAILED with the real error (a timeout as a timeout) if anything fails. A
failed Create answers the ID ``failed:GROUP``; Delete of it, or of no group, succeeds at once, so rollback never
sticks. Its text counts towards each template's size, so its documentation lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from awacs.aws import PolicyDocument
from troposphere import (
    AWSObject,
    Equals,
    GetAtt,
    If,
    NoValue,
    Parameter,
    PropsDictType,
    Ref,
    Sub,
    Template,
    awslambda,
    cloudformation,
    ec2,
    iam,
    logs,
)

from dualstack.builders import naming, policies
from dualstack.builders.flowlogs import FlowLogs
from dualstack.builders.network import Network
from dualstack.builders.parameters import add_choice, when
from dualstack.model import names

#: Custom resource type (shown in the console's resource list).
RESOURCE_TYPE = "Custom::DefaultSecurityGroupRules"
#: The Lambda runtime: supported by Lambda until 2029 (cfn-lint's runtime lifecycle data).
RUNTIME = "python3.13"
#: The function's log group keeps records a year: CT.CLOUDWATCH.PR.2 asks that of every log group.
LOG_RETENTION_DAYS = 365
#: CloudFormation's own limit for a custom resource to answer; below its one-hour default, so that a function that
#: never answers fails the stack in minutes ("ServiceTimeout", AWS::CloudFormation::CustomResource reference).
SERVICE_TIMEOUT_SECONDS = 300
FUNCTION_TIMEOUT_SECONDS = 120


def handler_source() -> str:
    """The handler module's text, exactly as committed: it is the function's inline code.

    Read beside this module rather than through ``importlib.resources``, whose readers import tempfile, zipfile and
    the compression modules: several milliseconds of every ``generate.py`` run, for a package that is always files.
    """
    return Path(__file__).with_name("default_sg_handler.py").read_text(encoding="utf-8")


class DefaultSecurityGroupRules(AWSObject):
    """The custom resource: the group whose rules go, and the account that owns it (for its self-referencing rule)."""

    resource_type = RESOURCE_TYPE
    # troposphere declares props as a plain class attribute, as every resource class of its own does.
    props: PropsDictType = {  # noqa: RUF012
        **cloudformation.CustomResource.props,
        "GroupId": (str, True),
        "Account": (str, True),
    }


@dataclass(frozen=True)
class DefaultSecurityGroup:
    rules: DefaultSecurityGroupRules
    function: awslambda.Function
    role: iam.Role


def _security_group_arn(vpc: ec2.VPC) -> Sub:
    return Sub(
        "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/${Group}",
        Group=GetAtt(vpc, "DefaultSecurityGroup"),
    )


def role_policy(vpc: ec2.VPC) -> PolicyDocument:
    """Revoke and authorize rules of the VPC's default security group, and nothing else."""
    verbs = [
        f"{verb}SecurityGroup{direction}" for verb in ("Revoke", "Authorize") for direction in ("Ingress", "Egress")
    ]
    return policies.allow("ec2", verbs, [_security_group_arn(vpc)])


def log_policy(log_group: logs.LogGroup) -> PolicyDocument:
    """Write to the function's own log group (its ``Arn`` ends in ``:*``, which covers its streams), and nothing
    else."""
    return policies.allow("logs", ["CreateLogStream", "PutLogEvents"], [GetAtt(log_group, "Arn")])


def _add_parameter(t: Template) -> Parameter:
    restrict = add_choice(
        t,
        "Default security group",
        "Remove the default security group's rules",
        names.RESTRICT_DEFAULT_SECURITY_GROUP_PARAM,
        ["false", "true"],
        (
            "false: EC2's default rules (all traffic among the group's members, all outbound). true: the VPC's "
            "default security group admits nothing and lets nothing out (IPv4, IPv6), through a Lambda-backed "
            "custom resource; false again puts the rules back."
        ),
    )
    t.add_condition(names.DEFAULT_SECURITY_GROUP_RESTRICTED, Equals(restrict.ref(), "true"))
    return restrict


def add_default_security_group(t: Template, network: Network, flow_logs: FlowLogs) -> DefaultSecurityGroup:
    """The parameter, and the role, log group, function and custom resource that exist when it is true."""
    _add_parameter(t)
    condition = when(names.DEFAULT_SECURITY_GROUP_RESTRICTED)
    log_group = t.add_resource(
        logs.LogGroup(
            names.DEFAULT_SECURITY_GROUP_LOG_GROUP,
            # Kept when the stack goes, as the flow logs are: the record of what the function did.
            DeletionPolicy="Retain",
            UpdateReplacePolicy="Retain",
            RetentionInDays=LOG_RETENTION_DAYS,
            KmsKeyId=If(names.HAS_FLOW_LOG_KMS_KEY, flow_logs.parameters.kms_key_arn.ref(), NoValue),
            Tags=naming.name_tags("default-sg"),
            **condition,
        )
    )
    role = t.add_resource(
        iam.Role(
            names.DEFAULT_SECURITY_GROUP_ROLE,
            AssumeRolePolicyDocument=policies.trust("lambda.amazonaws.com"),
            Policies=[
                iam.Policy(
                    PolicyName="default-security-group-rules",
                    PolicyDocument=policies.combined(role_policy(network.vpc), log_policy(log_group)),
                )
            ],
            Tags=naming.name_tags("default-sg"),
            **condition,
        )
    )
    function = t.add_resource(
        awslambda.Function(
            names.DEFAULT_SECURITY_GROUP_FUNCTION,
            Description="Removes the rules of the VPC's default security group (IPv4, IPv6); restores them on delete",
            Runtime=RUNTIME,
            Handler="index.handler",
            Code=awslambda.Code(ZipFile=handler_source()),
            Role=GetAtt(role, "Arn"),
            Timeout=FUNCTION_TIMEOUT_SECONDS,
            MemorySize=128,
            LoggingConfig=awslambda.LoggingConfig(LogGroup=log_group.ref()),
            Tags=naming.name_tags("default-sg"),
            **condition,
        )
    )
    rules = t.add_resource(
        DefaultSecurityGroupRules(
            names.DEFAULT_SECURITY_GROUP_RULES,
            # EC2 adds the ::/0 egress rule to the default group when the VPC gets an IPv6 block: revoke after that.
            DependsOn=[network.ipv6_cidr_block],
            ServiceToken=GetAtt(function, "Arn"),
            ServiceTimeout=SERVICE_TIMEOUT_SECONDS,
            GroupId=GetAtt(network.vpc, "DefaultSecurityGroup"),
            Account=Ref("AWS::AccountId"),
            **condition,
        )
    )
    return DefaultSecurityGroup(rules, function, role)

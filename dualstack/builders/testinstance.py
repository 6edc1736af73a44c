"""The optional test instance that repeats the seed's experiment: SSH in over IPv4, NTP out over IPv6.

Off by default (``CreateTestInstance=false``). When on: one Ubuntu LTS instance in
the first public subnet with a public IPv4 address and one IPv6 address from the
subnet's /64, IMDSv2, an encrypted root volume and Session Manager access. Its
security group admits nothing, unless ``SshIngressCidr`` is given: then one
``AWS::EC2::SecurityGroupIngress`` resource admits SSH over IPv4 from that range
(a resource of its own, not an ``Fn::If`` inside the group, so that scanners can
read it). Never any IPv6 ingress.

No address of the instance is fixed. ``ImageId`` is create-only and comes from an
SSM parameter that CloudFormation reads again on every update, so any update after a
new AMI is published replaces the instance; CloudFormation creates the replacement
before it deletes the old one, and a fixed address would still be held by the old
instance ("Update behaviors of stack resources", CloudFormation User Guide).
"""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import And, Condition, Equals, GetAtt, If, Not, NoValue, Parameter, Sub, Template, ec2, iam

from dualstack.builders import naming, policies
from dualstack.builders.network import Network
from dualstack.builders.parameters import IPV4_OCTET, add_choice, add_parameter, when
from dualstack.builders.tiers import Tier
from dualstack.model import names

#: An IPv4 block of /1 to /32: never /0, which would open SSH to the whole internet whatever the address.
_IPV4_CIDR = rf"({IPV4_OCTET}\.){{3}}{IPV4_OCTET}/([1-9]|[12][0-9]|3[0-2])"


@dataclass(frozen=True)
class TestInstance:
    instance: ec2.Instance
    security_group: ec2.SecurityGroup
    #: Exists only when ``SshIngressCidr`` is given.
    ssh_ingress: ec2.SecurityGroupIngress


def _add_parameters(t: Template) -> tuple[Parameter, Parameter, Parameter, Parameter, Parameter]:
    group = "Test instance (reproduces the IPv4-in, IPv6-out experiment)"
    create = add_choice(
        t,
        group,
        "Create the test instance",
        names.CREATE_TEST_INSTANCE_PARAM,
        ["false", "true"],
        "true: one Ubuntu instance in the first public subnet, to prove the pattern (docs/experiment.md).",
    )
    instance_type = add_parameter(
        t,
        group,
        "Instance type",
        Parameter(
            names.TEST_INSTANCE_TYPE_PARAM,
            Type="String",
            Default="t3.micro",
            AllowedPattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$",
            ConstraintDescription="must be an instance type such as t3.micro (x86_64: the AMI is amd64)",
            Description="An x86_64 instance type; t3.micro is in every region.",
        ),
    )
    image = add_parameter(
        t,
        group,
        "AMI (SSM parameter)",
        Parameter(
            names.TEST_INSTANCE_IMAGE_PARAM,
            Type="AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            Default=names.UBUNTU_AMI_PARAMETER,
            ConstraintDescription="must be the path of an SSM parameter that holds an AMI ID",
            Description="Public SSM parameter naming the AMI; the default is the current Ubuntu 24.04 LTS (amd64).",
        ),
    )
    key_name = add_parameter(
        t,
        group,
        "Key pair (empty: Session Manager only)",
        Parameter(
            names.KEY_NAME_PARAM,
            Type="String",
            Default="",
            AllowedPattern=r"^[\x20-\x7E]{0,255}$",
            ConstraintDescription="must be the name of an existing EC2 key pair, or empty",
            Description="Existing EC2 key pair for SSH as ubuntu; leave empty to log in with Session Manager.",
        ),
    )
    ssh_cidr = add_parameter(
        t,
        group,
        "SSH source (IPv4 CIDR; empty: Session Manager only)",
        Parameter(
            names.SSH_INGRESS_CIDR_PARAM,
            Type="String",
            Default="",
            AllowedPattern=rf"^({_IPV4_CIDR})?$",
            ConstraintDescription="must be empty or an IPv4 CIDR block of /1 to /32 such as 203.0.113.7/32",
            Description=(
                "The only IPv4 range allowed to SSH to the instance, such as your address /32 (no IPv6, never /0). "
                "Empty: no SSH from the internet; log in with Session Manager."
            ),
        ),
    )
    t.add_condition(names.CREATE_TEST_INSTANCE, Equals(create.ref(), "true"))
    t.add_condition(names.HAS_KEY_NAME, Not(Equals(key_name.ref(), "")))
    t.add_condition(names.HAS_SSH_INGRESS_CIDR, Not(Equals(ssh_cidr.ref(), "")))
    t.add_condition(
        names.TEST_INSTANCE_SSH, And(Condition(names.CREATE_TEST_INSTANCE), Condition(names.HAS_SSH_INGRESS_CIDR))
    )
    return create, instance_type, image, key_name, ssh_cidr


def add_test_instance(t: Template, network: Network, public: Tier) -> TestInstance:
    """The instance, its security group and instance profile, all under ``CreateTestInstance``."""
    _, instance_type, image, key_name, ssh_cidr = _add_parameters(t)
    condition = when(names.CREATE_TEST_INSTANCE)
    security_group = t.add_resource(
        ec2.SecurityGroup(
            names.TEST_INSTANCE_SECURITY_GROUP,
            VpcId=network.vpc.ref(),
            # GroupDescription is create-only: the released text stays, or every update would replace the group.
            GroupDescription="dualstack test instance: SSH over IPv4 from one range; no IPv6 ingress",
            SecurityGroupEgress=[
                ec2.SecurityGroupRule(IpProtocol="-1", CidrIp="0.0.0.0/0", Description="All IPv4 out"),
                ec2.SecurityGroupRule(IpProtocol="-1", CidrIpv6="::/0", Description="All IPv6 out"),
            ],
            Tags=naming.name_tags("test-instance"),
            **condition,
        )
    )
    # IPv4 only: the IPv6 address must stay unreachable from the internet. Replacing the group's former inline
    # rule by this resource is safe: CloudFormation updates the group (revoking the inline rule) before it creates
    # what refers to the group.
    ssh = t.add_resource(
        ec2.SecurityGroupIngress(
            names.TEST_INSTANCE_SSH_INGRESS,
            GroupId=GetAtt(security_group, "GroupId"),
            IpProtocol="tcp",
            FromPort=22,
            ToPort=22,
            CidrIp=ssh_cidr.ref(),
            Description="SSH over IPv4",
            Condition=names.TEST_INSTANCE_SSH,
        )
    )
    role = t.add_resource(
        iam.Role(
            names.TEST_INSTANCE_ROLE,
            AssumeRolePolicyDocument=policies.trust("ec2.amazonaws.com"),
            ManagedPolicyArns=[Sub("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore")],
            Tags=naming.name_tags("test-instance"),
            **condition,
        )
    )
    profile = t.add_resource(iam.InstanceProfile(names.TEST_INSTANCE_PROFILE, Roles=[role.ref()], **condition))
    subnet = public.subnets[0].subnet
    instance = t.add_resource(
        ec2.Instance(
            names.TEST_INSTANCE,
            # Its first boot syncs time and updates packages: the routes must be there already.
            DependsOn=[*public.routes, public.associations[0]],
            ImageId=image.ref(),
            InstanceType=instance_type.ref(),
            KeyName=If(names.HAS_KEY_NAME, key_name.ref(), NoValue),
            IamInstanceProfile=profile.ref(),
            NetworkInterfaces=[
                ec2.NetworkInterfaceProperty(
                    DeviceIndex="0",
                    SubnetId=subnet.ref(),
                    GroupSet=[security_group.ref()],
                    AssociatePublicIpAddress=True,
                    # One address EC2 picks from the subnet's /64: a replacement gets its own (see above).
                    Ipv6AddressCount=1,
                    DeleteOnTermination=True,
                )
            ],
            MetadataOptions=ec2.MetadataOptions(HttpTokens="required", HttpEndpoint="enabled"),
            BlockDeviceMappings=[
                ec2.BlockDeviceMapping(
                    DeviceName="/dev/sda1", Ebs=ec2.EbsBlockDevice(Encrypted=True, VolumeType="gp3", VolumeSize=8)
                )
            ],
            Tags=naming.name_tags("test-instance"),
            **condition,
        )
    )
    return TestInstance(instance, security_group, ssh)

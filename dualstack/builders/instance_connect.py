"""An optional EC2 Instance Connect Endpoint (``CreateInstanceConnectEndpoint``): SSH to instances that have no public
IPv4 address (``MapPublicIpOnLaunch=false``, private subnets) without a bastion or NAT.

The endpoint sits in the first AZ's public subnet: the public tier is in every template and the first AZ in every
stack, so the endpoint never moves (``SubnetId`` is create-only: a move would replace it). Its network interface has
only private addresses; users reach it through the EC2 Instance Connect API (``aws ec2-instance-connect ssh``), not
from the internet. Its security group allows SSH (22) out to the VPC's IPv4 range and IPv6 /56 and nothing in; the
instances' groups must admit 22 from this group (the test instance's does, when both are on).

IPv6: ``AWS::EC2::InstanceConnectEndpoint`` has no ``IpAddressType`` (the resource schema cfn-lint ships lists
``SubnetId``, ``SecurityGroupIds``, ``PreserveClientIp``, ``ClientToken`` and ``Tags``), so EC2 picks it from the
subnet: "dualstack - If the subnet has both IPv4 and IPv6 CIDRs", and "To use PreserveClientIp, the value for
IpAddressType must be ipv4" (EC2 API Reference, CreateInstanceConnectEndpoint). In the dual-stack public subnet the
endpoint is dual-stack and reaches instances by private IPv4 or IPv6, IPv6-only subnets' too; so its group sends SSH
to the VPC's IPv6 /56 as well, and client IPs are not preserved. A VPC has one such endpoint ("you can create only
one EC2 Instance Connect Endpoint per VPC, so the replacement process fails", CloudFormation Template Reference).
"""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import And, Condition, Equals, GetAtt, Template, ec2

from dualstack.builders import naming
from dualstack.builders.network import Network, tcp_rule
from dualstack.builders.parameters import add_choice
from dualstack.builders.testinstance import TestInstance
from dualstack.builders.tiers import Tier
from dualstack.model import names
from dualstack.model.choices import FALSE, TRUE

SSH = 22


@dataclass(frozen=True)
class InstanceConnect:
    """What ``CreateInstanceConnectEndpoint=true`` adds; all of it exists under ``HasInstanceConnectEndpoint``."""

    endpoint: ec2.InstanceConnectEndpoint
    security_group: ec2.SecurityGroup


def add_instance_connect(t: Template, network: Network, public: Tier, test_instance: TestInstance) -> InstanceConnect:
    """The parameter, the endpoint and its security group; and SSH from it to the test instance when both are on."""
    choice = add_choice(
        t,
        names.PRIVATE_ACCESS_GROUP,
        "EC2 Instance Connect Endpoint (free)",
        names.INSTANCE_CONNECT_PARAM,
        [FALSE, TRUE],
        (
            "true: SSH over private IPv4 or IPv6 to instances without a public address; their groups must admit 22 "
            "from its group."
        ),
    )
    condition = names.HAS_INSTANCE_CONNECT
    t.add_condition(condition, Equals(choice.ref(), TRUE))
    security_group = t.add_resource(
        ec2.SecurityGroup(
            names.INSTANCE_CONNECT_SECURITY_GROUP,
            # It names the VPC's /56, which exists only once the block is associated.
            DependsOn=[network.ipv6_cidr_block],
            VpcId=network.vpc.ref(),
            # GroupDescription is create-only: this text stays once released.
            GroupDescription="dualstack EC2 Instance Connect Endpoint: SSH out to the VPC",
            SecurityGroupEgress=[
                tcp_rule(SSH, "SSH to instances in the VPC", CidrIp=GetAtt(network.vpc, "CidrBlock")),
                tcp_rule(SSH, "SSH to instances in the VPC over IPv6", CidrIpv6=network.vpc_ipv6_block()),
            ],
            Tags=naming.name_tags("instance-connect"),
            Condition=condition,
        )
    )
    endpoint = t.add_resource(
        ec2.InstanceConnectEndpoint(
            names.INSTANCE_CONNECT_ENDPOINT,
            SubnetId=public.subnets[0].subnet.ref(),
            SecurityGroupIds=[GetAtt(security_group, "GroupId")],
            # The instance sees the endpoint's address, so its group admits the endpoint's group, not the internet;
            # and a dual-stack endpoint cannot preserve client IPs.
            PreserveClientIp=False,
            Tags=naming.name_tags("instance-connect"),
            Condition=condition,
        )
    )
    both = names.TEST_INSTANCE_INSTANCE_CONNECT
    t.add_condition(both, And(Condition(names.CREATE_TEST_INSTANCE), Condition(condition)))
    t.add_resource(
        ec2.SecurityGroupIngress(
            names.TEST_INSTANCE_INSTANCE_CONNECT_INGRESS,
            GroupId=GetAtt(test_instance.security_group, "GroupId"),
            IpProtocol="tcp",
            FromPort=SSH,
            ToPort=SSH,
            SourceSecurityGroupId=GetAtt(security_group, "GroupId"),
            Description="SSH from Instance Connect",
            Condition=both,
        )
    )
    return InstanceConnect(endpoint, security_group)

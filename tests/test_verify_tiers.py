"""make verify on every tier kind, NAT mode and IPv6 routing choice, against networks built in moto.

Each network is built through the EC2 API as the templates build it, written out here by
hand (not read from ``dualstack/model/kinds.py``, so a wrong row there fails these tests): public,
private, IPv6-only and isolated tiers in two AZs, NAT gateways per ``NatGateways``, the public
``::/0`` per ``PublicIpv6Routing``. The correct network passes every check; each single
deviation fails exactly the check that names it, for exactly the subnets it touches.

moto's CloudFormation cannot deploy the templates (no ``Fn::Cidr``, no egress-only gateway),
so the stack here only carries the parameters and the outputs that point at the network.
moto accepts ``EnableDns64`` in ``ModifySubnetAttribute`` but ignores it, so ``dns64`` below
sets the attribute on moto's own subnet record, which ``DescribeSubnets`` then reports; a subnet's
``Ipv6Native`` cannot change once it exists, so the deviations of it set it there too. In the same way moto
records an interface endpoint's subnets, service and private DNS but drops ``IpAddressType`` and ``DnsOptions``
(``DescribeVpcEndpoints`` gives ``None`` for both), so ``_interface_endpoints`` sets them on moto's own endpoint
record.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.session
import pytest
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends

from dualstack.commands.verify import main
from dualstack.proofs import verify as verify_module

from .conftest import offline_aws, quicker_moto

REGION = "eu-west-1"
ZONES = (f"{REGION}a", f"{REGION}b")
LETTERS = "AB"
NAT_MODES = ("None", "Single", "PerAz", "Regional")
ROUTINGS = ("EgressOnly", "Bidirectional")
#: Output-key and subject prefixes of the five tiers, and their position in the VPC (subnet slots).
TIERS = ("Public", "Private", "Ipv6Only", "Isolated", "Edge")


@pytest.fixture(scope="module")
def aws() -> Iterator[None]:
    """One moto account for the module: every network gets its own VPC and stack.

    Each run of verify opens its own boto3 session, which would read the EC2 service model
    (megabytes of JSON) again; here the sessions share one botocore session, and its loader.
    """
    with pytest.MonkeyPatch.context() as patch:
        offline_aws(patch)
        quicker_moto(patch)
        shared = botocore.session.Session()
        patch.setattr(boto3.session, "Session", functools.partial(boto3.session.Session, botocore_session=shared))
        with mock_aws():
            yield
            _ec2.cache_clear()


@dataclass
class Net:
    """A built network: its stack's name and outputs, and the IDs a deviation needs."""

    stack: str
    nat: str
    routing: str
    outputs: dict[str, str]
    vpc: str = ""
    igw: str = ""
    eigw: str = ""
    #: ``PrivateSubnetB`` -> subnet ID, and the same for route tables (``PublicRouteTable``, ``PrivateRouteTableB``).
    subnets: dict[str, str] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    nat_gateways: list[str] = field(default_factory=list)
    #: Stack parameters besides the two choices.
    parameters: dict[str, str] = field(default_factory=dict)

    def subject(self, subnet: str) -> str:
        tier = subnet.removesuffix("A").removesuffix("B").removesuffix("Subnet")
        return f"{tier} {self.subnets[subnet]} ({ZONES[LETTERS.index(subnet[-1])]})"


_stacks = itertools.count(1)


@functools.cache
def _ec2() -> Any:
    """The module's EC2 client, made once under its moto account (``aws``)."""
    return boto3.session.Session().client("ec2", region_name=REGION)


def dns64(subnet_id: str, on: bool) -> None:
    """What ``ModifySubnetAttribute EnableDns64`` does in AWS (moto ignores it)."""
    subnet: Any = ec2_backends[DEFAULT_ACCOUNT_ID][REGION].get_subnet(subnet_id)
    subnet.enable_dns64 = on


def build(nat: str, routing: str, *, instance: bool = False) -> Net:
    """The network a template with all five tiers builds for ``NatGateways`` and ``PublicIpv6Routing``."""
    ec2 = _ec2()
    net = Net(f"net-{next(_stacks)}", nat, routing, {})
    net.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    association = ec2.associate_vpc_cidr_block(VpcId=net.vpc, AmazonProvidedIpv6CidrBlock=True)
    block = ipaddress.IPv6Network(association["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"])
    ipv6 = list(block.subnets(new_prefix=64))
    net.igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=net.igw, VpcId=net.vpc)
    egress_only = ec2.create_egress_only_internet_gateway(VpcId=net.vpc)
    net.eigw = egress_only["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]

    def table(name: str) -> str:
        net.tables[name] = ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
        return net.tables[name]

    def subnet(tier: str, az: int, table_id: str, **extra: Any) -> str:
        slot = TIERS.index(tier) * len(ZONES) + az
        if tier != "Ipv6Only":
            extra["CidrBlock"] = f"10.0.{slot}.0/24"
        made = ec2.create_subnet(VpcId=net.vpc, AvailabilityZone=ZONES[az], Ipv6CidrBlock=str(ipv6[slot]), **extra)
        subnet_id: str = made["Subnet"]["SubnetId"]
        ec2.modify_subnet_attribute(SubnetId=subnet_id, AssignIpv6AddressOnCreation={"Value": True})
        ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet_id)
        net.subnets[f"{tier}Subnet{LETTERS[az]}"] = subnet_id
        return subnet_id

    # Public: one table; 0.0.0.0/0 to the Internet Gateway, ::/0 as PublicIpv6Routing says.
    public = table("PublicRouteTable")
    ec2.create_route(RouteTableId=public, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    if routing == "EgressOnly":
        ec2.create_route(RouteTableId=public, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=net.eigw)
    else:
        ec2.create_route(RouteTableId=public, DestinationIpv6CidrBlock="::/0", GatewayId=net.igw)
    for az in range(len(ZONES)):
        public_subnet = subnet("Public", az, public)
        ec2.modify_subnet_attribute(SubnetId=public_subnet, MapPublicIpOnLaunch={"Value": True})
        # NAT gateways: the first AZ's with Single, each AZ's own with PerAz.
        if nat == "PerAz" or (nat == "Single" and az == 0):
            allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
            gateway = ec2.create_nat_gateway(SubnetId=public_subnet, AllocationId=allocation)["NatGateway"]
            net.nat_gateways.append(gateway["NatGatewayId"])
            net.outputs[f"NatGateway{LETTERS[az]}Id"] = gateway["NatGatewayId"]
        if nat == "Regional" and az == 0:
            # moto has no regional NAT gateways; verify compares IDs only, so a zonal one stands in for it.
            allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
            gateway = ec2.create_nat_gateway(SubnetId=public_subnet, AllocationId=allocation)["NatGateway"]
            net.nat_gateways.append(gateway["NatGatewayId"])
            net.outputs["RegionalNatGatewayId"] = gateway["NatGatewayId"]

    for az in range(len(ZONES)):
        via_nat = net.nat_gateways[az if nat == "PerAz" else 0] if nat != "None" else None
        # NAT64 only through zonal NAT gateways, never the regional one.
        nat64 = via_nat if nat in ("Single", "PerAz") else None
        # Private: a table per AZ; ::/0 to the egress-only gateway, 0.0.0.0/0 to the AZ's NAT gateway.
        private = table(f"PrivateRouteTable{LETTERS[az]}")
        ec2.create_route(RouteTableId=private, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=net.eigw)
        if via_nat:
            ec2.create_route(RouteTableId=private, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=via_nat)
        subnet("Private", az, private)
        # IPv6-only: a table per AZ; ::/0 to the egress-only gateway; NAT64 and DNS64 with NAT gateways.
        ipv6_only = table(f"Ipv6OnlyRouteTable{LETTERS[az]}")
        ec2.create_route(RouteTableId=ipv6_only, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=net.eigw)
        if nat64:
            ec2.create_route(RouteTableId=ipv6_only, DestinationIpv6CidrBlock="64:ff9b::/96", NatGatewayId=nat64)
        dns64(subnet("Ipv6Only", az, ipv6_only, Ipv6Native=True), nat64 is not None)
    # Isolated: one table, no route out in either family.
    isolated = table("IsolatedRouteTable")
    for az in range(len(ZONES)):
        subnet("Isolated", az, isolated)
    # Edge (internet-facing load balancers): one table; both families to the Internet Gateway, whatever the choices.
    edge = table("EdgeRouteTable")
    ec2.create_route(RouteTableId=edge, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.create_route(RouteTableId=edge, DestinationIpv6CidrBlock="::/0", GatewayId=net.igw)
    for az in range(len(ZONES)):
        subnet("Edge", az, edge)

    net.outputs |= {
        "VpcId": net.vpc,
        "InternetGatewayId": net.igw,
        "EgressOnlyInternetGatewayId": net.eigw,
        **{f"{tier}SubnetIds": ",".join(net.subnets[f"{tier}Subnet{z}"] for z in LETTERS) for tier in TIERS},
    }
    if instance:
        group = ec2.create_security_group(GroupName=f"{net.stack}-test", Description="test", VpcId=net.vpc)["GroupId"]
        interface = {"DeviceIndex": 0, "SubnetId": net.subnets["PublicSubnetA"], "Groups": [group]}
        made = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, NetworkInterfaces=[interface])
        eni = made["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"]
        ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[str(ipv6[0].network_address + 0x10)])
        net.outputs["TestInstanceId"] = made["Instances"][0]["InstanceId"]
        net.outputs["TestInstanceSecurityGroupId"] = group
    _stack(net, boto3.session.Session().client("cloudformation", region_name=REGION).create_stack)
    return net


def _stack(net: Net, call: Callable[..., Any]) -> None:
    """Create or update the network's stack: its parameters, and outputs pointing at the network."""
    parameters = {"PublicIpv6Routing": net.routing, "NatGateways": net.nat, **net.parameters}
    template = {
        "Parameters": {key: {"Type": "String"} for key in parameters},
        "Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in net.outputs.items()},
    }
    call(
        StackName=net.stack,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
    )


class RecordedShell:
    """What the test instance printed in a good run (moto runs no commands)."""

    def run(self, instance_id: str, commands: Any) -> str:
        return "== timesync\n Server: 2620:2d:4000:1::41\n== journal\n== ipv6-only\n200 2a00:1450:4009:81f::200e\n"


def verify(net: Net, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, Any]]]:
    """Run ``make verify`` on the network's stack: exit status and every check."""
    capsys.readouterr()
    status = main(["--stack", net.stack, "--region", REGION, "--json"], shell=lambda ssm: RecordedShell())
    captured = capsys.readouterr()
    assert captured.err == ""
    checks: list[dict[str, Any]] = json.loads(captured.out)["checks"]
    return status, checks


def failed(checks: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(c["check"], c["subject"]) for c in checks if not c["ok"]}


# The correct networks: built once, for every NAT mode and routing choice.

_correct: dict[tuple[str, str], tuple[Net, int, list[dict[str, Any]]]] = {}


def correct(nat: str, routing: str, capsys: pytest.CaptureFixture[str]) -> tuple[Net, int, list[dict[str, Any]]]:
    if (nat, routing) not in _correct:
        net = build(nat, routing)
        _correct[nat, routing] = (net, *verify(net, capsys))
    return _correct[nat, routing]


#: Where each tier's routes must go, written out by hand: (destination, target) per tier and AZ.
def expected_routes(net: Net, tier: str, az: int) -> dict[str, str]:
    nat = {
        "None": None,
        "Single": net.outputs.get("NatGatewayAId"),
        "PerAz": net.outputs.get(f"NatGateway{'AB'[az]}Id"),
        "Regional": net.outputs.get("RegionalNatGatewayId"),
    }
    via_nat = nat[net.nat]
    nat64 = via_nat if net.nat in ("Single", "PerAz") else None
    if tier == "Public":
        return {"0.0.0.0/0": net.igw, "::/0": net.eigw if net.routing == "EgressOnly" else net.igw}
    if tier == "Private":
        return {"::/0": net.eigw} | ({"0.0.0.0/0": via_nat} if via_nat else {})
    if tier == "Ipv6Only":
        return {"::/0": net.eigw} | ({"64:ff9b::/96": nat64} if nat64 else {})
    if tier == "Edge":
        return {"0.0.0.0/0": net.igw, "::/0": net.igw}
    return {}


@pytest.mark.parametrize("routing", ROUTINGS)
@pytest.mark.parametrize("nat", NAT_MODES)
@pytest.mark.parametrize("tier", TIERS)
def test_the_correct_network_passes_every_check_of_every_tier(
    aws: None, capsys: pytest.CaptureFixture[str], tier: str, nat: str, routing: str
) -> None:
    net, status, checks = correct(nat, routing, capsys)
    assert status == 0, failed(checks)
    for az, letter in enumerate(LETTERS):
        subject = net.subject(f"{tier}Subnet{letter}")
        mine = {c["check"]: c for c in checks if c["subject"] == subject}
        wanted = {"subnet-addresses", "subnet-routes"} | ({"dns64-with-nat64"} if tier == "Ipv6Only" else set())
        assert set(mine) == wanted
        assert all(c["ok"] for c in mine.values())
        # The evidence lists the routes found, which are the ones expected.
        routes = expected_routes(net, tier, az)
        shown = ", ".join(f"{d} -> {t}" for d, t in sorted(routes.items())) or "no default routes"
        table = net.tables[f"{tier}RouteTable" + ("" if tier in ("Public", "Isolated", "Edge") else letter)]
        assert mine["subnet-routes"]["evidence"] == f"{table}: {shown}"


# Each deviation: the NAT modes and routings to try it under, what to break, and what must fail.


def _replace(table: str, destination: str, **target: str) -> Callable[[Net, Any], None]:
    key = "DestinationIpv6CidrBlock" if ":" in destination else "DestinationCidrBlock"

    def apply(net: Net, ec2: Any) -> None:
        routes = ec2.describe_route_tables(RouteTableIds=[net.tables[table]])["RouteTables"][0]["Routes"]
        exists = any(r.get(key) == destination for r in routes)
        call = ec2.replace_route if exists else ec2.create_route
        call(RouteTableId=net.tables[table], **{key: destination}, **{k: getattr(net, v) for k, v in target.items()})

    return apply


def _delete(table: str, destination: str) -> Callable[[Net, Any], None]:
    key = "DestinationIpv6CidrBlock" if ":" in destination else "DestinationCidrBlock"
    return lambda net, ec2: ec2.delete_route(RouteTableId=net.tables[table], **{key: destination})


def _nat_route_to_first_az(table: str, destination: str) -> Callable[[Net, Any], None]:
    key = "DestinationIpv6CidrBlock" if ":" in destination else "DestinationCidrBlock"
    return lambda net, ec2: ec2.replace_route(
        RouteTableId=net.tables[table], **{key: destination}, NatGatewayId=net.outputs["NatGatewayAId"]
    )


def _isolated_nat64(net: Net, ec2: Any) -> None:
    ec2.create_route(
        RouteTableId=net.tables["IsolatedRouteTable"],
        DestinationIpv6CidrBlock="64:ff9b::/96",
        NatGatewayId=net.nat_gateways[0],
    )


def _without_ipv6(subnet: str) -> Callable[[Net, Any], None]:
    def apply(net: Net, ec2: Any) -> None:
        described = ec2.describe_subnets(SubnetIds=[net.subnets[subnet]])["Subnets"][0]
        for association in described["Ipv6CidrBlockAssociationSet"]:
            ec2.disassociate_subnet_cidr_block(AssociationId=association["AssociationId"])

    return apply


def _ipv6_ingress(net: Net, ec2: Any) -> None:
    ec2.authorize_security_group_ingress(
        GroupId=net.outputs["TestInstanceSecurityGroupId"],
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
    )


def _without_output(key: str) -> Callable[[Net, Any], None]:
    def apply(net: Net, ec2: Any) -> None:
        del net.outputs[key]
        _stack(net, boto3.session.Session().client("cloudformation", region_name=REGION).update_stack)

    return apply


def _ipv6_native(subnet: str, native: bool) -> Callable[[Net, Any], None]:
    """What creating the subnet with or without ``Ipv6Native`` would have done (it cannot change afterwards)."""

    def apply(net: Net, ec2: Any) -> None:
        record: Any = ec2_backends[DEFAULT_ACCOUNT_ID][REGION].get_subnet(net.subnets[subnet])
        record.ipv6_native = native

    return apply


def _attribute(subnet: str, **attribute: bool) -> Callable[[Net, Any], None]:
    ((name, value),) = attribute.items()
    return lambda net, ec2: ec2.modify_subnet_attribute(SubnetId=net.subnets[subnet], **{name: {"Value": value}})


@dataclass(frozen=True)
class Deviation:
    name: str
    apply: Callable[[Net, Any], None]
    #: (check, subnet logical name) pairs that must fail, and nothing else.
    fails: tuple[tuple[str, str], ...]
    nat: tuple[str, ...] = NAT_MODES
    routing: tuple[str, ...] = ("EgressOnly",)
    instance: bool = False


ROUTES = "subnet-routes"
ADDRESSES = "subnet-addresses"
DNS64 = "dns64-with-nat64"
DEVIATIONS = (
    Deviation(
        "private-ipv6-to-internet-gateway",
        _replace("PrivateRouteTableA", "::/0", GatewayId="igw"),
        ((ROUTES, "PrivateSubnetA"),),
    ),
    Deviation(
        "private-ipv4-to-internet-gateway",
        _replace("PrivateRouteTableB", "0.0.0.0/0", GatewayId="igw"),
        ((ROUTES, "PrivateSubnetB"),),
    ),
    Deviation(
        "private-ipv4-nat-route-missing",
        _delete("PrivateRouteTableA", "0.0.0.0/0"),
        ((ROUTES, "PrivateSubnetA"),),
        nat=("Single", "PerAz", "Regional"),
    ),
    Deviation(
        "nat64-route-to-the-regional-nat-gateway",
        lambda net, ec2: ec2.create_route(
            RouteTableId=net.tables["Ipv6OnlyRouteTableB"],
            DestinationIpv6CidrBlock="64:ff9b::/96",
            NatGatewayId=net.outputs["RegionalNatGatewayId"],
        ),
        ((ROUTES, "Ipv6OnlySubnetB"), (DNS64, "Ipv6OnlySubnetB")),
        nat=("Regional",),
    ),
    Deviation(
        "ipv6only-dns64-on-without-nat64",
        lambda net, ec2: dns64(net.subnets["Ipv6OnlySubnetB"], True),
        ((DNS64, "Ipv6OnlySubnetB"),),
        nat=("None",),
    ),
    Deviation(
        "ipv6only-dns64-off-with-nat64",
        lambda net, ec2: dns64(net.subnets["Ipv6OnlySubnetA"], False),
        ((DNS64, "Ipv6OnlySubnetA"),),
        nat=("Single", "PerAz"),
    ),
    Deviation(
        "nat64-route-missing-with-nat-gateways",
        _delete("Ipv6OnlyRouteTableA", "64:ff9b::/96"),
        ((ROUTES, "Ipv6OnlySubnetA"), (DNS64, "Ipv6OnlySubnetA")),
        nat=("Single", "PerAz"),
    ),
    Deviation(
        "ipv6only-ipv6-to-internet-gateway",
        _replace("Ipv6OnlyRouteTableB", "::/0", GatewayId="igw"),
        ((ROUTES, "Ipv6OnlySubnetB"),),
        nat=("None", "PerAz"),
    ),
    Deviation(
        "edge-ipv6-to-the-egress-only-gateway",
        _replace("EdgeRouteTable", "::/0", EgressOnlyInternetGatewayId="eigw"),
        ((ROUTES, "EdgeSubnetA"), (ROUTES, "EdgeSubnetB")),
        nat=("None",),
    ),
    Deviation(
        "edge-ipv4-route-missing",
        _delete("EdgeRouteTable", "0.0.0.0/0"),
        ((ROUTES, "EdgeSubnetA"), (ROUTES, "EdgeSubnetB")),
        nat=("PerAz",),
    ),
    Deviation(
        "isolated-ipv4-default-route",
        _replace("IsolatedRouteTable", "0.0.0.0/0", GatewayId="igw"),
        ((ROUTES, "IsolatedSubnetA"), (ROUTES, "IsolatedSubnetB")),
        nat=("Single",),
    ),
    Deviation(
        "isolated-ipv6-default-route",
        _replace("IsolatedRouteTable", "::/0", EgressOnlyInternetGatewayId="eigw"),
        ((ROUTES, "IsolatedSubnetA"), (ROUTES, "IsolatedSubnetB")),
        nat=("None",),
    ),
    Deviation(
        "isolated-nat64-route",
        _isolated_nat64,
        ((ROUTES, "IsolatedSubnetA"), (ROUTES, "IsolatedSubnetB")),
        nat=("Single",),
    ),
    Deviation(
        "public-ipv6-to-internet-gateway-under-egress-only",
        _replace("PublicRouteTable", "::/0", GatewayId="igw"),
        ((ROUTES, "PublicSubnetA"), (ROUTES, "PublicSubnetB")),
        nat=("None", "PerAz"),
    ),
    Deviation(
        "public-ipv6-to-egress-only-under-bidirectional",
        _replace("PublicRouteTable", "::/0", EgressOnlyInternetGatewayId="eigw"),
        ((ROUTES, "PublicSubnetA"), (ROUTES, "PublicSubnetB")),
        nat=("None",),
        routing=("Bidirectional",),
    ),
    Deviation(
        "public-ipv4-missing",
        _delete("PublicRouteTable", "0.0.0.0/0"),
        ((ROUTES, "PublicSubnetA"), (ROUTES, "PublicSubnetB")),
        nat=("None",),
        routing=ROUTINGS,
    ),
    Deviation(
        "per-az-private-route-to-another-az-nat-gateway",
        _nat_route_to_first_az("PrivateRouteTableB", "0.0.0.0/0"),
        ((ROUTES, "PrivateSubnetB"),),
        nat=("PerAz",),
    ),
    Deviation(
        "per-az-nat64-route-to-another-az-nat-gateway",
        _nat_route_to_first_az("Ipv6OnlyRouteTableB", "64:ff9b::/96"),
        ((ROUTES, "Ipv6OnlySubnetB"),),
        nat=("PerAz",),
    ),
    Deviation(
        "per-az-nat-gateway-output-missing",
        _without_output("NatGatewayBId"),
        ((ROUTES, "PrivateSubnetB"), (ROUTES, "Ipv6OnlySubnetB")),
        nat=("PerAz",),
    ),
    Deviation(
        "subnet-without-ipv6", _without_ipv6("PrivateSubnetB"), ((ADDRESSES, "PrivateSubnetB"),), nat=("Single",)
    ),
    Deviation(
        "ipv6only-subnet-not-ipv6-native",
        _ipv6_native("Ipv6OnlySubnetB", False),
        ((ADDRESSES, "Ipv6OnlySubnetB"),),
        nat=("Single",),
    ),
    Deviation(
        "private-subnet-ipv6-native",
        _ipv6_native("PrivateSubnetA", True),
        ((ADDRESSES, "PrivateSubnetA"),),
        nat=("None",),
    ),
    Deviation(
        "private-subnet-maps-public-ipv4",
        _attribute("PrivateSubnetA", MapPublicIpOnLaunch=True),
        ((ADDRESSES, "PrivateSubnetA"),),
        nat=("None",),
    ),
    Deviation(
        "public-subnet-maps-no-public-ipv4",
        _attribute("PublicSubnetB", MapPublicIpOnLaunch=False),
        ((ADDRESSES, "PublicSubnetB"),),
        nat=("None",),
    ),
    Deviation(
        "isolated-subnet-not-assigning-ipv6",
        _attribute("IsolatedSubnetA", AssignIpv6AddressOnCreation=False),
        ((ADDRESSES, "IsolatedSubnetA"),),
        nat=("None",),
    ),
    Deviation(
        "ipv6-ingress-rule", _ipv6_ingress, (("test-instance-no-ipv6-ingress", ""),), nat=("None",), instance=True
    ),
)


CASES = [
    pytest.param(deviation, nat, routing, id=f"{deviation.name}-{nat}-{routing}")
    for deviation in DEVIATIONS
    for nat, routing in itertools.product(deviation.nat, deviation.routing)
]


@pytest.mark.parametrize(("deviation", "nat", "routing"), CASES)
def test_each_single_deviation_fails_naming_the_check_and_the_subnet(
    aws: None, capsys: pytest.CaptureFixture[str], deviation: Deviation, nat: str, routing: str
) -> None:
    net = build(nat, routing, instance=deviation.instance)
    deviation.apply(net, _ec2())
    status, checks = verify(net, capsys)
    subjects = {
        (check, net.subject(subnet) if subnet else net.outputs["TestInstanceId"]) for check, subnet in deviation.fails
    }
    assert status == 1
    assert failed(checks) == subjects


def test_with_public_ipv4_on_launch_off_a_public_subnet_must_not_map_it(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    net = build("None", "EgressOnly")
    net.parameters["MapPublicIpOnLaunch"] = "false"
    _stack(net, boto3.session.Session().client("cloudformation", region_name=REGION).update_stack)
    status, checks = verify(net, capsys)
    assert status == 1
    assert failed(checks) == {(ADDRESSES, net.subject("PublicSubnetA")), (ADDRESSES, net.subject("PublicSubnetB"))}
    for subnet in ("PublicSubnetA", "PublicSubnetB"):
        _attribute(subnet, MapPublicIpOnLaunch=False)(net, _ec2())
    status, checks = verify(net, capsys)
    assert status == 0, failed(checks)


# The pure parts of the comparison, on route tables as DescribeRouteTables returns them.


def test_only_active_default_and_nat64_routes_are_compared() -> None:
    table = {
        "Routes": [
            {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
            {"DestinationIpv6CidrBlock": "2001:db8::/56", "GatewayId": "local", "State": "active"},
            {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "blackhole"},
            {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"},
            {"DestinationIpv6CidrBlock": "64:ff9b::/96", "NatGatewayId": "nat-2", "State": "active"},
            {"DestinationCidrBlock": "192.0.2.0/24", "TransitGatewayId": "tgw-1", "State": "active"},
        ]
    }
    assert verify_module._default_routes(table) == {"::/0": "eigw-1", "64:ff9b::/96": "nat-2"}


@pytest.mark.parametrize(
    ("route", "target"),
    [
        ({"GatewayId": "igw-1"}, "igw-1"),
        ({"EgressOnlyInternetGatewayId": "eigw-1"}, "eigw-1"),
        ({"NatGatewayId": "nat-1"}, "nat-1"),
        ({"TransitGatewayId": "tgw-1"}, "tgw-1"),
        ({"NetworkInterfaceId": "eni-1", "InstanceId": "i-1"}, "eni-1"),
        ({"VpcPeeringConnectionId": "pcx-1"}, "unknown"),
    ],
)
def test_the_target_of_a_route_is_read_from_whichever_property_names_it(route: dict[str, str], target: str) -> None:
    assert verify_module._route_target({"DestinationCidrBlock": "0.0.0.0/0", **route}) == target


def test_a_route_names_an_egress_only_gateway_before_any_gateway_id() -> None:
    # A fixed order, the same as before verify read the table: a route naming two targets reads the same each time.
    route = {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-1", "EgressOnlyInternetGatewayId": "eigw-1"}
    assert verify_module._route_target(route) == "eigw-1"
    assert verify_module._route_target({**route, "EgressOnlyInternetGatewayId": ""}) == "igw-1"


def test_a_target_property_added_to_the_table_of_kinds_is_read_from_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    from dualstack.model import kinds

    route = {"DestinationCidrBlock": "10.1.0.0/16", "VpcPeeringConnectionId": "pcx-1"}
    assert verify_module._route_target(route) == "unknown"
    table = {**kinds.ROUTE_TARGET_PROPERTY, kinds.Target.REGIONAL_NAT_GATEWAY: "VpcPeeringConnectionId"}
    monkeypatch.setattr(kinds, "ROUTE_TARGET_PROPERTY", table)
    assert verify_module._route_target(route) == "pcx-1"


def test_destinations_a_new_kind_routes_are_compared_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from dualstack.model import kinds

    assert verify_module.routed_destinations() == {"0.0.0.0/0", "::/0", "64:ff9b::/96"}
    extra = kinds.TierKind(
        name="global6",
        prefix="Global6",
        has_ipv4=True,
        maps_public_ipv4=False,
        shared_route_table=True,
        routes=(kinds.always("GlobalUnicastRoute", "2000::/3", kinds.Target.EGRESS_ONLY_INTERNET_GATEWAY),),
    )
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, extra))
    assert verify_module.routed_destinations() == {"0.0.0.0/0", "::/0", "64:ff9b::/96", "2000::/3"}


def test_route_problems_name_each_destination_routed_otherwise() -> None:
    expected = {"0.0.0.0/0": "nat-b", "::/0": "eigw-1"}
    assert verify_module.route_problems({"0.0.0.0/0": "nat-b", "::/0": "eigw-1"}, expected) == []
    assert verify_module.route_problems({"0.0.0.0/0": "nat-a", "64:ff9b::/96": "nat-a"}, expected) == [
        "0.0.0.0/0 -> nat-a (expected nat-b)",
        "64:ff9b::/96 -> nat-a (expected no route)",
        "::/0 -> nothing (expected eigw-1)",
    ]


def test_a_gateway_without_an_output_matches_no_route() -> None:
    from dualstack.model.kinds import TierKind

    parameters = {"NatGateways": "PerAz"}
    outputs = {"EgressOnlyInternetGatewayId": "eigw-1", "NatGatewayAId": "nat-a"}
    assert verify_module.expected_routes(TierKind.PRIVATE, 1, parameters, outputs) == {
        "::/0": "eigw-1",
        "0.0.0.0/0": "the NatGatewayBId output, which the stack lacks",
    }
    assert verify_module.expected_routes(TierKind.PRIVATE, 1, {"NatGateways": "Single"}, outputs) == {
        "::/0": "eigw-1",
        "0.0.0.0/0": "nat-a",
    }


@pytest.mark.parametrize(("dns64", "nat64", "expected_on"), list(itertools.product([False, True], repeat=3)))
def test_dns64_holds_only_together_with_its_nat64_route_and_as_the_parameters_ask(
    dns64: bool, nat64: bool, expected_on: bool
) -> None:
    actual = {"::/0": "eigw-1"} | ({"64:ff9b::/96": "nat-0123"} if nat64 else {})
    ok, evidence = verify_module.dns64_check(dns64, actual, expected_on)
    assert ok is (dns64 == nat64 == expected_on)
    on = {True: "on", False: "off"}
    assert evidence == (
        f"DNS64 {on[dns64]}, 64:ff9b::/96 route to a NAT gateway {'present' if nat64 else 'absent'}; "
        f"both expected {on[expected_on]}"
    )


def test_a_nat64_route_to_anything_but_a_nat_gateway_does_not_count() -> None:
    ok, _ = verify_module.dns64_check(True, {"64:ff9b::/96": "igw-1"}, True)
    assert not ok


def _endpoints(net: Net, ec2: Any, tables: dict[str, list[str]]) -> None:
    """Gateway endpoints on the named route tables, their outputs, and GatewayEndpoints=S3AndDynamoDB."""
    for logical_id, service in (
        ("S3GatewayEndpoint", "s3"),
        ("S3Ipv6GatewayEndpoint", "s3"),
        ("DynamoDbGatewayEndpoint", "dynamodb"),
    ):
        made = ec2.create_vpc_endpoint(
            VpcId=net.vpc,
            VpcEndpointType="Gateway",
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            RouteTableIds=[net.tables[t] for t in tables[logical_id]],
        )
        net.outputs[f"{logical_id}Id"] = made["VpcEndpoint"]["VpcEndpointId"]
    net.parameters["GatewayEndpoints"] = "S3AndDynamoDB"
    _stack(net, boto3.session.Session().client("cloudformation", region_name=REGION).update_stack)


#: Written out by hand: dual-stack tiers that leave the VPC get S3 and DynamoDB, IPv6-only ones S3; isolated none.
ENDPOINT_TABLES = {
    "S3GatewayEndpoint": ["PublicRouteTable", "PrivateRouteTableA", "PrivateRouteTableB", "EdgeRouteTable"],
    "S3Ipv6GatewayEndpoint": ["Ipv6OnlyRouteTableA", "Ipv6OnlyRouteTableB"],
    "DynamoDbGatewayEndpoint": ["PublicRouteTable", "PrivateRouteTableA", "PrivateRouteTableB", "EdgeRouteTable"],
}


def test_gateway_endpoints_must_sit_on_the_tables_of_every_tier_that_leaves_the_vpc(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    net = build("Single", "EgressOnly")
    _endpoints(net, _ec2(), ENDPOINT_TABLES)
    status, checks = verify(net, capsys)
    assert status == 0, failed(checks)
    assert len([c for c in checks if c["check"] == "gateway-endpoints"]) == 3
    # On an isolated table too, and missing from one private table: both fail, naming the endpoint.
    wrong = build("Single", "EgressOnly")
    _endpoints(
        wrong,
        _ec2(),
        {
            **ENDPOINT_TABLES,
            "S3GatewayEndpoint": [*ENDPOINT_TABLES["S3GatewayEndpoint"], "IsolatedRouteTable"],
            "DynamoDbGatewayEndpoint": ["PublicRouteTable", "PrivateRouteTableA", "EdgeRouteTable"],
        },
    )
    status, checks = verify(wrong, capsys)
    assert status == 1
    assert failed(checks) == {
        ("gateway-endpoints", wrong.outputs["S3GatewayEndpointId"]),
        ("gateway-endpoints", wrong.outputs["DynamoDbGatewayEndpointId"]),
    }


def test_without_gateway_endpoints_none_is_checked(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    _, status, checks = correct("None", "EgressOnly", capsys)
    assert status == 0
    assert not [c for c in checks if c["check"] == "gateway-endpoints"]


# Session Manager's interface endpoints (InterfaceEndpoints=SessionManager). moto drops IpAddressType and DnsOptions:
# ``_interface_endpoints`` sets them on moto's own record, which DescribeVpcEndpoints then reports (module docstring).

#: Written out by hand: with a private tier the endpoints sit in its subnets, dual-stack.
SESSION_MANAGER = {"SsmEndpoint": "ssm", "SsmMessagesEndpoint": "ssmmessages", "Ec2MessagesEndpoint": "ec2messages"}


def _interface_endpoints(net: Net, ec2: Any, tier: str, address_type: str, **wrong: Any) -> None:
    """The three endpoints in ``tier``'s subnets with ``address_type``, their outputs, InterfaceEndpoints on;
    ``wrong``: ``{logical ID: {"tier": ..., "zones": ..., "region": ..., "type": ..., "dns_type": ...,
    "private_dns": ...}}`` for the endpoints that deviate (``type`` sets both address types, ``dns_type`` only
    the DNS records')."""
    for logical_id, service in SESSION_MANAGER.items():
        deviation = wrong.get(logical_id, {})
        subnets = [net.subnets[f"{deviation.get('tier', tier)}Subnet{z}"] for z in deviation.get("zones", LETTERS)]
        made = ec2.create_vpc_endpoint(
            VpcId=net.vpc,
            VpcEndpointType="Interface",
            ServiceName=f"com.amazonaws.{deviation.get('region', REGION)}.{service}",
            SubnetIds=subnets,
            PrivateDnsEnabled=deviation.get("private_dns", True),
        )
        endpoint_id = made["VpcEndpoint"]["VpcEndpointId"]
        # What CreateVpcEndpoint's IpAddressType and DnsOptions do in AWS (moto ignores both).
        record: Any = ec2_backends[DEFAULT_ACCOUNT_ID][REGION].vpc_end_points[endpoint_id]
        record.ip_address_type = deviation.get("type", address_type)
        record.dns_options = {"DnsRecordIpType": deviation.get("dns_type", deviation.get("type", address_type))}
        net.outputs[f"{logical_id}Id"] = endpoint_id
    net.parameters["InterfaceEndpoints"] = "SessionManager"
    _stack(net, boto3.session.Session().client("cloudformation", region_name=REGION).update_stack)


def test_session_manager_endpoints_must_sit_in_the_private_subnets_dual_stack_with_private_dns(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    net = build("None", "EgressOnly")
    _interface_endpoints(net, _ec2(), "Private", "dualstack")
    status, checks = verify(net, capsys)
    assert status == 0, failed(checks)
    assert len([c for c in checks if c["check"] == "interface-endpoints"]) == 3
    # In the public subnets, IPv4 only, private DNS off: each fails, naming its endpoint, and the other passes.
    wrong = build("None", "EgressOnly")
    _interface_endpoints(
        wrong,
        _ec2(),
        "Private",
        "dualstack",
        SsmEndpoint={"tier": "Public"},
        SsmMessagesEndpoint={"type": "ipv4"},
        Ec2MessagesEndpoint={"private_dns": False},
    )
    status, checks = verify(wrong, capsys)
    assert status == 1
    assert failed(checks) == {("interface-endpoints", wrong.outputs[f"{n}Id"]) for n in SESSION_MANAGER}
    evidence = {c["subject"]: c["evidence"] for c in checks if c["check"] == "interface-endpoints"}
    assert "expected" in evidence[wrong.outputs["SsmEndpointId"]]
    assert "IpAddressType ipv4 (expected dualstack)" in evidence[wrong.outputs["SsmMessagesEndpointId"]]
    assert "private DNS off" in evidence[wrong.outputs["Ec2MessagesEndpointId"]]


def test_session_manager_endpoints_must_serve_this_region_in_every_az_with_dual_stack_dns_records(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Dual-stack addresses but IPv4 DNS records, another region's service, one AZ's subnet only: each fails, naming
    # its endpoint.
    wrong = build("None", "EgressOnly")
    _interface_endpoints(
        wrong,
        _ec2(),
        "Private",
        "dualstack",
        SsmEndpoint={"dns_type": "ipv4"},
        SsmMessagesEndpoint={"region": "us-east-1"},
        Ec2MessagesEndpoint={"zones": "A"},
    )
    status, checks = verify(wrong, capsys)
    assert status == 1
    assert failed(checks) == {("interface-endpoints", wrong.outputs[f"{n}Id"]) for n in SESSION_MANAGER}
    evidence = {c["subject"]: c["evidence"] for c in checks if c["check"] == "interface-endpoints"}
    assert evidence[wrong.outputs["SsmEndpointId"]] == "DnsRecordIpType ipv4 (expected dualstack)"
    assert evidence[wrong.outputs["SsmMessagesEndpointId"]] == (
        f"serves com.amazonaws.us-east-1.ssmmessages (expected com.amazonaws.{REGION}.ssmmessages)"
    )
    private = sorted(wrong.subnets[f"PrivateSubnet{z}"] for z in LETTERS)
    assert evidence[wrong.outputs["Ec2MessagesEndpointId"]] == (
        f"in {wrong.subnets['PrivateSubnetA']} (expected {', '.join(private)})"
    )


def test_without_a_private_tier_the_endpoints_sit_in_the_ipv6_only_subnets_ipv6_only(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # A template whose first tier that may hold them is the IPv6-only one lists no private subnets.
    net = build("None", "EgressOnly")
    del net.outputs["PrivateSubnetIds"]
    _interface_endpoints(net, _ec2(), "Ipv6Only", "ipv6")
    status, checks = verify(net, capsys)
    assert status == 0, failed(checks)
    ipv6_only = sorted(net.subnets[f"Ipv6OnlySubnet{z}"] for z in LETTERS)
    assert [c["evidence"] for c in checks if c["check"] == "interface-endpoints"] == [
        f"com.amazonaws.{REGION}.{service} in the ipv6only subnets {', '.join(ipv6_only)}, ipv6 (IP addresses and "
        "DNS records), private DNS"
        for service in SESSION_MANAGER.values()
    ]
    # The same endpoints dual-stack there fail: an IPv6-only subnet has no IPv4 address to give them.
    wrong = build("None", "EgressOnly")
    del wrong.outputs["PrivateSubnetIds"]
    _interface_endpoints(wrong, _ec2(), "Ipv6Only", "dualstack")
    status, checks = verify(wrong, capsys)
    assert status == 1
    assert failed(checks) == {("interface-endpoints", wrong.outputs[f"{n}Id"]) for n in SESSION_MANAGER}


def test_without_interface_endpoints_none_is_checked(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    _, status, checks = correct("None", "EgressOnly", capsys)
    assert status == 0
    assert not [c for c in checks if c["check"] in ("interface-endpoints", "encryption-control")]


# What verify says of an endpoint, message for message (the moto networks above show which endpoint fails; these
# show what the line under it reads). Each row changes the right endpoint in one way; _GONE drops the key.
_GONE = object()
_SSM = f"com.amazonaws.{REGION}.ssm"
_RIGHT_ENDPOINT = {
    "VpcEndpointType": "Interface",
    "ServiceName": _SSM,
    "SubnetIds": ["subnet-b", "subnet-a"],
    "IpAddressType": "dualstack",
    "DnsOptions": {"DnsRecordIpType": "dualstack"},
    "PrivateDnsEnabled": True,
}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({}, []),
        ({"VpcEndpointType": "Gateway"}, ["is a Gateway endpoint"]),
        ({"ServiceName": "com.amazonaws.us-east-1.ssm"}, [f"serves com.amazonaws.us-east-1.ssm (expected {_SSM})"]),
        ({"SubnetIds": ["subnet-a"]}, ["in subnet-a (expected subnet-a, subnet-b)"]),
        ({"SubnetIds": ["subnet-c", "subnet-a"]}, ["in subnet-a, subnet-c (expected subnet-a, subnet-b)"]),
        ({"SubnetIds": _GONE}, ["in no subnet (expected subnet-a, subnet-b)"]),
        ({"IpAddressType": "ipv4"}, ["IpAddressType ipv4 (expected dualstack)"]),
        ({"DnsOptions": {"DnsRecordIpType": "ipv4"}}, ["DnsRecordIpType ipv4 (expected dualstack)"]),
        ({"DnsOptions": _GONE}, ["DnsRecordIpType None (expected dualstack)"]),
        ({"DnsOptions": None}, ["DnsRecordIpType None (expected dualstack)"]),
        ({"PrivateDnsEnabled": False}, ["private DNS off"]),
        ({"PrivateDnsEnabled": _GONE}, ["private DNS off"]),
        (
            {"VpcEndpointType": _GONE, "ServiceName": _GONE, "SubnetIds": [], "IpAddressType": _GONE},
            [
                "is a None endpoint",
                f"serves None (expected {_SSM})",
                "in no subnet (expected subnet-a, subnet-b)",
                "IpAddressType None (expected dualstack)",
            ],
        ),
    ],
)
def test_each_way_an_interface_endpoint_is_wrong_is_said_in_its_own_words(
    change: dict[str, Any], says: list[str]
) -> None:
    endpoint = {k: v for k, v in {**_RIGHT_ENDPOINT, **change}.items() if v is not _GONE}
    assert verify_module.interface_endpoint_problems(endpoint, _SSM, ["subnet-a", "subnet-b"], "dualstack") == says


def test_an_ipv6_only_endpoint_is_held_to_ipv6() -> None:
    endpoint = {**_RIGHT_ENDPOINT, "IpAddressType": "ipv6", "DnsOptions": {"DnsRecordIpType": "ipv6"}}
    assert verify_module.interface_endpoint_problems(endpoint, _SSM, ["subnet-a", "subnet-b"], "ipv6") == []
    assert verify_module.interface_endpoint_problems(endpoint, _SSM, ["subnet-a", "subnet-b"], "dualstack") == [
        "IpAddressType ipv6 (expected dualstack)",
        "DnsRecordIpType ipv6 (expected dualstack)",
    ]

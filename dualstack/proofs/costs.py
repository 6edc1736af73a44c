"""What a parameter set costs by the hour: the price table, and the cost line ``precheck`` and ``plan`` print.

Prices are AWS's on-demand list prices in USD, read from the AWS Price List (offer ``AmazonEC2``, usage types
``NatGateway-Hours``/``NatGateway-Bytes`` and their ``EU-`` forms; offer ``AmazonVPC``, public IPv4 addresses)
as published on the date below; the page that states them is https://aws.amazon.com/vpc/pricing/. Free, by
AWS's own words: the Internet Gateway ("There's no additional charge for having an internet gateway in your
account", VPC User Guide), the egress-only gateway ("There is no charge for an egress-only internet gateway",
same guide) and gateway endpoints ("There is no additional charge for using gateway endpoints", PrivateLink
guide); data transfer out to the internet is charged the same through either gateway and is not counted here.

A regional NAT gateway is billed per AZ it is active in ("if your regional NAT is running across three
Availability Zones (AZs) for one hour, you'll be billed for three 'NAT Gateway-hours'", VPC pricing page), at
the zonal rate (its ``RegionalNatGateway-Hours`` rate is assumed equal to ``NatGateway-Hours``), and holds at
least one public IPv4 address of AWS's in each of those AZs.
"""

from __future__ import annotations

from dataclasses import dataclass

from dualstack.proofs.evaluate import Deployment

PRICES_SOURCE = "https://aws.amazon.com/vpc/pricing/"
PRICES_DATE = "2026-09-25"
PRIVATELINK_PRICES_SOURCE = "https://aws.amazon.com/privatelink/pricing/"
#: An instance's price depends on its type, a parameter: the line sends the reader here instead of pricing it.
EC2_PRICES_SOURCE = "https://aws.amazon.com/ec2/pricing/on-demand/"


@dataclass(frozen=True)
class Prices:
    nat_gateway_hour: float
    nat_gateway_gb: float
    public_ipv4_hour: float
    #: An interface endpoint's hour in one AZ (usage type ``VpcEndpoint-Hours``), and a GB it processes (the first
    #: tier, ``VpcEndpoint-Bytes``), from https://aws.amazon.com/privatelink/pricing/.
    interface_endpoint_hour: float
    interface_endpoint_gb: float
    #: A VPC with an encryption control (Monitor or Enforce), by the hour, from 2026-03-01 (free before): $0.15 in
    #: us-east-1 as AWS's announcement (https://aws.amazon.com/about-aws/whats-new/2026/03/vpc-encryption-controls-pricing/)
    #: is reported, not read from the Price List; ``None`` where that figure is not known here, and the line says so.
    encryption_control_hour: float | None = None


#: Per region; other regions are shown with the first region's prices, and say so.
PRICES = {
    "us-east-1": Prices(
        nat_gateway_hour=0.045,
        nat_gateway_gb=0.045,
        public_ipv4_hour=0.005,
        interface_endpoint_hour=0.01,
        interface_endpoint_gb=0.01,
        encryption_control_hour=0.15,
    ),
    "eu-west-1": Prices(
        nat_gateway_hour=0.048,
        nat_gateway_gb=0.048,
        public_ipv4_hour=0.005,
        interface_endpoint_hour=0.011,
        interface_endpoint_gb=0.01,
    ),
}
DEFAULT_PRICE_REGION = "us-east-1"
#: A common convention for a month (not AWS's).
HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class Bill:
    """What a deployment holds that is billed by the hour, and what is free."""

    #: NAT gateway-hours per hour: one per zonal NAT gateway, one per AZ a regional one serves.
    nat_gateway_hours: int
    #: Public IPv4 addresses the stack holds: Elastic IPs, the test instance's, a regional NAT gateway's (one per AZ).
    public_ipv4: int
    gateway_endpoints: int
    #: Interface endpoint-hours per hour: one per endpoint per AZ it has a network interface in (a subnet).
    interface_endpoint_hours: int
    #: VPC encryption controls (one per VPC).
    encryption_controls: int
    #: EC2 Instance Connect Endpoints: free ("There is no additional cost for using EC2 Instance Connect
    #: Endpoint", EC2 User Guide, "Connect using EC2 Instance Connect Endpoint").
    instance_connect_endpoints: int
    #: Whether public subnets map public IPv4 to every instance launched in them.
    maps_public_ipv4: bool
    #: The EC2 instances the stack creates (the test instance): each one's type and its EBS volumes (size and type;
    #: CloudFormation's defaults where unset). Their prices depend on the type, a parameter, so the line names them
    #: instead of pricing them.
    instances: tuple[tuple[str, str], ...] = ()


def bill(deployment: Deployment) -> Bill:
    """Count what ``deployment`` creates that AWS bills by the hour."""
    nat_hours, public_ipv4 = 0, len(deployment.of_type("AWS::EC2::EIP"))
    subnets = deployment.of_type("AWS::EC2::Subnet")
    for name, gateway in deployment.of_type("AWS::EC2::NatGateway").items():
        if gateway["Properties"].get("AvailabilityMode") != "regional":
            nat_hours += 1
            continue
        zones = {
            subnet["Properties"]["AvailabilityZone"]
            for subnet_name, subnet in subnets.items()
            if name in deployment.routes_of(subnet_name).values()
        }
        nat_hours += len(zones)
        public_ipv4 += len(zones)
    instances = []
    for instance in deployment.of_type("AWS::EC2::Instance").values():
        interfaces = instance["Properties"].get("NetworkInterfaces", [])
        public_ipv4 += sum(1 for interface in interfaces if interface.get("AssociatePublicIpAddress") is True)
        volumes = [
            mapping["Ebs"] for mapping in instance["Properties"].get("BlockDeviceMappings", []) if "Ebs" in mapping
        ]
        storage = " + ".join(f"{v.get('VolumeSize', '?')} GiB {v.get('VolumeType', 'gp2')}" for v in volumes)
        instances.append((str(instance["Properties"].get("InstanceType", "m1.small")), storage or "its AMI's volume"))
    endpoints = deployment.of_type("AWS::EC2::VPCEndpoint").values()
    interface = [e["Properties"] for e in endpoints if e["Properties"].get("VpcEndpointType") == "Interface"]
    return Bill(
        nat_gateway_hours=nat_hours,
        public_ipv4=public_ipv4,
        gateway_endpoints=sum(1 for e in endpoints if e["Properties"].get("VpcEndpointType", "Gateway") == "Gateway"),
        interface_endpoint_hours=sum(len(props.get("SubnetIds", [])) for props in interface),
        maps_public_ipv4=any(s["Properties"].get("MapPublicIpOnLaunch") is True for s in subnets.values()),
        encryption_controls=len(deployment.of_type("AWS::EC2::VPCEncryptionControl")),
        instance_connect_endpoints=len(deployment.of_type("AWS::EC2::InstanceConnectEndpoint")),
        instances=tuple(instances),
    )


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def hourly(items: Bill, prices: Prices) -> float:
    return (
        items.nat_gateway_hours * prices.nat_gateway_hour
        + items.public_ipv4 * prices.public_ipv4_hour
        + items.interface_endpoint_hours * prices.interface_endpoint_hour
        + items.encryption_controls * (prices.encryption_control_hour or 0.0)
    )


def cost_line(deployment: Deployment, region: str, label: str = "cost") -> str:
    """One line: the hourly cost, what makes it, the per-GB charge, and the free parts."""
    items = bill(deployment)
    price_region = region if region in PRICES else DEFAULT_PRICE_REGION
    prices = PRICES[price_region]
    total = hourly(items, prices)
    parts = []
    if items.nat_gateway_hours:
        parts.append(f"{_count(items.nat_gateway_hours, 'NAT gateway-hour')} x ${prices.nat_gateway_hour:.3f}")
    if items.public_ipv4:
        parts.append(f"{items.public_ipv4} public IPv4 x ${prices.public_ipv4_hour:.3f}")
    if items.interface_endpoint_hours:
        hours = _count(items.interface_endpoint_hours, "interface endpoint-hour")
        parts.append(f"{hours} x ${prices.interface_endpoint_hour:.3f}")
    if items.encryption_controls and prices.encryption_control_hour is not None:
        parts.append(f"{items.encryption_controls} encryption control x ${prices.encryption_control_hour:.3f}")
    made_of = f" ({' + '.join(parts)})" if parts else ""
    per_gb = f"; plus ${prices.nat_gateway_gb:.3f}/GB through NAT" if items.nat_gateway_hours else ""
    if items.interface_endpoint_hours:
        per_gb += f"; plus ${prices.interface_endpoint_gb:.3f}/GB through interface endpoints"
    unknown = items.encryption_controls and prices.encryption_control_hour is None
    if unknown:
        per_gb += f"; plus the encryption control's hourly charge, not in the table for {price_region}"
    for instance_type, storage in items.instances:
        # On-demand by the hour for its type, and its volumes by the GiB-month (EC2 and EBS pricing pages).
        per_gb += f"; plus the {instance_type} instance and its {storage} volume, priced at {EC2_PRICES_SOURCE}"
    at_least = "at least " if unknown or items.instances else ""
    launch = (
        f"; each instance launched in a public subnet adds ${prices.public_ipv4_hour:.3f}/h (MapPublicIpOnLaunch)"
        if items.maps_public_ipv4
        else ""
    )
    endpoints = f", {items.gateway_endpoints} gateway endpoints" if items.gateway_endpoints else ""
    if items.instance_connect_endpoints:
        endpoints += ", EC2 Instance Connect Endpoint"
    source = PRICES_SOURCE + (f" and {PRIVATELINK_PRICES_SOURCE}" if items.interface_endpoint_hours else "")
    where = price_region if price_region == region else f"{price_region} ({region} is not in the table)"
    return (
        f"{label}: {at_least}${total:.3f}/h (about ${total * HOURS_PER_MONTH:.0f}/month){made_of}{per_gb}; "
        f"free: Internet Gateway, egress-only gateway (IPv6 out){endpoints}{launch} "
        f"[prices: {where}, {PRICES_DATE}, {source}]"
    )

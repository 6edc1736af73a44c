"""``make verify``: check a deployed stack against the pattern, one line of evidence per check.

    python -m dualstack.verify --stack edge-vpc --region eu-west-1 [--json]

Exit status 0 when every check holds, 1 when any fails, 2 when the stack cannot be
checked at all (no credentials, AWS unreachable, no such stack, a stack not built
from these templates). Uses the caller's own AWS credentials, read-only, except
for one SSM Run Command on the test instance when the stack has one.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NoReturn, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from . import inputs
from .tiers import IPV4_DEFAULT, IPV6_DEFAULT, NAT64_PREFIX

#: Output-key prefixes of the tiers, as the templates name them.
TIERS = ("Public", "Private", "Ipv6Only", "Isolated")
REQUIRED_OUTPUTS = ("VpcId", "InternetGatewayId", "EgressOnlyInternetGatewayId", "PublicSubnetIds")

#: What runs on the test instance: the seed's evidence (timesyncd's server) and an IPv6-only destination.
INSTANCE_SCRIPT = [
    "echo '== timesync'",
    "timedatectl timesync-status 2>&1 | grep -E '^ *Server:' || true",
    "echo '== journal'",
    "journalctl -u systemd-timesyncd --no-pager -o cat 2>/dev/null | grep -E 'time server' | tail -n 3 || true",
    "echo '== ipv6-only'",
    "curl -6 -sS -o /dev/null -w '%{http_code} %{remote_ip}\\n' --max-time 15 https://ipv6.google.com/ 2>&1 || true",
]
IPV6_ONLY_DESTINATION = "ipv6.google.com"


class VerifyError(Exception):
    """The stack cannot be checked: reported as one line, exit status 2."""


@dataclass(frozen=True)
class Check:
    check: str
    subject: str
    ok: bool
    evidence: str


class InstanceShell(Protocol):
    def run(self, instance_id: str, commands: Sequence[str]) -> str:
        """Standard output of ``commands`` run on the instance; raises ``RuntimeError`` saying why it could not."""


class SsmShell:
    """Runs commands through SSM Run Command (AWS-RunShellScript) and waits for them."""

    def __init__(self, ssm: Any, timeout: float = 120.0, poll: float = 3.0) -> None:
        self.ssm, self.timeout, self.poll = ssm, timeout, poll

    def run(self, instance_id: str, commands: Sequence[str]) -> str:
        info = self.ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [instance_id]}])
        managed = info.get("InstanceInformationList", [])
        if not managed or managed[0].get("PingStatus") != "Online":
            status = managed[0].get("PingStatus") if managed else "not registered"
            raise RuntimeError(f"Session Manager agent is {status}: wait a few minutes after the stack completes")
        command = self.ssm.send_command(
            InstanceIds=[instance_id], DocumentName="AWS-RunShellScript", Parameters={"commands": list(commands)}
        )["Command"]["CommandId"]
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            time.sleep(self.poll)
            try:
                result = self.ssm.get_command_invocation(CommandId=command, InstanceId=instance_id)
            except ClientError as exc:
                if exc.response["Error"]["Code"] == "InvocationDoesNotExist":
                    continue
                raise
            if result["Status"] in ("Success", "Failed", "Cancelled", "TimedOut"):
                if result["Status"] != "Success":
                    raise RuntimeError(f"Run Command {command} ended {result['Status']}")
                return str(result.get("StandardOutputContent", ""))
        raise RuntimeError(f"Run Command {command} did not finish within {self.timeout:.0f} s")


@dataclass(frozen=True)
class Stack:
    name: str
    outputs: dict[str, str]
    parameters: dict[str, str]


def load_stack(cfn: Any, name: str) -> Stack:
    try:
        described = cfn.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError as exc:
        if "does not exist" in exc.response["Error"].get("Message", ""):
            raise VerifyError(f"stack {name} does not exist in {cfn.meta.region_name}") from None
        raise
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in described.get("Parameters", [])}
    missing = [key for key in REQUIRED_OUTPUTS if key not in outputs]
    if missing:
        raise VerifyError(f"stack {name} is not from the dualstack templates: it has no {', '.join(missing)} output")
    return Stack(name, outputs, parameters)


def _route_target(route: dict[str, Any]) -> str:
    for key in ("EgressOnlyInternetGatewayId", "GatewayId", "NatGatewayId", "TransitGatewayId", "NetworkInterfaceId"):
        if route.get(key):
            return str(route[key])
    return "unknown"


def _default_routes(route_table: dict[str, Any]) -> dict[str, str]:
    routes = {}
    for route in route_table.get("Routes", []):
        destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if destination in (IPV4_DEFAULT, IPV6_DEFAULT, NAT64_PREFIX) and route.get("State", "active") == "active":
            routes[destination] = _route_target(route)
    return routes


def _ipv6_blocks(item: dict[str, Any]) -> list[str]:
    return [
        a["Ipv6CidrBlock"]
        for a in item.get("Ipv6CidrBlockAssociationSet", [])
        if "associated" in str(a.get("Ipv6CidrBlockState", {}).get("State", ""))
    ]


class Verifier:
    def __init__(self, ec2: Any, stack: Stack, shell: InstanceShell | None) -> None:
        self.ec2, self.stack, self.shell = ec2, stack, shell
        self.outputs = stack.outputs
        self.vpc = self.outputs["VpcId"]
        self.igw = self.outputs["InternetGatewayId"]
        self.eigw = self.outputs["EgressOnlyInternetGatewayId"]
        self.checks: list[Check] = []

    def add(self, check: str, subject: str, ok: bool, evidence: str) -> None:
        self.checks.append(Check(check, subject, ok, evidence))

    def run(self) -> list[Check]:
        self.check_vpc()
        self.check_gateways()
        nat_gateways = self._nat_gateways()
        for tier in TIERS:
            ids = [s for s in self.outputs.get(f"{tier}SubnetIds", "").split(",") if s]
            if ids:
                for subnet in self.ec2.describe_subnets(SubnetIds=ids)["Subnets"]:
                    self.check_subnet(tier, subnet, nat_gateways)
        if "TestInstanceId" in self.outputs:
            self.check_test_instance(self.outputs["TestInstanceId"])
        return self.checks

    def check_vpc(self) -> None:
        (vpc,) = self.ec2.describe_vpcs(VpcIds=[self.vpc])["Vpcs"]
        blocks = [b for b in _ipv6_blocks(vpc) if b.endswith("/56")]
        evidence = (
            f"{self.vpc} has {', '.join(blocks)} associated" if blocks else f"{self.vpc} has no IPv6 /56 associated"
        )
        self.add("vpc-ipv6-block", self.vpc, bool(blocks), evidence)

    def check_gateways(self) -> None:
        igws = self.ec2.describe_internet_gateways(InternetGatewayIds=[self.igw])["InternetGateways"]
        attached = [
            a["VpcId"] for g in igws for a in g.get("Attachments", []) if a.get("State") in ("available", "attached")
        ]
        self.add(
            "internet-gateway",
            self.igw,
            self.vpc in attached,
            f"{self.igw} attached to {', '.join(attached) or 'no VPC'}",
        )
        eigws = self.ec2.describe_egress_only_internet_gateways(EgressOnlyInternetGatewayIds=[self.eigw])
        attached = [
            a["VpcId"]
            for g in eigws["EgressOnlyInternetGateways"]
            for a in g.get("Attachments", [])
            if a.get("State") == "attached"
        ]
        self.add(
            "egress-only-gateway",
            self.eigw,
            self.vpc in attached,
            f"{self.eigw} belongs to {', '.join(attached) or 'no VPC'}",
        )

    def _nat_gateways(self) -> dict[str, str]:
        """NAT gateway ID -> its Availability Zone, for the stack's NAT gateways."""
        ids = [v for k, v in self.outputs.items() if re.fullmatch(r"NatGateway[A-F]Id", k)]
        if not ids:
            return {}
        found = self.ec2.describe_nat_gateways(NatGatewayIds=ids)["NatGateways"]
        subnets = {g["SubnetId"] for g in found}
        zones = {
            s["SubnetId"]: s["AvailabilityZone"]
            for s in self.ec2.describe_subnets(SubnetIds=sorted(subnets))["Subnets"]
        }
        return {g["NatGatewayId"]: zones.get(g["SubnetId"], "") for g in found}

    def _expected_routes(self, tier: str, zone: str, nat_gateways: dict[str, str]) -> dict[str, set[str]]:
        """Destination -> acceptable targets, per the templates' routing table."""
        public_ipv6 = self.igw if self.stack.parameters.get("PublicIpv6Routing") == "Bidirectional" else self.eigw
        nat = self.stack.parameters.get("NatGateways", "None")
        same_zone = {g for g, z in nat_gateways.items() if z == zone} if nat == "PerAz" else set(nat_gateways)
        if tier == "Public":
            return {IPV4_DEFAULT: {self.igw}, IPV6_DEFAULT: {public_ipv6}}
        if tier == "Private":
            return {IPV6_DEFAULT: {self.eigw}} | ({IPV4_DEFAULT: same_zone} if nat != "None" else {})
        if tier == "Ipv6Only":
            return {IPV6_DEFAULT: {self.eigw}} | ({NAT64_PREFIX: same_zone} if nat != "None" else {})
        return {}

    def check_subnet(self, tier: str, subnet: dict[str, Any], nat_gateways: dict[str, str]) -> None:
        subnet_id, zone = subnet["SubnetId"], subnet["AvailabilityZone"]
        subject = f"{tier} {subnet_id} ({zone})"
        blocks = [b for b in _ipv6_blocks(subnet) if b.endswith("/64")]
        problems = [] if blocks else ["no IPv6 /64"]
        if not subnet.get("AssignIpv6AddressOnCreation"):
            problems.append("does not assign IPv6 on launch")
        if tier == "Public" and not subnet.get("MapPublicIpOnLaunch"):
            problems.append("does not map public IPv4 on launch")
        if tier == "Ipv6Only" and not subnet.get("Ipv6Native"):
            problems.append("is not IPv6-native")
        evidence = "; ".join(problems) or f"{', '.join(blocks)}, IPv6 on launch" + (
            ", public IPv4 on launch" if tier == "Public" else ""
        )
        self.add("subnet-addresses", subject, not problems, evidence)

        tables = self.ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
        if not tables["RouteTables"]:
            self.add("subnet-routes", subject, False, "no route table is associated (the VPC's main table applies)")
            return
        table = tables["RouteTables"][0]
        actual = _default_routes(table)
        expected = self._expected_routes(tier, zone, nat_gateways)
        wrong = []
        for destination in sorted(set(actual) | set(expected)):
            if destination not in expected:
                wrong.append(f"{destination} -> {actual[destination]} (expected no route)")
            elif actual.get(destination) not in expected[destination]:
                wanted = " or ".join(sorted(expected[destination])) or "a NAT gateway of this stack"
                wrong.append(f"{destination} -> {actual.get(destination, 'nothing')} (expected {wanted})")
        shown = ", ".join(f"{d} -> {t}" for d, t in sorted(actual.items())) or "no default routes"
        self.add("subnet-routes", subject, not wrong, f"{table['RouteTableId']}: " + ("; ".join(wrong) or shown))
        if tier == "Ipv6Only":
            dns64, nat64 = bool(subnet.get("EnableDns64")), NAT64_PREFIX in actual
            self.add(
                "dns64-with-nat64",
                subject,
                dns64 == nat64,
                f"DNS64 {'on' if dns64 else 'off'}, {NAT64_PREFIX} route {'present' if nat64 else 'absent'}",
            )

    def check_test_instance(self, instance_id: str) -> None:
        reservations = self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        instance = reservations[0]["Instances"][0]
        public_ip = instance.get("PublicIpAddress")
        ipv6 = [a["Ipv6Address"] for n in instance.get("NetworkInterfaces", []) for a in n.get("Ipv6Addresses", [])]
        self.add(
            "test-instance-addresses",
            instance_id,
            bool(public_ip and ipv6),
            f"public IPv4 {public_ip or 'none'}, IPv6 {', '.join(ipv6) or 'none'}",
        )
        groups = sorted(
            {g["GroupId"] for g in instance.get("SecurityGroups", [])}
            | {g["GroupId"] for n in instance.get("NetworkInterfaces", []) for g in n.get("Groups", [])}
        )
        described = self.ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"] if groups else []
        ipv6_ingress = [
            f"{g['GroupId']} {p.get('IpProtocol')} {p.get('FromPort', 'all')} from {r['CidrIpv6']}"
            for g in described
            for p in g.get("IpPermissions", [])
            for r in p.get("Ipv6Ranges", [])
        ]
        self.add(
            "test-instance-no-ipv6-ingress",
            instance_id,
            not ipv6_ingress,
            "; ".join(ipv6_ingress) or f"{', '.join(groups)} admit no IPv6 source",
        )
        if self.shell is None:
            return
        try:
            output = self.shell.run(instance_id, INSTANCE_SCRIPT)
        except (RuntimeError, ClientError) as exc:
            self.add("ntp-over-ipv6", instance_id, False, f"could not run commands on the instance: {exc}")
            self.add("ipv6-only-destination", instance_id, False, "not tried: commands could not run")
            return
        self._check_instance_output(instance_id, output)

    def _check_instance_output(self, instance_id: str, output: str) -> None:
        sections = _sections(output)
        servers = re.findall(r"Server:\s*(\S+)", sections.get("timesync", ""))
        servers += re.findall(r"time server \[?([0-9A-Fa-f:.]+?)\]?:123", sections.get("journal", ""))
        ipv6_servers = [s for s in servers if _is_ipv6(s)]
        if ipv6_servers:
            evidence = f"systemd-timesyncd synchronised with {ipv6_servers[-1]} (IPv6)"
        elif servers:
            evidence = f"systemd-timesyncd used {servers[-1]}, not an IPv6 server"
        else:
            evidence = "no time server in timedatectl or the timesyncd journal"
        self.add("ntp-over-ipv6", instance_id, bool(ipv6_servers), evidence)
        reply = sections.get("ipv6-only", "").strip().splitlines()
        words = reply[-1].split() if reply else []
        reached = len(words) == 2 and words[0][:1] in ("2", "3") and _is_ipv6(words[1])
        evidence = (
            f"https://{IPV6_ONLY_DESTINATION}/ answered HTTP {words[0]} from {words[1]}"
            if reached
            else f"https://{IPV6_ONLY_DESTINATION}/ not reached: {' '.join(reply) or 'no answer'}"
        )
        self.add("ipv6-only-destination", instance_id, reached, evidence)


def _sections(output: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in output.splitlines():
        if line.startswith("== "):
            current = line[3:].strip()
            sections[current] = []
        elif current:
            sections[current].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


def _is_ipv6(text: str) -> bool:
    try:
        return ipaddress.ip_address(text.strip("[]")).version == 6
    except ValueError:
        return False


def verify(
    stack_name: str,
    region: str,
    *,
    endpoint_url: str | None = None,
    shell: Callable[[Any], InstanceShell] | None = None,
) -> tuple[Stack, list[Check]]:
    """Check ``stack_name``; raises ``VerifyError`` when it cannot be checked."""
    session = boto3.session.Session(region_name=region)
    config = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=10, read_timeout=30)

    def client(name: str) -> Any:
        return session.client(name, endpoint_url=endpoint_url, config=config)

    try:
        stack = load_stack(client("cloudformation"), stack_name)
        make_shell = shell or SsmShell
        checks = Verifier(client("ec2"), stack, make_shell(client("ssm"))).run()
    except NoCredentialsError:
        raise VerifyError("no AWS credentials: run `aws configure` or set AWS_PROFILE") from None
    except NoRegionError:
        raise VerifyError("no region: pass --region (make verify REGION=...)") from None
    except ClientError as exc:
        error = exc.response["Error"]
        raise VerifyError(f"AWS refused {exc.operation_name}: {error.get('Code')}: {error.get('Message')}") from None
    except BotoCoreError as exc:
        raise VerifyError(f"cannot reach AWS in {region}: {exc}") from None
    return stack, checks


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise VerifyError(message)


def main(argv: Sequence[str] | None = None, *, shell: Callable[[Any], InstanceShell] | None = None) -> int:
    parser = _Parser(prog="verify", description="Check a deployed dualstack stack, with evidence.")
    parser.add_argument("--stack", required=True, help="stack name")
    parser.add_argument("--region", required=True, help="the stack's region")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of lines")
    parser.add_argument("--endpoint-url", help=argparse.SUPPRESS)
    try:
        args = parser.parse_args(argv)
        inputs.check_stack_name(args.stack)
        inputs.check_region(args.region)
        stack, checks = verify(args.stack, args.region, endpoint_url=args.endpoint_url, shell=shell)
    except (VerifyError, inputs.InputError) as exc:
        print(f"verify: error: {exc}", file=sys.stderr)
        return 2
    failed = [c for c in checks if not c.ok]
    if args.json:
        document = {"stack": stack.name, "region": args.region, "ok": not failed, "checks": [asdict(c) for c in checks]}
        print(json.dumps(document, indent=2))
    else:
        routing = stack.parameters.get("PublicIpv6Routing", "EgressOnly")
        print(f"verify: stack {stack.name} ({args.region}), {stack.outputs['VpcId']}, PublicIpv6Routing={routing}")
        for c in checks:
            print(f"{'PASS' if c.ok else 'FAIL'}  {c.check:<30} {c.subject:<44} {c.evidence}")
        print(f"{len(checks)} checks: {len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

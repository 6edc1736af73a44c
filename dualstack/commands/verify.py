"""``make verify``: check a deployed stack against the pattern, one line of evidence per check.

    dualstack verify --stack edge-vpc --region eu-west-1 [--json]

Exit status 0 when every check holds, 1 when any fails, 2 when the stack cannot be
checked at all (no credentials, AWS unreachable, no such stack, a stack not built
from these templates). Uses the caller's own AWS credentials, read-only, except
for one SSM Run Command on the test instance when the stack has one.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from dualstack.commands import console
from dualstack.files import inputs
from dualstack.model import choices, kinds, names

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError, ReadTimeoutError
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.parsers import ResponseParserError
except ModuleNotFoundError as missing:  # after only `make template`: boto3 comes with make dev
    if __name__ == "__main__":
        console.refuse_missing("verify", missing)
    raise
from dualstack.model.kinds import TierKind
from dualstack.proofs.verify import (
    _default_routes,
    dns64_check,
    encryption_control_problems,
    expected_routes,
    interface_endpoint_problems,
    interface_endpoint_service,
    route_problems,
)

REQUIRED_OUTPUTS = (
    names.VPC_ID_OUTPUT,
    names.INTERNET_GATEWAY_ID_OUTPUT,
    names.EGRESS_ONLY_INTERNET_GATEWAY_ID_OUTPUT,
    names.tier_ids_output_key(TierKind.PUBLIC, "Subnet"),
)

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


#: Stack states whose resources are all in place (a rolled-back update is back where it was).
CHECKABLE_STATUSES = frozenset(
    {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"}
)


def _status_advice(status: str) -> str:
    if status.endswith("_IN_PROGRESS"):
        return "it is still changing; run verify again when it has finished"
    if status in ("CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
        return "its creation failed, so it holds no network to check; its events say why, then delete it"
    return "it is not in a state whose resources can be checked"


def _reason(described: dict[str, Any]) -> str:
    reason = described.get("StackStatusReason")
    return f" ({_one_line(str(reason))})" if reason else ""


def _raised_in_botocore(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and f"{os.sep}botocore{os.sep}" in frames[-1].filename


def _one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line and at most ``limit`` characters: replies can hold whole HTML pages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


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
        stacks = cfn.describe_stacks(StackName=name).get("Stacks") or []
    except ClientError as exc:
        if "does not exist" in exc.response.get("Error", {}).get("Message", ""):
            raise VerifyError(f"stack {name} does not exist in {cfn.meta.region_name}") from None
        raise
    if not stacks:
        raise VerifyError(f"the reply to DescribeStacks for {name} holds no stack")
    described = stacks[0]
    status = str(described.get("StackStatus", "unknown"))
    if status not in CHECKABLE_STATUSES:
        raise VerifyError(f"stack {name} is {status}: {_status_advice(status)}" + _reason(described))
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in described.get("Parameters", [])}
    missing = [key for key in REQUIRED_OUTPUTS if key not in outputs]
    if missing:
        raise VerifyError(f"stack {name} is not from the dualstack templates: it has no {', '.join(missing)} output")
    return Stack(name, outputs, parameters)


def _ipv6_blocks(item: dict[str, Any]) -> list[str]:
    """The IPv6 blocks a VPC or subnet holds now: EC2 lists a disassociated block for a while after it goes."""
    return [
        a["Ipv6CidrBlock"]
        for a in item.get("Ipv6CidrBlockAssociationSet", [])
        if a.get("Ipv6CidrBlockState", {}).get("State") == "associated"
    ]


class Verifier:
    def __init__(self, ec2: Any, stack: Stack, shell: InstanceShell | None) -> None:
        self.ec2, self.stack, self.shell = ec2, stack, shell
        self.outputs = stack.outputs
        self.vpc = self.outputs[names.VPC_ID_OUTPUT]
        self.igw = self.outputs[names.INTERNET_GATEWAY_ID_OUTPUT]
        self.eigw = self.outputs[names.EGRESS_ONLY_INTERNET_GATEWAY_ID_OUTPUT]
        self.checks: list[Check] = []
        #: The route table of each subnet checked, by tier kind: what gateway endpoints must be on.
        self.tables: dict[str, set[str]] = {}

    def add(self, check: str, subject: str, ok: bool, evidence: str) -> None:
        self.checks.append(Check(check, subject, ok, evidence))

    def run(self) -> list[Check]:
        for kind in kinds.KINDS:
            try:
                kind.expected_routes(self.stack.parameters)
            except ValueError as exc:
                # A value the table does not know says nothing about where traffic should go.
                raise VerifyError(f"stack {self.stack.name}: parameter {exc}") from None
        self.check_vpc()
        self.check_gateways()
        for kind in kinds.KINDS:
            ids = [s for s in self.outputs.get(names.tier_ids_output_key(kind, "Subnet"), "").split(",") if s]
            if ids:
                found = {s["SubnetId"]: s for s in self.ec2.describe_subnets(SubnetIds=ids)["Subnets"]}
                # The output lists a tier's subnets in AZ order, so the position is the AZ index.
                for az_index, subnet_id in enumerate(ids):
                    self.check_subnet(kind, az_index, found[subnet_id])
        self.check_gateway_endpoints()
        self.check_interface_endpoints()
        self.check_encryption_control()
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

    def check_subnet(self, kind: TierKind, az_index: int, subnet: dict[str, Any]) -> None:
        subnet_id, zone = subnet["SubnetId"], subnet["AvailabilityZone"]
        subject = f"{kind.prefix} {subnet_id} ({zone})"
        blocks = [b for b in _ipv6_blocks(subnet) if b.endswith("/64")]
        problems = [] if blocks else ["no IPv6 /64"]
        if not subnet.get("AssignIpv6AddressOnCreation"):
            problems.append("does not assign IPv6 on launch")
        maps_public = bool(subnet.get("MapPublicIpOnLaunch"))
        if maps_public != kind.maps_public_ipv4_on_launch(self.stack.parameters):
            problems.append("maps public IPv4 on launch" if maps_public else "does not map public IPv4 on launch")
        native = bool(subnet.get("Ipv6Native"))
        if native == kind.has_ipv4:
            problems.append("is IPv6-native" if native else "is not IPv6-native")
        evidence = "; ".join(problems) or ", ".join(
            [*blocks, "IPv6 on launch"]
            + (["public IPv4 on launch"] if kind.maps_public_ipv4_on_launch(self.stack.parameters) else [])
            + ([] if kind.has_ipv4 else ["IPv6-native"])
        )
        self.add("subnet-addresses", subject, not problems, evidence)

        tables = self.ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
        if not tables["RouteTables"]:
            self.add("subnet-routes", subject, False, "no route table is associated (the VPC's main table applies)")
            return
        table = tables["RouteTables"][0]
        self.tables.setdefault(kind.name, set()).add(table["RouteTableId"])
        actual = _default_routes(table)
        wrong = route_problems(actual, expected_routes(kind, az_index, self.stack.parameters, self.outputs))
        shown = ", ".join(f"{d} -> {t}" for d, t in sorted(actual.items())) or "no default routes"
        self.add("subnet-routes", subject, not wrong, f"{table['RouteTableId']}: " + ("; ".join(wrong) or shown))
        if kind.nat64_route() is not None:
            dns64 = bool(subnet.get("EnableDns64"))
            self.add("dns64-with-nat64", subject, *dns64_check(dns64, actual, kind.dns64(self.stack.parameters)))

    def check_gateway_endpoints(self) -> None:
        """With ``GatewayEndpoints=S3AndDynamoDB``, each endpoint is on exactly the route tables of the tiers the
        table of tier kinds says it serves (``kinds.GATEWAY_ENDPOINTS``)."""
        if self.stack.parameters.get(names.GATEWAY_ENDPOINTS_PARAM, choices.ENDPOINTS_NONE) == choices.ENDPOINTS_NONE:
            return
        for declared in kinds.GATEWAY_ENDPOINTS:
            kinds_served = [kind for kind in kinds.KINDS if declared.serves(kind) and kind.name in self.tables]
            if not kinds_served:
                continue
            expected = sorted(t for kind in kinds_served for t in self.tables[kind.name])
            key = f"{declared.logical_id}Id"
            endpoint_id = self.outputs.get(key)
            if endpoint_id is None:
                self.add("gateway-endpoints", declared.logical_id, False, f"the stack has no {key} output")
                continue
            (endpoint,) = self.ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
            actual = sorted(endpoint.get("RouteTableIds", []))
            evidence = f"{endpoint_id} ({endpoint.get('ServiceName')}) on {', '.join(actual) or 'no route table'}"
            if actual != expected:
                evidence += f"; expected {', '.join(expected)}"
            self.add("gateway-endpoints", endpoint_id, actual == expected, evidence)

    def _tier_subnets(self, kind: TierKind) -> list[str]:
        return [s for s in self.outputs.get(names.tier_ids_output_key(kind, "Subnet"), "").split(",") if s]

    def check_interface_endpoints(self) -> None:
        """With ``InterfaceEndpoints=SessionManager``, each of Session Manager's endpoints sits in exactly the
        subnets of the tier the table of tier kinds picks (``kinds.interface_endpoint_tier``), with that tier's
        address type and private DNS."""
        chosen = self.stack.parameters.get(names.INTERFACE_ENDPOINTS_PARAM, choices.INTERFACE_ENDPOINTS_NONE)
        if chosen == choices.INTERFACE_ENDPOINTS_NONE:
            return
        kind = kinds.interface_endpoint_tier([k for k in kinds.KINDS if self._tier_subnets(k)])
        if kind is None:
            self.add("interface-endpoints", self.vpc, False, "the stack lists no subnets of a tier that holds them")
            return
        subnets = self._tier_subnets(kind)
        address_type = kind.interface_endpoint_address_type()
        for declared in kinds.INTERFACE_ENDPOINTS:
            key = names.output_key(declared.logical_id)
            endpoint_id = self.outputs.get(key)
            if endpoint_id is None:
                self.add("interface-endpoints", declared.logical_id, False, f"the stack has no {key} output")
                continue
            (endpoint,) = self.ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
            service_name = interface_endpoint_service(self.ec2.meta.region_name, declared.service)
            problems = interface_endpoint_problems(endpoint, service_name, subnets, address_type)
            evidence = "; ".join(problems) or (
                f"{service_name} in the {kind.name} subnets {', '.join(sorted(subnets))}, "
                f"{address_type} (IP addresses and DNS records), private DNS"
            )
            self.add("interface-endpoints", endpoint_id, not problems, evidence)

    def check_encryption_control(self) -> None:
        """With ``EncryptionControl`` Monitor or Enforce, the VPC's control is in that mode, and under enforce the
        gateways the stack attaches are excluded."""
        chosen = self.stack.parameters.get(names.ENCRYPTION_CONTROL_PARAM, choices.ENCRYPTION_NONE)
        if chosen == choices.ENCRYPTION_NONE:
            return
        if chosen not in choices.ENCRYPTION_MODES:
            # As run() says of a routing value the table does not know: it says nothing of the mode to expect.
            known = ", ".join((choices.ENCRYPTION_NONE, *choices.ENCRYPTION_MODES))
            raise VerifyError(
                f"stack {self.stack.name}: parameter {names.ENCRYPTION_CONTROL_PARAM}={chosen!r} is not one of {known}"
            )
        key = names.output_key(names.ENCRYPTION_CONTROL)
        control_id = self.outputs.get(key)
        if control_id is None:
            self.add("encryption-control", self.vpc, False, f"the stack has no {key} output")
            return
        if not hasattr(self.ec2, "describe_vpc_encryption_controls"):
            # boto3 releases before VPC Encryption Controls (2025) lack the operation: the extra's lower bound
            # (boto3>=1.34) predates it, so say what to install rather than fail.
            print(
                "verify: warning: the installed botocore has no DescribeVpcEncryptionControls, so the encryption "
                "control is not checked: pip install --upgrade boto3",
                file=sys.stderr,
            )
            return
        found = self.ec2.describe_vpc_encryption_controls(VpcEncryptionControlIds=[control_id])
        controls = found.get("VpcEncryptionControls", [])
        if not controls:
            self.add("encryption-control", control_id, False, f"EC2 describes no {control_id}")
            return
        mode = choices.ENCRYPTION_MODES[chosen]
        nat_offered = names.NAT_GATEWAYS_PARAM in self.stack.parameters
        problems = encryption_control_problems(controls[0], self.vpc, mode, nat_offered)
        enforce = mode == choices.ENCRYPTION_MODES[choices.ENCRYPTION_ENFORCE]
        evidence = "; ".join(problems) or f"{control_id} on {self.vpc} in {mode} mode, available" + (
            ", gateways excluded" if enforce else ""
        )
        self.add("encryption-control", control_id, not problems, evidence)

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
        try:
            return session.client(name, endpoint_url=endpoint_url, config=config)
        except ValueError as exc:  # botocore: "Invalid endpoint: ..." (the option, or AWS_ENDPOINT_URL)
            raise VerifyError(f"{_one_line(str(exc))}: give an endpoint URL such as https://host") from None

    try:
        stack = load_stack(client("cloudformation"), stack_name)
        make_shell = shell or SsmShell
        checks = Verifier(client("ec2"), stack, make_shell(client("ssm"))).run()
    except NoCredentialsError:
        raise VerifyError("no AWS credentials: run `aws configure` or set AWS_PROFILE") from None
    except NoRegionError:
        raise VerifyError("no region: pass --region (make verify REGION=...)") from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        message = _one_line(f"{error.get('Code')}: {error.get('Message')}")
        raise VerifyError(f"AWS refused {exc.operation_name}: {message}") from None
    except ResponseParserError as exc:
        # Not a reply from AWS at all: typically a proxy's or captive portal's HTML page.
        raise VerifyError(f"the endpoint for {region} sent a reply that is not AWS's: {_one_line(str(exc))}") from None
    except KeyError as exc:
        # botocore's parsers raise KeyError on well-formed XML (an HTML page) without the result element.
        if not _raised_in_botocore(exc):
            raise
        raise VerifyError(f"the endpoint for {region} sent a reply that is not AWS's: no {exc.args[0]} in it") from None
    except (BotoConnectionError, ReadTimeoutError) as exc:
        raise VerifyError(f"cannot reach AWS in {region}: {_one_line(str(exc))}") from None
    except BotoCoreError as exc:
        raise VerifyError(f"AWS call failed in {region}: {_one_line(str(exc))}") from None
    return stack, checks


def main(argv: Sequence[str] | None = None, *, shell: Callable[[Any], InstanceShell] | None = None) -> int:
    parser = inputs.Parser(prog="dualstack verify", description="Check a deployed dualstack stack, with evidence.")
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
        routing = stack.parameters.get(names.PUBLIC_IPV6_ROUTING_PARAM, choices.EGRESS_ONLY)
        print(
            f"verify: stack {stack.name} ({args.region}), {stack.outputs[names.VPC_ID_OUTPUT]}, "
            f"{names.PUBLIC_IPV6_ROUTING_PARAM}={routing}"
        )
        for c in checks:
            print(f"{'PASS' if c.ok else 'FAIL'}  {c.check:<30} {c.subject:<44} {c.evidence}")
        print(f"{len(checks)} checks: {len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    console.run(main, "verify")

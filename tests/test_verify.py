"""make verify, against an EC2 network built in moto (in process: nothing calls real AWS).

The network is built through the EC2 API the way the public template builds it, a
stack's outputs point at it, and each test breaks one thing and expects the check
that names it to fail. What runs on the instance (SSM Run Command) is replaced by
recorded output: moto does not run commands.
"""

from __future__ import annotations

import functools
import http.server
import ipaddress
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from dualstack.commands.verify import Stack, Verifier, VerifyError, _ipv6_blocks, main
from dualstack.proofs.verify import _default_routes as verify_routes
from dualstack.proofs.verify import route_problems

from .conftest import offline_aws, quicker_moto

REGION = "eu-west-1"
STACK = "edge-vpc"

#: What the test instance printed in the seed's experiment, in today's Ubuntu form.
GOOD_INSTANCE_OUTPUT = """== timesync
       Server: 2620:2d:4000:1::41 (ntp.ubuntu.com)
== journal
Contacted time server [2620:2d:4000:1::41]:123 (ntp.ubuntu.com).
== ipv6-only
200 2a00:1450:4009:81f::200e
"""
IPV4_NTP_OUTPUT = "\n".join(
    [
        "== timesync",
        "       Server: 185.125.190.56 (ntp.ubuntu.com)",
        "== journal",
        "Contacted time server 185.125.190.56:123 (ntp.ubuntu.com).",
        "== ipv6-only",
        "curl: (7) Failed to connect to ipv6.google.com port 443 after 3 ms: Couldn't connect to server",
        "000 ",  # curl's %{http_code} %{remote_ip} when nothing answered
    ]
)


class RecordedShell:
    def __init__(self, output: str) -> None:
        self.output = output
        self.calls: list[tuple[str, list[str]]] = []

    def run(self, instance_id: str, commands: Sequence[str]) -> str:
        self.calls.append((instance_id, list(commands)))
        return self.output


@dataclass
class Breakage:
    """What to get wrong when building the network."""

    ipv6_route_to_igw: bool = False
    no_vpc_ipv6: bool = False
    subnet_b_without_ipv6_on_launch: bool = False
    no_ipv4_route: bool = False
    ipv6_ingress: bool = False
    #: A route more specific than the default to the Internet Gateway: all global unicast IPv6 takes it.
    specific_ipv6_route_to_igw: bool = False


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    offline_aws(monkeypatch)


#: One botocore session for the tests in moto, with the fake credentials above: each run of verify opens its own boto3
#: session, which would read the EC2 service model (megabytes of JSON) again (as in tests/test_verify_tiers.py).
_SHARED = functools.cache(botocore.session.Session)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(boto3.session, "Session", functools.partial(boto3.session.Session, botocore_session=_SHARED()))
    # moto's catalogue of public AMIs, read for every mock; the instances here launch from an image not in it.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    quicker_moto(monkeypatch)
    with mock_aws():
        yield


def build(broken: Breakage = Breakage(), *, with_instance: bool = True) -> dict[str, str]:  # noqa: B008
    """A public-tier network as the template builds it, and a stack whose outputs point at it."""
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    block = None
    if not broken.no_vpc_ipv6:
        block = ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)["Ipv6CidrBlockAssociation"][
            "Ipv6CidrBlock"
        ]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc)["EgressOnlyInternetGateway"][
        "EgressOnlyInternetGatewayId"
    ]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    if not broken.no_ipv4_route:
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    if broken.ipv6_route_to_igw:
        ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
    else:
        ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw)
    if broken.specific_ipv6_route_to_igw:
        ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="2000::/3", GatewayId=igw)
    subnets = []
    for index, zone in enumerate(("a", "b")):
        extra = {}
        if block is not None:
            extra["Ipv6CidrBlock"] = str(list(ipaddress.ip_network(block).subnets(new_prefix=64))[index])
        subnet = ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=f"{REGION}{zone}", **extra
        )["Subnet"]["SubnetId"]
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
        if not (broken.subnet_b_without_ipv6_on_launch and zone == "b"):
            ec2.modify_subnet_attribute(SubnetId=subnet, AssignIpv6AddressOnCreation={"Value": True})
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        subnets.append(subnet)
    outputs = {
        "VpcId": vpc,
        "InternetGatewayId": igw,
        "EgressOnlyInternetGatewayId": eigw,
        "PublicSubnetIds": ",".join(subnets),
        "PublicRouteTableId": table,
    }
    if with_instance:
        group = ec2.create_security_group(GroupName="test-instance", Description="test", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.7/32"}]}
            ],
        )
        if broken.ipv6_ingress:
            ec2.authorize_security_group_ingress(
                GroupId=group,
                IpPermissions=[
                    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
                ],
            )
        interface = {"DeviceIndex": 0, "SubnetId": subnets[0], "Groups": [group], "AssociatePublicIpAddress": True}
        instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, NetworkInterfaces=[interface])
        instance_id = instance["Instances"][0]["InstanceId"]
        if block is not None:
            eni = instance["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"]
            address = str(ipaddress.ip_network(block).network_address + 0x10)
            ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[address])
        outputs["TestInstanceId"] = instance_id
    template = {
        "Parameters": {"PublicIpv6Routing": {"Type": "String", "Default": "EgressOnly"}},
        "Resources": {"Placeholder": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    boto3.client("cloudformation", region_name=REGION).create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    return outputs


def run(
    capsys: pytest.CaptureFixture[str], *args: str, shell_output: str = GOOD_INSTANCE_OUTPUT
) -> tuple[int, str, str]:
    recorded = RecordedShell(shell_output)
    status = main(["--stack", STACK, "--region", REGION, *args], shell=lambda ssm: recorded)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _failed(out: str) -> set[str]:
    return {line.split()[1] for line in out.splitlines() if line.startswith("FAIL")}


def test_the_seed_pattern_passes_every_check_with_evidence(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = build()
    status, out, err = run(capsys)
    assert status == 0, out + err
    assert _failed(out) == set()
    lines = out.splitlines()
    assert lines[-1] == "11 checks: 11 passed, 0 failed"
    text = "\n".join(lines)
    assert f"{outputs['PublicRouteTableId']}: 0.0.0.0/0 -> {outputs['InternetGatewayId']}, ::/0 -> " in text
    assert "systemd-timesyncd synchronised with 2620:2d:4000:1::41 (IPv6)" in text
    assert "https://ipv6.google.com/ answered HTTP 200 from 2a00:1450:4009:81f::200e" in text


@pytest.mark.parametrize(
    ("broken", "failing"),
    [
        (Breakage(ipv6_route_to_igw=True), {"subnet-routes"}),
        (Breakage(no_vpc_ipv6=True), {"vpc-ipv6-block", "subnet-addresses", "test-instance-addresses"}),
        (Breakage(subnet_b_without_ipv6_on_launch=True), {"subnet-addresses"}),
        (Breakage(no_ipv4_route=True), {"subnet-routes"}),
        (Breakage(ipv6_ingress=True), {"test-instance-no-ipv6-ingress"}),
        (Breakage(specific_ipv6_route_to_igw=True), {"subnet-routes"}),
    ],
    ids=[
        "ipv6-route-to-igw",
        "no-vpc-ipv6",
        "subnet-not-assigning-ipv6",
        "no-ipv4-route",
        "ipv6-ingress",
        "specific-ipv6-route-to-igw",
    ],
)
def test_each_broken_network_fails_naming_the_check(
    aws: None, capsys: pytest.CaptureFixture[str], broken: Breakage, failing: set[str]
) -> None:
    build(broken)
    status, out, _ = run(capsys)
    assert status == 1
    assert _failed(out) == failing, out


def test_failures_say_what_was_found_and_what_was_expected(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = build(Breakage(ipv6_route_to_igw=True))
    _, out, _ = run(capsys)
    expected = f"::/0 -> {outputs['InternetGatewayId']} (expected {outputs['EgressOnlyInternetGatewayId']})"
    assert expected in out


def test_bidirectional_stacks_expect_ipv6_to_the_internet_gateway(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    build(Breakage(ipv6_route_to_igw=True))
    cfn = boto3.client("cloudformation", region_name=REGION)
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    assert stack["Parameters"][0]["ParameterKey"] == "PublicIpv6Routing"
    cfn.update_stack(
        StackName=STACK,
        UsePreviousTemplate=True,
        Parameters=[{"ParameterKey": "PublicIpv6Routing", "ParameterValue": "Bidirectional"}],
    )
    status, out, _ = run(capsys)
    assert status == 0, out


def test_a_routing_parameter_value_the_table_does_not_know_is_one_line_exit_2(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    build(Breakage())
    boto3.client("cloudformation", region_name=REGION).update_stack(
        StackName=STACK,
        UsePreviousTemplate=True,
        Parameters=[{"ParameterKey": "PublicIpv6Routing", "ParameterValue": "Both"}],
    )
    status, out, err = run(capsys)
    assert (status, out) == (2, "")
    assert err == (
        f"verify: error: stack {STACK}: parameter PublicIpv6Routing='Both' is not one of EgressOnly, Bidirectional\n"
    )


def test_ntp_over_ipv4_and_an_unreachable_ipv6_only_destination_fail(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    build()
    status, out, _ = run(capsys, shell_output=IPV4_NTP_OUTPUT)
    assert status == 1
    assert _failed(out) == {"ntp-over-ipv6", "ipv6-only-destination"}
    assert "systemd-timesyncd used 185.125.190.56, not an IPv6 server" in out
    assert "https://ipv6.google.com/ not reached: curl: (7) Failed to connect" in out


def test_json_output_lists_every_check(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    build(Breakage(no_ipv4_route=True))
    status, out, _ = run(capsys, "--json")
    document: dict[str, Any] = json.loads(out)
    assert status == 1
    assert document["ok"] is False
    assert document["stack"] == STACK
    failed = [c for c in document["checks"] if not c["ok"]]
    assert [c["check"] for c in failed] == ["subnet-routes", "subnet-routes"]
    assert all("0.0.0.0/0 -> nothing" in c["evidence"] for c in failed)


def test_a_stack_without_test_instance_skips_the_instance_checks(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    build(with_instance=False)
    status, out, _ = run(capsys)
    assert status == 0
    assert "test-instance" not in out
    assert out.splitlines()[-1] == "7 checks: 7 passed, 0 failed"


def test_a_missing_stack_is_one_line_exit_2(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys)
    assert status == 2
    assert out == ""
    assert err == f"verify: error: stack {STACK} does not exist in {REGION}\n"


def test_a_stack_not_from_these_templates_is_one_line_exit_2(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"TopicArn": {"Value": {"Ref": "Topic"}}},
    }
    boto3.client("cloudformation", region_name=REGION).create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    status, _, err = run(capsys)
    assert status == 2
    assert err.startswith(f"verify: error: stack {STACK} is not from the dualstack templates: it has no VpcId")
    assert err.count("\n") == 1


def test_missing_credentials_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    status, _, err = run(capsys)
    assert status == 2
    assert err == "verify: error: no AWS credentials: run `aws configure` or set AWS_PROFILE\n"


def test_unreachable_aws_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    # Port 9 on loopback: nothing listens, so the connection is refused at once.
    status, _, err = run(capsys, "--endpoint-url", "http://127.0.0.1:9")
    assert status == 2
    assert err.startswith(f"verify: error: cannot reach AWS in {REGION}: Could not connect to the endpoint URL")
    assert err.count("\n") == 1


def test_bad_arguments_are_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--region", REGION]) == 2
    assert capsys.readouterr().err == "verify: error: the following arguments are required: --stack\n"


class StubSsm:
    """Just enough of the SSM client for SsmShell: registration, one command, its result."""

    def __init__(self, ping: str | None, results: list[dict[str, Any]]) -> None:
        self.ping = ping
        self.results = results
        self.sent: list[dict[str, Any]] = []

    def describe_instance_information(self, Filters: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        return {"InstanceInformationList": [] if self.ping is None else [{"PingStatus": self.ping}]}

    def send_command(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(kwargs)
        return {"Command": {"CommandId": "cmd-1"}}

    def get_command_invocation(self, CommandId: str, InstanceId: str) -> dict[str, Any]:  # noqa: N803
        result = self.results.pop(0)
        if "error" in result:
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": result["error"], "Message": "not yet"}}, "GetCommandInvocation")
        return result


def test_ssm_shell_waits_for_the_command_and_returns_its_output() -> None:
    from dualstack.commands.verify import INSTANCE_SCRIPT, SsmShell

    ssm = StubSsm(
        "Online",
        [
            {"error": "InvocationDoesNotExist"},
            {"Status": "InProgress"},
            {"Status": "Success", "StandardOutputContent": "out"},
        ],
    )
    assert SsmShell(ssm, poll=0).run("i-1", INSTANCE_SCRIPT) == "out"
    assert ssm.sent == [
        {"InstanceIds": ["i-1"], "DocumentName": "AWS-RunShellScript", "Parameters": {"commands": INSTANCE_SCRIPT}}
    ]


@pytest.mark.parametrize(
    ("ping", "results", "message"),
    [
        (None, [], "Session Manager agent is not registered"),
        ("ConnectionLost", [], "Session Manager agent is ConnectionLost"),
        ("Online", [{"Status": "Failed"}], "ended Failed"),
    ],
)
def test_ssm_shell_says_why_it_could_not_run(ping: str | None, results: list[dict[str, Any]], message: str) -> None:
    from dualstack.commands.verify import SsmShell

    with pytest.raises(RuntimeError, match=message):
        SsmShell(StubSsm(ping, results), poll=0).run("i-1", ["true"])


def test_an_instance_ssm_cannot_reach_fails_both_evidence_checks(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    from dualstack.commands.verify import SsmShell

    build()
    status = main(["--stack", STACK, "--region", REGION], shell=lambda ssm: SsmShell(StubSsm(None, []), poll=0))
    out = capsys.readouterr().out
    assert status == 1
    assert _failed(out) == {"ntp-over-ipv6", "ipv6-only-destination"}
    assert "could not run commands on the instance: Session Manager agent is not registered" in out


# Stacks that cannot be checked, and replies that are not AWS's.


FAILED_ADVICE = "its creation failed, so it holds no network to check; its events say why, then delete it"


@pytest.mark.parametrize(
    ("status", "advice"),
    [
        (
            "ROLLBACK_COMPLETE",
            "its creation failed, so it holds no network to check; its events say why, then delete it",
        ),
        ("CREATE_FAILED", "its creation failed, so it holds no network to check; its events say why, then delete it"),
        ("ROLLBACK_IN_PROGRESS", "it is still changing; run verify again when it has finished"),
        ("UPDATE_IN_PROGRESS", "it is still changing; run verify again when it has finished"),
        ("DELETE_FAILED", "it is not in a state whose resources can be checked"),
        ("UPDATE_ROLLBACK_FAILED", "it is not in a state whose resources can be checked"),
    ],
)
def test_a_stack_that_failed_or_is_changing_is_reported_by_its_status(
    aws: None, capsys: pytest.CaptureFixture[str], status: str, advice: str
) -> None:
    from moto.cloudformation.models import cloudformation_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    build(with_instance=False)
    stack: Any
    (stack,) = cloudformation_backends[DEFAULT_ACCOUNT_ID][REGION].stacks.values()
    stack.status = status
    stack.status_reason = "The following resource(s) failed to create: [PublicSubnetA]. \nRollback requested."
    code, out, err = run(capsys)
    assert code == 2
    assert out == ""
    assert err == (
        f"verify: error: stack {STACK} is {status}: {advice} "
        "(The following resource(s) failed to create: [PublicSubnetA]. Rollback requested.)\n"
    )


class _Replies(http.server.BaseHTTPRequestHandler):
    """An endpoint that answers every request with ``body``, as a proxy's error page would."""

    body = b""
    status = 200

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[Callable[[int, bytes], str]]:
    servers = []

    def serve(status: int, body: bytes) -> str:
        handler = type("Handler", (_Replies,), {"status": status, "body": body})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


PROXY_PAGE = b"<html><head><title>Proxy</title></head>\n<body><p>Access denied<br>\nby policy</body></html>\n"


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (200, PROXY_PAGE, "verify: error: the endpoint for eu-west-1 sent a reply that is not AWS's: "),
        (
            200,
            b"<html><body>Sign in to the network</body></html>",
            "verify: error: the endpoint for eu-west-1 sent a reply that is not AWS's: no DescribeStacksResult in it",
        ),
        (502, PROXY_PAGE, "verify: error: AWS refused DescribeStacks: 502: "),
    ],
    ids=["html-page", "well-formed-html", "gateway-error-page"],
)
def test_a_reply_that_is_not_from_aws_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], endpoint: Callable[[int, bytes], str], status: int, body: bytes, message: str
) -> None:
    code, out, err = run(capsys, "--endpoint-url", endpoint(status, body))
    assert code == 2
    assert out == ""
    assert err.startswith(message), err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_any_other_botocore_failure_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from botocore.exceptions import ParamValidationError

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise ParamValidationError(report="Invalid length for parameter StackName\nvalue: 0")

    monkeypatch.setattr("botocore.client.BaseClient._make_api_call", refuse)
    code, _, err = run(capsys)
    assert code == 2
    assert err == (
        f"verify: error: AWS call failed in {REGION}: Parameter validation failed: "
        "Invalid length for parameter StackName value: 0\n"
    )


# The encryption control: moto does not implement DescribeVpcEncryptionControls, so a real EC2 client answers it
# through botocore's Stubber, which checks the request and each reply against the service model (Mode
# monitor|enforce; State available, enforce-in-progress, enforce-failed...; ResourceExclusions.*.State
# enabling|enabled|disabling|disabled): a reply here that AWS could not send fails the test.


@functools.cache
def _offline_ec2() -> Any:
    """An EC2 client that never signs or sends: every call it makes in these tests is stubbed."""
    session = botocore.session.Session()
    return session.create_client("ec2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")


OUTPUTS = {"VpcId": "vpc-1", "InternetGatewayId": "igw-1", "EgressOnlyInternetGatewayId": "eigw-1",
           "VpcEncryptionControlId": "vpcec-1"}  # fmt: skip


def _control_checks(chosen: str | None, control: dict[str, Any] | None, nat: bool = True) -> list[Any]:
    """The checks of the encryption control for ``EncryptionControl=chosen`` (``None``: a stack without the
    parameter), EC2 describing ``control`` (``None``: EC2 is not asked, and would refuse if it were); ``nat``: the
    template offers NAT gateways."""
    parameters = ({} if chosen is None else {"EncryptionControl": chosen}) | ({"NatGateways": "None"} if nat else {})
    ec2 = _offline_ec2()
    with Stubber(ec2) as stubber:
        if control is not None:
            stubber.add_response(
                "describe_vpc_encryption_controls",
                {"VpcEncryptionControls": [{"VpcEncryptionControlId": "vpcec-1", **control}]},
                {"VpcEncryptionControlIds": ["vpcec-1"]},
            )
        verifier = Verifier(ec2, Stack("s", OUTPUTS, parameters), None)
        verifier.check_encryption_control()
        stubber.assert_no_pending_responses()
    return verifier.checks


ENABLED = {"State": "enabled"}
EXCLUDED = {"InternetGateway": ENABLED, "EgressOnlyInternetGateway": ENABLED, "NatGateway": ENABLED}
MONITOR = {"VpcId": "vpc-1", "Mode": "monitor", "State": "available"}
ENFORCE = {"VpcId": "vpc-1", "Mode": "enforce", "State": "available", "ResourceExclusions": EXCLUDED}
NO_NAT_EXCLUDED = {"InternetGateway": ENABLED, "EgressOnlyInternetGateway": ENABLED}
EIGW_ENABLING = {**EXCLUDED, "EgressOnlyInternetGateway": {"State": "enabling"}}


@pytest.mark.parametrize(
    ("chosen", "control", "nat", "ok", "says"),
    [
        ("Monitor", MONITOR, True, True, "vpcec-1 on vpc-1 in monitor mode, available"),
        ("Enforce", MONITOR, True, False, "mode monitor (expected enforce)"),
        ("Monitor", ENFORCE, True, False, "mode enforce (expected monitor)"),
        ("Monitor", {**MONITOR, "VpcId": "vpc-2"}, True, False, "controls vpc-2, not vpc-1"),
        ("Enforce", ENFORCE, True, True, "vpcec-1 on vpc-1 in enforce mode, available, gateways excluded"),
        # A switch to enforce that failed or is still under way.
        (
            "Enforce", {**ENFORCE, "State": "enforce-failed", "StateMessage": "a stand-in message"},
            True, False, "state enforce-failed (a stand-in message) (expected available)",
        ),
        # Without a StateMessage the state stands alone before what was expected.
        (
            "Enforce", {**ENFORCE, "State": "enforce-in-progress"},
            True, False, "state enforce-in-progress (expected available)",
        ),
        (
            "Enforce", {**ENFORCE, "ResourceExclusions": {**EXCLUDED, "InternetGateway": {"State": "disabled"}}},
            True, False, "InternetGateway exclusion disabled (expected enabled)",
        ),
        (
            "Enforce", {**ENFORCE, "ResourceExclusions": EIGW_ENABLING},
            True, False, "EgressOnlyInternetGateway exclusion enabling (expected enabled)",
        ),
        (
            "Enforce", {**ENFORCE, "ResourceExclusions": NO_NAT_EXCLUDED},
            True, False, "NatGateway exclusion absent (expected enabled)",
        ),
        # A template without NAT gateways (the public one) needs no NAT exclusion.
        (
            "Enforce", {**ENFORCE, "ResourceExclusions": NO_NAT_EXCLUDED},
            False, True, "gateways excluded",
        ),
        # Monitor mode needs no exclusion.
        ("Monitor", {**MONITOR, "ResourceExclusions": {}}, True, True, "in monitor mode"),
    ],
)  # fmt: skip
def test_the_encryption_control_must_be_in_the_chosen_mode_with_the_gateways_excluded(
    chosen: str, control: dict[str, Any], nat: bool, ok: bool, says: str
) -> None:
    (check,) = _control_checks(chosen, control, nat)
    assert (check.check, check.subject, check.ok) == ("encryption-control", "vpcec-1", ok)
    assert says in check.evidence


def test_without_an_encryption_control_it_is_not_asked_for() -> None:
    assert _control_checks("None", None) == []
    # A stack from before the parameter existed has none either.
    assert _control_checks(None, None, nat=False) == []


def test_an_encryption_control_the_stack_does_not_output_fails_without_asking_ec2() -> None:
    outputs = {k: v for k, v in OUTPUTS.items() if k != "VpcEncryptionControlId"}
    verifier = Verifier(_offline_ec2(), Stack("s", outputs, {"EncryptionControl": "Monitor"}), None)
    with Stubber(verifier.ec2):
        verifier.check_encryption_control()
    (check,) = verifier.checks
    assert (check.check, check.subject, check.ok) == ("encryption-control", "vpc-1", False)
    assert check.evidence == "the stack has no VpcEncryptionControlId output"


def test_an_encryption_control_value_verify_does_not_know_is_one_line_exit_2() -> None:
    with pytest.raises(VerifyError) as raised:
        _control_checks("Strict", None)
    assert str(raised.value) == "stack s: parameter EncryptionControl='Strict' is not one of None, Monitor, Enforce"


def test_the_routes_checked_are_the_table_s_destinations_and_any_other_way_out() -> None:
    # As DescribeRouteTables lists them; written out by hand: the local routes, a gateway endpoint's prefix list and
    # the owner's own peering and transit routes are not verify's; a more specific route to a gateway is.
    table = {
        "Routes": [
            {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
            {"DestinationIpv6CidrBlock": "2600:1f18::/56", "GatewayId": "local", "State": "active"},
            {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-1", "State": "active"},
            {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"},
            {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "State": "active"},
            {"DestinationIpv6CidrBlock": "2000::/3", "GatewayId": "igw-1", "State": "active"},
            {"DestinationCidrBlock": "0.0.0.0/1", "NatGatewayId": "nat-1", "State": "active"},
            {"DestinationIpv6CidrBlock": "2001:db8:1::/48", "EgressOnlyInternetGatewayId": "eigw-1", "State": "active"},
            {
                "DestinationIpv6CidrBlock": "2001:db8::/32",
                "EgressOnlyInternetGatewayId": "eigw-1",
                "State": "blackhole",
            },
            {"DestinationCidrBlock": "10.1.0.0/16", "VpcPeeringConnectionId": "pcx-1", "State": "active"},
            {"DestinationCidrBlock": "10.2.0.0/16", "TransitGatewayId": "tgw-1", "State": "active"},
            {"DestinationCidrBlock": "192.168.0.0/16", "GatewayId": "vgw-1", "State": "active"},
        ]
    }
    assert verify_routes(table) == {
        "0.0.0.0/0": "igw-1",
        "::/0": "eigw-1",
        "2000::/3": "igw-1",
        "0.0.0.0/1": "nat-1",
        "2001:db8:1::/48": "eigw-1",
    }
    expected = {"0.0.0.0/0": "igw-1", "::/0": "eigw-1"}
    assert route_problems(verify_routes(table), expected) == [
        "0.0.0.0/1 -> nat-1 (expected no route)",
        "2000::/3 -> igw-1 (expected no route)",
        "2001:db8:1::/48 -> eigw-1 (expected no route)",
    ]


def test_a_block_is_held_only_while_associated() -> None:
    # DescribeVpcs and DescribeSubnets keep a removed block in the set, "disassociated", for a while.
    states = ["associating", "associated", "disassociating", "disassociated", "failed"]
    item = {
        "Ipv6CidrBlockAssociationSet": [
            {"Ipv6CidrBlock": f"2600:1f18:0:{n}::/56", "Ipv6CidrBlockState": {"State": state}}
            for n, state in enumerate(states)
        ]
    }
    assert _ipv6_blocks(item) == ["2600:1f18:0:1::/56"]

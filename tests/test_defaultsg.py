"""The default security group's rules: the handler against a stubbed EC2 client, and the resources that run it."""

from __future__ import annotations

import ast
import json
import sys
from typing import Any

import pytest

from dualstack import SHIPPED, TemplateSpec
from dualstack.builders import default_sg_handler
from dualstack.builders.defaultsg import FUNCTION_TIMEOUT_SECONDS, handler_source
from dualstack.proofs.evaluate import evaluate

from .conftest import ROOT, rendered

GROUP = "sg-0123456789abcdef0"
ACCOUNT = "111122223333"
#: What EC2 gives a default security group of a VPC with IPv6 (Amazon VPC User Guide, "Default security groups").
DEFAULT_RULES = [
    ("ingress", {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": GROUP, "UserId": ACCOUNT}]}),
    ("egress", {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),
    ("egress", {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}),
]
RESOURCES = {"DefaultSecurityGroupRules", "DefaultSecurityGroupFunction", "DefaultSecurityGroupRole"}


class ClientError(Exception):
    """Shaped like botocore's: the error code under ``response["Error"]["Code"]``."""

    def __init__(self, code: str) -> None:
        super().__init__(f"An error occurred ({code})")
        self.response = {"Error": {"Code": code}}


class StubEc2:
    """Records each call; raises the error queued for a (verb, direction, rule index), if any."""

    def __init__(self, errors: dict[tuple[str, str, int], str] | None = None) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.errors = errors or {}

    def __getattr__(self, name: str) -> Any:
        verb, _, direction = name.partition("_security_group_")

        def call(GroupId: str, IpPermissions: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
            (rule,) = IpPermissions
            index = sum(1 for v, d, _ in self.calls if (v, d) == (verb, direction))
            self.calls.append((verb, direction, {"GroupId": GroupId, **rule}))
            code = self.errors.get((verb, direction, index))
            if code:
                raise ClientError(code)
            return {"Return": True}

        return call


class Responses:
    """Stands in for urlopen: keeps each request CloudFormation would receive."""

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[Any] = []
        self.timeouts: list[float] = []
        self.fail = fail

    def __call__(self, request: Any, timeout: float) -> Any:
        self.sent.append(request)
        self.timeouts.append(timeout)
        if self.fail:
            raise OSError("network unreachable")
        return self

    def close(self) -> None:
        pass

    def body(self) -> dict[str, Any]:
        (request,) = self.sent
        result: dict[str, Any] = json.loads(request.data)
        return result


def _event(kind: str, group: str = GROUP, **extra: Any) -> dict[str, Any]:
    return {
        "RequestType": kind,
        "ResponseURL": "https://cloudformation-custom-resource-response.example/abc",
        "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/net/1",
        "RequestId": "req-1",
        "LogicalResourceId": "DefaultSecurityGroupRules",
        "ResourceProperties": {"ServiceToken": "arn", "GroupId": group, "Account": ACCOUNT},
        **extra,
    }


def _run(event: dict[str, Any], ec2: StubEc2, responses: Responses | None = None) -> tuple[str, dict[str, Any]]:
    responses = responses or Responses()
    status = default_sg_handler.handler(event, None, ec2=ec2, urlopen=responses)
    return status, responses.body()


def _rules(ec2: StubEc2, verb: str) -> list[tuple[str, dict[str, Any]]]:
    return [(d, {k: v for k, v in r.items() if k != "GroupId"}) for v_, d, r in ec2.calls if v_ == verb]


@pytest.mark.parametrize("kind", ["Create", "Update"])
def test_create_and_update_revoke_every_default_rule_ipv6_egress_included(kind: str) -> None:
    ec2 = StubEc2()
    status, body = _run(_event(kind), ec2)
    assert status == "SUCCESS"
    assert _rules(ec2, "revoke") == DEFAULT_RULES
    assert {r["GroupId"] for _, _, r in ec2.calls} == {GROUP}
    assert not _rules(ec2, "authorize")
    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == GROUP
    assert (body["StackId"], body["RequestId"], body["LogicalResourceId"]) == (
        "arn:aws:cloudformation:eu-west-1:111122223333:stack/net/1",
        "req-1",
        "DefaultSecurityGroupRules",
    )


def test_delete_puts_the_default_rules_back() -> None:
    ec2 = StubEc2()
    status, body = _run(_event("Delete", PhysicalResourceId=GROUP), ec2)
    assert status == "SUCCESS"
    assert _rules(ec2, "authorize") == DEFAULT_RULES
    assert not _rules(ec2, "revoke")
    assert body["PhysicalResourceId"] == GROUP


def test_rules_already_gone_or_already_back_are_not_errors_and_the_others_are_still_changed() -> None:
    ec2 = StubEc2({("revoke", "egress", 1): "InvalidPermission.NotFound"})
    assert _run(_event("Create"), ec2)[0] == "SUCCESS"
    assert len(_rules(ec2, "revoke")) == 3
    ec2 = StubEc2({("authorize", "ingress", 0): "InvalidPermission.Duplicate"})
    assert _run(_event("Delete"), ec2)[0] == "SUCCESS"
    assert len(_rules(ec2, "authorize")) == 3
    ec2 = StubEc2(
        {("authorize", d, i): "InvalidGroup.NotFound" for d, i in [("ingress", 0), ("egress", 0), ("egress", 1)]}
    )
    assert _run(_event("Delete"), ec2)[0] == "SUCCESS", "a deleted group has nothing to restore"


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("Create", ("revoke", "egress", 1, "UnauthorizedOperation")),
        ("Create", ("revoke", "ingress", 0, "InvalidPermission.Duplicate")),
        ("Create", ("revoke", "ingress", 0, "InvalidGroup.NotFound")),
        ("Delete", ("authorize", "egress", 0, "InvalidPermission.NotFound")),
    ],
)
def test_any_other_error_is_answered_failed_naming_it(kind: str, error: tuple[str, str, int, str]) -> None:
    verb, direction, index, code = error
    status, body = _run(_event(kind), StubEc2({(verb, direction, index): code}))
    assert status == "FAILED"
    assert body["Status"] == "FAILED"
    assert code in body["Reason"]
    # A failed Create is marked, so that the Delete of its rollback does not try again (below).
    assert body["PhysicalResourceId"] == (f"failed:{GROUP}" if kind == "Create" else GROUP)


@pytest.mark.parametrize(("verb", "kind"), [("authorize", "Delete"), ("revoke", "Update")])
def test_a_refused_rule_leaves_the_others_changed_and_is_answered_failed(verb: str, kind: str) -> None:
    # A Delete after RestrictDefaultSecurityGroup goes back to false: one refused rule must not leave the group
    # with none of EC2's rules back.
    ec2 = StubEc2({(verb, "ingress", 0): "UnauthorizedOperation"})
    status, body = _run(_event(kind, PhysicalResourceId=GROUP), ec2)
    assert status == "FAILED"
    assert "UnauthorizedOperation" in body["Reason"]
    assert _rules(ec2, verb) == DEFAULT_RULES


@pytest.mark.parametrize("code", ["UnauthorizedOperation", "InvalidGroup.NotFound"])
def test_the_rollback_of_a_failed_create_deletes_without_calling_ec2(code: str) -> None:
    # An SCP that denies revoking denies authorizing too: the rollback's Delete must not depend on EC2.
    create = StubEc2({("revoke", "ingress", 0): code})
    status, body = _run(_event("Create"), create)
    assert (status, body["PhysicalResourceId"]) == ("FAILED", f"failed:{GROUP}")
    delete = StubEc2({("authorize", d, i): code for d, i in [("ingress", 0), ("egress", 0), ("egress", 1)]})
    status, body = _run(_event("Delete", PhysicalResourceId=body["PhysicalResourceId"]), delete)
    assert (status, body["Status"], body["PhysicalResourceId"]) == ("SUCCESS", "SUCCESS", f"failed:{GROUP}")
    assert not delete.calls


def test_a_failed_create_without_a_group_is_marked_and_its_delete_succeeds() -> None:
    event = {"RequestType": "Create", "ResponseURL": "https://x.example/r", "ResourceProperties": {}}
    status, body = _run(event, StubEc2())
    assert (status, body["PhysicalResourceId"]) == ("FAILED", "failed:none")
    ec2 = StubEc2()
    for physical in ("failed:none", "none"):
        delete = {"RequestType": "Delete", "ResponseURL": "https://x.example/r", "PhysicalResourceId": physical}
        for props in ({}, {"ServiceToken": "arn", "Account": ACCOUNT}):
            status, body = _run({**delete, "ResourceProperties": props}, ec2)
            assert (status, body["PhysicalResourceId"]) == ("SUCCESS", physical)
    assert not ec2.calls


class Context:
    """Lambda's context object: only the time left matters here."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def get_remaining_time_in_millis(self) -> int:
        return int(self.seconds * 1000)


@pytest.mark.parametrize("kind", ["Create", "Delete"])
def test_too_little_time_left_answers_failed_before_calling_ec2(kind: str) -> None:
    ec2 = StubEc2()
    responses = Responses()
    status = default_sg_handler.handler(
        _event(kind, PhysicalResourceId=GROUP), Context(default_sg_handler.RESERVE - 1), ec2=ec2, urlopen=responses
    )
    assert (status, responses.body()["Status"]) == ("FAILED", "FAILED")
    assert "time" in responses.body()["Reason"]
    assert not ec2.calls
    ec2 = StubEc2()
    assert default_sg_handler.handler(_event(kind), Context(120), ec2=ec2, urlopen=Responses()) == "SUCCESS"
    assert len(ec2.calls) == 3


def test_the_worst_case_of_the_clients_retries_and_the_response_fits_the_function_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The budget, from the Config the handler gives boto3, as botocore resolves it (attempts count the first)."""
    import boto3
    from botocore.retries.standard import ExponentialBackoff

    configs: list[Any] = []

    def client(service: str, config: Any) -> StubEc2:
        configs.append(config)
        return StubEc2()

    monkeypatch.setattr(boto3, "client", client)
    responses = Responses()
    assert default_sg_handler.handler(_event("Create"), None, urlopen=responses) == "SUCCESS"
    monkeypatch.undo()
    (config,) = configs
    resolved = boto3.client("ec2", region_name="eu-west-1", config=config).meta.config
    assert resolved.retries["mode"] == "standard"
    attempts = resolved.retries["total_max_attempts"]
    # A retry waits at most rand(0,1) * min(2 ** i, 20) s (1 s for throttling), plus up to 5 s for x-amz-retry-after.
    waits = sum(min(2**i, ExponentialBackoff._MAX_BACKOFF) + 5 for i in range(attempts - 1))
    per_call = attempts * (resolved.connect_timeout + resolved.read_timeout) + waits
    (respond,) = responses.timeouts
    assert len(DEFAULT_RULES) * per_call < FUNCTION_TIMEOUT_SECONDS - respond
    # The last call starts only with time for itself and the response.
    assert per_call + respond <= default_sg_handler.RESERVE


@pytest.mark.parametrize(
    "event",
    [
        {"RequestType": "Create", "ResponseURL": "https://x.example/r", "ResourceProperties": {}},
        {"RequestType": "Unknown", "ResponseURL": "https://x.example/r", "ResourceProperties": {"GroupId": GROUP}},
        {"ResponseURL": "https://x.example/r", "PhysicalResourceId": "kept"},
    ],
    ids=["no-properties", "unknown-request", "no-request-type"],
)
def test_a_malformed_request_is_still_answered(event: dict[str, Any]) -> None:
    ec2 = StubEc2()
    status, body = _run(event, ec2)
    assert status == "FAILED"
    assert body["Status"] == "FAILED"
    assert body["PhysicalResourceId"]
    assert not ec2.calls


def test_the_response_is_a_put_of_json_to_the_presigned_url() -> None:
    responses = Responses()
    default_sg_handler.handler(_event("Create"), None, ec2=StubEc2(), urlopen=responses)
    (request,) = responses.sent
    assert request.get_method() == "PUT"
    assert request.full_url == "https://cloudformation-custom-resource-response.example/abc"
    # The presigned URL is signed for an empty content type.
    assert request.get_header("Content-type") == ""


def test_a_response_that_cannot_be_sent_does_not_raise() -> None:
    responses = Responses(fail=True)
    assert default_sg_handler.handler(_event("Create"), None, ec2=StubEc2(), urlopen=responses) == "SUCCESS"
    assert len(responses.sent) == 1


def test_the_handler_needs_only_the_standard_library_and_the_lambda_runtimes_boto3() -> None:
    tree = ast.parse(handler_source())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert imported - set(sys.stdlib_module_names) == {"boto3", "botocore"}


# The resources


RESTRICTED = {"RestrictDefaultSecurityGroup": "true"}


def _deploy(choices: dict[str, str], spec: TemplateSpec = SHIPPED[0]) -> Any:
    return evaluate(rendered(spec), choices, region="eu-west-1")


def test_the_inline_code_is_the_tested_module_byte_for_byte() -> None:
    for spec in SHIPPED:
        code = _deploy(RESTRICTED, spec).resources["DefaultSecurityGroupFunction"]["Properties"]["Code"]
        handler = ROOT / "dualstack" / "builders" / "default_sg_handler.py"
        assert code == {"ZipFile": handler.read_text(encoding="utf-8")}
    # CloudFormation's inline code limit as long documented for ZipFile (4,096 characters): stay under it.
    assert len(handler_source()) < 4096


def test_left_alone_by_default_and_restricted_only_when_chosen() -> None:
    # An existing stack updated to this template keeps EC2's default rules unless its owner passes true.
    for spec in SHIPPED:
        parameter = rendered(spec)["Parameters"]["RestrictDefaultSecurityGroup"]
        assert (parameter["Default"], parameter["AllowedValues"]) == ("false", ["false", "true"])
        assert not RESOURCES & set(_deploy({}, spec).resources)
        assert not RESOURCES & set(_deploy({"RestrictDefaultSecurityGroup": "false"}, spec).resources)
        assert set(_deploy(RESTRICTED, spec).resources) >= RESOURCES


def test_custom_resource_names_the_vpcs_default_group_and_waits_for_the_ipv6_block() -> None:
    rules = _deploy(RESTRICTED).resources["DefaultSecurityGroupRules"]
    assert rules["Type"] == "Custom::DefaultSecurityGroupRules"
    assert rules["Properties"] == {
        "ServiceToken": "<DefaultSecurityGroupFunction.Arn>",
        "ServiceTimeout": 300,
        "GroupId": "<Vpc.DefaultSecurityGroup>",
        "Account": "123456789012",
    }
    # EC2 adds the ::/0 egress rule once the VPC has an IPv6 block; revoking before that would miss it.
    assert "VpcIpv6CidrBlock" in rules["DependsOn"]


def test_function_runs_the_inline_handler_within_the_custom_resource_timeout() -> None:
    props = _deploy(RESTRICTED).resources["DefaultSecurityGroupFunction"]["Properties"]
    assert props["Handler"] == "index.handler"
    assert props["Runtime"].startswith("python3.")
    assert props["Role"] == "<DefaultSecurityGroupRole.Arn>"
    assert props["Timeout"] < 300


def test_role_may_only_change_rules_of_the_default_group_write_its_own_logs_and_trusts_only_lambda() -> None:
    role = _deploy(RESTRICTED).resources["DefaultSecurityGroupRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert trust["Action"] == ["sts:AssumeRole"]
    assert "ManagedPolicyArns" not in role
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    assert statements == [
        {
            "Effect": "Allow",
            "Action": [
                "ec2:RevokeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupEgress",
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:AuthorizeSecurityGroupEgress",
            ],
            "Resource": ["arn:aws:ec2:eu-west-1:123456789012:security-group/<Vpc.DefaultSecurityGroup>"],
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": ["<DefaultSecurityGroupLogGroup.Arn>"],
        },
    ]


def test_the_function_logs_to_a_group_of_its_own_kept_a_year_and_encrypted_with_the_given_key() -> None:
    key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    deployment = _deploy({**RESTRICTED, "FlowLogKmsKeyArn": key})
    function = deployment.resources["DefaultSecurityGroupFunction"]["Properties"]
    assert function["LoggingConfig"] == {"LogGroup": "<DefaultSecurityGroupLogGroup>"}
    group = deployment.resources["DefaultSecurityGroupLogGroup"]["Properties"]
    assert {k: v for k, v in group.items() if k != "Tags"} == {"RetentionInDays": 365, "KmsKeyId": key}
    assert "KmsKeyId" not in _deploy(RESTRICTED).resources["DefaultSecurityGroupLogGroup"]["Properties"]
    assert "DefaultSecurityGroupLogGroup" not in _deploy({}).resources


def test_a_client_that_cannot_be_made_is_answered_failed(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    # No region anywhere: boto3 refuses to make the client, before any call could reach AWS.
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    responses = Responses()
    assert default_sg_handler.handler(_event("Create"), None, urlopen=responses) == "FAILED"
    assert "NoRegionError" in responses.body()["Reason"]


# Every request is answered, with the real error, after retrying what is worth retrying while time allows


@pytest.mark.parametrize("properties", ["GroupId=sg-1", ["sg-1"], 7], ids=["text", "list", "number"])
def test_properties_that_are_not_an_object_are_still_answered(properties: Any) -> None:
    ec2 = StubEc2()
    status, body = _run(_event("Create", ResourceProperties=properties), ec2)
    assert (status, body["Status"]) == ("FAILED", "FAILED")
    assert body["Reason"].startswith("TypeError: ResourceProperties is a ")
    assert body["RequestId"] == "req-1"
    assert not ec2.calls


def test_a_botocore_timeout_is_reported_as_itself_after_the_retries_time_allows() -> None:
    from botocore.exceptions import ReadTimeoutError

    class TimingOut(StubEc2):
        def __getattr__(self, name: str) -> Any:
            def call(**kwargs: Any) -> Any:
                self.calls.append((name, "", kwargs))
                raise ReadTimeoutError(endpoint_url="https://ec2.eu-west-1.amazonaws.com/")

            return call

    ec2, clock = TimingOut(), Clock(60)
    responses = Responses()
    status = default_sg_handler.handler(_event("Create"), clock, ec2=ec2, urlopen=responses, sleep=clock.sleep)
    assert status == "FAILED"
    reason = responses.body()["Reason"]
    assert reason.startswith("ReadTimeoutError: Read timeout on endpoint URL"), reason
    # 60 s (tries take no time here): a retry needs its wait plus RESERVE (20 s) left; waits double up to 8 s. After
    # the first rule's waits, 21 s are left: less than 8 + 20, so it gives up. The second rule's first retry (1 s)
    # still fits (21 >= 1 + 20), its second does not; the third rule finds 20 s, tries once and gives up. The first
    # error is the answer, with RESERVE left to send it.
    assert clock.waits == [1, 2, 4, 8, 8, 8, 8, 1]
    assert clock.left() == 20


def test_throttling_is_retried_with_backoff_until_it_passes() -> None:
    throttled = {("revoke", "egress", n): "RequestLimitExceeded" for n in range(3)}
    ec2, clock = StubEc2(throttled), Clock(120)
    responses = Responses()
    status = default_sg_handler.handler(_event("Delete", PhysicalResourceId=GROUP), clock, ec2=ec2, urlopen=responses)
    assert status == "SUCCESS"  # a Delete authorizes: nothing throttled there
    ec2, clock = StubEc2(throttled), Clock(120)
    status = default_sg_handler.handler(_event("Create"), clock, ec2=ec2, urlopen=Responses(), sleep=clock.sleep)
    assert status == "SUCCESS"
    assert clock.waits == [1, 2, 4]
    # The first egress rule was tried four times, the others once each.
    assert [d for v, d, _ in ec2.calls] == ["ingress", "egress", "egress", "egress", "egress", "egress"]


def test_an_error_not_worth_retrying_is_not_retried() -> None:
    ec2, clock = StubEc2({("revoke", "ingress", 0): "UnauthorizedOperation"}), Clock(120)
    status = default_sg_handler.handler(_event("Create"), clock, ec2=ec2, urlopen=Responses(), sleep=clock.sleep)
    assert status == "FAILED"
    assert clock.waits == []
    # Tried once, then the other rules once each.
    assert [d for v, d, _ in ec2.calls] == ["ingress", "egress", "egress"]


def test_an_event_that_is_not_an_object_is_answered_nowhere_and_does_not_raise() -> None:
    assert default_sg_handler.handler("not an event", None, ec2=StubEc2(), urlopen=Responses()) == "FAILED"


class Clock:
    """A Lambda context whose remaining time runs down as the handler sleeps."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.waits: list[float] = []

    def get_remaining_time_in_millis(self) -> int:
        return int(self.seconds * 1000)

    def left(self) -> float:
        return self.seconds

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.seconds -= seconds

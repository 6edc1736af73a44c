"""make stackset: the shipped templates are valid for StackSets, and the orchestration against a stub ``aws``."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.helpers import AVAILABILITY_ZONES, REGIONS

from dualstack.commands.stackset import main, template_url
from dualstack.files.inputs import InputError, template_body
from dualstack.model.limits import TEMPLATE_BODY_LIMIT

from .conftest import TEMPLATES
from .test_deploy import Aws

YAML = TEMPLATES / "dualstack-vpc.yaml"
NOT_FOUND = (
    "\nAn error occurred (StackSetNotFoundException) when calling the DescribeStackSet operation: "
    "StackSet s not found\n"
)
TARGETS = ["--ous", "ou-ab12-cdef3456,ou-ab12-98765432", "--regions", "eu-west-1,us-east-1"]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


# What a template needs to be deployed by StackSets into many accounts and regions.


def _equals(value: Any) -> list[tuple[Any, Any]]:
    """Every ``Fn::Equals`` pair below ``value``."""
    if isinstance(value, dict):
        pairs = [tuple(value["Fn::Equals"])] if "Fn::Equals" in value else []
        return pairs + [p for item in value.values() for p in _equals(item)]
    if isinstance(value, list):
        return [p for item in value for p in _equals(item)]
    return []


def test_shipped_templates_name_no_account_region_or_zone(shipped: dict[str, Any]) -> None:
    zones = {zone for region in AVAILABILITY_ZONES.values() for zone in region}
    # One condition names regions, and only to compare them with the stack's own: where the encryption control's
    # resource type exists (builders/encryption.py). Every other string names none.
    conditions = dict(shipped["Conditions"])
    available = conditions.pop("EncryptionControlAvailable")
    compared = _equals(available)
    assert compared
    assert all(left == {"Ref": "AWS::Region"} and right in REGIONS for left, right in compared)
    others = [t for t in _strings(available) if t not in ("Fn::Or", "Fn::Equals", "Ref", "AWS::Region")]
    assert others == [right for _, right in compared]
    for section in ("Resources", "Outputs", "Conditions", "Rules"):
        for text in _strings(conditions if section == "Conditions" else shipped.get(section, {})):
            assert not re.search(r"(?<!\d)\d{12}(?!\d)", text), text
            assert not [region for region in REGIONS if region in text], text
            assert not [zone for zone in zones if zone in text], text


def test_shipped_templates_export_names_unique_per_stack_instance(shipped: dict[str, Any]) -> None:
    # Each stack instance is a stack of its own in one account and region, named by StackSets.
    for key, output in shipped["Outputs"].items():
        assert output["Export"]["Name"] == {"Fn::Sub": f"${{AWS::StackName}}-{key}"}


def test_shipped_templates_need_only_capability_iam_and_fit_the_template_body_limit(shipped_spec: Any) -> None:
    template = json.loads((TEMPLATES / f"{shipped_spec.name}.json").read_text(encoding="utf-8"))
    resources = template["Resources"].values()
    assert any(r["Type"].startswith("AWS::IAM::") for r in resources)
    # No fixed names: two instances in one account (or the account's other stacks) never collide, and
    # CAPABILITY_NAMED_IAM is not needed.
    for resource in resources:
        fixed = [k for k in resource["Properties"] if k.endswith("Name") and isinstance(resource["Properties"][k], str)]
        assert fixed == [] or resource["Type"] == "AWS::EC2::Instance", (resource["Type"], fixed)
    # Sent inline: the default template. One over the limit in both formats (the private, IPv6-only and web
    # templates) goes through S3 (--s3-bucket), and without a bucket is refused in one line before any AWS call.
    twin = TEMPLATES / f"{shipped_spec.name}.json"
    if shipped_spec.name != "dualstack-vpc":
        with pytest.raises(InputError, match="over CloudFormation's 51,200-byte inline limit"):
            template_body(twin.with_suffix(".yaml"))
        assert template_body(twin.with_suffix(".yaml"), bucket="my-bucket") == (twin.with_suffix(".yaml"), None)
    else:
        assert len(twin.read_bytes()) <= TEMPLATE_BODY_LIMIT


# The orchestration.


@pytest.fixture
def aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Aws:
    stub = Aws(tmp_path, monkeypatch)
    for command in ("create-stack-set", "create-stack-instances", "update-stack-set"):
        stub.reply(command, stdout={"OperationId": "op-1"})
    return stub


def _existing(aws: Aws, **parameters: str) -> None:
    template = json.loads(YAML.with_suffix(".json").read_text(encoding="utf-8"))
    values = {k: str(v.get("Default", "")) for k, v in template["Parameters"].items()} | parameters
    stack_set = {
        "StackSetName": "s",
        "TemplateBody": YAML.read_text(encoding="utf-8"),
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
    }
    aws.reply("describe-stack-set", stdout={"StackSet": stack_set})


def _stackset(*extra: str) -> int:
    return main(["--name", "s", "--region", "eu-west-1", "--template", str(YAML), *TARGETS, *extra])


def test_a_new_stack_set_is_created_service_managed_then_its_instances(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.reply("describe-stack-set", rc=254, stderr=NOT_FOUND)
    assert _stackset("MapPublicIpOnLaunch=false", "--call-as", "DELEGATED_ADMIN") == 0
    describe, create, instances = aws.calls()
    assert describe[1] == "describe-stack-set"
    assert create == [
        "cloudformation", "create-stack-set", "--stack-set-name", "s", "--region", "eu-west-1",
        "--template-body", f"file://{YAML}",
        "--parameters", '[{"ParameterKey":"MapPublicIpOnLaunch","ParameterValue":"false"}]',
        "--capabilities", "CAPABILITY_IAM", "--permission-model", "SERVICE_MANAGED",
        "--auto-deployment", '{"Enabled":true,"RetainStacksOnAccountRemoval":true}', "--call-as", "DELEGATED_ADMIN",
    ]  # fmt: skip
    assert instances == [
        "cloudformation", "create-stack-instances", "--stack-set-name", "s", "--region", "eu-west-1",
        "--deployment-targets", "OrganizationalUnitIds=ou-ab12-cdef3456,ou-ab12-98765432",
        "--regions", "eu-west-1", "us-east-1",
        "--operation-preferences", "FailureToleranceCount=0,MaxConcurrentCount=1", "--call-as", "DELEGATED_ADMIN",
    ]  # fmt: skip
    out = capsys.readouterr().out
    assert "creating it, no update to plan" in out


def test_a_yaml_over_the_limit_whose_json_twin_fits_is_sent_as_the_twin(aws: Aws, tmp_path: Path) -> None:
    template = json.loads(YAML.with_suffix(".json").read_text(encoding="utf-8"))
    template["Description"] = "x" * 1000
    big = tmp_path / "big.yaml"
    big.write_text(json.dumps(template, indent=30), encoding="utf-8")  # JSON is YAML
    big.with_suffix(".json").write_text(json.dumps(template, separators=(",", ":")), encoding="utf-8")
    assert big.stat().st_size > TEMPLATE_BODY_LIMIT >= big.with_suffix(".json").stat().st_size
    aws.reply("describe-stack-set", rc=254, stderr=NOT_FOUND)
    assert main(["--name", "s", "--region", "eu-west-1", "--template", str(big), *TARGETS]) == 0
    create = aws.calls()[1]
    assert create[create.index("--template-body") + 1] == f"file://{big.with_suffix('.json')}"


def test_an_existing_stack_set_is_planned_for_each_region_then_updated(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    _existing(aws, MapPublicIpOnLaunch="false")
    assert _stackset("AzCount=3") == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if line.startswith("stackset: plan")] == [
        "stackset: plan for the instances in eu-west-1:",
        "stackset: plan for the instances in us-east-1:",
    ]
    assert "  add      PublicSubnetC (AWS::EC2::Subnet)" in out
    assert aws.subcommands() == ["describe-stack-set", "update-stack-set"]
    update = aws.calls()[-1]
    # Parameters not given keep their current values.
    parameters = json.loads(update[update.index("--parameters") + 1])
    assert {"ParameterKey": "MapPublicIpOnLaunch", "ParameterValue": "false"} in parameters
    assert {"ParameterKey": "AzCount", "ParameterValue": "3"} in parameters
    assert update[update.index("--regions") + 1 : update.index("--operation-preferences")] == ["eu-west-1", "us-east-1"]


def test_a_refused_plan_changes_nothing_unless_forced(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    _existing(aws)
    assert _stackset("VpcCidrBlock=10.9.0.0/16") == 1
    assert aws.subcommands() == ["describe-stack-set"]
    assert "stackset: refused, nothing changed" in capsys.readouterr().err
    assert _stackset("VpcCidrBlock=10.9.0.0/16", "--force") == 0
    assert aws.subcommands()[-1] == "update-stack-set"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ous", "ou-x", "--regions", "eu-west-1"], "--ous: 'ou-x' is not an organisational unit ID"),
        (["--ous", "", "--regions", "eu-west-1"], "--ous: give at least one organisational unit"),
        (["--ous", "ou-ab12-cdef3456", "--regions", "eu-west-1,mars-1"], "--regions: unknown region 'mars-1'"),
        (["--ous", "ou-ab12-cdef3456", "--regions", ""], "--regions: give at least one region"),
        ([*TARGETS, "--call-as", "ROOT"], "--call-as: 'ROOT' is not SELF or DELEGATED_ADMIN"),
        ([*TARGETS, "PublicIpv6Routing=Twice"], "PublicIpv6Routing"),
    ],
)
def test_bad_input_is_one_line_and_calls_no_aws(
    aws: Aws, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--name", "s", "--region", "eu-west-1", "--template", str(YAML), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stackset: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert aws.calls() == []


def test_parameter_values_reach_the_cli_as_json_it_cannot_split(aws: Aws) -> None:
    # KeyName allows commas; the shorthand would split "a,b" into a value and a field the CLI refuses.
    aws.reply("describe-stack-set", rc=254, stderr=NOT_FOUND)
    assert _stackset("KeyName=a,b") == 0
    create = next(call for call in aws.calls() if call[1] == "create-stack-set")
    assert json.loads(create[create.index("--parameters") + 1]) == [
        {"ParameterKey": "KeyName", "ParameterValue": "a,b"}
    ]


def test_a_parameter_with_a_comma_and_a_field_name_is_one_value(aws: Aws) -> None:
    aws.reply("describe-stack-set", rc=254, stderr=NOT_FOUND)
    assert _stackset("KeyName=foo,UsePreviousValue=true") == 0
    create = next(call for call in aws.calls() if call[1] == "create-stack-set")
    assert json.loads(create[create.index("--parameters") + 1]) == [
        {"ParameterKey": "KeyName", "ParameterValue": "foo,UsePreviousValue=true"}
    ]


@pytest.mark.parametrize(("flag", "retain"), [([], True), (["--retain-stacks", "false"], False)])
def test_accounts_that_leave_keep_their_stacks_unless_told(
    aws: Aws, capsys: pytest.CaptureFixture[str], flag: list[str], retain: bool
) -> None:
    aws.reply("describe-stack-set", rc=254, stderr=NOT_FOUND)
    assert _stackset(*flag) == 0
    create = next(call for call in aws.calls() if call[1] == "create-stack-set")
    assert json.loads(create[create.index("--auto-deployment") + 1]) == {
        "Enabled": True,
        "RetainStacksOnAccountRemoval": retain,
    }
    assert f"(RETAIN_STACKS={str(retain).lower()})" in capsys.readouterr().out


def test_every_target_region_is_checked_for_its_zone_count(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    # us-west-1 has two zones in the pinned cfn-lint's data: a third subnet there would fail that region half-way.
    aws.reply("describe-stack-set", rc=254, stderr=NOT_FOUND)
    argv = ["--name", "s", "--region", "eu-west-1", "--template", str(YAML), "--ous", "ou-ab12-cdef3456"]
    assert main([*argv, "--regions", "eu-west-1,us-west-1", "AzCount=3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stackset: error: --regions: us-west-1 has 2 Availability Zones"), err
    assert err.count("\n") == 1
    assert aws.calls() == []


def test_an_update_describes_each_instance_with_the_values_the_stack_set_keeps(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    _existing(aws, Ipv4Source="Ipam", Ipv4IpamPoolId="ipam-pool-0123456789abcdef0", Ipv4NetmaskLength="20")
    assert _stackset("AzCount=3") == 0
    out = capsys.readouterr().out
    assert "keeping Ipv4Source=Ipam Ipv4IpamPoolId=ipam-pool-0123456789abcdef0 Ipv4NetmaskLength=20" in out
    assert "note: IPv4 from IPAM" in out


PRIVATE = TEMPLATES / "dualstack-vpc-private.yaml"


def test_a_template_over_the_limit_is_uploaded_once_the_plan_passes_and_named_by_url(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.reply("describe-stack-set", rc=254, stderr=NOT_FOUND)
    argv = ["--name", "s", "--region", "eu-west-1", "--template", str(PRIVATE), *TARGETS, "--s3-bucket", "my-cfn-1"]
    assert main(argv) == 0
    digest = hashlib.sha256(PRIVATE.read_bytes()).hexdigest()[:16]
    key = f"dualstack/dualstack-vpc-private-{digest}.yaml"
    describe, upload, create, _ = aws.calls()
    assert describe[1] == "describe-stack-set"
    assert upload == ["s3", "cp", str(PRIVATE), f"s3://my-cfn-1/{key}", "--region", "eu-west-1", "--only-show-errors"]
    url = create[create.index("--template-url") + 1]
    assert url == f"https://my-cfn-1.s3.eu-west-1.amazonaws.com/{key}"
    assert "--template-body" not in create
    assert f"uploading {PRIVATE} to s3://my-cfn-1/{key}" in capsys.readouterr().out


def test_a_template_over_the_limit_without_a_bucket_calls_no_aws(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--name", "s", "--region", "eu-west-1", "--template", str(PRIVATE), *TARGETS]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "give an S3 bucket in the administration region to upload it to (BUCKET=...)" in err
    assert aws.calls() == []


def test_a_refused_update_uploads_nothing(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    _existing(aws)
    argv = ["--name", "s", "--region", "eu-west-1", "--template", str(YAML), *TARGETS, "--s3-bucket", "my-cfn-1"]
    assert main([*argv, "VpcCidrBlock=10.9.0.0/16"]) == 1
    assert aws.subcommands() == ["describe-stack-set"]


def test_the_china_regions_name_their_own_s3_domain() -> None:
    assert template_url("b", "cn-north-1", "k") == "https://b.s3.cn-north-1.amazonaws.com.cn/k"
    assert template_url("b", "us-east-1", "k") == "https://b.s3.us-east-1.amazonaws.com/k"


@pytest.mark.parametrize("bucket", ["s3://my-bucket", "My_Bucket", "bucket\n"])
def test_a_bucket_s3_refuses_is_one_line_and_calls_no_aws(
    aws: Aws, capsys: pytest.CaptureFixture[str], bucket: str
) -> None:
    assert (
        main(["--name", "s", "--region", "eu-west-1", "--template", str(PRIVATE), *TARGETS, "--s3-bucket", bucket]) == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "bucket name" in err
    assert aws.calls() == []


def test_a_new_stack_set_that_would_start_in_enforce_mode_is_refused(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.reply("describe-stack-set", rc=254, stderr=NOT_FOUND)
    assert _stackset("EncryptionControl=Enforce") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "stack set s is new: VpcEncryptionControl would put Vpc straight into enforce mode" in err
    assert aws.subcommands() == ["describe-stack-set"]


def test_a_masked_no_echo_value_is_asked_for_never_sent(
    aws: Aws, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # DescribeStackSet shows a NoEcho value as asterisks: sent back as it is, it would replace the secret.
    template = json.loads(YAML.with_suffix(".json").read_text(encoding="utf-8"))
    template["Parameters"]["ApiToken"] = {"Type": "String", "NoEcho": "true", "Default": ""}
    path = tmp_path / "secret.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    values = {k: str(v.get("Default", "")) for k, v in template["Parameters"].items()} | {"ApiToken": "****"}
    stack_set = {
        "StackSetName": "s",
        "TemplateBody": path.read_text(encoding="utf-8"),
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
    }
    aws.reply("describe-stack-set", stdout={"StackSet": stack_set})
    base = ["--name", "s", "--region", "eu-west-1", "--template", str(path), *TARGETS]
    assert main([*base, "AzCount=3"]) == 2
    assert "ApiToken is NoEcho, and stack set s shows only its mask (****)" in capsys.readouterr().err
    assert aws.subcommands() == ["describe-stack-set"]
    assert main([*base, "AzCount=3", "ApiToken=s3cret"]) == 0
    update = next(call for call in aws.calls() if call[1] == "update-stack-set")
    sent = json.loads(update[update.index("--parameters") + 1])
    assert {"ParameterKey": "ApiToken", "ParameterValue": "s3cret"} in sent
    assert "****" not in json.dumps(sent)


def test_retain_stacks_false_on_an_existing_stack_set_is_a_warning(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    # RetainStacksOnAccountRemoval is chosen at creation: an update does not change it, and says so.
    _existing(aws)
    assert _stackset("AzCount=3", "--retain-stacks", "false") == 0
    err = capsys.readouterr().err
    assert "warning: --retain-stacks false (RETAIN_STACKS=false) applies to a new stack set" in err
    update = next(call for call in aws.calls() if call[1] == "update-stack-set")
    assert "--auto-deployment" not in update

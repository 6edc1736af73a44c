"""make deploy's orchestration, against a stub ``aws`` on PATH that answers from canned replies and logs its calls."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from dualstack.commands.deploy import main

from .conftest import TEMPLATES

YAML = TEMPLATES / "dualstack-vpc.yaml"
BEFORE = Path(__file__).resolve().parent / "plan_fixtures" / "dualstack-vpc-0.1.0.json"
NO_STACK = (
    "\nAn error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id s does not exist\n"
)
NOT_IMPORTED = (
    "\nAn error occurred (ValidationError) when calling the ListImports operation: "
    "Export 'x' is not imported by any stack.\n"
)

STUB = """#!{python}
import json, os, sys
args = sys.argv[1:]
with open(os.environ["AWS_STUB_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
replies = json.load(open(os.environ["AWS_STUB_REPLIES"]))
reply = replies.get(args[1], {{"rc": 0, "stdout": ""}})
if args[1] == "list-imports":
    reply = replies.get("list-imports " + args[args.index("--export-name") + 1], reply)
sys.stdout.write(reply.get("stdout", ""))
sys.stderr.write(reply.get("stderr", ""))
sys.exit(reply["rc"])
"""


class Aws:
    """The stub's replies, by subcommand (``describe-stacks``) or ``list-imports <export>``, and its call log."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        stub = bin_dir / "aws"
        stub.write_text(STUB.format(python=sys.executable), encoding="utf-8")
        stub.chmod(0o755)
        self.log = tmp_path / "calls.jsonl"
        self.replies_file = tmp_path / "replies.json"
        self.replies: dict[str, dict[str, Any]] = {}
        monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
        monkeypatch.setenv("AWS_STUB_LOG", str(self.log))
        monkeypatch.setenv("AWS_STUB_REPLIES", str(self.replies_file))

    def reply(self, command: str, rc: int = 0, stdout: Any = "", stderr: str = "") -> None:
        text = stdout if isinstance(stdout, str) else json.dumps(stdout)
        self.replies[command] = {"rc": rc, "stdout": text, "stderr": stderr}
        self.replies_file.write_text(json.dumps(self.replies), encoding="utf-8")

    def existing(self, parameters: dict[str, str], template: dict[str, Any] | str) -> None:
        stack = {
            "StackName": "s",
            "StackStatus": "UPDATE_COMPLETE",
            "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        }
        self.reply("describe-stacks", stdout={"Stacks": [stack]})
        self.reply("get-template", stdout={"TemplateBody": template})
        self.reply("list-imports", rc=254, stderr=NOT_IMPORTED)

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def subcommands(self) -> list[str]:
        return [call[1] for call in self.calls()]


@pytest.fixture
def aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Aws:
    stub = Aws(tmp_path, monkeypatch)
    stub.reply("deploy")
    return stub


def _deploy(*extra: str) -> int:
    return main(["--stack", "s", "--region", "eu-west-1", "--template", str(YAML), *extra])


def _current(template_file: Path = TEMPLATES / "dualstack-vpc.json", **parameters: str) -> dict[str, str]:
    """The parameters describe-stacks lists for a stack of a template (this one by default): every one, defaults
    filled in."""
    template = json.loads(template_file.read_text(encoding="utf-8"))
    return {k: str(v.get("Default", "")) for k, v in template["Parameters"].items()} | parameters


def test_a_new_stack_is_deployed_without_a_plan(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    aws.reply("describe-stacks", rc=254, stderr=NO_STACK)
    assert _deploy("AzCount=3") == 0
    assert aws.calls()[-1] == [
        "cloudformation", "deploy", "--template-file", str(YAML), "--stack-name", "s", "--region", "eu-west-1",
        "--capabilities", "CAPABILITY_IAM", "--no-fail-on-empty-changeset", "--parameter-overrides", "AzCount=3",
    ]  # fmt: skip
    assert aws.subcommands() == ["describe-stacks", "deploy"]
    assert "creating it, no update to plan" in capsys.readouterr().out


def test_a_stack_only_reviewed_by_an_unexecuted_change_set_is_created(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    # aws cloudformation deploy treats REVIEW_IN_PROGRESS, and only it, as a stack that does not exist yet.
    aws.reply("describe-stacks", stdout={"Stacks": [{"StackName": "s", "StackStatus": "REVIEW_IN_PROGRESS"}]})
    assert _deploy("AzCount=3") == 0
    assert aws.subcommands() == ["describe-stacks", "deploy"]
    assert "creating it, no update to plan" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("status", "advice"),
    [
        ("ROLLBACK_COMPLETE", "its creation failed and it cannot be updated: delete it first, then deploy again"),
        ("UPDATE_IN_PROGRESS", "it is still changing: deploy again when it has finished"),
        ("CREATE_IN_PROGRESS", "it is still changing: deploy again when it has finished"),
        ("UPDATE_ROLLBACK_IN_PROGRESS", "it is still changing: deploy again when it has finished"),
        ("DELETE_IN_PROGRESS", "it is still changing: deploy again when it has finished"),
        # A failed rollback or delete: no update can start until it is finished or the stack deleted.
        ("UPDATE_ROLLBACK_FAILED", "its rollback failed and it cannot be updated: finish the rollback first"),
        ("IMPORT_ROLLBACK_FAILED", "its rollback failed and it cannot be updated: finish the rollback first"),
        ("ROLLBACK_FAILED", "it cannot be updated: delete it (retaining what cannot be deleted), then deploy again"),
        ("DELETE_FAILED", "it cannot be updated: delete it (retaining what cannot be deleted), then deploy again"),
    ],
)
def test_a_stack_that_cannot_take_a_deploy_is_one_line_exit_2(
    status: str, advice: str, aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.reply("describe-stacks", stdout={"Stacks": [{"StackName": "s", "StackStatus": status}]})
    assert _deploy("AzCount=3") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"deploy: error: stack s is {status}: {advice}")
    assert err.count("\n") == 1
    assert aws.subcommands() == ["describe-stacks"]


def test_a_safe_update_prints_its_plan_and_deploys(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    template = json.loads((TEMPLATES / "dualstack-vpc.json").read_text(encoding="utf-8"))
    aws.existing(_current(AzCount="2"), template)
    assert _deploy("AzCount=3") == 0
    out = capsys.readouterr().out.splitlines()
    # The offline check's subnet list comes first, as precheck prints it.
    assert out[0] == f"deploy: {YAML} with AzCount=3, keeping the defaults: 14 resources"
    assert out[4].startswith("  cost: $0.000/h")
    assert out[5] == "deploy: plan for stack s (eu-west-1):"
    assert "  add      PublicSubnetC (AWS::EC2::Subnet)" in out
    assert out[-1] == "  safe"
    assert aws.subcommands() == ["describe-stacks", "get-template", "list-imports", "list-imports", "deploy"]
    assert [c[c.index("--export-name") + 1] for c in aws.calls() if c[1] == "list-imports"] == [
        "s-AvailabilityZones",
        "s-PublicSubnetIds",
    ]


def test_parameters_not_given_keep_their_current_values(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    # As aws cloudformation deploy does: SubnetPrefixLength stays 20, so raising AzCount replaces nothing.
    aws.existing(_current(AzCount="2", SubnetPrefixLength="20"), YAML.read_text(encoding="utf-8"))
    assert _deploy("AzCount=3") == 0
    out = capsys.readouterr().out
    assert "replace" not in out
    assert out.endswith("  safe\n")


def test_a_refused_plan_stops_before_deploying(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    aws.existing(_current(), YAML.read_text(encoding="utf-8"))
    assert _deploy("SubnetPrefixLength=23") == 1
    captured = capsys.readouterr()
    assert "  refused: the new PublicSubnetA's CidrBlock 10.0.0.0/23 overlaps" in captured.out
    assert captured.err == "deploy: refused, nothing deployed; FORCE=1 deploys anyway\n"
    assert "deploy" not in aws.subcommands()


def test_force_deploys_a_refused_plan(aws: Aws) -> None:
    aws.existing(_current(), YAML.read_text(encoding="utf-8"))
    assert _deploy("--force", "SubnetPrefixLength=23") == 0
    assert aws.subcommands()[-1] == "deploy"


def test_an_imported_export_that_would_change_refuses_the_update(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    aws.existing(_current(AzCount="3"), YAML.read_text(encoding="utf-8"))
    aws.reply("list-imports s-PublicSubnetIds", stdout={"Imports": ["app-stack"]})
    assert _deploy("AzCount=2") == 1
    out = capsys.readouterr().out
    assert "  refused: export s-PublicSubnetIds is imported by app-stack" in out
    assert "deploy" not in aws.subcommands()


def test_the_released_template_with_the_test_instance_is_upgraded_safely(aws: Aws) -> None:
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    # describe-stacks lists the parameters of the template the stack was deployed from; later ones take defaults.
    listed = _current(CreateTestInstance="true", SshIngressCidr="203.0.113.7/32")
    aws.existing({k: v for k, v in listed.items() if k in before["Parameters"]}, before)
    assert _deploy() == 0
    assert aws.subcommands()[-1] == "deploy"


def test_the_deploy_exit_status_is_passed_on(aws: Aws) -> None:
    aws.reply("describe-stacks", rc=254, stderr=NO_STACK)
    aws.reply("deploy", rc=255)
    assert _deploy() == 255


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stack", "bad name;rm", "--region", "eu-west-1", "--template", str(YAML)], "stack name 'bad name;rm'"),
        (["--stack", "s", "--region", "nowhere-1", "--template", str(YAML)], "unknown region 'nowhere-1'"),
        (["--stack", "s", "--region", "eu-west-1", "--template", "missing.yaml"], "cannot read missing.yaml"),
        (["--stack", "s", "--region", "eu-west-1", "--template", str(YAML), "AzCount"], "parameter 'AzCount' is not"),
        (["--region", "eu-west-1", "--template", str(YAML)], "the following arguments are required: --stack"),
    ],
)
def test_bad_input_is_one_line_and_calls_no_aws(
    aws: Aws, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"deploy: error: {message}")
    assert err.count("\n") == 1
    assert aws.calls() == []


def test_an_unknown_parameter_for_an_existing_stack_is_bad_input(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    aws.existing(_current(), YAML.read_text(encoding="utf-8"))
    assert _deploy("Nope=1") == 2
    assert capsys.readouterr().err == "deploy: error: unknown parameter Nope\n"
    assert aws.calls() == [], "checked offline, before any aws call"


def test_an_aws_failure_before_deploying_is_one_line(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    aws.reply("describe-stacks", rc=255, stderr="\nUnable to locate credentials.\n")
    assert _deploy() == 2
    assert (
        capsys.readouterr().err == "deploy: error: aws cloudformation describe-stacks: Unable to locate credentials.\n"
    )


def test_no_aws_cli_is_bad_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _deploy() == 2
    assert capsys.readouterr().err.startswith("deploy: error: the AWS CLI (aws) is not on PATH")


def test_a_deployed_template_that_is_not_one_stops_before_deploying(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.existing(_current(), "Resources: [\n")
    assert _deploy() == 2
    err = capsys.readouterr().err
    assert err.startswith("deploy: error: aws cloudformation get-template: the template of stack s: not a template")
    assert "line 2" in err
    assert err.count("\n") == 1
    assert "deploy" not in aws.subcommands()


def test_an_update_describes_the_stack_as_it_will_be_with_the_values_it_keeps(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    private = TEMPLATES / "dualstack-vpc-private.yaml"
    template = json.loads((TEMPLATES / "dualstack-vpc-private.json").read_text(encoding="utf-8"))
    created = _current(TEMPLATES / "dualstack-vpc-private.json", NatGateways="PerAz", FlowLogs="CloudWatchLogs")
    aws.existing(created, template)
    argv = ["--stack", "s", "--region", "eu-west-1", "--template", str(private), "--s3-bucket", "my-cfn-1"]
    argv.append("GatewayEndpoints=S3AndDynamoDB")
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"deploy: {private} with GatewayEndpoints=S3AndDynamoDB, keeping NatGateways=PerAz FlowLogs=CloudWatchLogs: "
        "33 resources"
    )
    private_rows = [line for line in out if line.lstrip().startswith("PrivateSubnet")]
    assert len(private_rows) == 2
    assert all("0.0.0.0/0 -> NatGateway" in row for row in private_rows), private_rows
    cost = next(line for line in out if line.lstrip().startswith("cost:"))
    assert cost.lstrip().startswith("cost: $0.106/h"), cost
    assert "2 NAT gateway-hours" in cost
    # The plan agrees: only the endpoints are added.
    assert [line.strip() for line in out if line.strip().startswith(("add", "remove", "replace"))] == [
        "add      DynamoDbGatewayEndpoint (AWS::EC2::VPCEndpoint)",
        "add      S3GatewayEndpoint (AWS::EC2::VPCEndpoint)",
    ]


def test_a_kept_value_the_change_makes_wrong_is_refused_before_deploying(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    template = json.loads((TEMPLATES / "dualstack-vpc.json").read_text(encoding="utf-8"))
    aws.existing(_current(SubnetPrefixLength="22"), template)
    # /22 subnets were fine in the /16; the /20 the update asks for holds only 4 of them, fewer than the slots.
    assert _deploy("VpcCidrBlock=10.0.0.0/21") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("deploy: error: "), err
    assert "deploy" not in aws.subcommands()


# Templates over CloudFormation's 51,200-byte inline limit.

PRIVATE = TEMPLATES / "dualstack-vpc-private.yaml"


def test_a_shipped_template_over_the_limit_in_both_formats_needs_a_bucket(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    assert PRIVATE.stat().st_size > 51_200
    assert PRIVATE.with_suffix(".json").stat().st_size > 51_200
    assert main(["--stack", "s", "--region", "eu-west-1", "--template", str(PRIVATE)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "over CloudFormation's 51,200-byte inline limit: give an S3 bucket" in err
    assert aws.calls() == []


def test_a_yaml_over_the_inline_limit_is_sent_as_its_json_twin(
    aws: Aws, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _oversize(tmp_path, "same")
    assert path.stat().st_size > 51_200 >= path.with_suffix(".json").stat().st_size
    aws.reply("describe-stacks", rc=254, stderr=NO_STACK)
    assert main(["--stack", "s", "--region", "eu-west-1", "--template", str(path)]) == 0
    deploy = aws.calls()[-1]
    assert deploy[deploy.index("--template-file") + 1] == str(path.with_suffix(".json"))
    assert "--s3-bucket" not in deploy
    out = capsys.readouterr().out
    assert f"over CloudFormation's 51,200-byte inline limit: sending its JSON twin {path.with_suffix('.json')}" in out


def test_a_bucket_uploads_the_template_as_it_is(aws: Aws) -> None:
    aws.reply("describe-stacks", rc=254, stderr=NO_STACK)
    assert main(["--stack", "s", "--region", "eu-west-1", "--template", str(PRIVATE), "--s3-bucket", "my-cfn-1"]) == 0
    deploy = aws.calls()[-1]
    assert deploy[deploy.index("--template-file") + 1] == str(PRIVATE)
    assert deploy[deploy.index("--s3-bucket") + 1] == "my-cfn-1"


def _oversize(tmp_path: Path, twin: str | None) -> Path:
    """The default template with a long description: over the limit as YAML (indented), within it as compact JSON;
    ``twin``: what its .json holds."""
    template = json.loads((TEMPLATES / "dualstack-vpc.json").read_text(encoding="utf-8"))
    template["Description"] = "x" * 1000
    path = tmp_path / "big.yaml"
    path.write_text(json.dumps(template, indent=30), encoding="utf-8")  # JSON is YAML
    if twin == "same":
        (tmp_path / "big.json").write_text(json.dumps(template, separators=(",", ":")), encoding="utf-8")
    elif twin == "other":
        template["Description"] = "y"
        (tmp_path / "big.json").write_text(json.dumps(template, separators=(",", ":")), encoding="utf-8")
    return path


@pytest.mark.parametrize("twin", [None, "other"])
def test_a_template_over_the_limit_without_its_twin_needs_a_bucket_and_calls_no_aws(
    aws: Aws, capsys: pytest.CaptureFixture[str], tmp_path: Path, twin: str | None
) -> None:
    path = _oversize(tmp_path, twin)
    assert main(["--stack", "s", "--region", "eu-west-1", "--template", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "over CloudFormation's 51,200-byte inline limit: give an S3 bucket" in err
    assert aws.calls() == []


def test_a_twin_that_is_the_same_template_is_sent(aws: Aws, tmp_path: Path) -> None:
    path = _oversize(tmp_path, "same")
    aws.reply("describe-stacks", rc=254, stderr=NO_STACK)
    assert main(["--stack", "s", "--region", "eu-west-1", "--template", str(path)]) == 0
    deploy = aws.calls()[-1]
    assert deploy[deploy.index("--template-file") + 1] == str(tmp_path / "big.json")


@pytest.mark.parametrize("bucket", ["s3://my-bucket", "My_Bucket", "ab", "a" * 64, "bucket-", "bucket\n"])
def test_a_bucket_s3_refuses_is_one_line(aws: Aws, capsys: pytest.CaptureFixture[str], bucket: str) -> None:
    assert main(["--stack", "s", "--region", "eu-west-1", "--template", str(PRIVATE), "--s3-bucket", bucket]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "bucket name" in err
    assert aws.calls() == []


def test_a_new_stack_that_would_start_in_enforce_mode_is_refused_before_deploying(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    # Its VPC exists before its encryption control, and AWS moves a VPC to enforce mode only from monitor mode.
    aws.reply("describe-stacks", rc=254, stderr=NO_STACK)
    template = str(TEMPLATES / "dualstack-vpc.yaml")
    assert main(["--stack", "s", "--region", "eu-west-1", "--template", template, "EncryptionControl=Enforce"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("deploy: error: stack s is new: VpcEncryptionControl would put Vpc straight into enforce")
    assert "deploy" not in aws.subcommands()
    assert main(["--stack", "s", "--region", "eu-west-1", "--template", template, "EncryptionControl=Monitor"]) == 0
    assert aws.subcommands()[-1] == "deploy"


def _with_secret(tmp_path: Path) -> Path:
    """The default template with a NoEcho parameter of the user's own, which describe-stacks shows masked."""
    template = json.loads((TEMPLATES / "dualstack-vpc.json").read_text(encoding="utf-8"))
    template["Parameters"]["ApiToken"] = {
        "Type": "String",
        "NoEcho": True,
        "Default": "",
        "AllowedPattern": "^[a-z0-9]*$",
    }
    path = tmp_path / "secret.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    return path


def test_a_masked_no_echo_value_is_asked_for_not_kept(
    aws: Aws, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _with_secret(tmp_path)
    aws.existing(_current(path, ApiToken="****"), path.read_text(encoding="utf-8"))
    base = ["--stack", "s", "--region", "eu-west-1", "--template", str(path)]
    assert main([*base, "AzCount=3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deploy: error: ApiToken is NoEcho, and stack s shows only its mask (****): give it again")
    assert "deploy" not in aws.subcommands()
    # Given again, it is checked as any value is, and the update goes through.
    assert main([*base, "AzCount=3", "ApiToken=abc123"]) == 0
    assert aws.subcommands()[-1] == "deploy"

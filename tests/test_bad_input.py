"""Bad input at every entry point: one line on standard error naming the input and the problem, exit status 2,
nothing written or changed, never a traceback; valid but ignored input is a warning with exit status 0.

One table, one row per case. Commands run in process (``main(argv)``) where they can, and as subprocesses only
where the point is the process itself: ``make`` recipes and a strict UTF-8 standard output. ``make deploy`` and
``deploy`` find a fake ``aws`` first on PATH that records its arguments and answers that the stack does not exist
yet, so nothing reaches AWS. Each case gets a fresh workspace (see ``_workspace``);
``{tmp}`` in an argument is its path. Add a case by adding a row.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from dualstack.commands import compliant, deploy, lint, plan, stackset, verify
from dualstack.commands import generate as cli
from dualstack.commands import main as dualstack_command

from .conftest import ROOT, TEMPLATES

SHIPPED_YAML = TEMPLATES / "dualstack-vpc.yaml"
#: The Python of `make pytest`'s venv of requirements/runtime.lock alone: what `make template` installs.
RUNTIME_PYTHON = ROOT / ".venv-runtime" / "bin" / "python"
ARM64_AMI = "/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id"
NAME_249 = "a" * 244 + ".yaml"


@dataclass(frozen=True)
class Case:
    """One command and what must come of it."""

    id: str
    #: generate, precheck, plan, deploy, verify, lint (in process), make or generate-process (subprocesses).
    entry: str
    argv: tuple[str, ...]
    status: int = 2
    #: Words the error line (or, with status 0, standard error) must contain.
    words: tuple[str, ...] = ()
    #: Files (relative to the workspace or absolute) that must not exist afterwards.
    absent: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    #: ``rename:N`` makes the N-th rename of a temporary file into place fail (a full disk, a race).
    fault: str | None = None
    #: Further checks of the workspace after a successful run.
    then: Callable[[Path], None] | None = None
    #: Prepares the workspace for this case alone, before the snapshot.
    setup: Callable[[Path], None] | None = None


def _is_json(name: str) -> Callable[[Path], None]:
    def check(tmp: Path) -> None:
        assert isinstance(json.loads((tmp / name).read_text(encoding="utf-8")), dict)

    return check


def _written_alone(name: str) -> Callable[[Path], None]:
    def check(tmp: Path) -> None:
        assert (tmp / name).is_file()
        assert not [p.name for p in tmp.iterdir() if p.name.startswith(".dualstack-")], "a temporary file was left"

    return check


def _left_behind(tmp: Path) -> None:
    """What a killed run leaves in templates/: a staged file, a backup and a journal."""
    (tmp / "templates" / ".dualstack-abc123.tmp").write_text("half a template")
    (tmp / "templates" / ".dualstack-def456.bak").write_text("an older template")
    (tmp / "templates" / ".dualstack-journal.json").write_text("[]")


def _journal(entries: object) -> Callable[[Path], None]:
    """A journal in out/ that this tool did not write: it names a file elsewhere, or has another shape."""

    def setup(tmp: Path) -> None:
        (tmp / "out").mkdir()
        (tmp / "victim.txt").write_text("a file of the user's, outside out/\n")
        text = json.dumps(entries).replace("{tmp}", str(tmp))
        (tmp / "out" / ".dualstack-journal.json").write_text(text)

    return setup


def _aws_ran_with(*words: str) -> Callable[[Path], None]:
    def check(tmp: Path) -> None:
        called = (tmp / "aws.log").read_text(encoding="utf-8")
        for word in words:
            assert word in called

    return check


G, P, V, L, M = "generate", "precheck", "verify", "lint", "make"
PL, D, C, S, DS = "plan", "deploy", "compliant", "stackset", "dualstack"
YAML = "vpc.yaml"
PRIVATE_YAML = "private.yaml"
#: deploy's arguments up to the parameters: the template is the workspace's copy unless a case names another.
STACK = ("--stack", "edge-vpc", "--region", "eu-west-1")
INSTANCE = ("CreateTestInstance=true", "SshIngressCidr=203.0.113.7/32")
DEPLOY = ("deploy", "STACK=edge-vpc", "REGION=eu-west-1")
KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_CN = "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_GOV = "arn:aws-us-gov:kms:us-gov-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
STACKSET_ARGS = ("--name", "org-vpc", "--region", "eu-west-1", "--template", YAML, "--ous", "ou-ab12-cdef3456")

CASES = [
    # --- generate.py: output files -------------------------------------------------------------------------------
    Case("symlink-refused", G, ("-o", "LINK.yaml"), words=("LINK.yaml", "symbolic link", "existing.yaml")),
    Case("dev-null-refused", G, ("-o", "/dev/null"), words=("/dev/null", "character device")),
    Case("proc-fd-refused", G, ("-o", "/proc/self/fd/1"), words=("/proc/self/fd/1", "symbolic link")),
    Case("fifo-refused", G, ("-o", "fifo"), words=("fifo", "FIFO")),
    Case("directory-refused", G, ("-o", "dir"), words=("cannot write dir", "directory")),
    Case("empty-output", G, ("-o", ""), words=("-o", "empty")),
    Case("missing-directory", G, ("-o", "missing/dir/vpc.yaml"), words=("missing/dir/vpc.yaml", "No such file")),
    Case("missing-directory-over-limit", G, ("--azs", "6", "-o", "missing/vpc.yaml"), words=("No such file",)),
    Case("file-as-directory", G, ("-o", "file/vpc.yaml"), words=("file/vpc.yaml", "Not a directory")),
    Case("yaml-into-json-name", G, ("--format", "yaml", "-o", "x.json"), words=("yaml", "x.json"), absent=("x.json",)),
    Case("json-into-yaml-name", G, ("--format", "json", "-o", "x.YAML"), words=("json", "x.YAML"), absent=("x.YAML",)),
    Case("yaml-into-upper-json", G, ("--format", "yaml", "-o", "x.JSON"), words=("x.JSON",), absent=("x.JSON",)),
    Case("upper-json-infers-json", G, ("-o", "x.JSON"), status=0, then=_is_json("x.JSON")),
    Case("yml-infers-yaml", G, ("-o", "x.yml", "--format", "yaml"), status=0, then=_written_alone("x.yml")),
    Case("legal-249-byte-name", G, ("-o", NAME_249), status=0, then=_written_alone(NAME_249)),
    Case("too-long-name", G, ("-o", "a" * 252 + ".yaml"), words=("File name too long",)),
    Case("templates-dir-custom", G, ("--azs", "2", "--templates-dir", "out"), words=("--templates-dir", "-o PATH")),
    Case("templates-dir-file", G, ("--templates-dir", "file"), words=("--templates-dir", "file", "not a directory")),
    Case("check-directory", G, ("--check", "-o", "dir"), words=("dir", "directory")),
    Case("check-fifo", G, ("--check", "-o", "fifo"), words=("fifo", "FIFO")),
    Case("check-templates-dir-file", G, ("--check", "--templates-dir", "file"), words=("file", "not a directory")),
    Case(
        "all-or-none-rename",
        G,
        (),
        fault="rename:4",
        words=("cannot write templates/dualstack-vpc-private.yaml", "no file was changed"),
    ),
    Case("all-or-none-last-rename", G, (), fault="rename:9", words=("cannot write templates/", "no file was changed")),
    Case("all-or-none-first-rename", G, (), fault="rename:1", words=("cannot write templates/", "no file was changed")),
    # --- generate.py: options -------------------------------------------------------------------------------------
    Case("tiers-empty", G, ("--tiers", ""), words=("--tiers", "no tiers")),
    Case("tiers-comma", G, ("--tiers", ","), words=("--tiers", "no tiers")),
    Case("tiers-trailing-comma", G, ("--tiers", "public,"), words=("--tiers", "empty tier name")),
    Case("tiers-unknown", G, ("--tiers", "public,dmz"), words=("--tiers", "unknown tier 'dmz'")),
    Case("tiers-no-public", G, ("--tiers", "private"), words=("public tier is required",)),
    Case("tiers-repeated", G, ("--tiers", "public,private,public"), words=("only once",)),
    Case("unknown-option", G, ("--bogus",), words=("unrecognized arguments: --bogus",)),
    Case("azs-zero", G, ("--azs", "0"), words=("--azs", "from 1 to 6")),
    Case("azs-too-many", G, ("--azs", "99"), words=("--azs", "got 99")),
    Case("azs-word", G, ("--azs", "two"), words=("--azs", "whole number")),
    Case("format-unknown", G, ("--format", "xml"), words=("invalid choice: 'xml'",)),
    Case("diff-alone", G, ("--diff",), words=("--diff goes with --check",)),
    Case("check-stdout", G, ("--check", "--azs", "4"), words=("-o PATH",)),
    Case("output-missing-value", G, ("-o",), words=("-o", "expected one argument")),
    # --- generate.py: the process (file names that are not UTF-8, strict UTF-8 output) ----------------------------
    Case(
        "non-utf8-name-strict-stdout",
        "generate-process",
        ("-o", os.fsdecode(b"\xfc.yaml")),
        status=0,
        words=(),
        env={"PYTHONIOENCODING": "utf-8:strict"},
        then=_written_alone(os.fsdecode(b"\xfc.yaml")),
    ),
    Case(
        "non-utf8-name-mismatch",
        "generate-process",
        ("--format", "yaml", "-o", os.fsdecode(b"\xfc.json")),
        words=("\\xfc.json",),
        env={"PYTHONIOENCODING": "utf-8:strict"},
        absent=(os.fsdecode(b"\xfc.json"),),
    ),
    # --- precheck: the template file ------------------------------------------------------------------------------
    Case("json-list", P, ("list.json",), words=("list.json", "not a template", "list")),
    Case("empty-mapping", P, ("empty.json",), words=("empty.json", "no Resources")),
    Case("non-template-text", P, ("notes.txt",), words=("notes.txt", "not a template")),
    Case("markdown", P, ("readme.md",), words=("readme.md", "neither JSON nor YAML")),
    Case("broken-yaml", P, ("broken.yaml",), words=("broken.yaml", "line 2")),
    Case("not-utf8", P, ("latin1.yaml",), words=("latin1.yaml", "not UTF-8")),
    Case("template-directory", P, ("dir",), words=("dir", "a directory")),
    Case("template-fifo", P, ("fifo",), words=("fifo", "a FIFO")),
    Case("template-missing", P, ("no-such.yaml",), words=("cannot read no-such.yaml", "No such file")),
    Case("yaml-named-json", P, ("yaml-inside.json",), status=0, words=()),
    # --- precheck: stack name and region --------------------------------------------------------------------------
    Case("region-typo", P, (YAML, "--region", "eu-west1"), words=("eu-west1", "did you mean eu-west-1")),
    Case("region-unknown", P, (YAML, "--region", "mars-east-1"), words=("unknown region 'mars-east-1'",)),
    Case("region-injection", P, (YAML, "--region", "eu-west-1;touch pwned"), words=("unknown region",)),
    Case("region-empty", P, (YAML, "--region", ""), words=("unknown region ''",)),
    Case("stack-space", P, (YAML, "--stack", "edge vpc"), words=("stack name 'edge vpc'",)),
    Case("stack-digit-first", P, (YAML, "--stack", "1vpc"), words=("stack name '1vpc'",)),
    Case("stack-underscore", P, (YAML, "--stack", "edge_vpc"), words=("edge_vpc", "letters, digits and hyphens")),
    Case("stack-empty", P, (YAML, "--stack", ""), words=("stack name is empty",)),
    Case("stack-129", P, (YAML, "--stack", "a" * 129), words=("129 characters", "at most 128")),
    Case("stack-128-ok", P, (YAML, "--stack", "a" * 128), status=0),
    Case("stack-unicode", P, (YAML, "--stack", "vpc-ü"), words=("vpc-ü",)),
    # --- precheck: mistakes that would only fail during a deploy --------------------------------------------------
    Case("ssh-world-ipv4", P, (YAML, "SshIngressCidr=0.0.0.0/0"), words=("SshIngressCidr=0.0.0.0/0", "whole internet")),
    Case("ssh-world-ipv6", P, (YAML, "SshIngressCidr=::/0"), words=("SshIngressCidr=::/0", "whole internet")),
    Case("ssh-host-bits", P, (YAML, "SshIngressCidr=203.0.113.7/24"), words=("203.0.113.7/24", "host bits", "/32")),
    Case("ssh-ipv6", P, (YAML, "SshIngressCidr=2001:db8::/64"), words=("2001:db8::/64", "IPv4 only")),
    Case("ssh-garbage", P, (YAML, "SshIngressCidr=my-home"), words=("SshIngressCidr=my-home", "not an IPv4 CIDR")),
    Case(
        "ssh-host-bits-with-instance",
        P,
        (YAML, "CreateTestInstance=true", "SshIngressCidr=10.1.2.3/8"),
        words=("host bits",),
    ),
    Case("arm64-t4g", P, (YAML, *INSTANCE, "TestInstanceType=t4g.micro"), words=("t4g.micro", "arm64", "amd64")),
    Case("arm64-m7g", P, (YAML, *INSTANCE, "TestInstanceType=m7g.large"), words=("m7g.large", "arm64")),
    Case("arm64-c6gn", P, (YAML, *INSTANCE, "TestInstanceType=c6gn.xlarge"), words=("c6gn.xlarge", "arm64")),
    Case("arm64-a1", P, (YAML, *INSTANCE, "TestInstanceType=a1.medium"), words=("a1.medium", "arm64")),
    Case(
        "arm64-with-arm64-ami-ok",
        P,
        (YAML, *INSTANCE, "TestInstanceType=t4g.micro", f"TestInstanceImageId={ARM64_AMI}"),
        status=0,
    ),
    Case("amd64-g4dn-ok", P, (YAML, *INSTANCE, "TestInstanceType=g4dn.xlarge"), status=0),
    Case(
        "ami-id-not-ssm-path",
        P,
        (YAML, *INSTANCE, "TestInstanceImageId=ami-0123456789abcdef0"),
        # The example path is the default type's architecture, amd64, not a path that would then be refused.
        words=("ami-0123456789abcdef0", "SSM parameter", "/current/amd64/hvm/"),
    ),
    Case(
        "ami-id-not-ssm-path-arm64-type",
        PL,
        (YAML, "--to", *INSTANCE, "TestInstanceType=t4g.micro", "TestInstanceImageId=ami-0123456789abcdef0"),
        words=("/current/arm64/hvm/",),
    ),
    Case(
        "arm64-ami-on-x86-type",
        P,
        (YAML, *INSTANCE, f"TestInstanceImageId={ARM64_AMI}"),
        words=("t3.micro is an x86_64 type", "an arm64 AMI"),
    ),
    Case(
        "kms-key-with-nothing-to-encrypt",
        P,
        (
            YAML,
            "--region",
            "eu-west-1",
            "FlowLogs=S3",
            "FlowLogS3BucketArn=arn:aws:s3:::my-logs",
            f"FlowLogKmsKeyArn={KEY}",
        ),
        status=0,
        words=("FlowLogKmsKeyArn=", "is ignored", "RestrictDefaultSecurityGroup is not true"),
    ),
    Case(
        "s3-prefix-awslogs",
        P,
        (YAML, "FlowLogs=S3", "FlowLogS3BucketArn=arn:aws:s3:::my-logs/AWSLogs"),
        words=("FlowLogS3BucketArn", "AWSLogs"),
    ),
    Case(
        "s3-prefix-awslogs-deeper",
        P,
        (YAML, "FlowLogs=S3", "FlowLogS3BucketArn=arn:aws:s3:::my-logs/AWSLogs/vpc"),
        words=("AWSLogs",),
    ),
    Case("s3-prefix-ok", P, (YAML, "FlowLogs=S3", "FlowLogS3BucketArn=arn:aws:s3:::my-logs/vpc"), status=0),
    Case("s3-without-bucket", P, (YAML, "FlowLogs=S3"), words=("set FlowLogS3BucketArn",)),
    # No SSH source: the test instance is reached through Session Manager only, and its security group admits nothing.
    Case("instance-without-ssh-source-ok", P, (YAML, "CreateTestInstance=true"), status=0),
    Case("vpc-too-small", P, (YAML, "VpcCidrBlock=10.0.0.0/23"), words=("10.0.0.0/23 holds 2 blocks of /24",)),
    Case("vpc-host-bits", P, (YAML, "VpcCidrBlock=10.0.1.0/16"), words=("host bits",)),
    Case(
        "tier-size-larger-than-its-slot",
        P,
        (PRIVATE_YAML, "PublicSubnetPrefixLength=22"),
        words=("no mapping entry SubnetSizes.24.22", "SubnetPrefixLength=24", "PublicSubnetPrefixLength=22"),
    ),
    Case(
        "tier-size-inside-its-slot-ok",
        P,
        (PRIVATE_YAML, "SubnetPrefixLength=22", "PublicSubnetPrefixLength=26"),
        status=0,
    ),
    Case("az-count-too-many", P, (YAML, "AzCount=4"), words=("AzCount='4' is not one of 1, 2, 3",)),
    Case("unknown-parameter", P, (YAML, "VpcCidr=10.0.0.0/16"), words=("unknown parameter VpcCidr",)),
    Case("not-key-value", P, (YAML, "AzCount"), words=("'AzCount' is not Key=Value",)),
    Case("empty-key", P, (YAML, "=3"), words=("'=3' is not Key=Value",)),
    Case("precheck-unknown-option", P, (YAML, "--bogus"), words=("--bogus",)),
    Case("precheck-no-template", P, (), words=("template",)),
    # --- precheck: valid but ignored input is a warning, exit 0 ---------------------------------------------------
    Case(
        "keyname-without-instance",
        P,
        (YAML, "KeyName=my-key"),
        status=0,
        words=("warning: KeyName=my-key is ignored", "CreateTestInstance"),
    ),
    Case(
        "ssh-without-instance",
        P,
        (YAML, "SshIngressCidr=203.0.113.7/32"),
        status=0,
        words=("SshIngressCidr", "ignored"),
    ),
    Case(
        "bucket-without-s3",
        P,
        (YAML, "FlowLogS3BucketArn=arn:aws:s3:::my-logs"),
        status=0,
        words=("FlowLogS3BucketArn", "ignored", "FlowLogs is None"),
    ),
    Case(
        "bucket-with-cloudwatch",
        P,
        (YAML, "FlowLogs=CloudWatchLogs", "FlowLogS3BucketArn=arn:aws:s3:::my-logs"),
        status=0,
        words=("ignored", "CloudWatchLogs, not S3"),
    ),
    Case(
        "retention-without-cloudwatch",
        P,
        (YAML, "FlowLogRetentionDays=30"),
        status=0,
        words=("FlowLogRetentionDays=30 is ignored",),
    ),
    Case(
        "pool-with-amazon",
        P,
        (YAML, "Ipv6IpamPoolId=ipam-pool-0123456789abcdef0"),
        status=0,
        words=("Ipv6IpamPoolId", "ignored", "Amazon"),
    ),
    Case("parameter-twice", P, (YAML, "AzCount=2", "AzCount=3"), status=0, words=("AzCount is given twice", "'3'")),
    Case("parameter-twice-same", P, (YAML, "AzCount=2", "AzCount=2"), status=0, words=("AzCount=2 is given twice",)),
    # --- plan: the templates ---------------------------------------------------------------------------------------
    Case(
        "plan-template-missing", PL, ("no-such.yaml",), words=("TEMPLATE", "cannot read no-such.yaml", "No such file")
    ),
    # --- templates CloudFormation would refuse for what they say, not for their syntax ------------------------------
    Case("condition-itself", PL, ("condition-itself.json",), words=("Conditions.A depends on itself",)),
    Case("condition-named-by-list", PL, ("condition-list.json",), words=("condition", "['A']")),
    Case("select-of-a-number", PL, ("select-number.json",), words=("Resources.Vpc.Properties.CidrBlock.Fn::Select",)),
    Case("cidr-count-text", PL, ("cidr-count-text.json",), words=("Fn::Cidr", "'x'")),
    Case("output-without-value", PL, ("output-no-value.json",), words=("Outputs.VpcId", "Value")),
    Case("rule-without-assertions", PL, ("rule-no-assertions.json",), words=("Rules.R", "Assertions")),
    Case("pattern-not-a-pattern", P, ("pattern-unclosed.json",), words=("parameter P", "AllowedPattern")),
    Case("subnet-ipv4-only-is-reported", P, ("subnet-ipv4-only.json",), status=0),
    Case("list-parameter-ref-is-a-list", P, ("comma-list.json",), status=0),
    Case("section-misspelt", PL, ("section-misspelt.json",), words=("'Parameter'", "not a section")),
    Case("resource-attribute-misspelt", PL, ("attribute-misspelt.json",), words=("Eip", "'Condtion'")),
    Case("parameter-attribute-misspelt", PL, ("parameter-attribute-misspelt.json",), words=("'Defualt'",)),
    Case("allowed-values-text", PL, ("allowed-values-text.json",), words=("AllowedValues", "not a list")),
    Case(
        "transform-not-evaluated", PL, ("sam-transform.json",), words=("AWS::Serverless-2016-10-31", "dualstack lint")
    ),
    # In a process of its own: the bound is a timer signal, which only a main thread can take.
    Case("pattern-backtracks", P, ("pattern-backtracks.json",), words=("AllowedPattern", "more than 2 s")),
    Case("number-over-max-value", P, ("bounded.json", "N=4"), words=("N='4'", "MaxValue 3")),
    Case("number-under-min-value", PL, ("bounded.json", "--to", "N=0"), words=("N='0'", "MinValue 1")),
    Case("text-over-max-length", PL, ("bounded.json", "--to", "S=abcd"), words=("MaxLength 3",)),
    Case("unknown-short-form-tag", PL, ("unknown-tag.yaml",), words=("Fn::Cidrr", "not a function")),
    Case(
        "duplicate-key-yaml", P, ("duplicate-key.yaml",), words=("duplicate-key.yaml", "'Vpc' is given twice", "line 4")
    ),
    Case("duplicate-key-json", PL, ("duplicate-key.json",), words=("'Resources' is given twice",)),
    Case("plan-template-directory", PL, ("dir",), words=("TEMPLATE", "dir", "a directory")),
    Case("plan-template-fifo", PL, ("fifo",), words=("fifo", "a FIFO")),
    Case("plan-non-template", PL, ("notes.txt",), words=("TEMPLATE", "notes.txt", "not a template")),
    Case("plan-json-list", PL, ("list.json",), words=("list.json", "not a template", "list")),
    Case("plan-empty-mapping", PL, ("empty.json",), words=("empty.json", "no Resources")),
    Case("plan-broken-yaml", PL, ("broken.yaml",), words=("broken.yaml", "line 2")),
    Case("plan-non-utf8-name", PL, (os.fsdecode(b"\xfc.yaml"),), words=("\\xfc.yaml", "No such file")),
    Case("plan-no-template", PL, (), words=("template to plan is missing",)),
    Case(
        "plan-from-template-missing",
        PL,
        (YAML, "--from-template", "old.json"),
        words=("--from-template", "cannot read old.json", "No such file"),
    ),
    Case("plan-from-template-list", PL, (YAML, "--from-template", "list.json"), words=("--from-template", "list.json")),
    Case("plan-from-template-directory", PL, (YAML, "--from-template", "dir"), words=("--from-template", "directory")),
    Case("plan-from-template-markdown", PL, (YAML, "--from-template", "readme.md"), words=("--from-template", "YAML")),
    # --- plan: region, names, options -----------------------------------------------------------------------------
    Case("plan-region-unknown", PL, (YAML, "--region", "mars-east-1"), words=("unknown region 'mars-east-1'",)),
    Case("plan-region-typo", PL, (YAML, "--region", "eu-west1"), words=("eu-west1", "did you mean eu-west-1")),
    Case("plan-region-injection", PL, (YAML, "--region", "eu-west-1;touch pwned"), words=("unknown region",)),
    Case("plan-stack-name-space", PL, (YAML, "--stack-name", "edge vpc"), words=("stack name 'edge vpc'",)),
    Case("plan-unknown-option", PL, (YAML, "--bogus"), words=("unrecognized arguments: --bogus",)),
    Case("plan-to-without-value", PL, (YAML, "--to"), words=("--to", "expected at least one argument")),
    # --- plan: parameters of either side --------------------------------------------------------------------------
    Case(
        "plan-unknown-parameter", PL, (YAML, "--to", "VpcCidr=10.0.0.0/16"), words=("--to", "unknown parameter VpcCidr")
    ),
    Case("plan-from-unknown-parameter", PL, (YAML, "--from", "Nope=1"), words=("--from", "unknown parameter Nope")),
    Case("plan-disallowed-value", PL, (YAML, "--to", "AzCount=4"), words=("--to", "AzCount='4' is not one of 1, 2, 3")),
    Case(
        "plan-from-disallowed", PL, (YAML, "--from", "FlowLogs=Yes"), words=("--from", "FlowLogs='Yes' is not one of")
    ),
    Case("plan-not-key-value", PL, (YAML, "--to", "AzCount"), words=("--to", "'AzCount' is not Key=Value")),
    Case("plan-from-empty-key", PL, (YAML, "--from", "=3"), words=("--from", "'=3' is not Key=Value")),
    Case("plan-vpc-too-small", PL, (YAML, "--to", "VpcCidrBlock=10.0.0.0/23"), words=("--to", "2 blocks of /24")),
    Case(
        "plan-ssh-world",
        PL,
        (YAML, "--to", "CreateTestInstance=true", "SshIngressCidr=0.0.0.0/0"),
        words=("--to", "SshIngressCidr=0.0.0.0/0", "whole internet"),
    ),
    Case(
        "plan-parameter-twice",
        PL,
        (YAML, "--to", "AzCount=2", "AzCount=3"),
        status=0,
        words=("plan: warning: --to: AzCount is given twice", "'3'"),
    ),
    Case(
        "plan-from-parameter-twice",
        PL,
        (YAML, "--from", "AzCount=2", "AzCount=2"),
        status=0,
        words=("plan: warning: --from: AzCount=2 is given twice",),
    ),
    Case("plan-keyname-ignored", PL, (YAML, "--to", "KeyName=k"), status=0, words=("--to: KeyName=k is ignored",)),
    # --- deploy (dualstack deploy): checked before any aws call -------------------------------------------------------
    Case(
        "deploy-unknown-parameter", D, (*STACK, "--template", YAML, "VpcCidr=1"), words=("unknown parameter VpcCidr",)
    ),
    Case("deploy-disallowed-value", D, (*STACK, "--template", YAML, "AzCount=4"), words=("AzCount='4' is not one of",)),
    Case("deploy-not-key-value", D, (*STACK, "--template", YAML, "AzCount"), words=("'AzCount' is not Key=Value",)),
    Case(
        "deploy-ssh-world",
        D,
        (*STACK, "--template", YAML, "SshIngressCidr=::/0"),
        words=("SshIngressCidr=::/0", "whole internet"),
    ),
    Case("deploy-template-missing", D, (*STACK, "--template", "no-such.yaml"), words=("cannot read no-such.yaml",)),
    Case("deploy-template-directory", D, (*STACK, "--template", "dir"), words=("dir", "a directory")),
    Case("deploy-non-template", D, (*STACK, "--template", "notes.txt"), words=("notes.txt", "not a template")),
    Case("deploy-json-list", D, (*STACK, "--template", "list.json"), words=("list.json", "not a template", "list")),
    Case(
        "deploy-region-typo",
        D,
        ("--stack", "edge-vpc", "--region", "eu-west1", "--template", YAML),
        words=("did you mean eu-west-1",),
    ),
    Case(
        "deploy-region-unknown",
        D,
        ("--stack", "edge-vpc", "--region", "mars-east-1", "--template", YAML),
        words=("unknown region 'mars-east-1'",),
    ),
    Case(
        "deploy-stack-injection",
        D,
        ("--stack", "x;touch pwned", "--region", "eu-west-1", "--template", YAML),
        words=("stack name 'x;touch pwned'",),
        absent=("pwned",),
    ),
    Case(
        "deploy-stack-129",
        D,
        ("--stack", "a" * 129, "--region", "eu-west-1", "--template", YAML),
        words=("129 characters",),
    ),
    Case("deploy-no-stack", D, ("--region", "eu-west-1", "--template", YAML), words=("required: --stack",)),
    Case(
        "deploy-no-aws",
        D,
        (*STACK, "--template", YAML),
        env={"AWS": "no-such-aws-cli"},
        words=("AWS CLI (no-such-aws-cli)", "not on PATH"),
    ),
    Case(
        "deploy-parameter-twice",
        D,
        (*STACK, "--template", YAML, "AzCount=2", "AzCount=3"),
        status=0,
        words=("deploy: warning: AzCount is given twice",),
        then=_aws_ran_with("deploy --template-file vpc.yaml", "--parameter-overrides AzCount=2 AzCount=3"),
    ),
    Case(
        "deploy-keyname-ignored",
        D,
        (*STACK, "--template", YAML, "KeyName=k"),
        status=0,
        words=("deploy: warning: KeyName=k is ignored",),
        then=_aws_ran_with("--parameter-overrides KeyName=k"),
    ),
    # --- verify: arguments, checked before any AWS call -----------------------------------------------------------
    Case("verify-stack-space", V, ("--stack", "edge vpc", "--region", "eu-west-1"), words=("stack name 'edge vpc'",)),
    Case("verify-stack-injection", V, ("--stack", "x;touch pwned", "--region", "eu-west-1"), words=("stack name",)),
    Case("verify-stack-empty", V, ("--stack", "", "--region", "eu-west-1"), words=("stack name is empty",)),
    Case("verify-stack-long", V, ("--stack", "v" * 200, "--region", "eu-west-1"), words=("200 characters",)),
    Case("verify-region-typo", V, ("--stack", "edge-vpc", "--region", "euwest-1"), words=("did you mean eu-west-1",)),
    Case("verify-region-unknown", V, ("--stack", "edge-vpc", "--region", "moon-1"), words=("unknown region 'moon-1'",)),
    Case("verify-no-stack", V, ("--region", "eu-west-1"), words=("--stack",)),
    Case("verify-no-region", V, ("--stack", "edge-vpc"), words=("--region",)),
    # --- lint-template's wrapper -----------------------------------------------------------------------------------
    Case("lint-missing", L, ("no-such.yaml",), words=("cannot read no-such.yaml", "No such file")),
    Case("lint-directory", L, ("dir",), words=("dir", "a directory")),
    Case("lint-fifo", L, ("fifo",), words=("fifo", "a FIFO")),
    Case("lint-markdown", L, ("readme.md",), words=("readme.md", "not a template")),
    Case("lint-json-list", L, ("list.json",), words=("list.json", "not a template")),
    Case("lint-empty-mapping", L, ("empty.json",), words=("empty.json", "no Resources")),
    Case("lint-region-typo", L, (YAML, "--regions", "us-east1"), words=("us-east1", "did you mean us-east-1")),
    Case("lint-no-file", L, (), words=("template",)),
    Case("lint-unknown-cfn-lint-option", L, (YAML, "--", "--bogus"), words=("--bogus", "unrecognized arguments")),
    Case("lint-non-utf8-name", L, (os.fsdecode(b"\xfc.yaml"),), words=("\\xfc.yaml", "No such file")),
    Case("precheck-non-utf8-name", P, (os.fsdecode(b"\xfc.yaml"),), words=("\\xfc.yaml", "No such file")),
    Case("generate-non-utf8-directory", G, ("-o", os.fsdecode(b"\xfc/vpc.yaml")), words=("\\xfc/vpc.yaml",)),
    # --- every command that reads a template: CloudFormation's limits and shape, in bounded time and memory ----------
    Case("billion-laughs", P, ("laughs.yaml",), words=("laughs.yaml", "alias (*l0)", "does not allow aliases")),
    Case("one-alias", P, ("alias.yaml",), words=("alias.yaml", "alias (*p) at line 3")),
    Case("parameters-list", P, ("parameters-list.json",), words=("parameters-list.json", "Parameters is a list")),
    Case("resource-string", P, ("resource-string.json",), words=("Resources Vpc is a str", "not a mapping")),
    Case("type-number", P, ("type-number.json",), words=("resource Vpc", "Type", "not text")),
    Case("properties-list", P, ("properties-list.json",), words=("resource Vpc: Properties is a list",)),
    Case("outputs-string", P, ("outputs-string.json",), words=("Outputs is a str",)),
    Case("logical-id-hyphen", P, ("logical-id-hyphen.json",), words=("'My-Vpc'", "letters and digits")),
    Case("642-resources", P, ("many-resources.json",), words=("642 resources", "at most 500")),
    Case("201-parameters", P, ("many-parameters.json",), words=("201 parameters", "at most 200")),
    Case("deep-json", P, ("deep.json",), words=("deep.json", "nested too deeply")),
    Case("deep-yaml", P, ("deep.yaml",), words=("deep.yaml", "nested more than 64 deep")),
    Case("10-mb", P, ("huge.yaml",), words=("huge.yaml", "10,000,000 bytes", "1,000,000")),
    Case("language-extensions", P, ("foreach.json",), words=("AWS::LanguageExtensions", "not evaluated")),
    Case("plan-billion-laughs", PL, ("laughs.yaml",), words=("TEMPLATE", "laughs.yaml", "aliases")),
    Case("plan-from-billion-laughs", PL, (YAML, "--from-template", "laughs.yaml"), words=("--from-template", "alias")),
    Case("plan-deep-json", PL, ("deep.json",), words=("TEMPLATE", "nested too deeply")),
    Case("plan-10-mb", PL, (YAML, "--from-template", "huge.yaml"), words=("--from-template", "10,000,000 bytes")),
    Case("plan-642-resources", PL, ("many-resources.json",), words=("642 resources",)),
    Case("plan-language-extensions", PL, ("foreach.json",), words=("AWS::LanguageExtensions", "not evaluated")),
    Case("plan-type-number", PL, (YAML, "--from-template", "type-number.json"), words=("--from-template", "Type")),
    Case("deploy-billion-laughs", D, (*STACK, "--template", "laughs.yaml"), words=("laughs.yaml", "aliases")),
    Case("deploy-parameters-list", D, (*STACK, "--template", "parameters-list.json"), words=("Parameters is a list",)),
    Case("deploy-10-mb", D, (*STACK, "--template", "huge.yaml"), words=("huge.yaml", "10,000,000 bytes")),
    Case("deploy-language-extensions", D, (*STACK, "--template", "foreach.json"), words=("not evaluated",)),
    Case("lint-billion-laughs", L, ("laughs.yaml",), words=("laughs.yaml", "does not allow aliases")),
    Case("lint-deep-yaml", L, ("deep.yaml",), words=("deep.yaml", "nested more than 64 deep")),
    Case("lint-10-mb", L, ("huge.yaml",), words=("huge.yaml", "10,000,000 bytes")),
    Case("lint-resource-string", L, ("resource-string.json",), words=("Resources Vpc is a str",)),
    Case("lint-642-resources", L, ("many-resources.json",), words=("642 resources", "at most 500")),
    # --- control characters in any user value, and the Makefile's own variables ---------------------------------
    Case("make-own-PY", M, ("template", "PY=touch pwned;"), words=("PY", "cannot be set"), absent=("pwned",)),
    Case("make-own-VENV", M, ("template", "VENV=/tmp;touch pwned"), words=("VENV", "cannot be set"), absent=("pwned",)),
    Case("make-own-PIP", M, ("venv", "PIP_INSTALL=touch pwned;"), words=("PIP_INSTALL",), absent=("pwned",)),
    Case("make-own-SHELL", M, ("template", "SHELL=/bin/sh"), words=("SHELL", "cannot be set")),
    Case("make-own-lock", M, ("template", "RUNTIME_LOCK=x;touch pwned"), words=("RUNTIME_LOCK",), absent=("pwned",)),
    Case("make-own-SCAN", M, ("scan", "SCAN_VENV=$(touch pwned)"), words=("SCAN_VENV",), absent=("pwned",)),
    Case(
        "make-params-newline",
        M,
        (*DEPLOY, "PARAMS=AzCount=3\nVpcCidrBlock=10.0.0.0/15"),
        words=("PARAMS",),
        absent=("aws.log",),
    ),
    Case(
        "make-params-tab",
        M,
        (*DEPLOY, "PARAMS=AzCount=3\tAzCount=2"),
        words=("PARAMS", "control character"),
        absent=("aws.log",),
    ),
    Case("make-to-newline", M, ("plan", "TO=AzCount=3\nVpcCidrBlock=10.0.0.0/15"), words=("TO", "control character")),
    Case("make-from-newline", M, ("plan", "FROM=AzCount=3\nAzCount=2"), words=("FROM", "control character")),
    Case(
        "make-regions-newline", M, ("lint-template", "FILE=x.yaml", "REGIONS=us-east-1\neu-west-1"), words=("REGIONS",)
    ),
    Case("make-lint-args-escape", M, ("lint-template", "FILE=x.yaml", "LINT_ARGS=\x1b[2J"), words=("LINT_ARGS",)),
    Case("make-stack-cr", M, ("deploy", "STACK=edge\rvpc", "REGION=eu-west-1"), words=("STACK",), absent=("aws.log",)),
    Case("make-region-newline", M, ("verify", "STACK=x", "REGION=eu-west-1\nus-east-1"), words=("REGION",)),
    Case(
        "make-ous-newline",
        M,
        ("stackset", "STACKSET=x", "REGION=eu-west-1", "OUS=ou-ab12-cdef3456\nr-ab12", "TARGET_REGIONS=eu-west-1"),
        words=("OUS",),
        absent=("aws.log",),
    ),
    Case(
        "make-target-regions-newline",
        M,
        ("stackset", "STACKSET=x", "REGION=eu-west-1", "OUS=ou-ab12-cdef3456", "TARGET_REGIONS=eu-west-1\nus-east-1"),
        words=("TARGET_REGIONS",),
        absent=("aws.log",),
    ),
    Case("make-python-newline", M, ("template", "PYTHON=python3\ntouch pwned"), words=("PYTHON",), absent=("pwned",)),
    Case(
        "precheck-param-newline",
        P,
        (YAML, "AzCount=3\nVpcCidrBlock=10.0.0.0/15"),
        words=("AzCount=3\\n", "control character"),
    ),
    Case("precheck-param-escape", P, (YAML, "SshIngressCidr=\x1b[2J"), words=("control character", "\\x1b")),
    Case("precheck-stack-newline", P, (YAML, "--stack", "edge\nvpc"), words=("stack name", "control character")),
    Case("precheck-region-newline", P, (YAML, "--region", "eu-west-1\n"), words=("region", "control character")),
    Case("plan-to-newline", PL, (YAML, "--to", "AzCount=3\nAzCount=2"), words=("--to", "control character")),
    Case("plan-from-c1", PL, (YAML, "--from", "AzCount=3\x85"), words=("--from", "control character")),
    Case(
        "deploy-param-newline",
        D,
        (*STACK, "--template", YAML, "AzCount=3\nVpcCidrBlock=10.0.0.0/15"),
        words=("control character",),
        absent=("aws.log",),
    ),
    Case(
        "deploy-stack-tab",
        D,
        ("--stack", "edge\tvpc", "--region", "eu-west-1", "--template", YAML),
        words=("stack name", "control character"),
        absent=("aws.log",),
    ),
    Case("verify-region-newline", V, ("--stack", "x", "--region", "eu-west-1\n"), words=("control character",)),
    # --- generate.py and the compliant render: empty or odd paths, leftovers of a killed run --------------------------
    Case("templates-dir-empty", G, ("--templates-dir", ""), words=("--templates-dir", "empty")),
    Case("check-names-leftovers", G, ("--check",), status=1, setup=_left_behind),
    Case(
        "journal-names-a-file-elsewhere",
        G,
        ("-o", "out/x.yaml"),
        words=(".dualstack-journal.json", "/victim.txt", "outside out"),
        setup=_journal([{"destination": "{tmp}/victim.txt", "backup": None}]),
    ),
    Case(
        "journal-backup-elsewhere",
        G,
        ("-o", "out/x.yaml"),
        words=("../victim.txt", "outside out"),
        setup=_journal([{"destination": "x.yaml", "backup": "../victim.txt"}]),
    ),
    Case("journal-of-another-shape", G, ("-o", "out/x.yaml"), words=("an entry is 1",), setup=_journal([1])),
    Case("compliant-empty", C, ("",), words=("OUTPUT_DIRECTORY", "empty")),
    Case("compliant-file", C, ("file",), words=("file", "not a folder")),
    Case("compliant-below-file", C, ("file/scan",), words=("file/scan", "Not a directory")),
    # Tests run as root in CI, where a mode of 0500 stops nothing: a kernel file system refuses for certain.
    Case(
        "compliant-read-only", C, ("/sys/kernel",), words=("/sys/kernel/", "Permission denied", "no file was changed")
    ),
    Case("compliant-no-argument", C, (), words=("OUTPUT_DIRECTORY",)),
    Case("compliant-two-arguments", C, ("a", "b"), words=("unrecognized arguments: b",)),
    Case("compliant-full-disk", C, ("dir",), fault="rename:2", words=("cannot write dir/", "no file was changed")),
    Case("compliant-full-disk-first", C, ("dir",), fault="rename:1", words=("no file was changed",)),
    # --- stackset: checked before any aws call ------------------------------------------------------------------------
    Case(
        "stackset-param-newline",
        S,
        (*STACKSET_ARGS, "--regions", "eu-west-1", "AzCount=3\nAzCount=2"),
        words=("control character",),
        absent=("aws.log",),
    ),
    Case(
        "stackset-region-lacks-zones",
        S,
        (*STACKSET_ARGS, "--regions", "eu-west-1,us-west-1", "AzCount=3"),
        words=("--regions", "us-west-1 has 2 Availability Zones"),
        absent=("aws.log",),
    ),
    Case(
        "stackset-retain-word",
        S,
        (*STACKSET_ARGS, "--regions", "eu-west-1", "--retain-stacks", "maybe"),
        words=("--retain-stacks", "invalid choice"),
        absent=("aws.log",),
    ),
    Case(
        "stackset-ou-injection",
        S,
        (*STACKSET_ARGS[:-1], "ou-ab12-cdef3456;touch pwned", "--regions", "eu-west-1"),
        words=("--ous",),
        absent=("pwned", "aws.log"),
    ),
    Case(
        "stackset-billion-laughs",
        S,
        (
            "--name",
            "x",
            "--region",
            "eu-west-1",
            "--template",
            "laughs.yaml",
            "--ous",
            "ou-ab12-cdef3456",
            "--regions",
            "eu-west-1",
        ),
        words=("aliases",),
        absent=("aws.log",),
    ),
    Case("stackset-no-regions", S, (*STACKSET_ARGS,), words=("--regions",), absent=("aws.log",)),
    # --- a KMS key outside the stack's region: CloudWatch Logs would refuse it half-way through the deploy -----------
    Case(
        "kms-other-region",
        P,
        (YAML, "--region", "us-east-1", "FlowLogs=CloudWatchLogs", f"FlowLogKmsKeyArn={KEY}"),
        words=("FlowLogKmsKeyArn=", "a key in eu-west-1", "stack's region, us-east-1"),
    ),
    Case(
        "kms-default-region",
        P,
        (YAML, "FlowLogs=CloudWatchLogs", f"FlowLogKmsKeyArn={KEY}"),
        words=("a key in eu-west-1", "us-east-1"),
    ),
    Case(
        "kms-same-region-ok",
        P,
        (YAML, "--region", "eu-west-1", "FlowLogs=CloudWatchLogs", f"FlowLogKmsKeyArn={KEY}"),
        status=0,
    ),
    Case(
        "kms-china-key-in-us",
        P,
        (YAML, "--region", "us-east-1", f"FlowLogKmsKeyArn={KEY_CN}"),
        words=("a key in cn-north-1",),
    ),
    Case(
        "kms-gov-key-in-gov-west",
        P,
        (YAML, "--region", "us-gov-west-1", f"FlowLogKmsKeyArn={KEY_GOV}"),
        words=("a key in us-gov-east-1", "us-gov-west-1"),
    ),
    Case(
        "kms-alias-not-key",
        P,
        (YAML, "FlowLogKmsKeyArn=arn:aws:kms:us-east-1:111122223333:alias/logs"),
        words=("FlowLogKmsKeyArn=", "not"),
    ),
    Case(
        "kms-private-template",
        P,
        (PRIVATE_YAML, "--region", "ap-south-1", f"FlowLogKmsKeyArn={KEY}"),
        words=("a key in eu-west-1", "ap-south-1"),
    ),
    Case(
        "plan-kms-other-region",
        PL,
        (YAML, "--region", "us-west-2", "--to", f"FlowLogKmsKeyArn={KEY}"),
        words=("--to", "a key in eu-west-1", "us-west-2"),
    ),
    Case(
        "deploy-kms-other-region",
        D,
        ("--stack", "x", "--region", "us-east-1", "--template", YAML, f"FlowLogKmsKeyArn={KEY}"),
        words=("a key in eu-west-1",),
        absent=("aws.log",),
    ),
    Case(
        "stackset-kms-one-target-region",
        S,
        (
            *STACKSET_ARGS[:3],
            "eu-west-1",
            *STACKSET_ARGS[4:],
            "--regions",
            "eu-west-1,us-east-1",
            f"FlowLogKmsKeyArn={KEY}",
        ),
        words=("a key in eu-west-1", "us-east-1"),
        absent=("aws.log",),
    ),
    # --- the dualstack command: subcommands --------------------------------------------------------------------------
    Case("dualstack-unknown", DS, ("bogus",), words=("unknown subcommand 'bogus'", "generate")),
    Case("dualstack-typo", DS, ("gen",), words=("did you mean generate?",)),
    Case("dualstack-generate-empty-dir", DS, ("generate", "--templates-dir", ""), words=("--templates-dir", "empty")),
    Case("dualstack-cost-region", DS, ("cost", YAML, "--region", "mars-east-1"), words=("unknown region",)),
    Case("dualstack-cost-laughs", DS, ("cost", "laughs.yaml"), words=("laughs.yaml", "aliases")),
    # --- make: recipes (subprocesses, a fake aws) ------------------------------------------------------------------
    Case(
        "make-region-injection",
        M,
        ("deploy", "STACK=x", "REGION=eu-west-1;touch pwned"),
        words=("unknown region",),
        absent=("pwned", "aws.log"),
    ),
    Case(
        "make-region-make-function",
        M,
        ("deploy", "STACK=x", "REGION=$(shell touch pwned)"),
        words=("unknown region",),
        absent=("pwned", "aws.log"),
    ),
    Case(
        "make-stack-backticks",
        M,
        ("deploy", "STACK=`touch pwned`", "REGION=eu-west-1"),
        words=("stack name",),
        absent=("pwned", "aws.log"),
    ),
    Case(
        "make-stack-space",
        M,
        ("deploy", "STACK=edge vpc", "REGION=eu-west-1"),
        words=("stack name 'edge vpc'",),
        absent=("aws.log",),
    ),
    Case(
        "make-region-typo",
        M,
        ("deploy", "STACK=x", "REGION=eu-west1"),
        words=("did you mean eu-west-1",),
        absent=("aws.log",),
    ),
    Case(
        "make-params-substitution",
        M,
        (*DEPLOY, "PARAMS=$(touch pwned)"),
        words=("not Key=Value",),
        absent=("pwned", "aws.log"),
    ),
    Case(
        "make-params-ssh-world",
        M,
        (*DEPLOY, "PARAMS=SshIngressCidr=0.0.0.0/0"),
        words=("whole internet",),
        absent=("aws.log",),
    ),
    Case(
        "make-template-traversal",
        M,
        (*DEPLOY, "TEMPLATE=../nothing"),
        words=("cannot read templates/../nothing.yaml",),
        absent=("aws.log",),
    ),
    Case(
        "make-plan-region-injection",
        M,
        ("plan", "REGION=eu-west-1;touch pwned", "TO=AzCount=2"),
        words=("unknown region",),
        absent=("pwned",),
    ),
    Case(
        "make-plan-to-substitution",
        M,
        ("plan", "TO=$(touch pwned)"),
        words=("--to", "not Key=Value"),
        absent=("pwned",),
    ),
    Case(
        "make-plan-from-template-missing", M, ("plan", "FROM_TEMPLATE=old.yaml"), words=("--from-template", "old.yaml")
    ),
    Case("make-plan-twice", M, ("plan", "TO=AzCount=2 AzCount=3"), status=0, words=("--to: AzCount is given twice",)),
    # --- an option where a value belongs, a switch read as text, an option given twice ---------------------------
    Case(
        "make-params-option",
        M,
        (*DEPLOY, "PARAMS=--stack prod-vpc --region us-east-1"),
        words=("PARAMS", "--stack", "Key=Value"),
        absent=("aws.log",),
    ),
    Case(
        "make-stackset-params-option",
        M,
        (
            "stackset",
            "STACKSET=org-vpc",
            "REGION=eu-west-1",
            "OUS=ou-ab12-cdef3456",
            "TARGET_REGIONS=eu-west-1",
            "PARAMS=--ous r-ab12",
        ),
        words=("PARAMS", "--ous"),
        absent=("aws.log",),
    ),
    Case("make-plan-to-option", M, ("plan", "TO=AzCount=3 --region us-west-2"), words=("TO", "--region", "Key=Value")),
    Case(
        "make-force-zero",
        M,
        (*DEPLOY, "PARAMS=AzCount=3", "FORCE=0"),
        words=("FORCE=0", "FORCE=1"),
        absent=("aws.log",),
    ),
    Case("make-json-no", M, ("verify", "STACK=x", "REGION=eu-west-1", "JSON=no"), words=("JSON=no",)),
    Case(
        "make-misspelled-variable", M, (*DEPLOY, "PARAM=AzCount=3"), words=("PARAM", "misspelling"), absent=("aws.log",)
    ),
    Case(
        "deploy-option-after-dashes",
        D,
        (*STACK, "--template", YAML, "--", "--stack", "prod-vpc"),
        words=("'--stack'", "Key=Value"),
        absent=("aws.log",),
    ),
    Case(
        "deploy-stack-twice",
        D,
        (*STACK, "--template", YAML, "--stack", "prod-vpc"),
        words=("--stack", "twice"),
        absent=("aws.log",),
    ),
    Case(
        "stackset-ous-twice",
        S,
        (*STACKSET_ARGS, "--ous", "r-ab12", "--regions", "eu-west-1"),
        words=("--ous", "twice"),
        absent=("aws.log",),
    ),
    Case(
        "generate-azs-twice",
        G,
        ("--azs", "2", "--azs", "3", "-o", "x.yaml"),
        words=("--azs", "twice"),
        absent=("x.yaml",),
    ),
    Case("precheck-abbreviated-option", P, (YAML, "--reg", "eu-west-1"), words=("--reg",)),
    # --- a control character or undecodable byte in a path or value; what lint and verify would misread --------------
    Case("path-with-newline", P, ("no\nsuch.yaml",), words=("no\\nsuch.yaml", "No such file")),
    Case("path-with-escape", PL, ("\x1b[2Jx.yaml",), words=("\\x1b[2Jx.yaml",)),
    Case("output-with-newline", G, ("--format", "yaml", "-o", "x\ny.json"), words=("x\\ny.json",)),
    Case(
        "parameter-not-utf8",
        PL,
        (YAML, "--to", os.fsdecode(b"TestInstanceImageId=/aws/service/x\xff")),
        words=("TestInstanceImageId=/aws/service/x\\xff", "not UTF-8"),
    ),
    Case("lint-args-template-word", L, (YAML, "--regions", "us-east-1", "--", "E3002"), words=("E3002", "template")),
    Case("lint-args-regions", L, (YAML, "--", "--regions", "mars-east-1"), words=("--regions", "REGIONS")),
    Case(
        "verify-endpoint-not-a-url",
        V,
        ("--stack", "s", "--region", "eu-west-1", "--endpoint-url", "not a url"),
        words=("not a url",),
    ),
    Case(
        "verify-stack-twice", V, ("--stack", "s", "--stack", "t", "--region", "eu-west-1"), words=("--stack", "twice")
    ),
    Case(
        "make-plan-docs-example",
        M,
        ("plan", "TEMPLATE=dualstack-vpc-private", "FROM=NatGateways=PerAz", "TO=GatewayEndpoints=S3AndDynamoDB"),
        status=0,
    ),
    Case("make-deploy-no-stack", M, ("deploy", "REGION=eu-west-1"), words=("set STACK",), absent=("aws.log",)),
    Case("make-stackset-no-name", M, ("stackset", "REGION=eu-west-1"), words=("set STACKSET",), absent=("aws.log",)),
    Case(
        "make-stackset-ou-injection",
        M,
        ("stackset", "STACKSET=x", "REGION=eu-west-1", "OUS=ou-ab12-cdef3456;touch pwned", "TARGET_REGIONS=eu-west-1"),
        words=("--ous", "not an organisational unit"),
        absent=("pwned", "aws.log"),
    ),
    Case(
        "make-stackset-regions-substitution",
        M,
        ("stackset", "STACKSET=x", "REGION=eu-west-1", "OUS=ou-ab12-cdef3456", "TARGET_REGIONS=$(touch pwned)"),
        words=("--regions", "unknown region"),
        absent=("pwned", "aws.log"),
    ),
    Case("make-deploy-no-region", M, ("deploy", "STACK=x"), words=("set REGION",), absent=("aws.log",)),
    Case("make-deploy-no-aws", M, (*DEPLOY, "AWS=no-such-aws-cli"), words=("AWS CLI", "not on PATH")),
    Case(
        "make-deploy-runs-aws-quoted",
        M,
        (*DEPLOY, "PARAMS=AzCount=3 FlowLogs=None"),
        status=0,
        then=_aws_ran_with("--stack-name edge-vpc --region eu-west-1", "--parameter-overrides AzCount=3 FlowLogs=None"),
    ),
    Case(
        "make-deploy-warns",
        M,
        (*DEPLOY, "PARAMS=KeyName=k"),
        status=0,
        words=("KeyName=k is ignored",),
        then=_aws_ran_with("KeyName=k"),
    ),
    Case(
        "make-verify-stack-injection",
        M,
        ("verify", "STACK=x;touch pwned", "REGION=eu-west-1"),
        words=("stack name",),
        absent=("pwned",),
    ),
    Case("make-verify-region-typo", M, ("verify", "STACK=x", "REGION=eu-west1"), words=("did you mean eu-west-1",)),
    Case("make-verify-no-stack", M, ("verify", "REGION=eu-west-1"), words=("set STACK",)),
    Case("make-lint-missing", M, ("lint-template", "FILE=no-such.yaml"), words=("cannot read no-such.yaml",)),
    Case("make-lint-non-template", M, ("lint-template", "FILE=README.md"), words=("README.md", "not a template")),
    Case("make-lint-no-file", M, ("lint-template",), words=("set FILE",)),
    Case("make-lint-bad-option", M, ("lint-template", f"FILE={SHIPPED_YAML}", "LINT_ARGS=--bogus"), words=("--bogus",)),
    Case(
        "make-lint-file-injection",
        M,
        ("lint-template", "FILE=x.yaml;touch pwned"),
        words=("cannot read",),
        absent=("pwned",),
    ),
    Case(
        "make-lint-readme-example",
        M,
        (
            "lint-template",
            "FILE=templates/dualstack-vpc.yaml",
            "LINT_ARGS=--include-checks I",
        ),
        status=0,
    ),
    Case(
        "make-template-old-python", M, ("template", "PYTHON={tmp}/python3.10"), words=("Python 3.11 or later", "3.10")
    ),
    Case(
        "make-template-no-python", M, ("template", "PYTHON=no-such-python"), words=("no-such-python not found", "3.11")
    ),
    Case("make-test-old-python", M, ("test", "PYTHON={tmp}/python3.10"), words=("Python 3.11 or later",)),
    Case(
        "make-python-injection",
        M,
        ("template", "PYTHON=python3; touch pwned"),
        words=("python3; touch pwned not found",),
        absent=("pwned",),
    ),
    Case("make-bench-args-injection", M, ("bench", "BENCH_ARGS=; touch pwned"), words=("bench.py",), absent=("pwned",)),
    Case(
        "make-deploy-old-python",
        M,
        (*DEPLOY, "PYTHON={tmp}/python3.10"),
        words=("Python 3.11 or later",),
        absent=("aws.log",),
    ),
]


def _workspace(tmp: Path) -> None:
    """Files for the cases to name: templates, non-templates, a link, a FIFO, a directory; a fake aws and Python."""
    (tmp / YAML).write_bytes(SHIPPED_YAML.read_bytes())
    (tmp / PRIVATE_YAML).write_bytes((TEMPLATES / "dualstack-vpc-private.yaml").read_bytes())
    (tmp / "list.json").write_text("[1]\n")
    (tmp / "empty.json").write_text("{}\n")
    (tmp / "notes.txt").write_text("just some notes\n")
    (tmp / "readme.md").write_text("# Notes\n\nA *dual-stack* VPC: one line, then: another.\n- a\nb: c\n")
    (tmp / "broken.yaml").write_text("Resources: [1\n")
    (tmp / "latin1.yaml").write_bytes("Description: caf\u00e9\n".encode("latin-1"))
    (tmp / "yaml-inside.json").write_bytes(SHIPPED_YAML.read_bytes())
    _odd_templates(tmp)
    (tmp / "existing.yaml").write_text("a file a link points to\n")
    (tmp / "LINK.yaml").symlink_to("existing.yaml")
    (tmp / "file").write_text("a file, not a directory\n")
    (tmp / "dir").mkdir()
    os.mkfifo(tmp / "fifo")
    templates = tmp / "templates"
    templates.mkdir()
    for name in ("dualstack-vpc.yaml", "dualstack-vpc-private.json", "dualstack-vpc-ipv6only.yaml"):
        (templates / name).write_text(f"an older {name}\n")
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    fake_aws = bin_dir / "aws"
    # Records its arguments; answers describe-stacks as the real CLI does for a stack that does not exist yet.
    fake_aws.write_text(
        f'#!/bin/sh\necho "$*" >> "{tmp}/aws.log"\n'
        'case "$*" in *describe-stacks*)'
        ' echo "An error occurred (ValidationError): Stack with id x does not exist" >&2; exit 254;; esac\n'
    )
    fake_python = tmp / "python3.10"
    fake_python.write_text('#!/bin/sh\n[ "$1" = -V ] && echo "Python 3.10.12" && exit 0\nexit 2\n')
    for script in (fake_aws, fake_python):
        script.chmod(0o755)


#: Nine levels of nine aliases: 476 bytes of YAML that expand to 9**9 items (about 8 GB in Python) once walked.
BILLION_LAUGHS = "".join(
    f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9) if n else ', '.join(['lol'] * 9)}]\n" for n in range(9)
)
VPC = {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}}


def _odd_templates(tmp: Path) -> None:
    """Files that are templates in shape only, or not even that: each breaks one thing CloudFormation checks."""
    (tmp / "laughs.yaml").write_text(f"{BILLION_LAUGHS}Resources:\n  Vpc: {{Type: AWS::EC2::VPC}}\n")
    (tmp / "alias.yaml").write_text(
        "Parameters:\n  A: &p {Type: String, Default: x}\n  B: *p\nResources:\n  Vpc: {Type: AWS::EC2::VPC}\n"
    )
    odd = {
        "parameters-list.json": {"Parameters": ["VpcCidrBlock"], "Resources": VPC},
        "resource-string.json": {"Resources": {"Vpc": "AWS::EC2::VPC"}},
        "type-number.json": {"Resources": {"Vpc": {"Type": 5}}},
        "properties-list.json": {"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": ["CidrBlock"]}}},
        "outputs-string.json": {"Resources": VPC, "Outputs": "VpcId"},
        "logical-id-hyphen.json": {"Resources": {"My-Vpc": VPC["Vpc"]}},
        "many-resources.json": {"Resources": {f"Vpc{n}": VPC["Vpc"] for n in range(642)}},
        "many-parameters.json": {"Parameters": {f"P{n}": {"Type": "String"} for n in range(201)}, "Resources": VPC},
        "condition-itself.json": {
            "Conditions": {"A": {"Condition": "A"}},
            "Resources": {"Vpc": {**VPC["Vpc"], "Condition": "A"}},
        },
        "condition-list.json": {
            "Conditions": {"A": {"Fn::Equals": ["a", "a"]}},
            "Resources": {"Vpc": {**VPC["Vpc"], "Condition": ["A"]}},
        },
        "select-number.json": {"Resources": {"Vpc": {**VPC["Vpc"], "Properties": {"CidrBlock": {"Fn::Select": 5}}}}},
        "cidr-count-text.json": {
            "Resources": {
                "Vpc": {
                    **VPC["Vpc"],
                    "Properties": {"CidrBlock": {"Fn::Select": [0, {"Fn::Cidr": ["10.0.0.0/16", "x", 8]}]}},
                }
            }
        },
        "output-no-value.json": {"Resources": VPC, "Outputs": {"VpcId": {"Description": "the VPC"}}},
        "rule-no-assertions.json": {"Resources": VPC, "Rules": {"R": {}}},
        "pattern-unclosed.json": {
            "Parameters": {"P": {"Type": "String", "Default": "a", "AllowedPattern": "("}},
            "Resources": VPC,
        },
        # Valid: an IPv4-only subnet (reported as such), and a list parameter's Ref is a list.
        "subnet-ipv4-only.json": {
            "Resources": {
                **VPC,
                "S": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"}},
            }
        },
        "comma-list.json": {
            "Parameters": {"P": {"Type": "CommaDelimitedList", "Default": "a,b"}},
            "Resources": {
                **VPC,
                "X": {
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {"Type": "String", "Value": {"Fn::Select": [1, {"Ref": "P"}]}},
                },
            },
        },
        "section-misspelt.json": {"Parameter": {"P": {"Type": "String"}}, "Resources": VPC},
        "attribute-misspelt.json": {"Resources": {**VPC, "Eip": {"Type": "AWS::EC2::EIP", "Condtion": "Never"}}},
        "parameter-attribute-misspelt.json": {
            "Parameters": {"P": {"Type": "String", "Defualt": "a"}},
            "Resources": VPC,
        },
        "allowed-values-text.json": {"Parameters": {"P": {"Type": "String", "AllowedValues": "abc"}}, "Resources": VPC},
        "sam-transform.json": {"Transform": "AWS::Serverless-2016-10-31", "Resources": VPC},
        "pattern-backtracks.json": {
            "Parameters": {"P": {"Type": "String", "Default": "a" * 40 + "!", "AllowedPattern": "(a+)+$"}},
            "Resources": VPC,
        },
        "bounded.json": {
            "Parameters": {
                "N": {"Type": "Number", "Default": "2", "MinValue": 1, "MaxValue": 3},
                "S": {"Type": "String", "Default": "ab", "MaxLength": 3},
            },
            "Resources": VPC,
        },
        "foreach.json": {
            "Transform": "AWS::LanguageExtensions",
            "Resources": {"Fn::ForEach::Vpcs": ["Name", ["A", "B"], {"Vpc${Name}": VPC["Vpc"]}]},
        },
    }
    for name, template in odd.items():
        (tmp / name).write_text(json.dumps(template))
    (tmp / "unknown-tag.yaml").write_text(
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: !Cidrr x}\n"
    )
    (tmp / "duplicate-key.yaml").write_text(
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n  Vpc:\n    Type: AWS::EC2::InternetGateway\n"
    )
    (tmp / "duplicate-key.json").write_text('{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}, "Resources": {}}')
    (tmp / "deep.json").write_text(
        '{"Resources": {"Vpc": {"Type": "X", "Metadata": {"A": ' + "[" * 5000 + "]" * 5000 + "}}}}"
    )
    (tmp / "deep.yaml").write_text(
        "Resources:\n  Vpc:\n    Type: X\n    Metadata: {A: " + "[" * 5000 + "]" * 5000 + "}\n"
    )
    # 10 MB, sparse: refused by its size before a byte is read.
    with (tmp / "huge.yaml").open("wb") as huge:
        huge.truncate(10_000_000)


def _snapshot(*directories: Path) -> dict[str, object]:
    """Every entry below the directories: a link's target, a file's bytes and mode, or the kind of entry."""
    state: dict[str, object] = {}
    for directory in directories:
        for dirpath, dirnames, filenames in os.walk(directory):
            for name in [*dirnames, *filenames]:
                path = os.path.join(dirpath, name)
                mode = os.lstat(path).st_mode
                if stat.S_ISLNK(mode):
                    state[path] = ("link", os.readlink(path))
                elif stat.S_ISREG(mode):
                    state[path] = ("file", Path(path).read_bytes(), stat.S_IMODE(mode))
                else:
                    state[path] = ("other", stat.S_IFMT(mode))
    return state


def _fail_rename(monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
    """Make the ``nth`` rename of a temporary file into place fail, as a full or read-only disk would."""
    real = os.replace
    calls = 0

    def replace(src: str, dst: str) -> None:
        nonlocal calls
        if str(src).endswith(".tmp"):
            calls += 1
            if calls == nth:
                raise OSError(28, "No space left on device", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


@cache
def _make_would_rebuild_venv() -> bool:
    """Whether ``make`` would (re)install .venv first: the make cases must not do that under a running test."""
    dry = subprocess.run(["make", "-n", "lint-template", "FILE=x"], cwd=ROOT, capture_output=True, text=True)
    return "pip install" in dry.stdout or "rm -rf" in dry.stdout


def _run(case: Case, tmp: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    argv = [a.replace("{tmp}", str(tmp)) for a in case.argv]
    if case.entry == M:
        if _make_would_rebuild_venv():
            # Under CI the make cases, the security ones among them, must run: a skip there would hide them.
            if os.environ.get("CI", "").lower() not in ("", "0", "false"):
                pytest.fail("make would rebuild .venv first: under CI the make cases must run (make dev first)")
            pytest.skip("make would rebuild .venv first; run `make venv`")
        # A make of its own, as a user's shell starts it, even when the tests run under `make test`.
        outer = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
        env = {**outer, "PATH": f"{tmp / 'bin'}{os.pathsep}{os.environ['PATH']}", **case.env}
        argv = ["make", "-s", "--no-print-directory", "AWS=aws", *argv]
        # Recipes run in the repository (-C): a command smuggled into a value (touch pwned) would leave its file there.
        result = subprocess.run([*argv, "-C", str(ROOT)], cwd=tmp, env=env, capture_output=True, text=True)
        return result.returncode, result.stdout, result.stderr
    if case.entry == P:
        # Where docs/deploy.md runs it: after `make template` alone, in a venv of the runtime lock and nothing else.
        if not RUNTIME_PYTHON.exists():
            if os.environ.get("CI", "").lower() not in ("", "0", "false"):
                pytest.fail(f"{RUNTIME_PYTHON} is missing: make pytest builds it (make .venv-runtime)")
            pytest.skip(f"{RUNTIME_PYTHON} is missing: make pytest builds it")
        env = {**os.environ, "PYTHONPATH": str(ROOT), **case.env}
        command = [str(RUNTIME_PYTHON), "-m", "dualstack", "precheck", *argv]
        raw = subprocess.run(command, cwd=tmp, env=env, capture_output=True)
        return raw.returncode, raw.stdout.decode("utf-8", "replace"), raw.stderr.decode("utf-8", "replace")
    if case.entry == "generate-process":
        env = {**os.environ, **case.env}
        command = [sys.executable, str(ROOT / "generate.py"), *argv]
        raw = subprocess.run(command, cwd=tmp, env=env, capture_output=True)
        return raw.returncode, raw.stdout.decode("utf-8", "replace"), raw.stderr.decode("utf-8", "replace")
    mains: dict[str, Callable[[list[str]], int]] = {
        G: lambda args: cli.main(args, root=tmp),
        PL: plan.main,
        D: deploy.main,
        V: verify.main,
        L: lint.main,
        C: compliant.main,
        S: stackset.main,
        DS: dualstack_command.main,
    }
    status = mains[case.entry](argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    if case.fault is not None:
        _fail_rename(monkeypatch, int(case.fault.removeprefix("rename:")))
    if case.entry in (D, S):
        # The fake aws, whatever AWS=... the tests run under: nothing may reach a real AWS CLI.
        monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("AWS", "aws")
    if case.entry in (G, PL, D, V, L, C, S, DS):
        for name, value in case.env.items():
            monkeypatch.setenv(name, value)
    if case.setup is not None:
        case.setup(tmp_path)
    before = _snapshot(tmp_path, TEMPLATES)

    status, out, err = _run(case, tmp_path, capsys)

    assert "Traceback" not in err, err
    # make adds its own "make: *** [Makefile:N: target] Error 2" after a failed recipe.
    lines = [line for line in err.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\* ", line)]
    assert status == case.status, f"exit {status}\nstdout: {out}\nstderr: {err}"
    if case.status == 2:
        assert len(lines) == 1, err
        assert "error" in lines[0] or lines[0].startswith("make"), lines[0]
        for word in case.words:
            assert word in lines[0], lines[0]
        if case.entry != M:
            assert out == ""
        after = _snapshot(tmp_path, TEMPLATES)
        assert after == before, "files changed: " + ", ".join(sorted(set(after) ^ set(before)) or ["contents"])
    else:
        assert all(" error" not in line for line in lines), err
        for word in case.words:
            assert word in err, err
        assert _snapshot(TEMPLATES) == {k: v for k, v in before.items() if k.startswith(str(TEMPLATES))}
        if case.then is not None:
            case.then(tmp_path)
    for name in case.absent:
        assert not (tmp_path / name).exists(), f"{name} exists"
        assert not (ROOT / name).exists(), f"{name} exists"


def test_the_table_covers_every_entry_point_with_at_least_100_cases() -> None:
    assert len(CASES) >= 100
    assert len({case.id for case in CASES}) == len(CASES)
    assert {case.entry for case in CASES} == {G, P, PL, D, V, L, M, C, S, DS, "generate-process"}


def test_the_documented_lint_example_is_a_case() -> None:
    readme = (ROOT / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    assert 'make lint-template FILE=templates/dualstack-vpc.yaml LINT_ARGS="--include-checks I"' in readme
    case = next(case for case in CASES if case.id == "make-lint-readme-example")
    assert case.argv == ("lint-template", "FILE=templates/dualstack-vpc.yaml", "LINT_ARGS=--include-checks I")
    assert case.status == 0


def _documented_make_runs(target: str) -> list[tuple[str, ...]]:
    """Each ``make TARGET ...`` the README and docs show with real values, as argv: not ``<file>``, ``path/to`` or a
    file an earlier step wrote to /tmp."""
    runs = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        shown = re.findall(rf"`(make {target} [^`]*)`", text)
        shown += [line.split("  #")[0] for line in re.findall(rf"^(make {target} .*)$", text, flags=re.MULTILINE)]
        runs += [
            tuple(shlex.split(run)[1:]) for run in shown if not any(mark in run for mark in ("<", "path/to", "/tmp/"))
        ]
    return runs


@pytest.mark.parametrize("target", ["plan", "lint-template"])
def test_every_documented_make_plan_and_lint_example_is_a_case_that_succeeds(target: str) -> None:
    runs = _documented_make_runs(target)
    assert runs, target
    for argv in runs:
        assert any(case.argv == argv and case.status == 0 for case in CASES), f"make {shlex.join(argv)}: add a case"


def _dry_make(*argv: str) -> str:
    outer = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    result = subprocess.run(["make", "-n", *argv], cwd=ROOT, env=outer, capture_output=True, text=True, check=True)
    return result.stdout


def _mutmut_line(dry_run: str) -> str:
    return next(line for line in dry_run.splitlines() if "mutmut run" in line)


def test_make_mutate_passes_mutants_as_data_not_shell_text() -> None:
    # make mutate installs its own venv and runs for minutes, so its recipe is read as make -n prints it: the value
    # must not be in the shell line at all, only in the environment the line reads it from.
    dry = _dry_make("mutate", "MUTANTS=x; touch pwned")
    assert "pwned" not in dry
    assert '"$MUTANTS"' in _mutmut_line(dry)


def test_make_mutate_default_patterns_reach_mutmut_unexpanded(tmp_path: Path) -> None:
    # The recipe line as make would run it, with mutmut replaced by a script printing its arguments, in a directory
    # holding files the patterns would match if the shell expanded them.
    line = _mutmut_line(_dry_make("mutate")).replace(".venv-mutate/bin/mutmut run", "printf '%s\\n'")
    (tmp_path / "dualstack.model.kinds.py").write_text("")
    (tmp_path / "dualstack.proofs.verify.x_dns64_check_1").write_text("")
    default = subprocess.run(
        ["make", "-s", "--no-print-directory", "-p", "-q", "-f", str(ROOT / "Makefile"), "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    mutants = next(v for v in default.splitlines() if v.startswith("MUTANTS := ")).removeprefix("MUTANTS := ")
    env = {"PATH": os.environ["PATH"], "MUTANTS": mutants}
    printed = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert printed.stdout.split() == mutants.split()
    assert "dualstack.model.kinds.*" in printed.stdout.split()
    assert "dualstack.proofs.verify.x_dns64_check*" in printed.stdout.split()


def test_docs_proofs_md_gives_the_number_of_cases() -> None:
    proofs = (ROOT / "docs" / "proofs.md").read_text(encoding="utf-8")
    assert f"(`tests/test_bad_input.py`, {len(CASES)} rows)" in proofs

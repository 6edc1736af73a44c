"""Shared fixtures: templates rendered from the code, and the committed ones."""

from __future__ import annotations

import functools
import importlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

import pytest
from cfnlint.config import ConfigMixIn
from cfnlint.decode import decode_str
from cfnlint.rules import CloudFormationLintRule, Match
from cfnlint.runner import Runner

from dualstack import SHIPPED, TemplateSpec, build_template
from dualstack.model.kinds import KINDS
from dualstack.render.text import render

from .cfnlint_memo import install as remember_cfn_lint_conditions

P = ParamSpec("P")
R = TypeVar("R")

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
#: The project's cfn-lint rules, appended as users append them.
RULES_DIR = str(ROOT / "dualstack" / "lint_rules")


def rule_classes() -> list[type[CloudFormationLintRule]]:
    """The dual-stack rules: the class of each rule file in ``dualstack/lint_rules`` (one rule a file)."""
    classes: list[type[CloudFormationLintRule]] = []
    for path in sorted(Path(RULES_DIR).glob("[A-Za-z]*.py")):
        module = importlib.import_module(f"dualstack.lint_rules.{path.stem}")
        found = [
            cls
            for cls in vars(module).values()
            if isinstance(cls, type) and issubclass(cls, CloudFormationLintRule) and cls.__module__ == module.__name__
        ]
        assert [cls.__name__ for cls in found] == [path.stem], f"{path.name}: one rule, named as its file"
        classes += found
    return classes


remember_cfn_lint_conditions()


@cache
def _runner(options: tuple[tuple[str, tuple[str, ...]], ...]) -> Runner:
    """A cfn-lint runner with its rules loaded, once per set of options (loading them takes longer than a lint)."""
    config: dict[str, Any] = {name: list(values) for name, values in options}
    return Runner(ConfigMixIn(**config))


def lint(text: str, **options: list[str]) -> list[Match]:
    """cfn-lint's findings on ``text``, in process, as ``cfnlint.api.lint(text, config=options)`` gives them."""
    template, errors = decode_str(text)
    if errors or template is None:
        return errors
    runner = _runner(tuple(sorted((name, tuple(values)) for name, values in options.items())))
    return list(runner.validate_template(template))


def remembered(function: Callable[P, R]) -> Callable[P, R]:
    """``functools.cache``, except under ``make mutate`` (which sets ``MUTANT_UNDER_TEST``): mutmut learns which tests
    reach each function by running them all once, then runs each mutant's tests in a process forked from that one,
    so a remembered result would both hide which tests reach the code behind it and keep it unmutated."""
    cached = cast("Callable[P, R]", cache(function))

    @functools.wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        if os.environ.get("MUTANT_UNDER_TEST"):
            return function(*args, **kwargs)
        return cached(*args, **kwargs)

    return call


@remembered
def rendered(spec: TemplateSpec) -> dict[str, Any]:
    """The template for ``spec`` as CloudFormation reads it: the rendered JSON, parsed (built once per process)."""
    result: dict[str, Any] = json.loads(render(build_template(spec), "json"))
    return result


ALL_TIERS = KINDS
#: The largest template the CLI builds: six AZs, every tier.
LARGEST = TemplateSpec(name="all-tiers", max_azs=6, tiers=ALL_TIERS, tier_sizes=True)
#: The shipped templates, the largest, and the public tier for each AZ maximum.
ALL_SPECS = tuple(
    dict.fromkeys(
        [
            *SHIPPED,
            LARGEST,
            TemplateSpec(name="all-tiers", max_azs=2, tiers=ALL_TIERS),
            *(TemplateSpec(max_azs=n) for n in range(1, 7)),
        ]
    )
)


@pytest.fixture(params=SHIPPED, ids=lambda spec: spec.name)
def shipped_spec(request: pytest.FixtureRequest) -> TemplateSpec:
    spec: TemplateSpec = request.param
    return spec


@pytest.fixture
def shipped(shipped_spec: TemplateSpec) -> dict[str, Any]:
    return rendered(shipped_spec)


def spec_id(spec: TemplateSpec) -> str:
    return f"{spec.name}-{spec.max_azs}az"


@pytest.fixture(params=ALL_SPECS, ids=spec_id)
def any_spec(request: pytest.FixtureRequest) -> TemplateSpec:
    spec: TemplateSpec = request.param
    return spec


def az_params(spec: TemplateSpec, azs: int) -> dict[str, str]:
    """The AzCount parameter for ``azs`` zones; a one-AZ template has no such parameter."""
    assert 1 <= azs <= spec.max_azs
    return {} if spec.max_azs == 1 else {"AzCount": str(azs)}


class _FileProgress:
    """With pytest-xdist (``make test``): one line per test file as its last test finishes, instead of dots."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.left: dict[str, int] = {}
        self.outcomes: dict[str, dict[str, int]] = {}
        self.seconds: dict[str, float] = {}

    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        if not self.left:
            for nodeid in ids:
                path = nodeid.split("::")[0]
                self.left[path] = self.left.get(path, 0) + 1

    def pytest_report_teststatus(self, report: pytest.TestReport) -> tuple[str, str, str] | None:
        if report.passed and report.when == "call":
            return "passed", "", "PASSED"
        return None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        path = report.nodeid.split("::")[0]
        self.seconds[path] = self.seconds.get(path, 0.0) + report.duration
        if report.when == "call" or report.failed:
            counts = self.outcomes.setdefault(path, {})
            counts[report.outcome] = counts.get(report.outcome, 0) + 1
        if report.when == "teardown" and path in self.left:
            self.left[path] -= 1
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if self.left[path] == 0 and reporter is not None:
                summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.outcomes.get(path, {}).items()))
                reporter.write_line(f"{path:<32} {summary} ({self.seconds[path]:.1f} s of test time)")


#: Where the tests' scratch goes when the caller has not set TMPDIR: a RAM file system. The writer's kill tests and the
#: bad-input rows write and fsync thousands of small files. Those two files, run alone, medians of 3 alternating runs on
#: 2 cores: 56.6 s to 50.3 s, and 15.3 s to 9.8 s of system time; the whole run's system time falls by about a quarter.
RAM_SCRATCH = Path("/dev/shm")
#: A whole run's scratch peaked at 167 MB (du every 2 s, 2 workers); a RAM file system with less room than this, such
#: as a container's default 64 MB /dev/shm, is left alone and the scratch stays where TMPDIR says.
SCRATCH_ROOM = 1 << 30


def scratch_dir(environ: Mapping[str, str], candidate: Path = RAM_SCRATCH, room: int = SCRATCH_ROOM) -> Path | None:
    """The directory to make TMPDIR for the run (tmp_path, and what the tests' subprocesses write), or None to leave
    it: a TMPDIR the caller set is kept, and so is the default when ``candidate`` is missing, not writable or short of
    ``room`` bytes."""
    if environ.get("TMPDIR"):
        return None
    try:
        free = os.statvfs(candidate)
    except OSError:
        return None
    if not candidate.is_dir() or not os.access(candidate, os.W_OK | os.X_OK):
        return None
    return candidate if free.f_bavail * free.f_frsize >= room else None


#: What ``scratch_dir`` chose for this run (xdist's workers inherit the TMPDIR it set, so they choose None).
SCRATCH = scratch_dir(os.environ)


def pytest_configure(config: pytest.Config) -> None:
    if SCRATCH is not None:
        # Before pytest picks its base temporary directory (at the first tmp_path, or when xdist starts workers).
        os.environ["TMPDIR"] = str(SCRATCH)
        tempfile.tempdir = None
    workers = getattr(config.option, "numprocesses", None)
    if workers and not hasattr(config, "workerinput") and config.option.verbose <= 0:
        config.pluginmanager.register(_FileProgress(config), "dualstack-file-progress")


#: Fake credentials for moto, and no config file: nothing a test runs can reach real AWS.
OFFLINE_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
#: Credential sources that would reach for the network, on a machine that happens to set them.
NETWORK_CREDENTIAL_SOURCES = (
    "AWS_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ENDPOINT_URL",
)


def offline_aws(patch: pytest.MonkeyPatch) -> None:
    """Point every AWS client at fake credentials and away from any source that would reach for the network."""
    for name, value in OFFLINE_AWS_ENVIRONMENT.items():
        patch.setenv(name, value)
    for name in NETWORK_CREDENTIAL_SOURCES:
        patch.delenv(name, raising=False)


def quicker_moto(patch: pytest.MonkeyPatch) -> None:
    """moto lists a response class's methods (``inspect.getmembers``) on every request it answers, a sixth of its
    time here; a class's methods do not change during the run, so each class's list is made once."""
    import moto.core.responses
    from moto.core.utils import method_names_from_class

    patch.setattr(moto.core.responses, "method_names_from_class", cache(method_names_from_class))
    _moto_subnet_block_state(patch)


def _moto_subnet_block_state(patch: pytest.MonkeyPatch) -> None:
    """moto (5.x) describes a subnet's IPv6 block state as the text ``"{'State': 'associated'}"``, a dictionary
    nested once too often, where EC2 gives ``associated`` (DescribeSubnets, ``SubnetIpv6CidrBlockAssociation``); verify
    reads the state as EC2 gives it, so the subnets moto describes say it as EC2 does."""
    from moto.ec2.models.subnets import Subnet

    def association_set(subnet: Subnet) -> list[dict[str, Any]]:
        return [
            {
                "ipv6CidrBlock": association["ipv6CidrBlock"],
                "associationId": association["associationId"],
                "ipv6CidrBlockState": {"state": association["ipv6CidrBlockState"]["State"]},
            }
            for association in subnet.ipv6_cidr_block_associations.values()
            if association["ipv6CidrBlockState"]["State"] == "associated"
        ]

    patch.setattr(Subnet, "ipv6_cidr_block_association_set", property(association_set))

"""generate.py: what it writes, the drift check, and bad input (one line, exit 2, nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dualstack import SHIPPED, TemplateSpec, TierKind, build_template
from dualstack.render.text import render

from .conftest import ROOT

GENERATE = str(ROOT / "generate.py")
SHIPPED_FILES = sorted(f"{spec.name}.{ext}" for spec in SHIPPED for ext in ("yaml", "json", "md"))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, GENERATE, *args], cwd=cwd, capture_output=True, text=True, check=False)


def _files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def test_writes_every_shipped_template_in_both_formats(tmp_path: Path) -> None:
    result = run("--templates-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert _files(tmp_path) == SHIPPED_FILES
    assert (tmp_path / "dualstack-vpc.yaml").read_text() == render(build_template(TemplateSpec()), "yaml")
    assert oct((tmp_path / "dualstack-vpc.yaml").stat().st_mode & 0o777) != oct(0o600)


def test_second_run_rewrites_nothing(tmp_path: Path) -> None:
    run("--templates-dir", str(tmp_path))
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    result = run("--templates-dir", str(tmp_path))
    assert result.returncode == 0
    assert "unchanged" in result.stdout
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_check_passes_on_the_repository_from_any_working_directory(tmp_path: Path) -> None:
    result = run("--check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_names_each_stale_missing_or_extra_file_and_writes_nothing(tmp_path: Path) -> None:
    run("--templates-dir", str(tmp_path))
    yaml_file = tmp_path / "dualstack-vpc.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("10.0.0.0/16", "10.9.0.0/16"))
    (tmp_path / "dualstack-vpc.json").unlink()
    (tmp_path / "old-template.yaml").write_text("{}\n")
    (tmp_path / "old-template.md").write_text("# old\n")
    diagram = tmp_path / "dualstack-vpc-private.md"
    diagram.write_text(diagram.read_text().replace("NatGatewayB", "NatGatewayX"))
    result = run("--check", "--diff", "--templates-dir", str(tmp_path))
    assert result.returncode == 1
    assert f"stale: {yaml_file} (differs" in result.stdout
    assert f"stale: {diagram} (differs" in result.stdout
    assert f"stale: {tmp_path / 'old-template.md'} (not generated" in result.stdout
    assert f"stale: {tmp_path / 'dualstack-vpc.json'} (missing)" in result.stdout
    assert f"stale: {tmp_path / 'old-template.yaml'} (not generated" in result.stdout
    assert result.stdout.splitlines()[-1] == "5 stale; regenerate with `make template` and commit the result"
    diff = result.stdout.splitlines()
    assert "-    Default: 10.9.0.0/16" in diff
    assert "+    Default: 10.0.0.0/16" in diff
    assert _files(tmp_path) == sorted(
        [*(f for f in SHIPPED_FILES if f != "dualstack-vpc.json"), "old-template.yaml", "old-template.md"]
    )


def test_custom_variant_to_standard_output_in_each_format() -> None:
    yaml_text = run("--azs", "5").stdout
    assert yaml_text == render(build_template(TemplateSpec(max_azs=5)), "yaml")
    as_json = json.loads(run("--azs", "4", "--format", "json", "-o", "-").stdout)
    assert as_json["Parameters"]["AzCount"]["AllowedValues"] == ["1", "2", "3", "4"]


def test_custom_variant_format_follows_the_file_extension_and_check_compares_it(tmp_path: Path) -> None:
    target = tmp_path / "vpc.json"
    assert run("--azs", "6", "-o", str(target)).returncode == 0
    assert "PublicSubnetF" in json.loads(target.read_text())["Resources"]
    assert run("--azs", "6", "-o", str(target), "--check").returncode == 0
    stale = run("--azs", "5", "-o", str(target), "--check")
    assert stale.returncode == 1
    assert str(target) in stale.stdout
    # Not the repository's `make template`: a user's own file comes back from the command that checked it.
    assert (
        stale.stdout.splitlines()[-1]
        == "1 stale; regenerate with the same command without --check and commit the result"
    )
    assert _files(tmp_path) == ["vpc.json"]


def test_custom_tiers_build_the_tiers_asked_for_in_subnet_index_order() -> None:
    result = run("--tiers", "isolated,public", "--azs", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    resources = json.loads(result.stdout)["Resources"]
    assert {"PublicSubnetB", "IsolatedSubnetB", "IsolatedRouteTable"} <= set(resources)
    expected = render(
        build_template(TemplateSpec(name="custom", max_azs=2, tiers=(TierKind.PUBLIC, TierKind.ISOLATED))), "json"
    )
    assert result.stdout == expected


def test_a_template_over_the_inline_limit_is_written_with_a_warning(tmp_path: Path) -> None:
    target = tmp_path / "largest.yaml"
    result = run("--azs", "6", "--tiers", "public,private,ipv6only,isolated", "-o", str(target))
    assert result.returncode == 0
    assert "over the 51,200-byte TemplateBody limit: deploying it needs an S3 bucket" in result.stderr
    assert target.stat().st_size > 51_200


BAD_INPUT = [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--azs", "0"], "--azs: must be from 1 to 6, got 0"),
    (["--azs", "99"], "--azs: must be from 1 to 6, got 99"),
    (["--azs", "two"], "--azs: must be a whole number"),
    (["--format", "xml"], "invalid choice: 'xml'"),
    (["--tiers", "public,dmz"], "--tiers: unknown tier 'dmz'"),
    (["--tiers", "private"], "the public tier is required"),
    (["--tiers", "public,private,public"], "--tiers: each tier may appear only once"),
    (["--diff"], "--diff goes with --check"),
    (["--check", "--azs", "4"], "give the custom template's -o PATH"),
    (["-o", "{tmp}/missing/dir/vpc.yaml"], "cannot write {tmp}/missing/dir/vpc.yaml: No such file or directory"),
    (["-o", "{tmp}"], "cannot write {tmp}: it is a directory"),
    (["-o", "{tmp}/file/vpc.yaml"], "cannot write {tmp}/file/vpc.yaml: Not a directory"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "file").write_text("a file, not a directory\n")
    result = run(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("generate.py: error: ")
    assert message.replace("{tmp}", str(tmp_path)) in lines[0]
    assert _files(tmp_path) == ["file"]


def test_a_failed_write_leaves_no_template_half_written(tmp_path: Path) -> None:
    (tmp_path / "dualstack-vpc.json").mkdir()  # the second file cannot be written
    result = run("--templates-dir", str(tmp_path))
    assert result.returncode == 2
    assert "it is a directory" in result.stderr
    assert _files(tmp_path) == ["dualstack-vpc.json"], "the YAML was written although the JSON failed"


def test_a_yaml_template_whose_json_form_fits_says_so(tmp_path: Path) -> None:
    # Six AZs of the public tier: over the limit as YAML, under it as JSON (make deploy sends a twin that fits).
    target = tmp_path / "vpc.yaml"
    result = run("--azs", "6", "-o", str(target))
    assert result.returncode == 0
    as_json = render(build_template(TemplateSpec(name="custom", max_azs=6)), "json").encode("utf-8")
    assert target.stat().st_size > 51_200 >= len(as_json)
    assert f"its JSON form ({len(as_json):,} bytes) fits: write it beside as {tmp_path / 'vpc.json'}" in result.stderr
    assert run("--azs", "6", "-o", str(tmp_path / "vpc.json")).stderr == ""

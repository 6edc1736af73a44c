"""Rendered text: the committed templates are the golden files; output is byte-stable and deployable inline."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import subprocess
import sys

import cfn_flip
import pytest

from dualstack import SHIPPED, TemplateSpec, build_template
from dualstack.limits import TEMPLATE_BODY_LIMIT
from dualstack.render import FORMATS, Format, render

from .conftest import ROOT, TEMPLATES


@pytest.mark.parametrize("fmt", FORMATS)
def test_committed_templates_equal_what_the_code_generates(shipped_spec: TemplateSpec, fmt: Format) -> None:
    path = TEMPLATES / f"{shipped_spec.name}.{fmt}"
    committed = path.read_text(encoding="utf-8")
    generated = render(build_template(shipped_spec), fmt)
    if committed != generated:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True), generated.splitlines(keepends=True), str(path), "generated"
            )
        )
        pytest.fail(f"{path.name} is stale; run `make template` and commit it:\n{diff}")


def test_templates_directory_holds_only_shipped_templates() -> None:
    expected = {f"{spec.name}.{fmt}" for spec in SHIPPED for fmt in FORMATS}
    assert {p.name for p in TEMPLATES.iterdir()} == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_ends_with_exactly_one_newline_and_holds_no_absolute_path(
    any_spec: TemplateSpec, fmt: Format
) -> None:
    text = render(build_template(any_spec), fmt)
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert str(ROOT) not in text
    assert "\t" not in text
    assert " \n" not in text


def test_yaml_and_json_describe_the_same_template(any_spec: TemplateSpec) -> None:
    template = build_template(any_spec)
    from_yaml = json.loads(cfn_flip.to_json(render(template, "yaml")))
    assert from_yaml == json.loads(render(template, "json"))


def test_yaml_uses_short_form_intrinsics() -> None:
    text = render(build_template(TemplateSpec()), "yaml")
    assert "!Cidr" in text
    assert "!Ref" in text
    assert "!GetAZs" in text
    assert "Fn::" not in text
    assert "Ref:" not in text


def _digest_in_subprocess(seed: str) -> str:
    code = (
        "import hashlib; from dualstack import TemplateSpec, build_template; from dualstack.render import render;"
        "t = ''.join(render(build_template(TemplateSpec(max_azs=n)), f) for n in (1, 3, 6) for f in ('yaml', 'json'));"
        "print(hashlib.sha256(t.encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_output_is_byte_identical_across_runs_and_hash_seeds() -> None:
    in_process = "".join(
        render(build_template(TemplateSpec(max_azs=n)), f) for n in (1, 3, 6) for f in ("yaml", "json")
    )
    expected = hashlib.sha256(in_process.encode()).hexdigest()
    assert {_digest_in_subprocess(seed) for seed in ("0", "1", "12345", "random")} == {expected}


def test_shipped_yaml_templates_fit_the_inline_template_body_limit(shipped_spec: TemplateSpec) -> None:
    # The YAML is what make deploy and the README's console steps use; the indented JSON twins of the larger
    # templates are over the limit (generate.py warns) and need an S3 bucket.
    size = len((TEMPLATES / f"{shipped_spec.name}.yaml").read_bytes())
    assert size <= TEMPLATE_BODY_LIMIT, f"{shipped_spec.name}.yaml: {size} bytes needs an S3 bucket to deploy"


def test_public_templates_fit_the_inline_limit_up_to_six_azs() -> None:
    for max_azs in range(1, 7):
        size = len(render(build_template(TemplateSpec(max_azs=max_azs)), "yaml").encode("utf-8"))
        assert size <= TEMPLATE_BODY_LIMIT, f"{max_azs} AZs: {size} bytes"

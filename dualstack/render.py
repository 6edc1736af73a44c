"""Template text: JSON and CloudFormation short-form YAML, byte-stable."""

from __future__ import annotations

import json
from typing import Literal

import cfn_flip
from troposphere import Template

Format = Literal["yaml", "json"]
FORMATS: tuple[Format, ...] = ("yaml", "json")


def render(template: Template, fmt: Format) -> str:
    """Sorted keys, fixed indent, no timestamps, exactly one trailing newline.

    JSON is not indented: still one key per line for readable diffs, and about as
    small as the YAML, which keeps both of every shipped template under the
    51,200-byte limit for deploying without an S3 bucket (tests/test_render.py).
    """
    text = json.dumps(template.to_dict(), indent=0, sort_keys=True, separators=(",", ": "), ensure_ascii=False)
    if fmt == "yaml":
        # cfn_flip keeps the (sorted) key order of the JSON and writes !Ref, !Cidr, ...
        text = cfn_flip.to_yaml(text, clean_up=False, long_form=False)
    return text.rstrip("\n") + "\n"

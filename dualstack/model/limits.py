"""CloudFormation's hard limits on one template, checked before anything is written."""

from __future__ import annotations

from typing import Any

from dualstack.model.spec import SpecError

#: Sections and how many entries CloudFormation allows in each.
SECTION_LIMITS = {"Resources": 500, "Parameters": 200, "Outputs": 200, "Mappings": 200}
#: The largest template CloudFormation takes from S3.
TEMPLATE_S3_LIMIT = 1_000_000
#: Mappings and lists inside one another in a template read from a file, at most: far more than any template needs
#: (the shipped ones reach 9), and well inside Python's recursion limit, which building the values and evaluating
#: them both use. CloudFormation publishes no such limit.
MAX_DEPTH = 64
#: Above this many bytes ``aws cloudformation deploy`` and the console need an S3 bucket (TemplateBody).
TEMPLATE_BODY_LIMIT = 51_200


def check_limits(template: dict[str, Any], text: str) -> None:
    """Raise ``SpecError`` naming the first hard limit the rendered ``template`` (and its ``text``) breaks."""
    for section, limit in SECTION_LIMITS.items():
        count = len(template.get(section, {}))
        if count > limit:
            raise SpecError(f"the template would have {count} {section.lower()}; CloudFormation allows {limit}")
    size = len(text.encode("utf-8"))
    if size > TEMPLATE_S3_LIMIT:
        raise SpecError(f"the template would be {size:,} bytes; CloudFormation allows {TEMPLATE_S3_LIMIT:,}")

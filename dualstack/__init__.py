"""dualstack: CloudFormation templates for dual-stack VPCs where IPv4 is public and IPv6 egress-only.

The names below are imported when first read, so that ``python -m dualstack.plan`` and the other commands that only
read templates start without troposphere's resource modules.
"""

import importlib
from typing import TYPE_CHECKING, Any

# First, before troposphere is imported anywhere: cfn_flip runs only if used.
from . import _firstuse  # noqa: F401

if TYPE_CHECKING:
    from .kinds import TierKind
    from .spec import SHIPPED, SpecError, TemplateSpec
    from .template import build_template

__all__ = ["SHIPPED", "SpecError", "TemplateSpec", "TierKind", "build_template"]

#: The module each of ``__all__`` comes from.
_HOMES = {
    "SHIPPED": "spec",
    "SpecError": "spec",
    "TemplateSpec": "spec",
    "TierKind": "kinds",
    "build_template": "template",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value

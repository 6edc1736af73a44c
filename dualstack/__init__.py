"""dualstack: CloudFormation templates for dual-stack VPCs where IPv4 is public and IPv6 egress-only.

The names below are imported when first read, so that ``dualstack plan`` and the other commands that only read
templates start without troposphere's resource modules.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dualstack.builders.api import DualStackNetwork, Handle, TierHandles, add_dualstack_network, build
    from dualstack.builders.template import build_template
    from dualstack.model.kinds import TierKind
    from dualstack.model.spec import SHIPPED, SpecError, TemplateSpec

__all__ = [
    "SHIPPED",
    "DualStackNetwork",
    "Handle",
    "SpecError",
    "TemplateSpec",
    "TierHandles",
    "TierKind",
    "add_dualstack_network",
    "build",
    "build_template",
]

#: The module each of ``__all__`` comes from.
_HOMES = {
    "SHIPPED": "model.spec",
    "SpecError": "model.spec",
    "TemplateSpec": "model.spec",
    "TierKind": "model.kinds",
    "build_template": "builders.template",
    "add_dualstack_network": "builders.api",
    "build": "builders.api",
    "DualStackNetwork": "builders.api",
    "Handle": "builders.api",
    "TierHandles": "builders.api",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value

"""dualstack: CloudFormation templates for dual-stack VPCs where IPv4 is public and IPv6 egress-only."""

# First, before troposphere is imported anywhere: cfn_flip runs only if used.
from . import _firstuse  # noqa: F401
from .kinds import TierKind
from .spec import SHIPPED, SpecError, TemplateSpec
from .template import build_template

__all__ = ["SHIPPED", "SpecError", "TemplateSpec", "TierKind", "build_template"]

"""dualstack: CloudFormation templates for dual-stack VPCs where IPv4 is public and IPv6 egress-only."""

from .kinds import TierKind
from .spec import SHIPPED, SpecError, TemplateSpec
from .template import build_template

__all__ = ["SHIPPED", "SpecError", "TemplateSpec", "TierKind", "build_template"]

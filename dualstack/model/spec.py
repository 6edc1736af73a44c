"""Build-time structure of a template: what the generator is asked to build.

Deploy-time choices (VPC CIDR, subnet size, how many AZs) are CloudFormation
Parameters, made in ``parameters.py``; this module holds only what is fixed
when the template is generated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dualstack.model import kinds
from dualstack.model.kinds import TierKind

#: The largest AZ count a template can be built for (``generate.py --azs``).
MAX_AZS_LIMIT = 6
#: The smallest subnet AWS allows (IPv4 prefix length).
SMALLEST_SUBNET_PREFIX = 28
#: The largest VPC AWS allows (IPv4 prefix length).
LARGEST_VPC_PREFIX = 16
#: The prefix length of the Amazon-provided IPv6 block, and of every IPv6 subnet.
VPC_IPV6_PREFIX = 56
SUBNET_IPV6_PREFIX = 64
#: Fn::Cidr returns at most this many blocks.
FN_CIDR_MAX_COUNT = 256


class SpecError(ValueError):
    """A build request that cannot produce a valid template."""


def parse_tiers(text: str) -> tuple[TierKind, ...]:
    """``"public,private"`` to tiers in subnet-slot order; empty, unknown or repeated names are refused."""
    words = [w.strip() for w in text.split(",")]
    known = {kind.name: kind for kind in kinds.KINDS}
    if not any(words):
        raise SpecError(f"no tiers in {text!r}: give a list such as public,private")
    if not all(words):
        raise SpecError(f"empty tier name in {text!r}: give a list such as public,private")
    unknown = [w for w in words if w not in known]
    if unknown:
        raise SpecError(f"unknown tier {unknown[0]!r}: choose from {', '.join(known)}")
    if len(set(words)) != len(words):
        raise SpecError("each tier may appear only once")
    return tuple(kind for kind in kinds.KINDS if kind.name in words)


@dataclass(frozen=True)
class TemplateSpec:
    """One template to generate.

    ``name`` is the file stem in ``templates/``; ``max_azs`` the most AZs a
    deployed stack may choose; ``tiers`` the subnet tiers in subnet-index order;
    ``tier_sizes`` whether each tier with IPv4 gets a parameter for its own subnet
    size (``{Tier}SubnetPrefixLength``); ``None``, the default, gives them to a
    template with two or more such tiers (with one, ``SubnetPrefixLength`` is its size).
    """

    name: str = "dualstack-vpc"
    max_azs: int = 3
    tiers: tuple[TierKind, ...] = (TierKind.PUBLIC,)
    tier_sizes: bool | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.max_azs <= MAX_AZS_LIMIT:
            raise SpecError(f"AZ count must be between 1 and {MAX_AZS_LIMIT}, got {self.max_azs}")
        if TierKind.PUBLIC not in self.tiers:
            raise SpecError("the public tier is required: it holds the NAT gateways and the Internet Gateway's routes")
        if len(set(self.tiers)) != len(self.tiers):
            raise SpecError("each tier may appear only once")
        for field in ("name", "prefix"):
            if len({getattr(kind, field) for kind in kinds.KINDS}) != len(kinds.KINDS):
                raise SpecError(f"two tier kinds in the table share a {field}")
        unknown = [kind.name for kind in self.tiers if kind not in kinds.KINDS]
        if unknown:
            raise SpecError(f"tier {unknown[0]!r} is not in the table of tier kinds (dualstack/model/kinds.py)")
        if list(self.tiers) != sorted(self.tiers, key=kinds.KINDS.index):
            raise SpecError(f"tiers go in subnet-index order: {', '.join(kind.name for kind in kinds.KINDS)}")
        if self.subnet_slots > FN_CIDR_MAX_COUNT:
            raise SpecError(f"{self.subnet_slots} subnets exceed the {FN_CIDR_MAX_COUNT} blocks Fn::Cidr returns")
        if self.smallest_vpc_prefix < LARGEST_VPC_PREFIX:
            raise SpecError(f"{self.subnet_slots} subnets of /{SMALLEST_SUBNET_PREFIX} do not fit in a VPC")

    @property
    def subnet_slots(self) -> int:
        """CIDR blocks reserved: one per tier per possible AZ, whether deployed or not."""
        return len(self.tiers) * self.max_azs

    @property
    def slot_bits(self) -> int:
        """Prefix bits the VPC needs beyond its own to hold every slot."""
        return math.ceil(math.log2(self.subnet_slots))

    @property
    def smallest_vpc_prefix(self) -> int:
        """The longest VPC prefix that still holds every slot as a /28."""
        return SMALLEST_SUBNET_PREFIX - self.slot_bits

    @property
    def subnet_prefixes(self) -> tuple[int, ...]:
        """The IPv4 subnet prefix lengths a /16 VPC can hold every slot of."""
        return tuple(range(LARGEST_VPC_PREFIX + self.slot_bits, SMALLEST_SUBNET_PREFIX + 1))

    @property
    def sized_tiers(self) -> tuple[TierKind, ...]:
        """The tiers with a subnet size of their own, in slot order."""
        with_ipv4 = tuple(kind for kind in self.tiers if kind.has_ipv4)
        wanted = len(with_ipv4) > 1 if self.tier_sizes is None else self.tier_sizes
        return with_ipv4 if wanted else ()

    @property
    def default_azs(self) -> int:
        """Default of the AZ-count parameter: two where the template allows it."""
        return min(2, self.max_azs)

    @property
    def uses_nat(self) -> bool:
        """Whether any tier routes through NAT gateways, so the template offers them."""
        return any(kind.uses_nat() for kind in self.tiers)

    def slot(self, tier: TierKind, az_index: int) -> int:
        """Index into Fn::Cidr for a tier's subnet in an AZ; independent of the deployed AZ count."""
        return self.tiers.index(tier) * self.max_azs + az_index


#: The templates shipped in ``templates/``.
SHIPPED: tuple[TemplateSpec, ...] = (
    TemplateSpec(),
    TemplateSpec(name="dualstack-vpc-private", tiers=(TierKind.PUBLIC, TierKind.PRIVATE)),
    TemplateSpec(name="dualstack-vpc-ipv6only", tiers=(TierKind.PUBLIC, TierKind.IPV6ONLY)),
    # Internet-facing load balancers in the edge tier, which alone takes IPv6 from the internet.
    TemplateSpec(name="dualstack-vpc-web", tiers=(TierKind.PUBLIC, TierKind.PRIVATE, TierKind.EDGE)),
)

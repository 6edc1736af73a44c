"""Deploy-time choices: Parameters, the mapping and conditions they drive, and the console form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from troposphere import Equals, FindInMap, Or, Parameter, Select, Template

from . import names
from .spec import LARGEST_VPC_PREFIX, TemplateSpec

_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"


@dataclass
class ConsoleForm:
    """Parameter groups and labels for the console's form (``AWS::CloudFormation::Interface``).

    Every parameter is added through ``add``, so none can be missing from the form.
    """

    groups: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def add(self, t: Template, group: str, label: str, parameter: Parameter) -> Parameter:
        t.add_parameter(parameter)
        title = names.logical_id(parameter)
        self.groups.setdefault(group, []).append(title)
        self.labels[title] = label
        return parameter

    def metadata(self) -> dict[str, Any]:
        return {
            "AWS::CloudFormation::Interface": {
                "ParameterGroups": [
                    {"Label": {"default": group}, "Parameters": titles} for group, titles in self.groups.items()
                ],
                "ParameterLabels": {title: {"default": label} for title, label in self.labels.items()},
            }
        }


@dataclass(frozen=True)
class Parameters:
    """What the rest of the template reads of the deploy-time choices."""

    form: ConsoleForm
    vpc_cidr_block: Parameter
    subnet_prefix_length: Parameter
    #: ``None`` in a one-AZ template, which has nothing to choose.
    az_count: Parameter | None
    #: Condition name per AZ index; ``None`` for AZs every stack has.
    az_conditions: tuple[str | None, ...]

    def ipv4_cidr_bits(self) -> Select:
        """Host bits of an IPv4 subnet, for ``Fn::Cidr``, looked up from the chosen prefix length.

        ``Fn::Select`` over ``Fn::FindInMap`` rather than ``Fn::FindInMap`` alone: the
        CloudFormation documentation lists only ``Ref`` and ``Fn::Select`` as allowed
        inside ``Fn::Cidr``, and ``Fn::FindInMap`` is documented inside ``Fn::Select``.
        """
        return Select(
            0,
            FindInMap(names.SUBNET_SIZES_MAPPING, self.subnet_prefix_length.ref(), names.IPV4_CIDR_BITS),
        )


def vpc_cidr_pattern(spec: TemplateSpec) -> str:
    """``AllowedPattern`` for the VPC CIDR: a dotted quad and a prefix length the template can use."""
    prefixes = "|".join(str(p) for p in range(LARGEST_VPC_PREFIX, spec.smallest_vpc_prefix + 1))
    return rf"^({_OCTET}\.){{3}}{_OCTET}/({prefixes})$"


def _add_az_count(
    t: Template, spec: TemplateSpec, form: ConsoleForm
) -> tuple[Parameter | None, tuple[str | None, ...]]:
    """The AZ-count parameter and one condition per AZ after the first (none in a one-AZ template)."""
    if spec.max_azs == 1:
        return None, (None,)
    az_count = form.add(
        t,
        "Availability Zones",
        "Number of Availability Zones",
        Parameter(
            names.AZ_COUNT_PARAM,
            Type="Number",
            Default=str(spec.default_azs),
            AllowedValues=[str(n) for n in range(1, spec.max_azs + 1)],
            ConstraintDescription=f"must be a whole number from 1 to {spec.max_azs}",
            Description=(
                "How many Availability Zones to build subnets in, the first of the region's. "
                "Raising it on an update adds subnets and replaces none."
            ),
        ),
    )
    conditions: list[str | None] = [None]
    for az_index in range(1, spec.max_azs):
        counts = [Equals(az_count.ref(), str(n)) for n in range(az_index + 1, spec.max_azs + 1)]
        name = names.az_condition(az_index)
        t.add_condition(name, counts[0] if len(counts) == 1 else Or(*counts))
        conditions.append(name)
    return az_count, tuple(conditions)


def add_parameters(t: Template, spec: TemplateSpec) -> Parameters:
    """Add the network parameters, the subnet-size mapping and the AZ conditions."""
    form = ConsoleForm()
    vpc_cidr_block = form.add(
        t,
        "Addresses",
        "VPC IPv4 CIDR block",
        Parameter(
            names.VPC_CIDR_BLOCK_PARAM,
            Type="String",
            Default="10.0.0.0/16",
            AllowedPattern=vpc_cidr_pattern(spec),
            ConstraintDescription=(
                f"must be an IPv4 CIDR block from /{LARGEST_VPC_PREFIX} to /{spec.smallest_vpc_prefix}, "
                "such as 10.0.0.0/16"
            ),
            Description=(
                "IPv4 range of the VPC. Subnets are cut from its start; IPv6 comes from an Amazon-provided /56."
            ),
        ),
    )
    example = 24 if 24 in spec.subnet_prefixes else spec.subnet_prefixes[-1]
    subnet_prefix_length = form.add(
        t,
        "Addresses",
        "Subnet size (IPv4 prefix length)",
        Parameter(
            names.SUBNET_PREFIX_LENGTH_PARAM,
            Type="String",
            Default=str(example),
            AllowedValues=[str(p) for p in spec.subnet_prefixes],
            ConstraintDescription="must be one of the listed prefix lengths",
            Description=(
                f"IPv4 prefix length of every subnet (24 means /24, 256 addresses). The VPC reserves "
                f"{spec.subnet_slots} such blocks, so /{example} subnets need a /{example - spec.slot_bits} "
                "VPC or larger."
            ),
        ),
    )
    t.add_mapping(
        names.SUBNET_SIZES_MAPPING,
        {str(p): {names.IPV4_CIDR_BITS: [str(32 - p)]} for p in spec.subnet_prefixes},
    )
    az_count, az_conditions = _add_az_count(t, spec, form)
    return Parameters(form, vpc_cidr_block, subnet_prefix_length, az_count, az_conditions)


def when_az(params: Parameters, az_index: int) -> dict[str, Any]:
    """Keyword arguments that make a resource or output exist only when its AZ is used."""
    condition = params.az_conditions[az_index]
    return {} if condition is None else {"Condition": condition}

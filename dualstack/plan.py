"""Plan a stack update offline: what CloudFormation would add, modify, replace and remove, and whether it can.

    python -m dualstack.plan templates/dualstack-vpc.yaml --region eu-west-1 --from AzCount=2 --to AzCount=3

Both sides are evaluated with the project's evaluator (``evaluate.py``). ``--from`` is
the parameter set the stack was deployed with (parameters not given had their
defaults); ``--to`` is the change the update makes on top of it: every other parameter
keeps its value, as ``aws cloudformation deploy`` and ``make deploy`` keep it
(``updated_parameters``). ``--from-template`` (the template the stack was last
deployed from) defaults to the new one. A resource whose create-only property
changes is replaced; which properties are create-only is read at run time from the
resource schemas cfn-lint ships (``createOnlyProperties``). A replacement gets a new
physical ID, so whatever reads its ``Ref`` or ``Fn::GetAtt`` changes too and may be
replaced in turn: the plan re-evaluates the new side with those IDs changed until
nothing more is replaced.

CloudFormation creates a replacement before it deletes the resource it replaces, and
deletes removed resources last ("Update behaviors of stack resources", CloudFormation
User Guide: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html).
So the verdict is ``refused`` when a new resource needs
what an old one still holds at that moment: an overlapping subnet CIDR or fixed
address in the same VPC or subnet (also one changed in place, as a subnet's
``Ipv6CidrBlock`` is: it leaves the old range and asks for the new one while the
others still hold theirs), an Internet Gateway attached to a new VPC while
its old attachment exists, a second Internet Gateway, virtual private gateway or
egress-only Internet Gateway for a VPC while the old one is still there, or a VPC
IPv6 block replaced while subnets keep ranges from it. It is also ``refused`` when a
resource's ``Type`` changes under the same logical ID, which CloudFormation rejects
before it changes anything. An export whose value changes or disappears is a warning: CloudFormation
refuses that only while another stack imports it ("You can't modify or remove an output
value that is referenced by another stack", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html).

Exit status 0 safe, 1 refused, 2 bad input (one line on standard error).
"""

from __future__ import annotations

import ipaddress
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import cfndata, console, inputs
from .costs import cost_line
from .evaluate import Deployment, EvaluationError, default_azs, evaluate, ref_id
from .inputs import InputError

ADD, MODIFY, REPLACE, REMOVE = "add", "modify", "replace", "remove"
_ORDER = {ADD: 0, MODIFY: 1, REPLACE: 2, REMOVE: 3}
SAFE = "safe"
#: Where an SSM-typed parameter's value stands for what it resolves to: CloudFormation reads the SSM parameter
#: again on every update ("SSM parameter types" in the CloudFormation User Guide), so it may differ each time.
_SSM_TYPE_PREFIX = "AWS::SSM::Parameter::Value<"
_RESOLVED_BEFORE = " (as resolved at the last update)"
_RESOLVED_NOW = " (as resolved now)"
_MISSING = object()
#: The refusal rules, as tables name them.
OVERLAP = "a replacement overlaps what the old resource holds"
GATEWAY_MOVES = "the Internet Gateway would attach to two VPCs"
GATEWAY_TAKEN = "the VPC would have two gateways of one kind"
TYPE_CHANGES = "a resource's type changes"
BLOCK_IN_USE = "the VPC's IPv6 block is replaced while subnets use it"
#: What to do instead when the VPC's own addressing cannot change in place.
NEW_STACK = "deploy a new stack beside this one with the new value and move to it"


class PlanError(InputError):
    """Bad input: a template, parameter or region the plan cannot use; the message names it."""


@dataclass(frozen=True)
class Change:
    action: str
    logical_id: str
    resource_type: str
    #: The properties that change (``modify``) or the create-only ones that force a replacement (``replace``).
    properties: tuple[str, ...] = ()
    note: str = ""
    #: The type before the update, when it changes (which CloudFormation refuses: see ``_type_changes``).
    previous_type: str = ""

    def line(self) -> str:
        text = f"{self.action:<8} {self.logical_id} ({self.resource_type})"
        if self.action == MODIFY:
            text += f": {', '.join(self.properties)}"
        elif self.previous_type:
            text += f": the type changes from {self.previous_type}"
        elif self.action == REPLACE:
            text += f": {', '.join(self.properties)} {'is' if len(self.properties) == 1 else 'are'} create-only"
        return text + (f"; {self.note}" if self.note else "")


@dataclass(frozen=True)
class ExportChange:
    name: str
    output: str
    removed: bool

    def line(self) -> str:
        what = "removed" if self.removed else "changes"
        return f"export   {self.name} {what}: CloudFormation refuses this while another stack imports it"


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    exports: tuple[ExportChange, ...]
    #: ``None`` when the update is safe; otherwise one sentence: why, and what to do instead.
    refusal: str | None
    replaced: frozenset[str] = field(default_factory=frozenset)
    #: Which rule refused it, in a few words (for tables).
    rule: str = ""
    #: Both sides as evaluated, for the cost lines.
    old: Deployment | None = field(default=None, compare=False, repr=False)
    new: Deployment | None = field(default=None, compare=False, repr=False)

    @property
    def safe(self) -> bool:
        return self.refusal is None

    @property
    def verdict(self) -> str:
        return SAFE if self.refusal is None else f"refused: {self.refusal}"

    def lines(self) -> list[str]:
        return [*(c.line() for c in self.changes), *(e.line() for e in self.exports), self.verdict]


# Create-only properties, from the pinned cfn-lint's schemas (shipped as data: cfndata.py)


@cache
def create_only(region: str, resource_type: str) -> tuple[tuple[str, ...], ...]:
    """The create-only property paths of ``resource_type`` (``("CidrBlock",)``), from the schema cfn-lint ships."""
    if resource_type.startswith("Custom::"):
        # A named custom resource is an AWS::CloudFormation::CustomResource ("Custom resources", CloudFormation User
        # Guide): only its ServiceToken is create-only; other properties reach the handler as an Update.
        resource_type = "AWS::CloudFormation::CustomResource"
    try:
        return cfndata.create_only(region, resource_type)
    except cfndata.UnknownTypeError as exc:
        raise PlanError(str(exc)) from None


def _at(properties: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = properties
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return _MISSING
        node = node[key]
    return node


# What resources hold that their replacement cannot share


def _network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def _holdings(resource: Mapping[str, Any]) -> Iterator[tuple[str, str, ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    """``(scope, what, block)`` for each address range or fixed address a resource holds, where ``scope`` is the
    VPC (for a subnet's or VPC block's CIDR) or subnet (for a fixed address) in which it must be unique."""
    kind, props = resource["Type"], resource["Properties"]
    if kind in ("AWS::EC2::Subnet", "AWS::EC2::VPCCidrBlock"):
        for key in ("CidrBlock", "Ipv6CidrBlock"):
            block = _network(props.get(key))
            if block is not None:
                yield str(props.get("VpcId")), key, block
        return
    if kind not in ("AWS::EC2::Instance", "AWS::EC2::NatGateway", "AWS::EC2::NetworkInterface"):
        return
    interfaces = [
        ("", props),
        *((f"NetworkInterfaces[{i}].", n) for i, n in enumerate(props.get("NetworkInterfaces", []))),
    ]
    for prefix, item in interfaces:
        if not isinstance(item, Mapping):
            continue
        scope = str(item.get("SubnetId"))
        addresses = [("PrivateIpAddress", item.get("PrivateIpAddress"))]
        addresses += [
            (f"Ipv6Addresses[{j}]", a.get("Ipv6Address"))
            for j, a in enumerate(item.get("Ipv6Addresses", []))
            if isinstance(a, Mapping)
        ]
        addresses += [
            (f"PrivateIpAddresses[{j}]", a.get("PrivateIpAddress"))
            for j, a in enumerate(item.get("PrivateIpAddresses", []))
            if isinstance(a, Mapping)
        ]
        for key, value in addresses:
            block = _network(value)
            if block is not None:
                yield scope, prefix + key, block


def _overlap(old: Deployment, new: Deployment, leaving: set[str], arriving: set[str], modified: set[str]) -> str | None:
    """A new resource's range or fixed address that overlaps one an old resource still holds.

    A resource in ``modified`` (changed in place, such as a subnet's ``Ipv6CidrBlock``, which is not create-only)
    leaves the ranges and addresses it no longer holds and arrives at those it newly holds: CloudFormation updates
    resources one by one, so a range another resource gives up in the same update is still held when it is asked for."""
    held = [
        (scope, lid, what, block) for lid in sorted(leaving) for scope, what, block in _holdings(old.resources[lid])
    ]
    wanted = [
        (lid, scope, what, block, False)
        for lid in sorted(arriving)
        for scope, what, block in _holdings(new.resources[lid])
    ]
    for lid in sorted(modified):
        before, after = set(_holdings(old.resources[lid])), set(_holdings(new.resources[lid]))
        held += [
            (scope, lid, what, block)
            for scope, what, block in _holdings(old.resources[lid])
            if (scope, what, block) not in after
        ]
        wanted += [
            (lid, scope, what, block, True)
            for scope, what, block in _holdings(new.resources[lid])
            if (scope, what, block) not in before
        ]
    clashes = [
        (lid, what, block, old_lid, old_block, in_place)
        for lid, scope, what, block, in_place in wanted
        for old_scope, old_lid, _, old_block in held
        if scope == old_scope
        and block.version == old_block.version
        and block.overlaps(old_block)
        and not (in_place and old_lid == lid)
    ]
    if not clashes:
        return None
    lid, what, block, old_lid, old_block, in_place = clashes[0]
    kind = new.resources[lid]["Type"]
    others = f" (and {len(clashes) - 1} more such clashes)" if len(clashes) > 1 else ""
    holder = f"{old_lid} still holds" if old_lid != lid else f"the old {lid} still holds"
    cannot = f"change {lid} in place" if in_place else "create it"
    instead = (
        NEW_STACK
        if kind in ("AWS::EC2::Subnet", "AWS::EC2::VPCCidrBlock")
        else f"remove {lid} in one update and add it back in the next"
    )
    return (
        f"the new {lid}'s {what} {_show(block)} overlaps {_show(old_block)}, which {holder} until the update "
        f"completes, so CloudFormation cannot {cannot}{others}; {instead}"
    )


def _show(block: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    return str(block.network_address) if block.num_addresses == 1 else str(block)


_ATTACHMENT = "AWS::EC2::VPCGatewayAttachment"
#: What an ``AWS::EC2::VPCGatewayAttachment`` attaches, by the property naming the gateway.
_GATEWAY_KINDS = {"InternetGatewayId": "Internet Gateway", "VpnGatewayId": "virtual private gateway"}
_GATEWAY_KEYS = tuple(_GATEWAY_KINDS)


def _gateway_moves(old: Deployment, new: Deployment, leaving: set[str], arriving: set[str]) -> str | None:
    """An attachment of a gateway to another VPC while the gateway's old attachment still exists: an Internet Gateway
    attaches to one VPC at a time (EC2 API reference, AttachInternetGateway:
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachInternetGateway.html). The same gateway attached
    again to the same VPC is ``_gateway_taken``'s."""
    for lid in sorted(arriving):
        resource = new.resources[lid]
        if resource["Type"] != _ATTACHMENT:
            continue
        for old_lid in sorted(leaving):
            before = old.resources[old_lid]
            for key in _GATEWAY_KEYS:
                gateway = resource["Properties"].get(key)
                if (
                    before["Type"] == _ATTACHMENT
                    and gateway is not None
                    and before["Properties"].get(key) == gateway
                    and before["Properties"].get("VpcId") != resource["Properties"].get("VpcId")
                ):
                    name = gateway.removeprefix("<").removesuffix(">")
                    return (
                        f"the new {lid} attaches {name} to a new VPC while {old_lid} still attaches "
                        f"it to the old one, and a gateway attaches to one VPC at a time; {NEW_STACK}"
                    )
    return None


def _vpc_gateways(resource: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(VPC, kind)`` for each gateway a resource gives a VPC, of a kind a VPC has one of at a time: "You can attach
    only one internet gateway to a VPC at a time", likewise one egress-only internet gateway (Amazon VPC quotas,
    https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html) and one virtual private gateway
    (Site-to-Site VPN quotas, https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html). EC2 refuses a second
    Internet Gateway with "Network vpc-... already has an internet gateway attached", and the same one attached
    again with ``Resource.AlreadyAssociated``."""
    props = resource["Properties"]
    vpc = str(props.get("VpcId"))
    if resource["Type"] == _ATTACHMENT:
        for key, kind in _GATEWAY_KINDS.items():
            if props.get(key) is not None:
                yield vpc, kind
    elif resource["Type"] == "AWS::EC2::EgressOnlyInternetGateway":
        yield vpc, "egress-only Internet Gateway"


def _gateway_taken(old: Deployment, new: Deployment, arriving: set[str]) -> str | None:
    """A new (added or replaced) gateway attachment, or egress-only Internet Gateway, for a VPC that an old one of the
    same kind still serves: every old resource exists until the update completes (removed and replaced ones are
    deleted last), so the VPC would have two at once.

    Both resources' ``VpcId`` is create-only, so an old one keeps its VPC while it exists, and a replaced one has a
    new VPC. An attachment whose gateway changes (a renamed or replaced Internet Gateway) is updated in place
    (``InternetGatewayId`` and ``VpnGatewayId`` are not create-only): that is no second attachment."""
    held = [(vpc, kind, lid) for lid in sorted(old.resources) for vpc, kind in _vpc_gateways(old.resources[lid])]
    for lid in sorted(arriving):
        for vpc, kind in _vpc_gateways(new.resources[lid]):
            for old_vpc, old_kind, old_lid in held:
                if (old_vpc, old_kind) == (vpc, kind):
                    name = vpc.removeprefix("<").removesuffix(">")
                    return (
                        f"the new {lid} attaches another {kind} to {name} while {old_lid} still attaches one until "
                        f"the update completes, and a VPC has one {kind} attached at a time; remove {old_lid} in one "
                        f"update and add {lid} in the next"
                    )
    return None


def _type_changes(old: Deployment, new: Deployment) -> str | None:
    """A resource whose ``Type`` changes under the same logical ID: CloudFormation rejects the whole update before it
    changes anything ("Update of resource type is not permitted. The new template modifies resource type of the
    following resources: [...]", as reported in https://github.com/aws/aws-sam-cli/issues/6786). Any difference
    counts, ``Custom::Name`` to ``AWS::CloudFormation::CustomResource`` too."""
    changed = [
        (lid, old.resources[lid]["Type"], new.resources[lid]["Type"])
        for lid in sorted(old.resources.keys() & new.resources.keys())
        if old.resources[lid]["Type"] != new.resources[lid]["Type"]
    ]
    if not changed:
        return None
    lid, before, after = changed[0]
    others = f" (and {len(changed) - 1} more resources whose type changes)" if len(changed) > 1 else ""
    return (
        f"{lid} changes type from {before} to {after}{others}, which CloudFormation does not allow under the same "
        f"logical ID; give the {after} a new logical ID, so that it is added and the {before} removed"
    )


def _block_in_use(old: Deployment, new: Deployment, leaving: set[str], replaced: frozenset[str]) -> str | None:
    """A VPC's IPv6 block replaced (or removed) while subnets that stay keep /64s from it.

    This is what changing ``Ipv6Source`` or the IPAM pool does: in the schemas cfn-lint ships,
    ``AWS::EC2::VPCCidrBlock``'s ``AmazonProvidedIpv6CidrBlock``, ``Ipv6IpamPoolId`` and ``Ipv6NetmaskLength`` are
    create-only, while ``AWS::EC2::Subnet``'s ``Ipv6CidrBlock`` is not, so the subnets are updated in place, not
    replaced. A block cannot be disassociated from a VPC while resources still use it ("You must detach or delete
    all gateways and resources that are associated with the CIDR block before you can disassociate it",
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisassociateVpcCidrBlock.html), a subnet's block
    likewise while network interfaces hold addresses from it (DisassociateSubnetCidrBlock), and while both VPC blocks
    are associated ``Fn::Select [0, Ipv6CidrBlocks]`` may still name the old one."""
    for lid in sorted(leaving):
        block = old.resources[lid]
        if block["Type"] != "AWS::EC2::VPCCidrBlock":
            continue
        vpc = block["Properties"].get("VpcId")
        staying = sorted(
            name
            for name, subnet in old.of_type("AWS::EC2::Subnet").items()
            if subnet["Properties"].get("VpcId") == vpc
            and "Ipv6CidrBlock" in subnet["Properties"]
            and name in new.resources
            and name not in replaced
        )
        if staying and any(vpc == ref_id(name) for name in new.of_type("AWS::EC2::VPC")):
            subnets = (
                f"{staying[0]} stays and keeps its IPv6 /64"
                if len(staying) == 1
                else f"{staying[0]} and {len(staying) - 1} more subnets stay and keep IPv6 /64s"
            )
            return (
                f"{lid} is replaced, but {subnets} from the old block, which the VPC cannot release while a subnet "
                f"uses it; {NEW_STACK}"
            )
    return None


# The plan


def _resolved(template: Mapping[str, Any], parameters: Mapping[str, str], suffix: str) -> dict[str, str]:
    """``parameters`` with each SSM-typed one (given or default) marked as resolved at some moment."""
    marked = dict(parameters)
    for name, decl in template.get("Parameters", {}).items():
        if str(decl.get("Type", "")).startswith(_SSM_TYPE_PREFIX):
            marked[name] = str(parameters.get(name, decl.get("Default", ""))) + suffix
    return marked


def _differs(old: Any, new: Any) -> bool:
    """Whether the two values would be written differently (as JSON, keys sorted, other objects as text)."""
    return not _same(old, new) and json.dumps(old, sort_keys=True, default=str) != json.dumps(
        new, sort_keys=True, default=str
    )


#: Types whose equal values, of the same type, are written alike as JSON (a float's zero may carry a sign).
_PLAIN = (str, int, bool, type(None))


def _same(old: Any, new: Any) -> bool:
    """A quick yes for ``_differs``: the same structure of the same plain values (most properties are unchanged);
    False when unsure, which leaves the answer to the JSON texts."""
    if old is new:
        return True
    kind = type(old)
    if kind is not type(new):
        return False
    if kind is dict:
        return old.keys() == new.keys() and all(_same(value, new[key]) for key, value in old.items())
    if kind is list or kind is tuple:
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    return kind in _PLAIN and bool(old == new)


def _forced(old: Deployment, new: Deployment, region: str) -> dict[str, tuple[str, ...]]:
    """Resources on both sides whose type or a create-only property changes: ``{logical ID: properties}``."""
    forced: dict[str, tuple[str, ...]] = {}
    for lid in sorted(old.resources.keys() & new.resources.keys()):
        before, after = old.resources[lid], new.resources[lid]
        if before["Type"] != after["Type"]:
            forced[lid] = ("Type",)
            continue
        paths = [
            ".".join(path)
            for path in create_only(region, after["Type"])
            if _differs(_at(before["Properties"], path), _at(after["Properties"], path))
        ]
        if paths:
            forced[lid] = tuple(paths)
    return forced


def _ssm_note(template: Mapping[str, Any], resource: Mapping[str, Any], properties: Sequence[str]) -> str:
    for path in properties:
        value = _at(resource["Properties"], path.split("."))
        if isinstance(value, str) and value.endswith(_RESOLVED_NOW):
            names = [
                n
                for n, d in template.get("Parameters", {}).items()
                if str(d.get("Type", "")).startswith(_SSM_TYPE_PREFIX)
            ]
            return (
                f"{path} comes from the SSM parameter named by {', '.join(names)}, read again on every update: "
                "replaced whenever it names a new value"
            )
    return ""


def evaluate_before(
    template: Mapping[str, Any], parameters: Mapping[str, str], *, region: str, stack_name: str | None = None
) -> Deployment:
    """The side an update starts from, as ``plan_update`` sees it (``--from``)."""
    inputs.check_region(region)
    try:
        return evaluate(
            template,
            _resolved(template, parameters, _RESOLVED_BEFORE),
            region=region,
            stack_name=stack_name,
            azs=default_azs(region),
        )
    except EvaluationError as exc:
        raise PlanError(f"--from: {exc}") from None


def updated_parameters(
    old_template: Mapping[str, Any],
    old_parameters: Mapping[str, str],
    new_template: Mapping[str, Any],
    changes: Mapping[str, str],
) -> dict[str, str]:
    """The parameters a stack has after an update that gives ``changes``, as ``aws cloudformation deploy`` updates it
    (``UsePreviousValue`` for every parameter not given): each parameter the new template still declares keeps its
    value, given when the stack was deployed or else the old template's default; ``changes`` override them; a
    parameter new to the template takes its default. ``make plan`` (``--to`` over ``--from``), ``make deploy``
    (``PARAMS`` over the stack's values) and ``make stackset`` all read parameters this way."""
    declared_now = new_template.get("Parameters", {})
    kept = {}
    for name, declaration in old_template.get("Parameters", {}).items():
        if name not in declared_now:
            continue  # CloudFormation drops a parameter the template no longer declares
        if name in old_parameters:
            kept[name] = str(old_parameters[name])
        elif "Default" in declaration:
            kept[name] = _text(declaration["Default"])
    return {**kept, **changes}


def _text(value: Any) -> str:
    """A parameter's default as CloudFormation passes it: text; a list (CommaDelimitedList) joined with commas."""
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def plan_update(
    old_template: Mapping[str, Any],
    old_parameters: Mapping[str, str],
    new_template: Mapping[str, Any],
    new_parameters: Mapping[str, str],
    *,
    region: str,
    stack_name: str | None = None,
) -> Plan:
    """The plan of updating a stack of ``old_template`` with ``old_parameters`` to the new template and parameters.

    Raises ``PlanError`` naming the side (``--from``/``--to``) when either cannot be evaluated, ``InputError`` for an
    unknown region."""
    old = evaluate_before(old_template, old_parameters, region=region, stack_name=stack_name)
    return plan_from(old, new_template, new_parameters, region=region, stack_name=stack_name)


def plan_from(
    old: Deployment,
    new_template: Mapping[str, Any],
    new_parameters: Mapping[str, str],
    *,
    region: str,
    stack_name: str | None = None,
    evaluations: dict[tuple[Any, ...], Deployment] | None = None,
) -> Plan:
    """``plan_update`` from a side already evaluated by ``evaluate_before``.

    ``evaluations`` may hold the new side's evaluations between calls with the same new template and region
    (many plans share a ``--to``)."""
    new_params = _resolved(new_template, new_parameters, _RESOLVED_NOW)
    seen = {} if evaluations is None else evaluations
    replaced: frozenset[str] = frozenset()
    while True:
        wanted = (tuple(sorted(new_params.items())), replaced, stack_name)
        if wanted not in seen:
            try:
                seen[wanted] = evaluate(
                    new_template,
                    new_params,
                    region=region,
                    stack_name=stack_name,
                    azs=default_azs(region),
                    replaced=replaced,
                )
            except EvaluationError as exc:
                raise PlanError(f"--to: {exc}") from None
        new = seen[wanted]
        forced = _forced(old, new, region)
        if set(forced) <= replaced:
            break
        # A replacement changes the Ref and GetAtt values of what it replaces: evaluate again with them new.
        replaced = replaced | frozenset(forced)

    changes = []
    for lid in sorted(new.resources.keys() - old.resources.keys()):
        changes.append(Change(ADD, lid, new.resources[lid]["Type"]))
    for lid in sorted(old.resources.keys() - new.resources.keys()):
        changes.append(Change(REMOVE, lid, old.resources[lid]["Type"]))
    for lid in sorted(old.resources.keys() & new.resources.keys()):
        before, after = old.resources[lid]["Properties"], new.resources[lid]["Properties"]
        if lid in forced:
            note = _ssm_note(new_template, new.resources[lid], forced[lid])
            kind, previous = new.resources[lid]["Type"], old.resources[lid]["Type"]
            retyped = previous if previous != kind else ""
            changes.append(Change(REPLACE, lid, kind, forced[lid], note, retyped))
        elif _differs(before, after):
            keys = sorted(k for k in before.keys() | after.keys() if _differs(before.get(k), after.get(k)))
            changes.append(Change(MODIFY, lid, new.resources[lid]["Type"], tuple(keys)))
    changes.sort(key=lambda c: (_ORDER[c.action], c.logical_id))

    exports = []
    for key, output in sorted(old.outputs.items()):
        if output["Export"] is None:
            continue
        after_output = new.outputs.get(key)
        if after_output is None or after_output["Export"] != output["Export"]:
            exports.append(ExportChange(str(output["Export"]), key, removed=True))
        elif _differs(output["Value"], after_output["Value"]):
            exports.append(ExportChange(str(output["Export"]), key, removed=False))

    leaving = set(replaced) | (old.resources.keys() - new.resources.keys())
    arriving = set(replaced) | (new.resources.keys() - old.resources.keys())
    modified = {c.logical_id for c in changes if c.action == MODIFY}
    rules = (
        (TYPE_CHANGES, _type_changes(old, new)),
        (GATEWAY_MOVES, _gateway_moves(old, new, leaving, arriving)),
        (GATEWAY_TAKEN, _gateway_taken(old, new, arriving)),
        (OVERLAP, _overlap(old, new, leaving, arriving, modified)),
        (BLOCK_IN_USE, _block_in_use(old, new, leaving, replaced)),
    )
    rule, refusal = next(((r, why) for r, why in rules if why is not None), ("", None))
    return Plan(tuple(changes), tuple(exports), refusal, replaced, rule, old, new)


# Command line


def _load(path: Path, option: str) -> dict[str, Any]:
    try:
        return inputs.load_template(path)
    except InputError as exc:
        raise PlanError(f"{option}: {exc}") from None


def _side(
    items: Sequence[str], option: str, template: Mapping[str, Any] | None = None, region: str | None = None
) -> tuple[dict[str, str], list[str]]:
    """The ``Key=Value`` words of ``--from`` or ``--to`` and their warnings, each naming the option; with
    ``template`` (the side to deploy), also the mistakes CloudFormation would only report during the deploy."""
    try:
        parameters, warnings = inputs.parse_assignments(items)
        if template is not None:
            warnings += inputs.check_parameters(parameters, template, region)
    except InputError as exc:
        raise PlanError(f"{option}: {exc}") from None
    return parameters, [f"{option}: {warning}" for warning in warnings]


def main(argv: Sequence[str] | None = None) -> int:
    parser = inputs.Parser(prog="plan", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("template", type=Path, nargs="?", help="the template to update to")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--from-template", type=Path, help="the template the stack runs now (default: TEMPLATE)")
    parser.add_argument(
        "--from",
        dest="before",
        nargs="+",
        action="extend",
        default=[],
        metavar="K=V",
        help="the parameters the stack was deployed with; those not given had their defaults",
    )
    parser.add_argument(
        "--to",
        dest="after",
        nargs="+",
        action="extend",
        default=[],
        metavar="K=V",
        help="the changes the update makes, on top of --from: every other parameter keeps its value, as "
        "aws cloudformation deploy keeps it (make deploy's PARAMS)",
    )
    parser.add_argument(
        "--stack-name", help="for the export names shown and lookups keyed by it (default: a stand-in, example)"
    )
    parser.add_argument("--table", action="store_true", help="print docs/updates.md: every shipped template's plans")
    try:
        args = parser.parse_args(argv)
        if args.table:
            from .updates_doc import updates_doc

            sys.stdout.write(updates_doc())
            return 0
        if args.template is None:
            raise PlanError("the template to plan is missing: python -m dualstack.plan TEMPLATE --region R ...")
        inputs.check_region(args.region)
        if args.stack_name is not None:
            inputs.check_stack_name(args.stack_name)
        new_template = _load(args.template, "TEMPLATE")
        old_template = new_template if args.from_template is None else _load(args.from_template, "--from-template")
        before, warnings = _side(args.before, "--from")
        given, to_warnings = _side(args.after, "--to", new_template, args.region)
        after = updated_parameters(old_template, before, new_template, given)
        # The kept values and the changes together: a change can make a kept value wrong (a larger subnet size
        # kept in a smaller VPC); the warnings stay those of what --to gives.
        _side([f"{k}={v}" for k, v in after.items()], "--to, with the values --from keeps,", new_template, args.region)
        plan = plan_update(old_template, before, new_template, after, region=args.region, stack_name=args.stack_name)
    except InputError as exc:
        print(f"plan: error: {exc}", file=sys.stderr)
        return 2
    for warning in warnings + to_warnings:
        print(f"plan: warning: {warning}", file=sys.stderr)
    *changes, verdict = plan.lines()
    if plan.old is not None and plan.new is not None:
        changes += [cost_line(plan.old, args.region, "cost now"), cost_line(plan.new, args.region, "cost after")]
    # The verdict is the last line, so a script can read it with `tail -n 1`.
    print("\n".join([*changes, verdict]))
    return 0 if plan.safe else 1


if __name__ == "__main__":
    console.run(main, "plan")

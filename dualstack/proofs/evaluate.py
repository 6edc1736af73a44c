"""Evaluate a rendered template offline, the way CloudFormation would for one set of parameters.

This resolves parameters (checking ``AllowedValues``, ``AllowedPattern`` and the
``Rules``), conditions and the intrinsic functions the generator uses (``Ref``, ``Fn::GetAtt``,
``Fn::Select``, ``Fn::Cidr``, ``Fn::GetAZs``, ``Fn::FindInMap``, ``Fn::If``,
``Fn::Join``, ``Fn::Split``, ``Fn::Sub`` and the condition functions). It is what
lets the tests prove, without AWS, that every subnet CIDR and every
``Fn::Select`` index is valid for every parameter set a user can choose.

Resource IDs are placeholders (``<PublicSubnetA>``); attributes are placeholders
too, except the VPC's ``CidrBlock`` (its CIDR property, or an example block of the netmask asked of an IPv4
IPAM pool) and ``Ipv6CidrBlocks``
(one example /56), and a subnet's ``Ipv6CidrBlocks`` (its own block), which the
address arithmetic needs.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The stack's name when the caller gives none.
EXAMPLE_STACK_NAME = "example"
#: The IPv6 /56 the evaluator pretends Amazon gave the VPC (from the documentation prefix).
EXAMPLE_VPC_IPV6_BLOCK = "2001:db8:1234:1a00::/56"
#: The /56 a replaced VPC, or a VPC whose IPv6 block is replaced, gets instead (see ``evaluate(replaced=...)``).
REPLACEMENT_VPC_IPV6_BLOCK = "2001:db8:5678:2b00::/56"
#: Where the evaluator pretends an IPv4 IPAM pool allocates the VPC's block (of the asked netmask), and a
#: replaced VPC's block.
EXAMPLE_VPC_IPV4_IPAM_BASE = "10.64.0.0"
REPLACEMENT_VPC_IPV4_IPAM_BASE = "10.128.0.0"

_NO_VALUE = object()


class EvaluationError(Exception):
    """The template would fail for this parameter set; the message says where and why."""


@dataclass(frozen=True)
class Deployment:
    """A template as CloudFormation would see it for one parameter set."""

    parameters: dict[str, str]
    conditions: dict[str, bool]
    #: The resources that exist, with ``Properties`` resolved; ``DependsOn`` always a list.
    resources: dict[str, dict[str, Any]]
    #: The outputs that exist: ``{"Value": ..., "Export": name}``.
    outputs: dict[str, dict[str, Any]]

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v["Type"] == resource_type}

    def route_table_of(self, subnet: str) -> str | None:
        """The logical ID of the route table ``subnet`` is associated with, if any."""
        tables = [
            a["Properties"]["RouteTableId"]
            for a in self.of_type("AWS::EC2::SubnetRouteTableAssociation").values()
            if a["Properties"]["SubnetId"] == ref_id(subnet)
        ]
        if len(tables) > 1:
            raise EvaluationError(f"{subnet} is associated with {len(tables)} route tables")
        return _logical_id(tables[0]) if tables else None

    def routes_of(self, subnet: str) -> dict[str, str]:
        """``{destination: target logical ID}`` for the route table of ``subnet`` (its local route aside)."""
        table = self.route_table_of(subnet)
        routes: dict[str, str] = {}
        for name, route in self.of_type("AWS::EC2::Route").items():
            props = route["Properties"]
            if table is None or props["RouteTableId"] != ref_id(table):
                continue
            destinations = [props[k] for k in _DESTINATIONS if k in props]
            targets = [props[k] for k in _TARGETS if k in props]
            if len(destinations) != 1 or len(targets) != 1:
                raise EvaluationError(f"{name} has {len(destinations)} destinations and {len(targets)} targets")
            if destinations[0] in routes:
                raise EvaluationError(f"{name} repeats the destination {destinations[0]} in {table}")
            routes[destinations[0]] = _logical_id(targets[0])
        return routes


_DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
_TARGETS = (
    "GatewayId",
    "EgressOnlyInternetGatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "VpcEndpointId",
    "VpcPeeringConnectionId",
    "NetworkInterfaceId",
    "InstanceId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
)


def _logical_id(placeholder: str) -> str:
    return placeholder.removeprefix("<").removesuffix(">")


def ref_id(logical_id: str) -> str:
    """The placeholder ``Ref`` of a resource evaluates to."""
    return f"<{logical_id}>"


def replacement_id(logical_id: str) -> str:
    """The placeholder ``Ref`` of a resource evaluates to once an update has replaced it (a new physical ID)."""
    return f"<{logical_id}:new>"


def default_azs(region: str) -> list[str]:
    return [f"{region}{letter}" for letter in "abcdef"]


def fn_cidr(ip_block: str, count: Any, cidr_bits: Any) -> list[str]:
    """``Fn::Cidr``: the first ``count`` blocks with ``cidr_bits`` host bits each, from the start of ``ip_block``."""
    try:
        hash((ip_block, count, cidr_bits))
    except TypeError:
        return list(_fn_cidr(ip_block, count, cidr_bits))
    # A plan evaluates the same Fn::Cidr for each parameter set and each side: computed once per arguments.
    return list(_cached_fn_cidr(ip_block, count, cidr_bits))


def _fn_cidr(ip_block: str, count: Any, cidr_bits: Any) -> tuple[str, ...]:
    try:
        network = ipaddress.ip_network(ip_block, strict=True)
    except ValueError as exc:
        raise EvaluationError(f"Fn::Cidr: {ip_block!r} is not a CIDR block with its host bits zero ({exc})") from None
    count, cidr_bits = int(count), int(cidr_bits)
    if not 1 <= count <= 256:
        raise EvaluationError(f"Fn::Cidr: count {count} is outside 1..256")
    new_prefix = network.max_prefixlen - cidr_bits
    if not network.prefixlen <= new_prefix <= network.max_prefixlen:
        raise EvaluationError(f"Fn::Cidr: /{new_prefix} blocks do not fit in {network}")
    available = 1 << (new_prefix - network.prefixlen)
    if count > available:
        raise EvaluationError(f"Fn::Cidr: {network} holds {available} blocks of /{new_prefix}, {count} asked for")
    blocks = network.subnets(new_prefix=new_prefix)
    return tuple(str(next(blocks)) for _ in range(count))


_cached_fn_cidr = functools.lru_cache(maxsize=4096)(_fn_cidr)


class _Evaluator:
    def __init__(
        self,
        template: Mapping[str, Any],
        parameters: Mapping[str, str],
        region: str,
        stack_name: str | None,
        azs: Sequence[str],
        replaced: frozenset[str] = frozenset(),
    ) -> None:
        self.template = template
        self.replaced = replaced
        self.region = region
        self.stack_given = stack_name is not None
        self.stack_name = EXAMPLE_STACK_NAME if stack_name is None else stack_name
        self.azs = list(azs)
        #: The conditions being decided, outermost first: one met again refers to itself.
        self.deciding: list[str] = []
        self.params = self._resolve_parameters(parameters)
        self._check_rules()
        self.mappings: Mapping[str, Any] = template.get("Mappings", {})
        self._check_lookups()
        self.conditions: dict[str, bool] = {}
        for name in template.get("Conditions", {}):
            self.condition(name)
        self.existing = {
            logical_id for logical_id, resource in template.get("Resources", {}).items() if self._exists(resource)
        }

    def _check_lookups(self) -> None:
        """Every ``Fn::FindInMap`` whose keys are literals or parameters, wherever it is.

        CloudFormation resolves them all before it creates anything, in both branches of an ``Fn::If`` and whatever
        the resource's condition: a missing entry fails the whole request ("Fn::FindInMap will always raise an
        error if it can't find the mapping", aws-cloudformation/aws-cloudformation-templates#271).
        """
        for arg in _lookups_of(self.template):
            if all(isinstance(a, str) or (isinstance(a, dict) and self._is_parameter(a.get("Ref"))) for a in arg):
                try:
                    _find_in_map(self, arg, "")
                except EvaluationError:
                    # Where it is, found again only now: naming every node on the way was most of an evaluation.
                    where = next(w for s in _LOOKUP_SECTIONS for w, a in _lookups(self.template.get(s), s) if a is arg)
                    _find_in_map(self, arg, where)
                    raise

    def _is_parameter(self, name: Any) -> bool:
        """A template parameter, or a pseudo parameter whose value here is the real one: the region and what follows
        from it, and the stack's name when the caller gave it. The account and the stack's ID are made up here, so a
        lookup keyed by them is left to where it is used."""
        known = {"AWS::Region", "AWS::Partition", "AWS::URLSuffix"} | (
            {"AWS::StackName"} if self.stack_given else set()
        )
        return isinstance(name, str) and (name in self.params or name in known)

    # Parameters and conditions

    def _resolve_parameters(self, given: Mapping[str, str]) -> dict[str, str]:
        declared: Mapping[str, Any] = self.template.get("Parameters", {})
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise EvaluationError(f"unknown parameter {', '.join(unknown)}")
        values = {}
        for name, decl in declared.items():
            if name in given:
                value = str(given[name])
            elif "Default" in decl:
                value = str(decl["Default"])
            else:
                raise EvaluationError(f"parameter {name} has no value and no default")
            allowed = decl.get("AllowedValues")
            if allowed is not None and value not in [str(a) for a in allowed]:
                raise EvaluationError(f"parameter {name}={value!r} is not one of {', '.join(map(str, allowed))}")
            pattern = decl.get("AllowedPattern")
            try:
                refused = pattern is not None and not _matches(pattern, value)
            except _PatternTooSlowError:
                raise EvaluationError(
                    f"parameter {name}: AllowedPattern {pattern!r:.60} took more than {PATTERN_SECONDS:g} s to match "
                    f"{value[:40]!r} (a pattern that backtracks without end)"
                ) from None
            except (re.error, TypeError) as exc:
                raise EvaluationError(
                    f"parameter {name}: AllowedPattern {pattern!r:.60} is not a pattern ({exc})"
                ) from None
            if refused:
                reason = decl.get("ConstraintDescription", f"does not match {pattern}")
                raise EvaluationError(f"parameter {name}={value!r}: {reason}")
            if decl.get("Type") == "Number" and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                raise EvaluationError(f"parameter {name}={value!r} is not a number")
            _check_bounds(name, value, decl)
            values[name] = value
        return values

    def _check_rules(self) -> None:
        """``Rules``: an assertion that fails when its rule applies refuses the whole parameter set."""
        for name, rule in self.template.get("Rules", {}).items():
            try:
                if "RuleCondition" in rule and not self.eval(rule["RuleCondition"], f"Rules.{name}"):
                    continue
                assertions = [(self.eval(a["Assert"], f"Rules.{name}"), a) for a in rule["Assertions"]]
            except (TypeError, KeyError, AttributeError) as exc:
                raise EvaluationError(f"Rules.{name}: not as CloudFormation reads it ({_described(exc)})") from None
            for holds, assertion in assertions:
                if not holds:
                    raise EvaluationError(f"rule {name}: {assertion.get('AssertDescription', 'assertion failed')}")

    def condition(self, name: str) -> bool:
        if not isinstance(name, str):
            raise EvaluationError(f"a condition is named by a string, not {name!r:.40}")
        if name not in self.conditions:
            declared = self.template.get("Conditions", {})
            if name not in declared:
                raise EvaluationError(f"unknown condition {name}")
            if name in self.deciding:
                raise EvaluationError(f"Conditions.{name} depends on itself ({' -> '.join([*self.deciding, name])})")
            self.deciding.append(name)
            self.conditions[name] = bool(self.eval(declared[name], f"Conditions.{name}"))
            self.deciding.pop()
        return self.conditions[name]

    def _exists(self, item: Mapping[str, Any]) -> bool:
        return "Condition" not in item or self.condition(item["Condition"])

    # Intrinsic functions

    def eval(self, node: Any, where: str) -> Any:
        if isinstance(node, list):
            items = [self.eval(item, f"{where}[{i}]") for i, item in enumerate(node)]
            return [item for item in items if item is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            handler = _FUNCTIONS.get(key)
            if handler is None and isinstance(key, str) and key.startswith("Fn::") and key not in _OPAQUE:
                # A misspelt or unknown function (a YAML tag such as !Unknown becomes Fn::Unknown): refused.
                raise EvaluationError(f"{where}: {key} is not a function CloudFormation knows")
            if handler is not None:
                try:
                    return handler(self, arg, f"{where}.{key}")
                except (TypeError, IndexError, KeyError, ValueError, AttributeError, OverflowError) as exc:
                    # Arguments of a shape the function does not take (Fn::Select: 5): CloudFormation refuses them.
                    raise EvaluationError(f"{where}.{key}: arguments it does not take ({_described(exc)})") from None
        resolved = {key: self.eval(value, f"{where}.{key}") for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not _NO_VALUE}

    def ref(self, name: str, where: str) -> Any:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::StackName": self.stack_name,
            "AWS::AccountId": "123456789012",
            "AWS::Partition": "aws-cn" if self.region.startswith("cn-") else "aws",
            "AWS::URLSuffix": "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com",
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:123456789012:stack/{self.stack_name}/id",
            "AWS::NoValue": _NO_VALUE,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.params:
            # A list parameter's Ref is the list (Parameters, CloudFormation User Guide: CommaDelimitedList, List<...>).
            kind = str(self.template.get("Parameters", {}).get(name, {}).get("Type", ""))
            if kind == "CommaDelimitedList" or kind.startswith("List<"):
                return self.params[name].split(",")
            return self.params[name]
        self._require_resource(name, where)
        return replacement_id(name) if name in self.replaced else ref_id(name)

    def _require_resource(self, name: str, where: str) -> None:
        if name not in self.template.get("Resources", {}):
            raise EvaluationError(f"{where}: {name} is not a parameter or resource")
        if name not in self.existing:
            raise EvaluationError(f"{where}: {name} does not exist for this parameter set")

    def get_att(self, name: str, attribute: str, where: str) -> Any:
        self._require_resource(name, where)
        resource = self.template["Resources"][name]
        if resource["Type"] == "AWS::EC2::VPC":
            if attribute == "CidrBlock":
                block = self.eval(resource["Properties"].get("CidrBlock", {"Ref": "AWS::NoValue"}), where)
                if block is not _NO_VALUE:
                    return block
                netmask = self.eval(resource["Properties"].get("Ipv4NetmaskLength"), where)
                base = REPLACEMENT_VPC_IPV4_IPAM_BASE if name in self.replaced else EXAMPLE_VPC_IPV4_IPAM_BASE
                return f"{base}/{netmask}"
            if attribute == "Ipv6CidrBlocks":
                return [REPLACEMENT_VPC_IPV6_BLOCK if self._ipv6_block_replaced(name) else EXAMPLE_VPC_IPV6_BLOCK]
        if resource["Type"] == "AWS::EC2::Subnet" and attribute == "Ipv6CidrBlocks":
            block = resource["Properties"].get("Ipv6CidrBlock")
            return [] if block is None else [self.eval(block, where)]
        return f"{replacement_id(name)[:-1]}.{attribute}>" if name in self.replaced else f"<{name}.{attribute}>"

    def _ipv6_block_replaced(self, vpc: str) -> bool:
        """Whether the VPC, or an ``AWS::EC2::VPCCidrBlock`` of it, is being replaced: its IPv6 block is then new."""
        resources = self.template["Resources"]
        return vpc in self.replaced or any(
            resources[name]["Type"] == "AWS::EC2::VPCCidrBlock"
            and resources[name].get("Properties", {}).get("VpcId") == {"Ref": vpc}
            for name in self.replaced
        )

    def select(self, arg: Any, where: str) -> Any:
        index, items = (self.eval(a, where) for a in arg)
        if not isinstance(items, list):
            raise EvaluationError(f"{where}: selects from {items!r}, which is not a list")
        index = int(index)
        if not 0 <= index < len(items):
            raise EvaluationError(f"{where}: Fn::Select cannot select nonexistent value at index {index}")
        return items[index]

    def sub(self, arg: Any, where: str) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.eval(arg[1], where))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                resource, attribute = name.split(".", 1)
                return str(self.get_att(resource, attribute, where))
            return str(self.ref(name, where))

        return re.sub(r"\$\{([^!}][^}]*)\}", replace, text)


def _if(ev: _Evaluator, arg: Any, where: str) -> Any:
    name, when_true, when_false = arg
    return ev.eval(when_true if ev.condition(name) else when_false, where)


def _get_att(ev: _Evaluator, arg: Any, where: str) -> Any:
    name, attribute = arg.split(".", 1) if isinstance(arg, str) else arg
    return ev.get_att(name, attribute, where)


def _find_in_map(ev: _Evaluator, arg: Any, where: str) -> Any:
    name, top, second = (str(ev.eval(a, where)) for a in arg)
    try:
        return ev.mappings[name][top][second]
    except KeyError:
        given = [f"{a['Ref']}={ev.params[a['Ref']]}" for a in arg if isinstance(a, dict) and a.get("Ref") in ev.params]
        source = f" (from {', '.join(given)})" if given else ""
        raise EvaluationError(f"{where}: no mapping entry {name}.{top}.{second}{source}") from None


_LOOKUP_SECTIONS = ("Conditions", "Resources", "Outputs")
#: While ``remembered_lookups`` is open: each template's lookups, by the template's identity, with the template held
#: (so that its identity cannot pass to another object meanwhile).
_remembered: dict[int, tuple[Mapping[str, Any], list[list[Any]]]] | None = None


@contextlib.contextmanager
def remembered_lookups() -> Iterator[None]:
    """While open, each template's ``Fn::FindInMap`` arguments are found once, not on every evaluation: walking a
    template for them was about half of evaluating it. For callers that evaluate the same templates many times (per
    region, per parameter set) and change none of them meanwhile: a template changed in place keeps its old list."""
    global _remembered
    opened = _remembered is None
    if opened:
        _remembered = {}
    try:
        yield
    finally:
        if opened:
            _remembered = None


def _lookups_of(template: Mapping[str, Any]) -> list[list[Any]]:
    """The template's ``Fn::FindInMap`` arguments, in the order ``_lookups`` gives them."""
    if _remembered is not None and id(template) in _remembered:
        return _remembered[id(template)][1]  # the same object: held there, its identity is not reused
    found: list[list[Any]] = []
    for section in _LOOKUP_SECTIONS:
        _lookup_args(template.get(section), found)
    if _remembered is not None:
        _remembered[id(template)] = (template, found)
    return found


def _lookup_args(node: Any, found: list[list[Any]]) -> None:
    """Append each ``Fn::FindInMap`` argument in ``node`` to ``found``, in the order ``_lookups`` gives them."""
    if isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                _lookup_args(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::FindInMap" and isinstance(value, list) and len(value) == 3:
                found.append(value)
            elif isinstance(value, (dict, list)):
                _lookup_args(value, found)


def _lookups(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Each ``Fn::FindInMap`` argument in ``node``, with where it is."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _lookups(item, f"{where}[{i}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::FindInMap" and isinstance(value, list) and len(value) == 3:
                yield f"{where}.{key}", value
            else:
                yield from _lookups(value, f"{where}.{key}")


def _get_azs(ev: _Evaluator, arg: Any, where: str) -> list[str]:
    region = ev.eval(arg, where) or ev.region
    if region != ev.region:
        raise EvaluationError(f"{where}: Fn::GetAZs of another region ({region})")
    return list(ev.azs)


def _cidr(ev: _Evaluator, arg: Any, where: str) -> list[str]:
    try:
        return fn_cidr(*(ev.eval(a, where) for a in arg))
    except EvaluationError as exc:
        raise EvaluationError(f"{where}: {exc}") from None


#: Functions CloudFormation knows that this evaluator leaves as they are (their value is AWS's to compute, or they
#: belong to a transform): "Intrinsic function reference", CloudFormation User Guide.
_OPAQUE = frozenset(
    {
        "Fn::Base64", "Fn::ImportValue", "Fn::Transform", "Fn::ToJsonString", "Fn::Length", "Fn::ForEach",
        "Fn::GetStackOutput", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::RefAll", "Fn::ValueOf",
        "Fn::ValueOfAll",
    }
)  # fmt: skip

_FUNCTIONS: dict[str, Callable[[_Evaluator, Any, str], Any]] = {
    "Ref": lambda ev, arg, where: ev.ref(arg, where),
    "Condition": lambda ev, arg, where: ev.condition(arg),
    "Fn::GetAtt": _get_att,
    "Fn::Select": lambda ev, arg, where: ev.select(arg, where),
    "Fn::Cidr": _cidr,
    "Fn::GetAZs": _get_azs,
    "Fn::FindInMap": _find_in_map,
    "Fn::If": _if,
    "Fn::Join": lambda ev, arg, where: str(arg[0]).join(str(v) for v in ev.eval(arg[1], where)),
    "Fn::Split": lambda ev, arg, where: str(ev.eval(arg[1], where)).split(arg[0]),
    "Fn::Sub": lambda ev, arg, where: ev.sub(arg, where),
    "Fn::Equals": lambda ev, arg, where: str(ev.eval(arg[0], where)) == str(ev.eval(arg[1], where)),
    "Fn::And": lambda ev, arg, where: all(ev.eval(a, where) for a in arg),
    "Fn::Or": lambda ev, arg, where: any(ev.eval(a, where) for a in arg),
    "Fn::Not": lambda ev, arg, where: not ev.eval(arg[0], where),
    # Rules only.
    "Fn::Contains": lambda ev, arg, where: str(ev.eval(arg[1], where)) in [str(v) for v in ev.eval(arg[0], where)],
}


#: The longest a template's AllowedPattern may take to match one value: Python's engine backtracks without end on
#: patterns such as ``(a+)+$``, and the command would hang instead of answering.
PATTERN_SECONDS = 2.0


class _PatternTooSlowError(Exception):
    pass


@functools.lru_cache(maxsize=4096)
def _matches(pattern: str, value: str) -> bool:
    """``re.fullmatch``, given up after ``PATTERN_SECONDS`` (a timer signal; the engine checks for signals as it
    works). Outside the main thread, where no signal handler can be set, the match is not bounded."""
    try:
        previous = signal.signal(signal.SIGALRM, _too_slow)
    except (ValueError, AttributeError):  # not the main thread, or no SIGALRM (Windows)
        return re.fullmatch(pattern, value) is not None
    try:
        signal.setitimer(signal.ITIMER_REAL, PATTERN_SECONDS)
        return re.fullmatch(pattern, value) is not None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _too_slow(signum: int, frame: object) -> None:
    raise _PatternTooSlowError


def _check_bounds(name: str, value: str, decl: Mapping[str, Any]) -> None:
    """``MinLength``/``MaxLength`` of a String, ``MinValue``/``MaxValue`` of a Number: CloudFormation refuses a value
    outside them before it creates anything."""
    try:
        bounds = {key: float(decl[key]) for key in ("MinLength", "MaxLength", "MinValue", "MaxValue") if key in decl}
    except (TypeError, ValueError):
        raise EvaluationError(
            f"parameter {name}: a MinLength, MaxLength, MinValue or MaxValue that is no number"
        ) from None
    measure, what = (float(value), "") if decl.get("Type") == "Number" else (len(value), " characters long")
    low, high = ("MinValue", "MaxValue") if decl.get("Type") == "Number" else ("MinLength", "MaxLength")
    if low in bounds and measure < bounds[low]:
        raise EvaluationError(f"parameter {name}={value!r} is {measure:g}{what}, less than its {low} {decl[low]}")
    if high in bounds and measure > bounds[high]:
        raise EvaluationError(f"parameter {name}={value!r} is {measure:g}{what}, more than its {high} {decl[high]}")


def _described(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r:.40}" if exc.args else "a missing key"
    return f"{type(exc).__name__}: {exc}"[:120]


def evaluate(
    template: Mapping[str, Any],
    parameters: Mapping[str, str] | None = None,
    *,
    region: str = "us-east-1",
    stack_name: str | None = None,
    azs: Sequence[str] | None = None,
    replaced: frozenset[str] = frozenset(),
) -> Deployment:
    """Resolve ``template`` (the rendered dict) for ``parameters``; raise ``EvaluationError`` where it would fail.

    Without ``stack_name`` the stack is called ``EXAMPLE_STACK_NAME``, a stand-in: nothing is refused for it.

    ``replaced`` names resources an update replaces: their ``Ref`` and ``Fn::GetAtt`` values are new placeholders
    (``<Vpc:new>``), and a VPC whose IPv6 block is replaced has ``REPLACEMENT_VPC_IPV6_BLOCK``, so what reads them
    changes as it would in the update."""
    place = ["the template"]
    try:
        return _evaluate(template, parameters, region, stack_name, azs, replaced, place)
    except RecursionError:
        raise EvaluationError(f"{place[0]}: conditions or functions nest too deeply to evaluate") from None
    except (TypeError, IndexError, KeyError, ValueError, AttributeError) as exc:
        # A section of a shape CloudFormation does not read (an output with no Value, Rules with no Assertions).
        raise EvaluationError(f"{place[0]}: not as CloudFormation reads it ({_described(exc)})") from None


def _evaluate(
    template: Mapping[str, Any],
    parameters: Mapping[str, str] | None,
    region: str,
    stack_name: str | None,
    azs: Sequence[str] | None,
    replaced: frozenset[str],
    place: list[str],
) -> Deployment:
    """``evaluate``'s work; ``place`` is kept at the section being read, for an error to name."""
    ev = _Evaluator(
        template, parameters or {}, region, stack_name, default_azs(region) if azs is None else azs, replaced
    )
    resources: dict[str, dict[str, Any]] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        place[0] = f"Resources.{logical_id}"
        if logical_id not in ev.existing:
            continue
        depends_on = resource.get("DependsOn", [])
        depends_on = [depends_on] if isinstance(depends_on, str) else list(depends_on)
        for dependency in depends_on:
            ev._require_resource(dependency, f"Resources.{logical_id}.DependsOn")
        resources[logical_id] = {
            "Type": resource["Type"],
            "DependsOn": depends_on,
            "Properties": ev.eval(resource.get("Properties", {}), f"Resources.{logical_id}.Properties"),
        }
    outputs = {}
    for key, output in template.get("Outputs", {}).items():
        place[0] = f"Outputs.{key}"
        if ev._exists(output):
            where = f"Outputs.{key}"
            outputs[key] = {
                "Value": ev.eval(output["Value"], f"{where}.Value"),
                "Export": ev.eval(output["Export"]["Name"], f"{where}.Export") if "Export" in output else None,
            }
    return Deployment(ev.params, dict(ev.conditions), resources, outputs)

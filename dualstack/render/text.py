"""Template text: JSON and CloudFormation short-form YAML, byte-stable, in the order people write templates.

``document(template)`` converts once and orders the sections as AWS's documentation and hand-written templates
do; ``to_json`` and ``to_yaml`` write that one dict. The YAML is written here rather than through cfn_flip (a JSON
round trip, then PyYAML's pure-Python emitter, most of a whole ``generate.py`` run): a template is a tree of
mappings, sequences, strings, numbers and booleans plus the intrinsic functions, which is a small language to write.
Short sequences and short mappings of scalars go on one line (``[a, b]``, ``{Key: Name, Value: x}``) up to
``INLINE_WIDTH``, except a resource's ``Properties``; the bytes saved keep every shipped template under the
51,200-byte inline limit. ``tests/test_render.py`` parses every rendering back with cfn-lint's own decoder and
compares it with the JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from troposphere import Template

Format = Literal["yaml", "json"]
FORMATS: tuple[Format, ...] = ("yaml", "json")

#: Top-level sections in the order of the CloudFormation User Guide's "Template anatomy".
SECTION_ORDER = (
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
)
#: Leading keys of each resource, parameter, rule and output; any others follow, sorted.
RESOURCE_ORDER = ("Type", "Condition", "DependsOn", "Properties")
PARAMETER_ORDER = ("Type", "Description", "Default")
RULE_ORDER = ("RuleCondition", "Assertions")
OUTPUT_ORDER = ("Description", "Condition", "Value", "Export")
#: Keys whose value is always written as a block, however short: a resource's properties.
BLOCK_KEYS = frozenset({"Properties"})

#: Longest line a sequence is written on inline (``[a, b]``), indentation included.
INLINE_WIDTH = 120
#: Most keys a mapping written inline may have.
FLOW_MAPPING_KEYS = 2


def document(template: Template) -> dict[str, Any]:
    """``template`` as one dict in the conventional order.

    Sections come in ``SECTION_ORDER``. Within Parameters, Rules, Mappings, Conditions, Resources and Outputs the
    entries keep the order the code adds them: for resources the VPC and its gateways, each tier's subnets, the NAT
    gateways, each tier's route tables and routes, then the options (flow logs, test instance); for parameters the
    console form's order. Each entry leads with its conventional keys (``RESOURCE_ORDER`` and the like). Everything
    below that (properties, policies, tags) is sorted by key, so the text depends on nothing but the values.
    """
    raw = template.to_dict()
    ordered: dict[str, Any] = {}
    for section in (*SECTION_ORDER, *sorted(set(raw) - set(SECTION_ORDER))):
        if section not in raw:
            continue
        value = raw[section]
        if section == "Resources":
            value = {name: _leading(body, RESOURCE_ORDER) for name, body in value.items()}
        elif section == "Parameters":
            value = {name: _leading(body, PARAMETER_ORDER) for name, body in value.items()}
        elif section == "Rules":
            value = {name: _leading(body, RULE_ORDER) for name, body in value.items()}
        elif section == "Outputs":
            value = {name: _leading(body, OUTPUT_ORDER) for name, body in value.items()}
        elif section in ("Mappings", "Conditions"):
            value = {name: _sorted(body) for name, body in value.items()}
        else:
            value = _sorted(value)
        ordered[section] = value
    return ordered


def _leading(body: Mapping[str, Any], first: tuple[str, ...]) -> dict[str, Any]:
    keys = [k for k in first if k in body] + sorted(k for k in body if k not in first)
    return {k: _sorted(body[k]) for k in keys}


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [_sorted(v) for v in value]
    return value


def to_json(doc: Mapping[str, Any]) -> str:
    """Compact, one entry of each section (a parameter, a resource, an output) per line.

    The YAML is the readable template and the one ``make deploy`` sends; the JSON twin is written for size, so
    that it too stays under the 51,200-byte limit for deploying without an S3 bucket (``tests/test_render.py``),
    while a diff still names each entry that changed."""

    def compact(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    sections = []
    for section, value in doc.items():
        if isinstance(value, Mapping) and value:
            entries = ",\n".join(f"{compact(name)}:{compact(body)}" for name, body in value.items())
            sections.append(f"{compact(section)}:{{\n{entries}\n}}")
        else:
            sections.append(f"{compact(section)}:{compact(value)}")
    return "{\n" + ",\n".join(sections) + "\n}\n"


def to_yaml(doc: Mapping[str, Any]) -> str:
    """CloudFormation YAML with the short forms of intrinsic functions (``!Ref``, ``!Sub``, ``!Cidr``)."""
    return "\n".join(_mapping(doc, 0)) + "\n"


def render(template: Template, fmt: Format) -> str:
    """The text of ``template`` in ``fmt``: fixed order and indentation, exactly one trailing newline."""
    doc = document(template)
    return to_json(doc) if fmt == "json" else to_yaml(doc)


# --- YAML -------------------------------------------------------------------------------------------------------


def _tag(value: Any) -> tuple[str, Any] | None:
    """``("!Name", argument)`` when ``value`` is an intrinsic function CloudFormation has a short form for."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((key, argument),) = value.items()
    if key == "Ref" and isinstance(argument, str):
        return "!Ref", argument
    if key == "Condition" and isinstance(argument, str):
        return "!Condition", argument
    if key.startswith("Fn::") and key != "Fn::Transform":
        if (
            key == "Fn::GetAtt"
            and isinstance(argument, list)
            and len(argument) == 2
            and all(isinstance(a, str) for a in argument)
            and "." not in argument[0]
        ):
            return "!GetAtt", f"{argument[0]}.{argument[1]}"
        return "!" + key.removeprefix("Fn::"), argument
    return None


def _inline(value: Any) -> str | None:
    """``value`` on one line (a scalar, a short form of one, or a sequence of those), or ``None``."""
    tag = _tag(value)
    if tag is not None:
        name, argument = tag
        if _tag(argument) is not None:
            return None  # a node has one tag: the outer function is written in its long form
        inner = _inline(argument)
        return None if inner is None else f"{name} {inner}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [None if isinstance(v, Mapping) and v and _tag(v) is None else _inline(v) for v in value]
        if any(i is None for i in items):
            return None
        return "[" + ", ".join(_flow(v, i) for v, i in zip(value, items, strict=True)) + "]"
    if isinstance(value, Mapping):
        return _flow_mapping(value)
    if _literal(value, 0) is not None:
        return None
    return _scalar(value)


def _flow_mapping(value: Mapping[str, Any]) -> str | None:
    """``{Key: Name, Value: !Sub ...}``: a mapping of at most ``FLOW_MAPPING_KEYS`` keys whose values are scalars or
    short forms of them, or ``None``. Nothing nests in it, and no sequence holds one inline."""
    if not value:
        return "{}"
    if len(value) > FLOW_MAPPING_KEYS or not all(_is_scalar(v) or _tag(v) is not None for v in value.values()):
        return None
    items = [(key, _scalar(key), item, _inline(item)) for key, item in value.items()]
    if any(v_text is None for *_, v_text in items):
        return None
    return "{" + ", ".join(f"{_flow(k, k_text)}: {_flow(v, v_text)}" for k, k_text, v, v_text in items) + "}"


def _flow(value: Any, text: str | None) -> str:
    """An item inside ``[...]`` or ``{...}``: strings that are plain in block context may need quotes there, alone
    or as the argument of a short form (``!Sub a,b`` would end at the comma)."""
    assert text is not None
    if isinstance(value, str) and text == value and _FLOW_INDICATORS.search(value):
        return _quoted(value)
    tag = _tag(value)
    if tag is not None and isinstance(tag[1], str) and text == f"{tag[0]} {tag[1]}" and _FLOW_INDICATORS.search(tag[1]):
        return f"{tag[0]} {_quoted(tag[1])}"
    return text


def _mapping(value: Mapping[str, Any], indent: int) -> list[str]:
    lines = []
    pad = " " * indent
    for key, item in value.items():
        head = f"{pad}{_scalar(key)}:"
        literal = _literal(item, indent + 2)
        if literal is not None:
            lines.extend([f"{head} {literal[0]}", *literal[1:]])
            continue
        inline = None if key in BLOCK_KEYS else _inline(item)
        if (inline is not None and len(head) + 1 + len(inline) <= INLINE_WIDTH) or _is_scalar(item):
            lines.append(f"{head} {inline if inline is not None else _scalar(item)}")
            continue
        tagged = _tagged(head, item, indent)
        if tagged is not None:
            lines.extend(tagged)
            continue
        lines.append(head)
        lines.extend(_block(item, indent + 2))
    return lines


def _tagged(lead: str, item: Any, indent: int) -> list[str] | None:
    """``lead !Tag argument`` (its argument on the same line or as a block below), or ``None`` for an untagged item
    or a tag whose argument is itself tagged (written as a nested mapping instead)."""
    tag = _tag(item)
    if tag is None or _tag(tag[1]) is not None:
        return None
    name, argument = tag
    literal = _literal(argument, indent + 2)
    if literal is not None:
        return [f"{lead} {name} {literal[0]}", *literal[1:]]
    if _is_scalar(argument):
        return [f"{lead} {name} {_scalar(argument)}"]
    return [f"{lead} {name}", *_block(argument, indent + 2)]


def _block(value: Any, indent: int) -> list[str]:
    if isinstance(value, Mapping):
        return _mapping(value, indent)
    return _sequence(value, indent)


def _sequence(value: list[Any], indent: int) -> list[str]:
    lines = []
    pad = " " * indent
    for item in value:
        literal = _literal(item, indent + 2)
        if literal is not None:
            lines.extend([f"{pad}- {literal[0]}", *literal[1:]])
            continue
        inline = _inline(item)
        if (inline is not None and indent + 2 + len(inline) <= INLINE_WIDTH) or _is_scalar(item):
            lines.append(f"{pad}- {inline if inline is not None else _scalar(item)}")
            continue
        tagged = _tagged(f"{pad}-", item, indent)
        if tagged is not None:
            lines.extend(tagged)
            continue
        nested = _block(item, indent + 2)
        nested[0] = f"{pad}- {nested[0][indent + 2 :]}"
        lines.extend(nested)
    return lines


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list)


def _literal(value: Any, indent: int) -> list[str] | None:
    """A string of several lines (code, a query) as a literal block scalar: its header (``|``, ``|-`` or ``|+``, as
    its end keeps one newline, none or more) and its lines indented by ``indent``, as they read in review. ``None``
    for a string of one line, or one with a character a block cannot hold as it is (a carriage return, a line
    separator): that string is written double-quoted, escaped."""
    if not isinstance(value, str) or "\n" not in value.rstrip("\n"):
        return None
    if not all(c.isprintable() or c in "\n\t" for c in value):
        return None
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    lines = body.split("\n") + [""] * max(trailing - 1, 0)
    # A first line that starts with a space would set the indentation itself: say it with an indicator instead.
    first = next((line for line in lines if line), "")
    indicator = "2" if first[:1] in (" ", "\t") else ""
    header = f"|{indicator}{chomp}"
    pad = " " * indent
    return [header, *(f"{pad}{line}" if line else "" for line in lines)]


# Plain (unquoted) scalars are written only where no YAML 1.1 reader (PyYAML, which cfn-lint and cfn_flip use)
# could take them for anything but the same string. The patterns are PyYAML's implicit resolvers.
_IMPLICIT = re.compile(
    r"""(?x)
    yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N
    |~|null|Null|NULL|<<|=
    |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[\ \t]+)[0-9].*)?
    """
)
_PLAIN_FIRST = re.compile(r"[A-Za-z0-9_./$(^\\]")
_NOT_PLAIN = re.compile(r": |:$| #|[\x00-\x1f\x7f\"'`{}\[\]&*!|>%@]|^[-?:,]")
#: What ends a plain scalar inside ``[...]`` or ``{...}`` for PyYAML (``?`` too, in its pure-Python reader).
_FLOW_INDICATORS = re.compile(r"[,?\[\]{}]")


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return json.dumps(value)
    if isinstance(value, float):
        # YAML 1.1 reads an exponent without a dot (1e+16) as a string.
        number = json.dumps(value)
        return number.replace("e", ".0e") if "e" in number and "." not in number else number
    text = str(value)
    if (
        text
        and text == text.strip()
        and text.isprintable()
        and _PLAIN_FIRST.match(text)
        and not _NOT_PLAIN.search(text)
        and not _IMPLICIT.fullmatch(text)
    ):
        return text
    return _quoted(text)


#: Escapes of a double-quoted YAML scalar for the characters that have a short one.
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _quoted(text: str) -> str:
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    # Double quotes, with every character that is not printable escaped: a line separator (U+2028, NEL) written
    # as it is would break the line, which a mapping key must not do. Printable characters stay as they are.
    return '"' + "".join(_ESCAPES.get(c) or (c if c.isprintable() else _escape(c)) for c in text) + '"'


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

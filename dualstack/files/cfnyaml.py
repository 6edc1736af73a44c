"""Templates in YAML, read as CloudFormation reads them: short-form tags become the long form, and aliases are refused.

CloudFormation refuses a YAML template with aliases ("Template error: YAML aliases are not
allowed in CloudFormation templates", the ``CreateChangeSet`` validation error reported in
aws-cloudformation/cloudformation-coverage-roadmap#613 and aws/serverless-application-model#228;
``aws cloudformation package`` unrolls them first, aws/aws-cli#3827). Refusing them here too
is what keeps reading bounded: a few hundred bytes of nested aliases ("billion laughs")
expand to gigabytes once walked, and nothing that CloudFormation would deploy needs one.

The result is what ``cfn_flip.to_json`` gives (tests/test_cfnyaml.py compares them on every
shipped template and lint fixture): ``!Ref X`` is ``{"Ref": "X"}``, ``!GetAtt a.b`` is
``{"Fn::GetAtt": ["a", "b"]}``, ``!Condition X`` is ``{"Condition": "X"}`` and any other
``!Name`` is ``{"Fn::Name": ...}``; dates stay text, keys become JSON's strings. Parsing uses
libyaml through PyYAML's C loader where it is built (about ten times faster), and PyYAML's
own otherwise.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import yaml

from dualstack.model import limits

_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_UNPREFIXED = ("Ref", "Condition")


class YamlError(ValueError):
    """Not YAML CloudFormation would read; the message says where."""


class _Loader(_BASE):  # type: ignore[misc]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping, refusing a key given twice: PyYAML keeps the last silently, and CloudFormation refuses the
        template (cfn-lint's E0000 "Duplicate found")."""
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    first = _line(seen[key_node.value])
                    problem = f"the key {key_node.value!r} is given twice in one mapping (first{first})"
                    raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
                seen[key_node.value] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _tagged(loader: Any, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in _UNPREFIXED else f"Fn::{suffix}"
    value: Any
    if name == "Fn::GetAtt" and isinstance(node, yaml.ScalarNode):
        value = str(node.value).split(".", 1)
    elif name == "Fn::GetAtt" and isinstance(node, yaml.SequenceNode):
        value = [item.value for item in node.value]
    elif isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _tagged)


MAX_DEPTH = limits.MAX_DEPTH


def _line(mark: Any) -> str:
    return f" at line {mark.line + 1}" if mark is not None else ""


def _check_events(text: str) -> None:
    """Refuse, before anything is built, an alias or nesting past ``MAX_DEPTH`` (events only: nothing expands)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                f"a YAML alias (*{event.anchor}){_line(event.start_mark)}: CloudFormation does not allow aliases"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(f"nested more than {MAX_DEPTH} deep{_line(event.start_mark)}")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _iso(value: Any) -> str:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} cannot be a template value")


def load(text: str) -> Any:
    """The YAML document ``text`` as plain JSON values, in CloudFormation's long form; raises ``YamlError``."""
    try:
        _check_events(text)
        data = yaml.load(text, Loader=_Loader)
        # Through JSON, as cfn_flip goes: keys become strings (1 -> "1", true -> "true"), dates ISO text.
        return json.loads(json.dumps(data, default=_iso))
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "not YAML"
        raise YamlError(f"{problem}{_line(getattr(exc, 'problem_mark', None))}") from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise YamlError(str(exc) if not isinstance(exc, RecursionError) else "nested too deeply") from None

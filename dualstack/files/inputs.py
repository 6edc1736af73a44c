"""What every command accepts from its user, checked the same way everywhere.

Each check raises ``InputError`` with a message that names the input and the
problem, for the command to print as one line and exit 2; input that is valid
but ignored or risky comes back as warnings for standard error instead. Nothing
here writes a file or calls AWS.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from dualstack.model import choices, limits, names


class InputError(Exception):
    """Bad input: the message names the input and the problem."""


class Parser(argparse.ArgumentParser):
    """An argument parser that raises ``InputError`` instead of printing its usage and exiting, so that a command
    reports a wrong option as it reports any other bad input: one line, exit status 2.

    Stricter than argparse where argparse would drop a value without a word: an option given twice is refused (the
    first value would be dropped: ``--stack a --stack b``), options are never abbreviated, and every word after
    ``--`` is a positional one, also where options and positionals mix (``parse_intermixed_args`` reads an option
    after ``--`` as an option on Python 3.11)."""

    #: Options that gather their values, and so may be given again.
    REPEATABLE = ("append", "append_const", "count", "extend")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        if kwargs.get("description"):
            # A module docstring's first line, without its reStructuredText quotes (``make deploy``).
            kwargs["description"] = kwargs["description"].replace("``", "`")
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise InputError(message)

    def _refuse_repeats(self, words: Sequence[str]) -> None:
        seen: dict[argparse.Action, str] = {}
        for word in words:
            if word == "--":
                return
            action = self._option_string_actions.get(word.split("=", 1)[0]) if word.startswith("-") else None
            if action is None or any(type(action) is self._registry_get("action", name) for name in self.REPEATABLE):
                continue
            if action in seen:
                self.error(f"{seen[action]} is given twice: give it once")
            seen[action] = word.split("=", 1)[0]

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        words = list(sys.argv[1:] if args is None else args)
        self._refuse_repeats(words)
        return super().parse_known_args(words, namespace)

    def parse_known_intermixed_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        words = list(sys.argv[1:] if args is None else args)
        if "--" not in words:
            return super().parse_known_intermixed_args(words, namespace)
        head, tail = words[: words.index("--")], words[words.index("--") + 1 :]
        parsed, extras = super().parse_known_intermixed_args(head, namespace)
        gathering = [a for a in self._actions if not a.option_strings and a.nargs in ("*", "+")]
        if gathering:
            setattr(parsed, gathering[-1].dest, [*(getattr(parsed, gathering[-1].dest) or []), *tail])
        else:
            extras += tail
        return parsed, extras


def shown(path: str | os.PathLike[str]) -> str:
    """``path`` as text any terminal can print: bytes that are not UTF-8 become ``\\xfc`` escapes.

    File names are bytes; Python decodes undecodable ones to lone surrogates,
    which a strict UTF-8 standard output or error refuses to encode. Control characters
    (a newline, an escape) are shown as ``\\n`` and ``\\x1b``.
    """
    text = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    # A newline would break the one line an error is; an escape sequence would act on the terminal.
    return _CONTROL.sub(lambda found: repr(found.group())[1:-1], text)


# --- Stack names and regions ------------------------------------------------------------------------------------

#: What CloudFormation accepts as a stack name (``CreateStack``'s ``StackName``).
STACK_NAME_PATTERN = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")
STACK_NAME_MAX = 128


def check_stack_name(name: str) -> str:
    check_no_control(name, "stack name")
    if not name:
        raise InputError("stack name is empty: give one such as edge-vpc")
    if len(name) > STACK_NAME_MAX:
        raise InputError(f"stack name is {len(name)} characters long; CloudFormation allows at most {STACK_NAME_MAX}")
    if not STACK_NAME_PATTERN.fullmatch(name):
        raise InputError(
            f"stack name {name!r} is not one CloudFormation accepts: a letter, then letters, digits and hyphens"
        )
    return name


#: S3's rule for a general purpose bucket's name: 3 to 63 lowercase letters, digits, dots and hyphens, beginning and
#: ending with a letter or digit ("General purpose bucket naming rules", Amazon S3 User Guide).
BUCKET_NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def check_bucket_name(name: str) -> str:
    check_no_control(name, "bucket name")
    if not BUCKET_NAME_PATTERN.fullmatch(name):
        raise InputError(
            f"bucket name {name!r} is not one S3 accepts: 3 to 63 lowercase letters, digits, dots and hyphens, "
            "beginning and ending with a letter or digit (the bucket's name, not an s3:// URL)"
        )
    return name


def known_regions() -> list[str]:
    """The regions in the pinned cfn-lint's data, shipped with the package (``cfndata.py``): a region newer than the
    pin needs a newer pin."""
    from dualstack.model import cfndata

    return cfndata.regions()


def check_region(region: str) -> str:
    check_no_control(region, "region")
    regions = known_regions()
    if region not in regions:
        near = [r for r in regions if r.replace("-", "") == region.replace("-", "")]
        hint = f"; did you mean {near[0]}?" if near else " (such as eu-west-1)"
        raise InputError(f"unknown region {region!r}{hint}")
    return region


# --- Key=Value parameters ---------------------------------------------------------------------------------------


#: C0 and C1 control characters and DEL: never part of a value a user means to give, and each can hide or end text
#: (a newline ends a line that a shell's `read` or a log shows; a carriage return or an escape rewrites a terminal).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def check_no_control(value: str, what: str) -> str:
    """``value`` unless it holds a control character; then ``InputError`` naming ``what`` and the character."""
    found = _CONTROL.search(value)
    if found:
        raise InputError(
            f"{what} {value!r} contains a control character ({found.group()!r}): give it on one line, as plain text"
        )
    return value


def parse_assignments(items: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """``Key=Value`` words, as ``aws cloudformation deploy --parameter-overrides`` takes them.

    Returns the parameters and warnings: a key given twice keeps its last value, as the AWS CLI does.
    """
    parameters: dict[str, str] = {}
    warnings = []
    for item in items:
        check_no_control(item, "parameter")
        try:
            item.encode("utf-8")
        except UnicodeEncodeError:
            # Bytes the locale could not decode (a mistyped or pasted value): CloudFormation takes UTF-8 text only.
            raise InputError(f"parameter {shown(item)} is not UTF-8 text") from None
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"parameter {item!r} is not Key=Value")
        if key in parameters and parameters[key] != value:
            warnings.append(f"{key} is given twice ({parameters[key]!r}, then {value!r}): the last, {value!r}, is used")
        elif key in parameters:
            warnings.append(f"{key}={value} is given twice")
        parameters[key] = value
    return parameters, warnings


#: Instance families built on Graviton (arm64): a1, and those whose generation digit is followed by ``g``
#: (t4g, m7gd, c6gn, im4gn, is4gen, x2gd, g5g, hpc7g), plus the Apple silicon Macs.
_ARM64_FAMILY = re.compile(r"a1|[a-z]+[0-9]+g[a-z]*|mac2(-m[0-9a-z]+)?")
_AMI_ID = re.compile(r"ami-[0-9a-f]{8,17}")
#: AWS refuses a flow log whose S3 folder is ``AWSLogs``: the service writes its own ``AWSLogs/`` below the prefix.
_RESERVED_S3_FOLDER = "AWSLogs"


def unmasked(
    before: Mapping[str, str], given: Mapping[str, str], template: Mapping[str, Any], where: str
) -> dict[str, str]:
    """``before`` (a deployed stack's or stack set's parameters) with each ``NoEcho`` value CloudFormation hid taken as
    the one ``given`` again (DescribeStacks shows asterisks: "NoEcho", Parameters, CloudFormation User Guide).

    Kept, the mask would be checked as the value and a stack set update would send it as the new one; so one that is
    not given again is refused. The plan then shows no change of that value: what it was, AWS does not say."""
    declared = template.get("Parameters") or {}
    result = dict(before)
    for name, value in before.items():
        no_echo = str((declared.get(name) or {}).get("NoEcho", "false")).lower() == "true"
        if no_echo and value and set(value) == {"*"}:
            if name not in given:
                raise InputError(
                    f"{name} is NoEcho, and {where} shows only its mask ({value}): give it again ({name}=...), so "
                    "that the plan checks the real value and the update keeps it"
                )
            result[name] = given[name]
    return result


def _given(parameters: Mapping[str, str], name: str) -> str | None:
    value = parameters.get(name)
    return value if value else None


def check_parameters(
    parameters: Mapping[str, str],
    template: Mapping[str, Any],
    region: str | None = None,
    kept: Mapping[str, str] | None = None,
) -> list[str]:
    """Mistakes CloudFormation would only report during a deploy, or never: raises ``InputError`` for the first;
    returns warnings for values that are valid but ignored with the other choices (``kept``: the values an existing
    stack keeps through the update, which decide that as the given ones do). ``region``: the stack's, for
    what must be in it."""
    declared = template.get("Parameters") or {}

    def value(name: str) -> str:
        if name in parameters:
            return parameters[name]
        if kept is not None and name in kept:
            return kept[name]
        default = (declared.get(name) or {}).get("Default", "")
        return str(default)

    ssh = _given(parameters, names.SSH_INGRESS_CIDR_PARAM)
    if ssh is not None:
        _check_ssh_source(ssh)
    instance_type = value(names.TEST_INSTANCE_TYPE_PARAM)
    arm64 = _ARM64_FAMILY.fullmatch(instance_type.partition(".")[0])
    image = _given(parameters, names.TEST_INSTANCE_IMAGE_PARAM)
    if image is not None and _AMI_ID.fullmatch(image):
        # The path for the instance type's own architecture (the default, t3.micro, is x86_64).
        example = names.UBUNTU_AMI_PARAMETER.replace("/amd64/", "/arm64/") if arm64 else names.UBUNTU_AMI_PARAMETER
        raise InputError(
            f"{names.TEST_INSTANCE_IMAGE_PARAM}={image} is an AMI ID; it takes the path of an SSM parameter that "
            f"holds one, such as {example}"
        )
    arm64_image = "/arm64/" in value(names.TEST_INSTANCE_IMAGE_PARAM)
    if names.TEST_INSTANCE_TYPE_PARAM in declared and bool(arm64) != arm64_image:
        kind, other = ("an arm64 (Graviton)", "an amd64") if arm64 else ("an x86_64", "an arm64")
        raise InputError(
            f"{names.TEST_INSTANCE_TYPE_PARAM}={instance_type} is {kind} type and "
            f"{names.TEST_INSTANCE_IMAGE_PARAM} names {other} AMI, which EC2 does not launch on it: choose a type and "
            "an AMI of one architecture (t3.micro with .../amd64/..., t4g.micro with .../arm64/...)"
        )
    bucket = _given(parameters, names.FLOW_LOG_S3_BUCKET_ARN_PARAM)
    if bucket is not None:
        _check_flow_log_bucket(bucket)
    key = _given(parameters, names.FLOW_LOG_KMS_KEY_ARN_PARAM)
    if key is not None and region is not None and names.FLOW_LOG_KMS_KEY_ARN_PARAM in declared:
        _check_kms_key(key, region)

    warnings = []

    def ignored(name: str, because: str) -> None:
        if _given(parameters, name) is not None and name in declared:
            warnings.append(f"{name}={parameters[name]} is ignored: {because}")

    if value(names.CREATE_TEST_INSTANCE_PARAM) != "true":
        for name in (
            names.KEY_NAME_PARAM,
            names.SSH_INGRESS_CIDR_PARAM,
            names.TEST_INSTANCE_TYPE_PARAM,
            names.TEST_INSTANCE_IMAGE_PARAM,
        ):
            ignored(name, f"{names.CREATE_TEST_INSTANCE_PARAM} is not true")
    flow_logs = value(names.FLOW_LOGS_PARAM)
    if flow_logs != choices.FLOW_LOGS_S3:
        ignored(
            names.FLOW_LOG_S3_BUCKET_ARN_PARAM, f"{names.FLOW_LOGS_PARAM} is {flow_logs}, not {choices.FLOW_LOGS_S3}"
        )
    if flow_logs != choices.FLOW_LOGS_CLOUDWATCH:
        because = f"{names.FLOW_LOGS_PARAM} is {flow_logs}, not {choices.FLOW_LOGS_CLOUDWATCH}"
        ignored(names.FLOW_LOG_RETENTION_DAYS_PARAM, because)
        # The key also encrypts the default security group function's log group.
        if value(names.RESTRICT_DEFAULT_SECURITY_GROUP_PARAM) != "true":
            restrict = names.RESTRICT_DEFAULT_SECURITY_GROUP_PARAM
            ignored(names.FLOW_LOG_KMS_KEY_ARN_PARAM, f"{because}, and {restrict} is not true: no log group to encrypt")
    source = value(names.IPV6_SOURCE_PARAM)
    if source != choices.IPV6_IPAM:
        ignored(names.IPV6_IPAM_POOL_ID_PARAM, f"{names.IPV6_SOURCE_PARAM} is {source}, not {choices.IPV6_IPAM}")
    return warnings


def _check_ssh_source(cidr: str) -> None:
    name = names.SSH_INGRESS_CIDR_PARAM
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        raise InputError(f"{name}={cidr} is not an IPv4 CIDR block such as 203.0.113.7/32") from None
    if network.prefixlen == 0:
        raise InputError(
            f"{name}={cidr} opens SSH to the whole internet: give the range you connect from, such as your address /32"
        )
    if network.version == 6:
        raise InputError(f"{name}={cidr} is IPv6; SSH is allowed over IPv4 only: give an IPv4 range")
    if str(network) != cidr:
        raise InputError(f"{name}={cidr} has host bits set: the block is {network} (or use /32 for one address)")


#: A KMS key's ARN: ``arn:<partition>:kms:<region>:<account>:key/<id>``.
_KMS_KEY_ARN = re.compile(r"arn:(aws[a-z-]*):kms:([a-z0-9-]+):[0-9]{12}:key/[a-zA-Z0-9-]+")


def _check_kms_key(arn: str, region: str) -> None:
    """CloudWatch Logs uses a key only from the log group's own region ("Encrypt log data in CloudWatch Logs using
    AWS KMS": https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html); a key elsewhere
    fails the log group's creation half-way through the deploy."""
    name = names.FLOW_LOG_KMS_KEY_ARN_PARAM
    found = _KMS_KEY_ARN.fullmatch(arn)
    if found is None:
        raise InputError(f"{name}={arn} is not a KMS key ARN such as arn:aws:kms:{region}:111122223333:key/<key id>")
    if found.group(2) != region:
        raise InputError(
            f"{name}={arn} is a key in {found.group(2)}; CloudWatch Logs needs one in the stack's region, {region}: "
            "create the key (or a multi-Region replica) there"
        )


def _check_flow_log_bucket(arn: str) -> None:
    _, _, path = arn.partition(":::")
    folders = path.split("/")[1:]
    if _RESERVED_S3_FOLDER in folders:
        raise InputError(
            f"{names.FLOW_LOG_S3_BUCKET_ARN_PARAM}={arn}: AWS refuses {_RESERVED_S3_FOLDER} as a folder of a flow "
            "log's S3 prefix (it writes its own AWSLogs/ below the prefix); choose another prefix"
        )


# --- Template files ---------------------------------------------------------------------------------------------


def read_regular_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file; anything else (a directory, a FIFO, a device) is refused without reading it, and
    so is a file larger than ``limit`` bytes."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{shown(path)}: not a regular file ({_kind(info.st_mode)})")
        if limit is not None and info.st_size > limit:
            raise InputError(f"{shown(path)}: {_too_large(info.st_size)}")
        with path.open("rb") as file:
            # Read no more than the limit allows, even if the file grew since stat().
            data = file.read() if limit is None else file.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read {shown(path)}: {exc.strerror}") from None
    if limit is not None and len(data) > limit:
        raise InputError(f"{shown(path)}: {_too_large(len(data))}")
    return data


def _too_large(size: int) -> str:
    return (
        f"not a template CloudFormation takes: {size:,} bytes, and its limit is {limits.TEMPLATE_S3_LIMIT:,} "
        "(a template in S3)"
    )


def load_template(path: Path, *, evaluated: bool = True) -> dict[str, Any]:
    """A JSON or YAML (short or long form) template as a plain dict of long-form intrinsics; refuses, naming the file,
    anything that is not one, or that breaks one of CloudFormation's hard limits. ``evaluated``: for a command that
    evaluates the template, which refuses what the evaluator cannot read (``AWS::LanguageExtensions``)."""
    data = read_regular_file(path, limits.TEMPLATE_S3_LIMIT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{shown(path)}: not a template: not UTF-8 text (byte {exc.start})") from None
    return parse_template(text, shown(path), evaluated=evaluated)


def parse_template(text: str, where: str, *, evaluated: bool = True) -> dict[str, Any]:
    """``load_template`` for text already read; ``where`` names its source in the message."""
    from dualstack.files import cfnyaml

    size = len(text.encode("utf-8"))
    if size > limits.TEMPLATE_S3_LIMIT:
        raise InputError(f"{where}: {_too_large(size)}")
    try:
        template = json.loads(text, object_pairs_hook=_once_each)
    except RecursionError:
        raise InputError(f"{where}: not a template: nested too deeply") from None
    except _DuplicateKeyError as exc:
        raise InputError(f"{where}: not a template: the key {exc.args[0]!r} is given twice in one object") from None
    except ValueError:
        try:
            template = cfnyaml.load(text)
        except cfnyaml.YamlError as exc:
            raise InputError(f"{where}: not a template: neither JSON nor YAML ({exc})") from None
    problem = template_problem(template, evaluated=evaluated)
    if problem:
        raise InputError(f"{where}: {problem}")
    checked: dict[str, Any] = template
    return checked


class _DuplicateKeyError(Exception):
    """A JSON object with a key given twice: ``json`` keeps the last silently; CloudFormation refuses it."""


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKeyError(next(key for i, (key, _) in enumerate(pairs) if key in dict(pairs[:i])))
    return result


#: A template's sections, and a resource's and a parameter's attributes: what cfn-lint's schemas allow
#: (``data/schemas/other/template``, ``resources`` and ``parameters``, ``additionalProperties: false``), SAM's
#: ``Globals``, ``Connectors`` and ``IgnoreGlobals`` among them. Another name is a misspelling that CloudFormation
#: refuses, or ignores (``Condtion``: the resource would be created whatever the condition).
SECTIONS = (
    "AWSTemplateFormatVersion", "Conditions", "Description", "Globals", "Mappings", "Metadata", "Outputs",
    "Parameters", "Resources", "Rules", "Transform",
)  # fmt: skip
RESOURCE_ATTRIBUTES = (
    "Condition", "Connectors", "CreationPolicy", "DeletionPolicy", "DependsOn", "IgnoreGlobals", "Metadata",
    "Properties", "Type", "UpdatePolicy", "UpdateReplacePolicy", "Version",
)  # fmt: skip
PARAMETER_ATTRIBUTES = (
    "AllowedPattern", "AllowedValues", "ConstraintDescription", "Default", "Description", "MaxLength", "MaxValue",
    "MinLength", "MinValue", "NoEcho", "Type",
)  # fmt: skip


#: The sections CloudFormation reads as mappings of named entries, and what each entry must be.
_NAMED_SECTIONS: dict[str, type | tuple[type, ...]] = {
    "Parameters": dict,
    "Mappings": dict,
    "Conditions": (dict, bool),
    "Resources": dict,
    "Outputs": dict,
    "Rules": dict,
}
#: Logical IDs and other names: letters and digits only ("Resources", "Parameters" and "Outputs" sections,
#: CloudFormation User Guide), at most 255 characters (CloudFormation quotas).
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}")
LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"


def _transforms(template: Mapping[str, Any]) -> list[Any]:
    transform = template.get("Transform", [])
    return list(transform) if isinstance(transform, list) else [transform]


def _depth(value: Any) -> int:
    """How deep mappings and lists nest in ``value``, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        if children:
            deepest = max(deepest, depth)
            if deepest > limits.MAX_DEPTH:
                return deepest
            stack.extend((child, depth + 1) for child in children)
    return deepest


def template_problem(template: Any, *, evaluated: bool = True) -> str | None:
    """What makes ``template`` something CloudFormation would not take (its shape, its hard limits), or, with
    ``evaluated``, something this package's evaluator does not read; ``None`` when there is nothing."""
    if not isinstance(template, dict):
        return f"not a template: a {type(template).__name__}, not a mapping of sections"
    if _depth(template) > limits.MAX_DEPTH:
        return f"not a template: nested more than {limits.MAX_DEPTH} deep"
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        return "not a template: it has no Resources"
    unknown = [str(key) for key in template if key not in SECTIONS]
    if unknown:
        return f"not a template: {unknown[0][:80]!r} is not a section CloudFormation reads ({', '.join(SECTIONS)})"
    transforms = _transforms(template)
    expanded = LANGUAGE_EXTENSIONS in transforms or any(str(key).startswith("Fn::ForEach") for key in resources)
    if evaluated and expanded:
        return (
            f"templates that use the {LANGUAGE_EXTENSIONS} transform (Fn::ForEach, Fn::Length, ...) are not "
            "evaluated offline: CloudFormation expands them only when it processes the transform"
        )
    if evaluated and transforms:
        return (
            f"templates with the transform {str(transforms[0])[:80]} are not evaluated offline: CloudFormation "
            "expands it only when it processes the template (lint it with dualstack lint)"
        )
    for section, entry_type in _NAMED_SECTIONS.items():
        entries = template.get(section, {})
        if not isinstance(entries, dict):
            return f"not a template: {section} is a {type(entries).__name__}, not a mapping of named entries"
        limit = limits.SECTION_LIMITS.get(section)
        if limit is not None and len(entries) > limit:
            return f"{len(entries)} {section.lower()}; CloudFormation allows at most {limit}"
        for name, entry in entries.items():
            if section != "Conditions" and not isinstance(entry, entry_type):
                return f"not a template: {section} {name} is a {type(entry).__name__}, not a mapping"
            named = section in ("Resources", "Parameters", "Outputs", "Mappings") and not expanded
            if named and not _LOGICAL_ID.fullmatch(name):
                return f"{section} {name[:80]!r}: a logical ID is 1 to 255 letters and digits"
    for name, resource in resources.items():
        if not isinstance(resource.get("Type"), str):
            return f"not a template: resource {name} has no Type, or one that is not text"
        unknown = [str(key) for key in resource if key not in RESOURCE_ATTRIBUTES]
        if unknown and not expanded:
            attributes = ", ".join(RESOURCE_ATTRIBUTES)
            return f"resource {name}: {unknown[0][:80]!r} is not a resource attribute ({attributes})"
        for key in ("Properties", "Metadata"):
            if not isinstance(resource.get(key, {}), dict):
                return f"not a template: resource {name}: {key} is a {type(resource[key]).__name__}, not a mapping"
    for name, parameter in template.get("Parameters", {}).items():
        if not isinstance(parameter.get("Type"), str):
            return f"not a template: parameter {name} has no Type, or one that is not text"
        unknown = [str(key) for key in parameter if key not in PARAMETER_ATTRIBUTES]
        if unknown:
            attributes = ", ".join(PARAMETER_ATTRIBUTES)
            return f"parameter {name}: {unknown[0][:80]!r} is not a parameter attribute ({attributes})"
        allowed = parameter.get("AllowedValues", [])
        if not isinstance(allowed, list):
            return f"not a template: parameter {name}: AllowedValues is a {type(allowed).__name__}, not a list"
    for name, mapping in template.get("Mappings", {}).items():
        if not all(isinstance(entry, dict) for entry in mapping.values()):
            return f"not a template: mapping {name}: each top-level key holds a mapping of second-level keys"
    return None


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
        stat.S_ISLNK: "a symbolic link",
    }
    return next((kind for test, kind in kinds.items() if test(mode)), "not a regular file")


# --- Files to write ---------------------------------------------------------------------------------------------


def check_output_path(path: str) -> None:
    """A file ``generate.py`` may replace: absent, or a regular file. A symbolic link is refused, not followed: the
    link stays a link, and the file it points to is named in the message for the user to give instead."""
    if not path:
        raise InputError("output path is empty: give a file name, or - for standard output")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise InputError(f"cannot write {shown(path)}: Not a directory") from None
    except OSError as exc:
        raise InputError(f"cannot write {shown(path)}: {exc.strerror}") from None
    if stat.S_ISLNK(mode):
        raise InputError(
            f"cannot write {shown(path)}: it is a symbolic link (to {shown(os.readlink(path))}); "
            "links are not replaced or followed: give the file's own path"
        )
    if stat.S_ISDIR(mode):
        raise InputError(f"cannot write {shown(path)}: it is a directory")
    if not stat.S_ISREG(mode):
        raise InputError(f"cannot write {shown(path)}: it is {_kind(mode)}, not a regular file")


#: What to do with a template over the inline limit, by command.
UPLOAD_HINT = "give an S3 bucket in the stack's region to upload it to (BUCKET=...)"


def template_body(path: Path, *, bucket: str | None = None, hint: str = UPLOAD_HINT) -> tuple[Path, str | None]:
    """The file to send as the template, and a note when it is not ``path``.

    CloudFormation takes a template inline (``TemplateBody``) only up to 51,200 bytes; a larger one must go through
    S3 ("CloudFormation quotas", CloudFormation User Guide). With ``bucket`` the AWS CLI uploads it there. Without
    one, a YAML template over the limit is sent as its JSON twin (the ``.json`` beside it, as ``make template``
    writes both) when that twin is the same template and fits; otherwise the template cannot be deployed inline and
    this says so, before any AWS call."""
    size = path.stat().st_size
    if size <= limits.TEMPLATE_BODY_LIMIT or bucket:
        return path, None
    twin = path.with_suffix(".json")
    over = (
        f"{shown(str(path))} is {size:,} bytes, over CloudFormation's {limits.TEMPLATE_BODY_LIMIT:,}-byte inline limit"
    )
    if path.suffix.lower() in (".yaml", ".yml") and twin.is_file():
        twin_size = twin.stat().st_size
        if twin_size <= limits.TEMPLATE_BODY_LIMIT and load_template(twin) == load_template(path):
            return twin, f"{over}: sending its JSON twin {shown(str(twin))} ({twin_size:,} bytes), the same template"
    raise InputError(f"{over}: {hint}")

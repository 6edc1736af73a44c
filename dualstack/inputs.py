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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import names


class InputError(Exception):
    """Bad input: the message names the input and the problem."""


class Parser(argparse.ArgumentParser):
    """An argument parser that raises ``InputError`` instead of printing its usage and exiting, so that a command
    reports a wrong option as it reports any other bad input: one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise InputError(message)


def shown(path: str | os.PathLike[str]) -> str:
    """``path`` as text any terminal can print: bytes that are not UTF-8 become ``\\xfc`` escapes.

    File names are bytes; Python decodes undecodable ones to lone surrogates,
    which a strict UTF-8 standard output or error refuses to encode.
    """
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


# --- Stack names and regions ------------------------------------------------------------------------------------

#: What CloudFormation accepts as a stack name (``CreateStack``'s ``StackName``).
STACK_NAME_PATTERN = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")
STACK_NAME_MAX = 128


def check_stack_name(name: str) -> str:
    if not name:
        raise InputError("stack name is empty: give one such as edge-vpc")
    if len(name) > STACK_NAME_MAX:
        raise InputError(f"stack name is {len(name)} characters long; CloudFormation allows at most {STACK_NAME_MAX}")
    if not STACK_NAME_PATTERN.fullmatch(name):
        raise InputError(
            f"stack name {name!r} is not one CloudFormation accepts: a letter, then letters, digits and hyphens"
        )
    return name


def known_regions() -> list[str]:
    """The regions in the pinned cfn-lint's offline data (a region newer than the pin needs a newer pin); where
    cfn-lint is not installed (a runtime-only environment), those botocore's offline endpoint data lists for
    CloudFormation."""
    try:
        from cfnlint.helpers import REGIONS
    except ImportError:
        import botocore.session

        session = botocore.session.get_session()
        partitions = session.get_available_partitions()
        return sorted({r for p in partitions for r in session.get_available_regions("cloudformation", p)})
    return list(REGIONS)


def check_region(region: str) -> str:
    regions = known_regions()
    if region not in regions:
        near = [r for r in regions if r.replace("-", "") == region.replace("-", "")]
        hint = f"; did you mean {near[0]}?" if near else " (such as eu-west-1)"
        raise InputError(f"unknown region {region!r}{hint}")
    return region


# --- Key=Value parameters ---------------------------------------------------------------------------------------


def parse_assignments(items: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """``Key=Value`` words, as ``aws cloudformation deploy --parameter-overrides`` takes them.

    Returns the parameters and warnings: a key given twice keeps its last value, as the AWS CLI does.
    """
    parameters: dict[str, str] = {}
    warnings = []
    for item in items:
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


def _given(parameters: Mapping[str, str], name: str) -> str | None:
    value = parameters.get(name)
    return value if value else None


def check_parameters(parameters: Mapping[str, str], template: Mapping[str, Any]) -> list[str]:
    """Mistakes CloudFormation would only report during a deploy, or never: raises ``InputError`` for the first;
    returns warnings for values that are valid but ignored with the other choices."""
    declared = template.get("Parameters") or {}

    def value(name: str) -> str:
        if name in parameters:
            return parameters[name]
        default = (declared.get(name) or {}).get("Default", "")
        return str(default)

    ssh = _given(parameters, names.SSH_INGRESS_CIDR_PARAM)
    if ssh is not None:
        _check_ssh_source(ssh)
    image = _given(parameters, names.TEST_INSTANCE_IMAGE_PARAM)
    if image is not None and _AMI_ID.fullmatch(image):
        raise InputError(
            f"{names.TEST_INSTANCE_IMAGE_PARAM}={image} is an AMI ID; it takes the path of an SSM parameter that "
            "holds one, such as /aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id"
        )
    instance_type = value(names.TEST_INSTANCE_TYPE_PARAM)
    arm64 = _ARM64_FAMILY.fullmatch(instance_type.partition(".")[0])
    if names.TEST_INSTANCE_TYPE_PARAM in declared and arm64 and "/arm64/" not in value(names.TEST_INSTANCE_IMAGE_PARAM):
        raise InputError(
            f"{names.TEST_INSTANCE_TYPE_PARAM}={instance_type} is an arm64 (Graviton) type and "
            f"{names.TEST_INSTANCE_IMAGE_PARAM} names an amd64 AMI: choose an x86_64 type such as t3.micro, "
            "or the arm64 AMI's SSM parameter (.../arm64/...)"
        )
    bucket = _given(parameters, names.FLOW_LOG_S3_BUCKET_ARN_PARAM)
    if bucket is not None:
        _check_flow_log_bucket(bucket)

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
    if flow_logs != "S3":
        ignored(names.FLOW_LOG_S3_BUCKET_ARN_PARAM, f"{names.FLOW_LOGS_PARAM} is {flow_logs}, not S3")
    if flow_logs != "CloudWatchLogs":
        ignored(names.FLOW_LOG_RETENTION_DAYS_PARAM, f"{names.FLOW_LOGS_PARAM} is {flow_logs}, not CloudWatchLogs")
    source = value(names.IPV6_SOURCE_PARAM)
    if source != "Ipam":
        ignored(names.IPV6_IPAM_POOL_ID_PARAM, f"{names.IPV6_SOURCE_PARAM} is {source}, not Ipam")
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


def _check_flow_log_bucket(arn: str) -> None:
    _, _, path = arn.partition(":::")
    folders = path.split("/")[1:]
    if _RESERVED_S3_FOLDER in folders:
        raise InputError(
            f"{names.FLOW_LOG_S3_BUCKET_ARN_PARAM}={arn}: AWS refuses {_RESERVED_S3_FOLDER} as a folder of a flow "
            "log's S3 prefix (it writes its own AWSLogs/ below the prefix); choose another prefix"
        )


# --- Template files ---------------------------------------------------------------------------------------------


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file; anything else (a directory, a FIFO, a device) is refused without reading it."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{shown(path)}: not a regular file ({_kind(mode)})")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {shown(path)}: {exc.strerror}") from None


def load_template(path: Path) -> dict[str, Any]:
    """A JSON or YAML (short or long form) template as a plain dict of long-form intrinsics; refuses, naming the file,
    anything that is not one."""
    data = read_regular_file(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{shown(path)}: not a template: not UTF-8 text (byte {exc.start})") from None
    return parse_template(text, shown(path))


def parse_template(text: str, where: str) -> dict[str, Any]:
    """``load_template`` for text already read; ``where`` names its source in the message."""
    import cfn_flip
    import yaml

    try:
        template = json.loads(text)
    except ValueError:
        try:
            # Through JSON text: the short-form tags (!Ref) become their long form ({"Ref": ...}).
            template = json.loads(cfn_flip.to_json(text))
        except (yaml.YAMLError, ValueError, TypeError):
            raise InputError(f"{where}: not a template: neither JSON nor YAML{_yaml_problem(text)}") from None
    if not isinstance(template, dict):
        raise InputError(f"{where}: not a template: a {type(template).__name__}, not a mapping of sections")
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise InputError(f"{where}: not a template: it has no Resources")
    return template


def _yaml_problem(text: str) -> str:
    """Where YAML parsing stops, for the message (composing builds no objects, so unknown tags such as !Ref pass)."""
    import yaml

    try:
        yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not YAML"
        return f" ({problem}" + (f" at line {mark.line + 1})" if mark is not None else ")")
    return ""


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

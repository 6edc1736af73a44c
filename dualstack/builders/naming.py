"""The troposphere objects made from the model's names: a resource's logical ID, export names and ``Name`` tags."""

from __future__ import annotations

from troposphere import BaseAWSObject, Sub, Tags

from dualstack.model import names


def logical_id(item: BaseAWSObject) -> str:
    """The logical ID of a resource, parameter or output made with one (troposphere types it as optional)."""
    if item.title is None:
        raise ValueError(f"{type(item).__name__} has no logical ID")
    return item.title


def export_name(key: str) -> Sub:
    """Every output is exported as ``${AWS::StackName}-<OutputKey>``."""
    return Sub(f"${{AWS::StackName}}-{key}")


def name_tags(suffix: str = "", *, inbound: bool = False) -> Tags:
    """A fresh ``Name`` tag built from the stack name (troposphere's ``Tags + Tags`` mutates, so never share); with
    ``inbound``, also the tag of a subnet meant to take IPv6 from the internet (``names.IPV6_INBOUND_TAG``)."""
    text = "${AWS::StackName}" + (f"-{suffix}" if suffix else "")
    if inbound:
        key, value = names.IPV6_INBOUND_TAG
        return Tags({key: value, "Name": Sub(text)})
    return Tags(Name=Sub(text))

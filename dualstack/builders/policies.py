"""IAM policy documents of the template's roles: one statement that allows, each.

Actions are named with ``awacs.aws.Action`` rather than the constants of ``awacs.ec2``, ``awacs.logs`` or
``awacs.sts``, modules that define every action of their service at import; cfn-lint (rule W3037, run on every
shipped template) checks that each name exists.
"""

from __future__ import annotations

from typing import Any

from awacs.aws import Action, Allow, Condition, PolicyDocument, Principal, Statement

VERSION = "2012-10-17"


def allow(service: str, actions: list[str], resources: list[Any]) -> PolicyDocument:
    """``service``'s ``actions`` on ``resources``, and nothing else."""
    return PolicyDocument(
        Version=VERSION,
        Statement=[Statement(Effect=Allow, Action=[Action(service, name) for name in actions], Resource=resources)],
    )


def combined(*documents: PolicyDocument) -> PolicyDocument:
    """One document of the statements of ``documents``: a role's single policy, where each is small."""
    return PolicyDocument(Version=VERSION, Statement=[s for d in documents for s in d.properties["Statement"]])


def trust(principal: str, condition: Condition | None = None) -> PolicyDocument:
    """Who may assume the role: the AWS service ``principal`` (``ec2.amazonaws.com``), under ``condition`` if any."""
    extra = {} if condition is None else {"Condition": condition}
    return PolicyDocument(
        Version=VERSION,
        Statement=[
            Statement(
                Effect=Allow, Principal=Principal("Service", principal), Action=[Action("sts", "AssumeRole")], **extra
            )
        ],
    )

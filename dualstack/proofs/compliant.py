"""The compliant parameter set, and each shipped template rendered for it with literal values, for scanners.

Scanners that read a template without deploying it (checkov, cfn-guard with AWS Control
Tower's proactive-control rules) cannot evaluate parameters, conditions or ``Fn::If``:
a log group's ``KmsKeyId: !If [...]`` or ``RetentionInDays: !Ref ...`` fails a rule that
the deployed values pass. So ``make scan`` scans what CloudFormation would create for the
compliant parameter set: the project's evaluator (``evaluate.py``) resolves parameters,
conditions and intrinsic functions, keeps only the resources that exist, and references
between resources are written back as ``Ref``, ``Fn::GetAtt`` and ``Fn::Sub`` so that
scanners still see which resource uses which.

    dualstack compliant build/scan      # one JSON file per scanned parameter set (commands/compliant.py)

Besides the compliant set for every shipped template, the public template is rendered with the
test instance on (SSH from one range), so that its security group rule is scanned too; that set
is not compliant (CT.EC2.PR.8 refuses an instance with a public IPv4 address, which the test
instance needs) and ``scan/checkov.yaml`` says which check it fails by design.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from dualstack.model import choices, names
from dualstack.model.spec import SHIPPED
from dualstack.proofs.evaluate import evaluate

#: The parameter set under which every shipped template deploys with AWS Control Tower's proactive controls for
#: VPC, EC2 and CloudWatch Logs turned on, as far as their rules can be evaluated offline. The key is an example:
#: use your own, with the key policy the README gives.
COMPLIANT = {
    names.FLOW_LOGS_PARAM: choices.FLOW_LOGS_CLOUDWATCH,
    names.FLOW_LOG_RETENTION_DAYS_PARAM: "365",
    names.FLOW_LOG_KMS_KEY_ARN_PARAM: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    names.RESTRICT_DEFAULT_SECURITY_GROUP_PARAM: choices.TRUE,
    names.CREATE_TEST_INSTANCE_PARAM: choices.FALSE,
}
#: The test instance on, SSH from one range: scanned, but not compliant (see above).
WITH_TEST_INSTANCE = {
    **COMPLIANT,
    names.CREATE_TEST_INSTANCE_PARAM: choices.TRUE,
    names.SSH_INGRESS_CIDR_PARAM: "203.0.113.7/32",
}
#: The compliant set with every private-access option on (docs/private-access.md): their security groups, endpoints
#: and encryption control are scanned too.
WITH_PRIVATE_ACCESS = {
    **COMPLIANT,
    names.INTERFACE_ENDPOINTS_PARAM: choices.INTERFACE_ENDPOINTS_SESSION_MANAGER,
    names.INSTANCE_CONNECT_PARAM: choices.TRUE,
    names.ENCRYPTION_CONTROL_PARAM: choices.ENCRYPTION_ENFORCE,
}
REGION = "us-east-1"


def scans() -> tuple[tuple[str, str, dict[str, str]], ...]:
    """``(output file stem, shipped template, parameters)`` for each rendering ``make scan`` scans."""
    return (
        *((spec.name, spec.name, COMPLIANT) for spec in SHIPPED),
        (f"{SHIPPED[0].name}-test-instance", SHIPPED[0].name, WITH_TEST_INSTANCE),
        (f"{SHIPPED[1].name}-private-access", SHIPPED[1].name, WITH_PRIVATE_ACCESS),
    )


_PLACEHOLDER = re.compile(r"<([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?>")
_KEPT = ("DeletionPolicy", "UpdateReplacePolicy")


def _restore(value: Any, resources: Sequence[str]) -> Any:
    """The evaluator's placeholders (``<Vpc>``, ``<FlowLogRole.Arn>``) as the references they stand for."""
    if isinstance(value, list):
        return [_restore(v, resources) for v in value]
    if isinstance(value, dict):
        return {k: _restore(v, resources) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    whole = _PLACEHOLDER.fullmatch(value)
    if whole and whole.group(1) in resources:
        name, attribute = whole.groups()
        return {"Ref": name} if attribute is None else {"Fn::GetAtt": [name, attribute]}
    if not any(m.group(1) in resources for m in _PLACEHOLDER.finditer(value)):
        return value

    def sub(match: re.Match[str]) -> str:
        if match.group(1) not in resources:
            return match.group(0)
        return "${" + match.group(0)[1:-1] + "}"

    return {"Fn::Sub": _PLACEHOLDER.sub(sub, value.replace("${", "${!"))}


def render_compliant(template: Mapping[str, Any], parameters: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``template`` as CloudFormation would create it for ``parameters`` (default: ``COMPLIANT``): no Parameters,
    Conditions or Rules, only the resources that exist, every property a literal or a reference."""
    deployment = evaluate(template, COMPLIANT if parameters is None else parameters, region=REGION)
    names = list(deployment.resources)
    resources: dict[str, Any] = {}
    for name, resource in deployment.resources.items():
        rendered: dict[str, Any] = {"Type": resource["Type"]}
        if resource["DependsOn"]:
            rendered["DependsOn"] = resource["DependsOn"]
        rendered["Properties"] = _restore(resource["Properties"], names)
        for key in _KEPT:
            if key in template["Resources"][name]:
                rendered[key] = template["Resources"][name][key]
        resources[name] = rendered
    return {
        "AWSTemplateFormatVersion": template.get("AWSTemplateFormatVersion", "2010-09-09"),
        "Description": template.get("Description", ""),
        "Resources": resources,
    }

"""A DynamoDB gateway endpoint with an address type other than IPv4."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import branches, dedupe, properties


def _names_dynamodb(service: Any) -> bool:
    """Whether a ServiceName is DynamoDB's: ``com.amazonaws.<region>.dynamodb``, literal or through Fn::Sub or
    Fn::Join."""
    for value in branches(service):
        if isinstance(value, dict) and "Fn::Sub" in value:
            value = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
        if isinstance(value, dict) and "Fn::Join" in value:
            # [".", [com.amazonaws, {Ref: AWS::Region}, dynamodb]]: the last piece, after its delimiter, is the name.
            arg = value["Fn::Join"]
            delimiter, parts = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else ("", [])
            last = parts[-1] if isinstance(parts, list) and parts and isinstance(delimiter, str) else None
            value = f"{delimiter}{last}" if isinstance(last, str) else ""
        if isinstance(value, str) and value.rstrip().endswith(".dynamodb"):
            return True
    return False


class DynamoDbGatewayEndpointNotIpv4(CloudFormationLintRule):
    """10. A DynamoDB gateway endpoint asked for IPv6."""

    id = "E9610"
    shortdesc = "A DynamoDB gateway endpoint's IpAddressType must be ipv4"
    description = (
        "Gateway endpoints for DynamoDB support only IPv4 (AWS PrivateLink guide, 'Gateway endpoints for Amazon "
        "DynamoDB'); an AWS::EC2::VPCEndpoint of type Gateway for DynamoDB with IpAddressType dualstack or ipv6 "
        "is refused. DynamoDB over IPv6 leaves through the subnet's ::/0 route."
    )
    source_url = "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html"
    tags = ["dualstack", "ipv6", "endpoints"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, endpoint in cfn.get_resources("AWS::EC2::VPCEndpoint").items():
            props = properties(endpoint)
            if any(kind not in ("Gateway", None) for kind in branches(props.get("VpcEndpointType"))):
                continue  # an interface endpoint: DynamoDB's takes IPv6 there
            if not _names_dynamodb(props.get("ServiceName")):
                continue
            for value in branches(props.get("IpAddressType", "ipv4")):
                if isinstance(value, str) and value != "ipv4":
                    message = (
                        f"{name} is a DynamoDB gateway endpoint with IpAddressType {value}: gateway endpoints for "
                        "DynamoDB support only IPv4; use ipv4 (DynamoDB over IPv6 takes the ::/0 route)"
                    )
                    matches.append(RuleMatch(["Resources", name, "Properties", "IpAddressType"], message))
        return dedupe(matches)

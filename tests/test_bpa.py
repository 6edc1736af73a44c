"""Block Public Access exclusions: one per public subnet in use, in the mode asked for, none by default."""

from __future__ import annotations

from typing import Any

import pytest

from dualstack import SHIPPED, TemplateSpec
from dualstack.proofs.evaluate import evaluate

from .conftest import LARGEST, az_params, rendered

SPECS = (*SHIPPED, LARGEST)


def _exclusions(spec: TemplateSpec, choices: dict[str, str]) -> dict[str, dict[str, Any]]:
    deployment = evaluate(rendered(spec), choices, region="us-east-1")
    return {k: v["Properties"] for k, v in deployment.of_type("AWS::EC2::VPCBlockPublicAccessExclusion").items()}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_no_exclusion_by_default(spec: TemplateSpec) -> None:
    parameter = rendered(spec)["Parameters"]["BlockPublicAccessExclusion"]
    assert parameter["Default"] == "None"
    assert parameter["AllowedValues"] == ["None", "AllowBidirectional", "AllowEgress"]
    assert _exclusions(spec, {}) == {}


@pytest.mark.parametrize("choice", ["AllowBidirectional", "AllowEgress"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_public_subnet_in_use_and_only_those_is_excluded_in_the_chosen_mode(
    spec: TemplateSpec, choice: str
) -> None:
    mode = {"AllowBidirectional": "allow-bidirectional", "AllowEgress": "allow-egress"}[choice]
    for azs in range(1, spec.max_azs + 1):
        choices = {"BlockPublicAccessExclusion": choice, **az_params(spec, azs)}
        deployment = evaluate(rendered(spec), choices, region="us-east-1")
        # Public and edge: IPv4 to and from the internet through the Internet Gateway.
        public = {
            k
            for k in deployment.of_type("AWS::EC2::Subnet")
            if deployment.routes_of(k).get("0.0.0.0/0") == "InternetGateway"
        }
        assert len(public) == azs * len({"public", "edge"} & {kind.name for kind in spec.tiers})
        exclusions = _exclusions(spec, choices)
        assert sorted(e["SubnetId"] for e in exclusions.values()) == sorted(f"<{s}>" for s in public)
        assert {e["InternetGatewayExclusionMode"] for e in exclusions.values()} == {mode}
        assert not [e for e in exclusions.values() if "VpcId" in e], "the VPC itself stays covered"

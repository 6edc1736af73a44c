"""A subnet whose instances get IPv6 addresses while its route table sends ::/0 to an Internet Gateway."""

from __future__ import annotations

import ipaddress
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from dualstack.lint_rules._helpers import (
    dedupe,
    marked_for_ipv6_inbound,
    may_overlap,
    properties,
    ref_target,
    scenario_text,
    subnets_turned_on,
    type_of,
)
from dualstack.model.names import IPV6_INBOUND_TAG

#: What gives a subnet's instances IPv6 addresses of their own: either makes them reachable where ::/0 goes to an
#: Internet Gateway, whatever MapPublicIpOnLaunch says about IPv4.
IPV6_ADDRESSING = ("AssignIpv6AddressOnCreation", "Ipv6Native")


#: Where every address the internet can reach an instance from lies (IANA's IPv6 global unicast allocation).
GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


def _may_reach_the_internet(route: dict[str, Any]) -> bool:
    """A route that can send global unicast through a gateway: only those decide the rule."""
    props = properties(route)
    return "GatewayId" in props and may_overlap(props.get("DestinationIpv6CidrBlock"), str(GLOBAL_UNICAST))


class SubnetIpv6Exposed(CloudFormationLintRule):
    """8. A subnet whose instances' IPv6 addresses the internet can reach."""

    id = "I9608"
    shortdesc = "A subnet that gives instances IPv6 addresses and sends ::/0 to an Internet Gateway exposes them"
    description = (
        "Instances in a subnet that assigns them IPv6 addresses (AssignIpv6AddressOnCreation or Ipv6Native) and "
        "whose route table sends ::/0 (or a block of global unicast, 2000::/3) to an Internet Gateway can be reached "
        "at those addresses from the whole "
        "internet unless their security groups hold, whether or not the subnet maps public IPv4. Where IPv6 only "
        "needs to go out, route ::/0 to an AWS::EC2::EgressOnlyInternetGateway. A subnet meant to take IPv6 from "
        f"the internet (load balancers) says so with the tag {IPV6_INBOUND_TAG[0]}={IPV6_INBOUND_TAG[1]} and is "
        "not reported. Informational: it may be deliberate."
    )
    source_url = "https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html"
    tags = ["dualstack", "ipv6", "exposure"]

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, routing, scenario, addressing in subnets_turned_on(
            cfn, IPV6_ADDRESSING, skip=marked_for_ipv6_inbound, keep=_may_reach_the_internet
        ):
            for route, props in routing.routes(scenario):
                target = ref_target(props.get("GatewayId"))
                destination = props.get("DestinationIpv6CidrBlock")
                if not isinstance(destination, str) or type_of(cfn, target) != "AWS::EC2::InternetGateway":
                    continue
                # ::/0, or any block of global unicast (2000::/3 and the narrower ones inside it): longest prefix
                # wins. A destination that is no address block is cfn-lint's own rules' to report.
                if not may_overlap(destination, str(GLOBAL_UNICAST)):
                    continue
                message = (
                    f"{name} gives its instances IPv6 addresses ({addressing[0]}) and {route} sends {destination} to "
                    f"{target}{scenario_text(scenario)}: they are reachable from the internet unless their "
                    "security groups hold; route ::/0 to an egress-only gateway, or tag the subnet "
                    f"{IPV6_INBOUND_TAG[0]}={IPV6_INBOUND_TAG[1]} if it is meant to take IPv6 from the internet"
                )
                matches.append(RuleMatch(["Resources", name, "Properties", addressing[0]], message))
        return dedupe(matches)

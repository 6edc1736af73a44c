"""The values of every deploy-time choice, stated once: the builders offer them as ``AllowedValues``, and the
checks, the plan's table and the compliant set name them from here. The choices routing depends on
(``PublicIpv6Routing``, ``NatGateways``, ``MapPublicIpv4OnLaunch``) are declared with the tier kinds (``kinds.py``).
"""

from __future__ import annotations

from dualstack.model import kinds

EGRESS_ONLY, BIDIRECTIONAL = kinds.PUBLIC_IPV6_ROUTING.values
NAT_NONE, NAT_SINGLE, NAT_PER_AZ, NAT_REGIONAL = kinds.NAT_GATEWAYS.values
FLOW_LOGS_NONE, FLOW_LOGS_CLOUDWATCH, FLOW_LOGS_S3 = "None", "CloudWatchLogs", "S3"
IPV6_AMAZON, IPV6_IPAM = "Amazon", "Ipam"
IPV4_STATIC, IPV4_IPAM = "Static", "Ipam"
#: A tier's subnets fill their slot (``SubnetPrefixLength``).
SAME_SIZE = "Same"
ENDPOINTS_NONE, ENDPOINTS_S3_DYNAMODB = "None", "S3AndDynamoDB"
#: ``InterfaceEndpoints``: none, or the three Session Manager needs (``kinds.INTERFACE_ENDPOINTS``).
INTERFACE_ENDPOINTS_NONE, INTERFACE_ENDPOINTS_SESSION_MANAGER = "None", "SessionManager"
#: ``EncryptionControl``: no VPC encryption control, or one in monitor or enforce mode (``ENCRYPTION_MODES``).
ENCRYPTION_NONE, ENCRYPTION_MONITOR, ENCRYPTION_ENFORCE = "None", "Monitor", "Enforce"
#: The ``Mode`` of ``AWS::EC2::VPCEncryptionControl`` each value asks for.
ENCRYPTION_MODES = {ENCRYPTION_MONITOR: "monitor", ENCRYPTION_ENFORCE: "enforce"}
#: The text of a true or false choice (``RestrictDefaultSecurityGroup``, ``CreateTestInstance``).
TRUE, FALSE = "true", "false"

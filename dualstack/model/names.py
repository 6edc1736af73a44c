"""Logical IDs, tags and export names: made here and nowhere else.

Logical IDs are part of every deployed stack: renaming one makes CloudFormation
replace the resource. ``tests/test_names.py`` pins them.
"""

from __future__ import annotations

from dualstack.model import kinds
from dualstack.model.kinds import Target, TierKind
from dualstack.model.kinds import az_letter as az_letter

# Resources that exist once per template.
VPC = "Vpc"
VPC_IPV6_CIDR_BLOCK = "VpcIpv6CidrBlock"
INTERNET_GATEWAY = Target.INTERNET_GATEWAY.value
INTERNET_GATEWAY_ATTACHMENT = "InternetGatewayAttachment"
EGRESS_ONLY_INTERNET_GATEWAY = Target.EGRESS_ONLY_INTERNET_GATEWAY.value
REGIONAL_NAT_GATEWAY = Target.REGIONAL_NAT_GATEWAY.value

# Gateway endpoints are named in kinds.GATEWAY_ENDPOINTS, which make verify reads too.

FLOW_LOG = "FlowLog"
FLOW_LOG_GROUP = "FlowLogGroup"
FLOW_LOG_ROLE = "FlowLogRole"
FLOW_LOG_BYTES_QUERY = "FlowLogBytesQuery"
FLOW_LOG_INBOUND_IPV6_QUERY = "FlowLogInboundIpv6Query"

DEFAULT_SECURITY_GROUP_RULES = "DefaultSecurityGroupRules"
DEFAULT_SECURITY_GROUP_FUNCTION = "DefaultSecurityGroupFunction"
DEFAULT_SECURITY_GROUP_ROLE = "DefaultSecurityGroupRole"
DEFAULT_SECURITY_GROUP_LOG_GROUP = "DefaultSecurityGroupLogGroup"

INTERFACE_ENDPOINT_SECURITY_GROUP = "InterfaceEndpointSecurityGroup"
INSTANCE_CONNECT_ENDPOINT = "InstanceConnectEndpoint"
INSTANCE_CONNECT_SECURITY_GROUP = "InstanceConnectSecurityGroup"
ENCRYPTION_CONTROL = "VpcEncryptionControl"
FLOW_LOG_UNENCRYPTED_QUERY = "FlowLogUnencryptedQuery"

TEST_INSTANCE = "TestInstance"
TEST_INSTANCE_SECURITY_GROUP = "TestInstanceSecurityGroup"
TEST_INSTANCE_SSH_INGRESS = "TestInstanceSshIngress"
TEST_INSTANCE_INSTANCE_CONNECT_INGRESS = "TestInstanceInstanceConnectIngress"
TEST_INSTANCE_ROLE = "TestInstanceRole"
TEST_INSTANCE_PROFILE = "TestInstanceProfile"

# Parameters.
VPC_CIDR_BLOCK_PARAM = "VpcCidrBlock"
SUBNET_PREFIX_LENGTH_PARAM = "SubnetPrefixLength"
AZ_COUNT_PARAM = "AzCount"
IPV4_SOURCE_PARAM = "Ipv4Source"
IPV4_IPAM_POOL_ID_PARAM = "Ipv4IpamPoolId"
IPV4_NETMASK_LENGTH_PARAM = "Ipv4NetmaskLength"
IPV6_SOURCE_PARAM = "Ipv6Source"
IPV6_IPAM_POOL_ID_PARAM = "Ipv6IpamPoolId"
PUBLIC_IPV6_ROUTING_PARAM = kinds.PUBLIC_IPV6_ROUTING.parameter
NAT_GATEWAYS_PARAM = kinds.NAT_GATEWAYS.parameter
MAP_PUBLIC_IPV4_PARAM = kinds.MAP_PUBLIC_IPV4.parameter
GATEWAY_ENDPOINTS_PARAM = "GatewayEndpoints"
FLOW_LOGS_PARAM = "FlowLogs"
FLOW_LOG_RETENTION_DAYS_PARAM = "FlowLogRetentionDays"
FLOW_LOG_S3_BUCKET_ARN_PARAM = "FlowLogS3BucketArn"
FLOW_LOG_KMS_KEY_ARN_PARAM = "FlowLogKmsKeyArn"
FLOW_LOG_AGGREGATION_SECONDS_PARAM = "FlowLogAggregationSeconds"
RESTRICT_DEFAULT_SECURITY_GROUP_PARAM = "RestrictDefaultSecurityGroup"
BPA_EXCLUSION_PARAM = "BlockPublicAccessExclusion"
INTERFACE_ENDPOINTS_PARAM = "InterfaceEndpoints"
INSTANCE_CONNECT_PARAM = "CreateInstanceConnectEndpoint"
ENCRYPTION_CONTROL_PARAM = "EncryptionControl"
CREATE_TEST_INSTANCE_PARAM = "CreateTestInstance"
TEST_INSTANCE_TYPE_PARAM = "TestInstanceType"
TEST_INSTANCE_IMAGE_PARAM = "TestInstanceImageId"
#: Canonical's public SSM parameter for the current Ubuntu 24.04 LTS amd64 AMI, in every region.
UBUNTU_AMI_PARAMETER = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
KEY_NAME_PARAM = "KeyName"
SSH_INGRESS_CIDR_PARAM = "SshIngressCidr"

#: The console form's group of the options that reach instances without NAT or public IPv4.
PRIVATE_ACCESS_GROUP = "Private access"

# Conditions on those parameters.
IPV4_FROM_IPAM = "Ipv4FromIpam"
IPV6_FROM_IPAM = "Ipv6FromIpam"
PUBLIC_IPV6_EGRESS_ONLY = "PublicIpv6EgressOnly"
HAS_NAT_GATEWAYS = "HasNatGateways"
HAS_ZONAL_NAT_GATEWAYS = "HasZonalNatGateways"
NAT_GATEWAY_REGIONAL = "NatGatewayRegional"
MAP_PUBLIC_IPV4 = "MapPublicIpv4OnLaunch"
HAS_GATEWAY_ENDPOINTS = "HasGatewayEndpoints"
NAT_GATEWAY_PER_AZ = "NatGatewayPerAz"
HAS_FLOW_LOGS = "HasFlowLogs"
FLOW_LOGS_TO_CLOUDWATCH_LOGS = "FlowLogsToCloudWatchLogs"
HAS_FLOW_LOG_KMS_KEY = "HasFlowLogKmsKey"
FLOW_LOGS_ENCRYPTION_QUERY = "FlowLogsEncryptionQuery"
DEFAULT_SECURITY_GROUP_RESTRICTED = "DefaultSecurityGroupRestricted"
HAS_BPA_EXCLUSION = "HasBlockPublicAccessExclusion"
BPA_BIDIRECTIONAL = "BlockPublicAccessAllowBidirectional"
CREATE_TEST_INSTANCE = "CreateTestInstance"
HAS_INTERFACE_ENDPOINTS = "HasSessionManagerEndpoints"
HAS_INSTANCE_CONNECT = "HasInstanceConnectEndpoint"
HAS_ENCRYPTION_CONTROL = "HasEncryptionControl"
ENCRYPTION_CONTROL_AVAILABLE = "EncryptionControlAvailable"
ENCRYPTION_CONTROL_UNAVAILABLE = "EncryptionControlUnavailable"
ENCRYPTION_ENFORCED = "EncryptionControlEnforced"
HAS_KEY_NAME = "HasKeyName"
HAS_SSH_INGRESS_CIDR = "HasSshIngressCidr"
TEST_INSTANCE_SSH = "TestInstanceSsh"
TEST_INSTANCE_INSTANCE_CONNECT = "TestInstanceInstanceConnect"

#: The tag of a subnet meant to take IPv6 from the internet (load balancers): lint rule I9608 does not report it.
IPV6_INBOUND_TAG = ("dualstack:ipv6-inbound", "intended")

# Mappings.
SUBNET_SIZES_MAPPING = "SubnetSizes"
#: Each allowed FlowLogRetentionDays as an integer, under ``Days``: a Ref to a parameter is text, and AWS Control
#: Tower's guard rule for CT.CLOUDWATCH.PR.2 compares RetentionInDays with the integer 365.
LOG_RETENTION_MAPPING = "LogRetention"
LOG_RETENTION_KEY = "Days"
IPV4_CIDR_BITS = "Ipv4CidrBits"


def tier_prefix(tier: TierKind) -> str:
    """``Public`` for the public tier: the first word of each of its logical IDs (from the table of kinds)."""
    return tier.prefix


def tier_resource(tier: TierKind, kind: str, az_index: int | None = None) -> str:
    """``{Tier}{Kind}{AZ}``: ``PublicSubnetA``, ``PublicRouteTable``, ``PublicIpv6DefaultRoute``."""
    suffix = "" if az_index is None else az_letter(az_index)
    return f"{tier_prefix(tier)}{kind}{suffix}"


def tier_prefix_length_param(tier: TierKind) -> str:
    """``PrivateSubnetPrefixLength``: a tier's own subnet size."""
    return f"{tier_prefix(tier)}SubnetPrefixLength"


def az_condition(az_index: int) -> str:
    """Condition that holds when the stack uses the AZ at this index (never made for the first)."""
    return f"HasAz{az_letter(az_index)}"


def nat_gateway(az_index: int) -> str:
    return Target.NAT_GATEWAY.logical_id(az_index)


def nat_gateway_eip(az_index: int) -> str:
    return f"NatGatewayEip{az_letter(az_index)}"


def nat_gateway_condition(az_index: int) -> str:
    """Condition under which the NAT gateway of this AZ exists: the first AZ's whenever there are zonal ones."""
    return HAS_ZONAL_NAT_GATEWAYS if az_index == 0 else f"HasNatGateway{az_letter(az_index)}"


def nat_route_condition(az_index: int) -> str:
    """Condition under which this AZ's subnets route IPv4 through a NAT gateway (zonal or regional)."""
    return HAS_NAT_GATEWAYS if az_index == 0 else f"HasNatRoute{az_letter(az_index)}"


def nat64_route_condition(az_index: int) -> str:
    """Condition under which this AZ's subnets route NAT64 through a zonal NAT gateway (own or first AZ's)."""
    return HAS_ZONAL_NAT_GATEWAYS if az_index == 0 else f"HasNat64Route{az_letter(az_index)}"


def public_bpa_exclusion(az_index: int) -> str:
    """The Block Public Access exclusion of the public subnet in this AZ: ``PublicBpaExclusionA``."""
    return tier_resource(TierKind.PUBLIC, "BpaExclusion", az_index)


def bpa_exclusion_condition(az_index: int) -> str:
    """Condition under which the public subnet of this AZ (never the first) has an exclusion."""
    return f"HasBlockPublicAccessExclusion{az_letter(az_index)}"


def output_key(logical_id: str) -> str:
    """Output key for a resource's ID: ``PublicSubnetA`` -> ``PublicSubnetAId``."""
    return f"{logical_id}Id"


def tier_ids_output_key(tier: TierKind, kind: str) -> str:
    """Output key for the IDs of a tier's resources of one kind, comma-separated: ``PublicSubnetIds``,
    ``PrivateRouteTableIds``."""
    return f"{tier_prefix(tier)}{kind}Ids"


#: The outputs ``make verify`` needs of every stack: what it checks the rest against.
VPC_ID_OUTPUT = output_key(VPC)
INTERNET_GATEWAY_ID_OUTPUT = output_key(INTERNET_GATEWAY)
EGRESS_ONLY_INTERNET_GATEWAY_ID_OUTPUT = output_key(EGRESS_ONLY_INTERNET_GATEWAY)

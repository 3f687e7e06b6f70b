"""WIR008: a Lambda function in a VPC whose code calls AWS services the VPC has no way to reach."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.wiring._native import is_type, many, one, prop, unknown_value

SUBNET = ("AWS::EC2::Subnet", "aws_subnet", "aws:ec2/subnet:Subnet")
ROUTE_TABLE = ("AWS::EC2::RouteTable", "aws_route_table", "aws:ec2/routeTable:RouteTable")
ROUTE = ("AWS::EC2::Route", "aws_route", "aws:ec2/route:Route")
ASSOC = ("AWS::EC2::SubnetRouteTableAssociation", "aws_route_table_association",
         "aws:ec2/routeTableAssociation:RouteTableAssociation")
# Resources that change a VPC's main route table: a subnet without an association may then have any route.
MAIN_TABLE = ("aws_main_route_table_association", "aws_default_route_table",
              "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
              "aws:ec2/defaultRouteTable:DefaultRouteTable")
IGW = ("AWS::EC2::InternetGateway", "aws_internet_gateway", "aws:ec2/internetGateway:InternetGateway")
ENDPOINT = ("AWS::EC2::VPCEndpoint", "aws_vpc_endpoint", "aws:ec2/vpcEndpoint:VpcEndpoint")
# Route targets (CFN name, native name); any of them but an internet gateway may carry traffic out.
TARGETS = (("GatewayId", "gateway_id"), ("NatGatewayId", "nat_gateway_id"), ("InstanceId", "instance_id"),
           ("TransitGatewayId", "transit_gateway_id"), ("VpcPeeringConnectionId", "vpc_peering_connection_id"),
           ("NetworkInterfaceId", "network_interface_id"), ("VpcEndpointId", "vpc_endpoint_id"),
           ("CarrierGatewayId", "carrier_gateway_id"), ("LocalGatewayId", "local_gateway_id"),
           ("CoreNetworkArn", "core_network_arn"), ("EgressOnlyInternetGatewayId", "egress_only_gateway_id"))

# SDK client name -> VPC endpoint service name (com.amazonaws.<region>.<name>), where they differ.
ENDPOINT_NAME = {"cloudwatch": "monitoring", "stepfunctions": "states", "sfn": "states", "eventbridge": "events",
                 "cloudwatch-logs": "logs", "secrets-manager": "secretsmanager", "apigatewaymanagementapi":
                 "execute-api", "dynamodbstreams": "dynamodb", "lib-dynamodb": "dynamodb", "documentclient":
                 "dynamodb", "sesv2": "email", "ses": "email", "lib-storage": "s3", "s3-request-presigner": "s3"}
# Packages under which the code is vendored SDKs or libraries, not the handler.
_VENDORED = re.compile(r"(^|/)(node_modules|site-packages|boto3|botocore|s3transfer|aws_lambda_powertools|"
                       r"[^/]+\.dist-info)/")
_PY_CLIENT = re.compile(r"""\b(?:boto3|\w*[sS]ession\w*(?:\(\))?)\s*\.\s*"""
                        r"""(client|resource)\s*\(\s*(?:service_name\s*=\s*)?['"]([a-z0-9-]+)['"]""")
_JS_V3 = re.compile(r"""@aws-sdk/(client-[a-z0-9-]+|lib-dynamodb|lib-storage|s3-request-presigner)""")
_JS_V2 = re.compile(r"""\bnew\s+(?:AWS|aws|sdk)\s*\.\s*([A-Za-z0-9]+)(?:\s*\.\s*(DocumentClient))?\s*\(""")


def handler_services(graph: ResourceGraph, fn: Resource) -> dict[str, str] | None:
    """Endpoint service name -> the SDK client the handler code creates for it; None when the code is unknown."""
    art = graph.code.get(fn.id)
    if art is None or art.kind == "missing" or not art.files:
        return None
    out: dict[str, str] = {}
    for path, text in art.files.items():
        if _VENDORED.search(path) or not path.endswith((".py", ".js", ".mjs", ".cjs", ".ts")):
            continue
        if path.endswith(".py"):
            for kind, name in _PY_CLIENT.findall(text):
                out.setdefault(ENDPOINT_NAME.get(name, name), f"boto3 {kind}('{name}')")
        else:
            for pkg in _JS_V3.findall(text):
                name = pkg.removeprefix("client-")
                out.setdefault(ENDPOINT_NAME.get(name, name), f"@aws-sdk/{pkg}")
            for cls, doc in _JS_V2.findall(text):
                name = "documentclient" if doc else cls.lower()
                out.setdefault(ENDPOINT_NAME.get(name, name), f"new AWS.{cls}{'.' + doc if doc else ''}()")
    return out


# Resources whose API only answers on the service's public endpoint (or a VPC endpoint) -> endpoint service name.
SERVICE_OF_TYPE = {"AWS::DynamoDB::Table": "dynamodb", "AWS::SQS::Queue": "sqs", "AWS::SNS::Topic": "sns",
                   "AWS::S3::Bucket": "s3", "AWS::SecretsManager::Secret": "secretsmanager",
                   "AWS::SSM::Parameter": "ssm", "AWS::Kinesis::Stream": "kinesis",
                   "AWS::StepFunctions::StateMachine": "states", "AWS::Events::EventBus": "events"}


def environment_services(graph: ResourceGraph, fn: Resource) -> dict[str, str]:
    """Services the function is handed a resource of through its environment (`TABLE_NAME=<table>`): what its code
    will call, when the code itself is not in the project."""
    out: dict[str, str] = {}
    env = fn.get("Environment.Variables")
    for key, value in (env.items() if isinstance(env, dict) else []):
        res = graph.resolve_resource(value) if isinstance(value, str) and not unknown_value(value) else None
        svc = SERVICE_OF_TYPE.get(res.type) if res is not None else None
        if svc:
            out.setdefault(svc, f"environment {key}={res.id}")
    return out


@dataclass
class Network:
    """What the function's subnets can reach; `unknown` when any part could not be resolved."""

    vpc: str | None = None
    tables: list[Resource] = field(default_factory=list)
    main_table: bool = False  # some subnet uses the VPC's main route table (local route only)
    igw_only: bool = False  # some table routes 0.0.0.0/0 to an internet gateway
    unknown: bool = False


def _ids(r: Resource) -> set[str]:
    return {v for v in (r.outputs.get("Id"), r.outputs.get("SubnetId"), r.outputs.get("RouteTableId"), r.id)
            if isinstance(v, str)}


def _find(graph: ResourceGraph, ref: Any, types: tuple[str, ...]) -> Resource | None:
    if not isinstance(ref, str) or unknown_value(ref):
        return None
    res = graph.resolve_resource(ref)
    if res is not None and is_type(res, types):
        return res
    return next((r for r in graph if is_type(r, types) and ref in _ids(r)), None)


def _routes(graph: ResourceGraph, table: Resource) -> list[dict[str, Any]]:
    """Every route of a table (inline TF/Pulumi `route` blocks and separate route resources), CFN-named."""
    out: list[dict[str, Any]] = []
    inline, _ = prop(table, "Routes", "route")
    if inline is None:
        inline = table.native_properties.get("routes")
    for item in many(inline):
        if isinstance(item, dict):
            out.append({cfn: item.get(native, item.get(cfn)) for cfn, native in TARGETS})
    for r in graph:
        if not is_type(r, ROUTE):
            continue
        rt, _ = prop(r, "RouteTableId", "route_table_id")
        if _find(graph, rt, ROUTE_TABLE) is not table:
            if not isinstance(rt, str) or unknown_value(rt):
                out.append({"unknown": True})  # a route on a table the graph cannot name: may be this one
            continue
        out.append({cfn: prop(r, cfn, native)[0] for cfn, native in TARGETS})
    return out


def _is_igw(graph: ResourceGraph, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    return value.startswith("igw-") or _find(graph, value, IGW) is not None


def network(graph: ResourceGraph, subnet_refs: list[Any]) -> Network:
    net = Network()
    assocs = [r for r in graph if is_type(r, ASSOC)]
    main_changed = any(is_type(r, MAIN_TABLE) for r in graph)
    for ref in subnet_refs:
        subnet = _find(graph, ref, SUBNET)
        if subnet is None:
            net.unknown = True
            return net
        vpc, _ = prop(subnet, "VpcId", "vpc_id")
        if not isinstance(vpc, str) or unknown_value(vpc) or (net.vpc and net.vpc != vpc):
            net.unknown = True
            return net
        net.vpc = vpc
        tables = []
        for a in assocs:
            sid, _ = prop(a, "SubnetId", "subnet_id")
            if not isinstance(sid, str) or unknown_value(sid):
                net.unknown = True  # an association the graph cannot place may be this subnet's
                return net
            if _find(graph, sid, SUBNET) is subnet:
                table = _find(graph, prop(a, "RouteTableId", "route_table_id")[0], ROUTE_TABLE)
                if table is None:
                    net.unknown = True
                    return net
                tables.append(table)
        if not tables:
            if main_changed:
                net.unknown = True
                return net
            net.main_table = True
        net.tables.extend(t for t in tables if t not in net.tables)
    for table in net.tables:
        for route in _routes(graph, table):
            if route.get("unknown"):
                net.unknown = True
                return net
            targets = [v for k, v in route.items() if v not in (None, "", "local")]
            if any(not isinstance(v, str) or unknown_value(v) for v in targets):
                net.unknown = True
                return net
            if all(_is_igw(graph, v) for v in targets):
                net.igw_only = net.igw_only or bool(targets)
                continue
            net.unknown = True  # a NAT gateway, instance, transit gateway...: a way out (or one we cannot judge)
            return net
    return net


def endpoints(graph: ResourceGraph, vpc: str) -> set[str] | None:
    """Service names of the VPC's endpoints; None when one of them cannot be read."""
    out: set[str] = set()
    for ep in graph:
        if not is_type(ep, ENDPOINT):
            continue
        ep_vpc, _ = prop(ep, "VpcId", "vpc_id")
        name, _ = prop(ep, "ServiceName", "service_name")
        if not isinstance(ep_vpc, str) or unknown_value(ep_vpc) or not isinstance(name, str) or unknown_value(name):
            return None
        if ep_vpc != vpc and graph.resolve_resource(ep_vpc) is not graph.resolve_resource(vpc):
            continue
        out.add(name.rsplit(".", 1)[-1])
    return out


class LambdaVpcNoEgress(Rule):
    """A Lambda function in a VPC calls AWS services, and its subnets have neither a NAT route nor endpoints.

    What it finds: a function with `VpcConfig.SubnetIds` (`vpc_config.subnet_ids`) whose handler code creates AWS
    SDK clients (`boto3.client("dynamodb")`, `@aws-sdk/client-sqs`, `new AWS.S3()`), when every subnet is in the
    stack, the route tables associated with them (or the VPC's main table, when a subnet has none) have no route
    but the local one and routes to an internet gateway, and the VPC has no endpoint (`AWS::EC2::VPCEndpoint`,
    `aws_vpc_endpoint`) for a service the code calls. Silent when any subnet, association, route or endpoint is
    not known before deploy, when a route goes to anything but an internet gateway (NAT gateway, instance,
    transit gateway, peering: a possible way out), when the main route table is managed by the stack, and when
    the function is handed nothing it would call. When the handler code is not in the project (a placeholder zip),
    the services are those of the stack resources its environment variables name (`TABLE_NAME=<table>`).
    Why it breaks: a function attached to a VPC sends its traffic through network interfaces in those subnets,
    which never get a public IP address, so even a route to an internet gateway does not take them to the public
    AWS endpoints. Without a NAT gateway or a VPC endpoint every SDK call waits for a connection that never opens
    until the function times out. Models put functions in "private" or isolated subnets "for security" and forget
    the way out (corpus: cdktf-py Pr6739, cdk-ts Pr5822).
    Bad: `aws.lambda_.Function(..., vpc_config={"subnet_ids": [private.id], ...})` whose handler calls
    `boto3.client("dynamodb")`, and the private subnet's route table has only the local route.
    Good: a gateway endpoint `aws.ec2.VpcEndpoint(vpc_id=vpc.id, service_name="com.amazonaws.<region>.dynamodb",
    vpc_endpoint_type="Gateway", route_table_ids=[private_rt.id])` (interface endpoints for the other services),
    or a NAT gateway route `0.0.0.0/0 -> nat_gateway_id` in the private route table, or no `vpc_config` when the
    function reaches nothing inside the VPC.
    What AWS says: nothing at deploy. At run time each invocation ends with `Task timed out after N seconds` (the
    SDK call is stuck connecting: `Connect timeout on endpoint URL: "https://dynamodb.<region>.amazonaws.com/"`).
    References: https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html ,
    https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html ,
    https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
    """

    id = "WIR008"
    category = Category.WIRING
    severity = Severity.HIGH
    title = "Lambda in a VPC cannot reach the AWS services it calls"
    resource_types = ("AWS::Lambda::Function",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return  # a partial graph: the NAT gateway or the endpoints may be among what it misses
        g = ctx.graph
        for fn in g.functions():
            subnets = many(one(fn.get("VpcConfig.SubnetIds")))
            if not subnets:
                continue
            services = handler_services(g, fn)
            inferred = services is None
            if inferred:  # no code in the project: what its environment hands it is what it will call
                services = environment_services(g, fn)
            if not services:
                continue
            net = network(g, subnets)
            if net.unknown or net.vpc is None:
                continue
            eps = endpoints(g, net.vpc)
            if eps is None:
                continue
            missing = {s: how for s, how in services.items() if s not in eps}
            if not missing:
                continue
            names = ", ".join(f"{s} ({how})" for s, how in sorted(missing.items()))
            calls = (f"its environment hands it resources of {names} (its code is not in the project)" if inferred
                     else f"its code calls {names}")
            why = ("the route tables of its subnets send 0.0.0.0/0 only to an internet gateway, which a function's "
                   "network interfaces (no public IP) cannot use" if net.igw_only
                   else "its subnets' route tables have no route out (no NAT gateway)")
            timeout = fn.get("Timeout")
            yield self.finding(
                f"function {fn.id} runs in VPC subnets and {calls}, but {why} and the VPC has no "
                f"endpoint for {', '.join(sorted(missing))}: every call waits until the function times out",
                resource=fn, attribute="VpcConfig.SubnetIds",
                error=(f"nothing at deploy; at run time `Task timed out after {timeout or 3} seconds`: the SDK "
                       f"cannot connect to https://{sorted(missing)[0]}.<region>.amazonaws.com from the subnets"),
                fix=(f"add VPC endpoints to the VPC for {', '.join(sorted(missing))} (gateway endpoints for s3 and "
                     "dynamodb on the private route tables, interface endpoints for the others, with private DNS), "
                     "or a NAT gateway and a 0.0.0.0/0 route to it in the subnets' route tables, or drop vpc_config "
                     "when the function needs nothing inside the VPC"),
                services=sorted(missing), inferred_from_environment=inferred)

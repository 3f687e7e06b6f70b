"""WIR017: an internet-facing load balancer placed in subnets with no route to an internet gateway."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.wiring._native import is_type, many, prop, unknown_value
from iacqa.rules.wiring.vpc_egress import ASSOC, MAIN_TABLE, ROUTE, ROUTE_TABLE, SUBNET, _find, _is_igw, _routes

LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
VPC = ("AWS::EC2::VPC", "aws_vpc", "aws:ec2/vpc:Vpc")


def subnet_is_public(graph: ResourceGraph, ref: Any, assocs: list[Resource], main_changed: bool) -> bool | None:
    """True when the subnet's route table sends traffic to an internet gateway, False when the graph shows every
    route of it and none does, None when something is not known (a subnet, association, table or route target
    outside the graph or unresolved, the VPC's main table changed or not the stack's own)."""
    subnet = _find(graph, ref, SUBNET)
    if subnet is None:
        return None
    tables: list[Resource] = []
    for a in assocs:
        sid, _ = prop(a, "SubnetId", "subnet_id")
        if not isinstance(sid, str) or unknown_value(sid):
            return None  # an association the graph cannot place may be this subnet's
        if _find(graph, sid, SUBNET) is subnet:
            table = _find(graph, prop(a, "RouteTableId", "route_table_id")[0], ROUTE_TABLE)
            if table is None:
                return None
            tables.append(table)
    if not tables:
        # the VPC's main route table: only the local route in a VPC the stack creates, unless the stack changes it
        vpc, _ = prop(subnet, "VpcId", "vpc_id")
        if main_changed or _find(graph, vpc, VPC) is None:
            return None
        return False
    for table in tables:
        for route in _routes(graph, table):
            if route.get("unknown"):
                return None
            targets = [v for v in route.values() if v not in (None, "", "local")]
            if any(not isinstance(v, str) or unknown_value(v) for v in targets):
                return None
            if any(_is_igw(graph, v) for v in targets):
                return True
    return False


class InternetFacingLoadBalancerInPrivateSubnets(Rule):
    """An internet-facing load balancer whose subnets have no route to an internet gateway.

    What it finds: an Application or Network Load Balancer (`AWS::ElasticLoadBalancingV2::LoadBalancer`,
    `aws_lb`/`aws_alb`, `aws.lb.LoadBalancer`) that is internet-facing (`Scheme` unset or `internet-facing`,
    `internal` unset or false) while the subnets it is placed in (`Subnets`, `SubnetMappings`) are subnets of the
    stack whose route tables (or the main table of the stack's own VPC, when a subnet has no association) route
    nothing to an internet gateway: private subnets, usually with a NAT gateway route. High when every subnet is
    such, medium when only some are (the nodes in those Availability Zones are unreachable). Silent when a
    subnet, association, route table or route target is not known before deploy or is outside the stack, and
    when the stack changes the VPC's main route table.
    Why it breaks: an internet-facing load balancer gets public IP addresses on its nodes in each subnet, but
    traffic reaches those nodes only through the subnet's route to an internet gateway. In private subnets (the
    model mixed up `public_subnet_ids` and `private_subnet_ids`) the load balancer deploys, resolves in DNS, and
    no client ever connects. Without any internet gateway in the VPC, CreateLoadBalancer refuses it.
    Bad: `aws.lb.LoadBalancer("alb", load_balancer_type="application", subnets=[s.id for s in private_subnets])`
    where the private subnets' route table sends 0.0.0.0/0 to a NAT gateway.
    Good: `subnets=[s.id for s in public_subnets]` (route 0.0.0.0/0 -> internet gateway), keeping the targets in the
    private subnets; or `internal=True` when the load balancer should only be reached from inside the VPC.
    What AWS says: nothing at deploy when the VPC has an internet gateway; at run time every connection to the load
    balancer's DNS name times out. Without an internet gateway in the VPC: `InvalidSubnet: VPC vpc-... has no
    internet gateway`.
    References: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones ,
    https://repost.aws/knowledge-center/public-load-balancer-private-ec2
    """

    id = "WIR017"
    category = Category.WIRING
    severity = Severity.HIGH
    title = "internet-facing load balancer in subnets without an internet gateway route"
    resource_types = (LOAD_BALANCER,)
    docs_url = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return
        g = ctx.graph
        lbs = [lb for lb in g.of_type(LOAD_BALANCER)
               if lb.get("Scheme", "internet-facing") == "internet-facing" and lb.get("Type") != "gateway"]
        if not lbs:
            return
        assocs = [r for r in g if is_type(r, ASSOC)]
        # a route on a table the graph does not hold (`route_table_id = aws_vpc.x.main_route_table_id`) may be
        # on the main table
        main_changed = any(is_type(r, MAIN_TABLE) for r in g) or any(
            _find(g, prop(r, "RouteTableId", "route_table_id")[0], ROUTE_TABLE) is None for r in g if is_type(r, ROUTE))
        for lb in lbs:
            attribute = "Subnets"
            refs = many(lb.get("Subnets"))
            if not refs:
                attribute = "SubnetMappings"
                refs = [m.get("SubnetId") for m in many(lb.get("SubnetMappings")) if isinstance(m, dict)]
            if not refs:
                continue
            verdicts = [subnet_is_public(g, ref, assocs, main_changed) for ref in refs]
            if any(v is None for v in verdicts) or all(verdicts):
                continue
            private = [_name(g, ref) for ref, v in zip(refs, verdicts, strict=True) if v is False]
            every = len(private) == len(refs)
            which = "none of its subnets" if every else f"{len(private)} of its {len(refs)} subnets"
            yield self.finding(
                f"load balancer {lb.id} is internet-facing, but {which} ({', '.join(private)}) route to an internet "
                "gateway: " + ("clients on the internet cannot reach it" if every else
                               "its nodes in those Availability Zones cannot be reached"),
                resource=lb, attribute=attribute, severity=self.severity if every else Severity.MEDIUM,
                error=("nothing at deploy; at run time connections to the load balancer's DNS name time out "
                       "(without an internet gateway in the VPC: `InvalidSubnet: VPC ... has no internet gateway`)"),
                fix=(f"place {lb.id} in public subnets (a route table sending 0.0.0.0/0 to an internet gateway) and "
                     "keep its targets in the private ones, or make it internal (internal=true / Scheme: internal) "
                     "when it should only be reached from the VPC"),
                private_subnets=private)


def _name(graph: ResourceGraph, ref: Any) -> str:
    subnet = _find(graph, ref, SUBNET)
    return subnet.id if subnet is not None else str(ref)

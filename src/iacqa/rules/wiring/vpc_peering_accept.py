"""WIR020: a VPC peering connection that is never accepted, or asks for an acceptance AWS cannot give."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.model import Category, Finding, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.wiring._native import is_type, unknown_value

PEERING = ("aws_vpc_peering_connection", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
ACCEPTER = ("aws_vpc_peering_connection_accepter",
            "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter")


def _true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


class VpcPeeringNotAccepted(Rule):
    """A VPC peering connection that the stack never accepts, or that asks for `auto_accept` across regions.

    What it finds: a VPC peering connection (`aws_vpc_peering_connection`, `aws.ec2.VpcPeeringConnection`) of the
    stack that
    - sets `peer_region` and `auto_accept = true`: critical, the provider refuses the combination (automatic
      acceptance only works within one account and region);
    - is not auto-accepted and has no accepter (`aws_vpc_peering_connection_accepter`,
      `aws.ec2.VpcPeeringConnectionAccepter`) naming it: high, the connection stays `pending-acceptance` and
      expires after a week; every route through it is a black hole.
    Silent when `peer_owner_id` is set (another account accepts, from its own stack), when an accepter names a
    connection the graph cannot resolve, and on a partial graph. CloudFormation's `AWS::EC2::VPCPeeringConnection`
    is not checked (CloudFormation accepts a same-account peering itself).
    Why it breaks: a peering request is only a proposal; the owner of the peer VPC has to accept it in the peer's
    region. Within one account and region `auto_accept = true` accepts it; across regions only an accepter resource
    in the peer region (with a provider for that region) can.
    Bad: `aws_vpc_peering_connection` with `peer_region = "us-west-2"` and `auto_accept = false` (or `true`), and no
    accepter.
    Good: the connection with `peer_region` and no `auto_accept`, plus `aws_vpc_peering_connection_accepter
    { provider = aws.peer vpc_peering_connection_id = aws_vpc_peering_connection.x.id auto_accept = true }`.
    What AWS says: with `auto_accept` and `peer_region`: `peer_region cannot be set whilst auto_accept is true when
    creating a vpc peering connection`; without an accepter, nothing at deploy: the connection stays
    `pending-acceptance` and traffic through its routes is dropped.
    References: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_peering_connection ,
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_peering_connection_accepter ,
    https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html
    """

    id = "WIR020"
    category = Category.WIRING
    severity = Severity.HIGH
    title = "VPC peering connection never accepted"
    docs_url = "https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return
        g = ctx.graph
        peerings = [p for p in g if is_type(p, PEERING)]
        if not peerings:
            return
        accepted: set[str] = set()
        for a in g:
            if is_type(a, ACCEPTER):
                ref = a.native_properties.get("vpc_peering_connection_id")
                hit = g.resolve_resource(ref) if isinstance(ref, str) and not unknown_value(ref) else None
                if hit is None:
                    return  # accepts a connection the graph cannot name
                accepted.add(hit.id)
        for p in peerings:
            n = p.native_properties
            if n.get("peer_owner_id") or any(unknown_value(n.get(k)) for k in ("peer_region", "auto_accept")):
                continue
            region = n.get("peer_region")
            if region and _true(n.get("auto_accept")):
                yield self.finding(
                    f"VPC peering connection {p.id} sets peer_region = {region} and auto_accept = true: automatic "
                    "acceptance only works within one account and region, the provider refuses it",
                    resource=p, attribute="auto_accept", severity=Severity.CRITICAL,
                    error="peer_region cannot be set whilst auto_accept is true when creating a vpc peering connection",
                    fix=(f"drop auto_accept from {p.id} and accept it in {region} with "
                         "aws_vpc_peering_connection_accepter (provider for the peer region, auto_accept = true)"),
                    evidence="hashicorp/aws vpc_peering_connection: auto_accept needs both VPCs in the same account "
                    "and region; the provider's create refuses peer_region with auto_accept")
                continue
            if _true(n.get("auto_accept")) or p.id in accepted:
                continue
            where = f" in {region}" if region else ""
            yield self.finding(
                f"VPC peering connection {p.id}{' to ' + str(region) if region else ''} is not auto-accepted and no "
                "accepter in the stack accepts it: it stays pending-acceptance and no traffic flows through it",
                resource=p, attribute="auto_accept" if "auto_accept" in n else "peer_region" if region else None,
                error=("nothing at deploy; the connection stays `pending-acceptance` (expires after 7 days) and routes "
                       "through it drop every packet"),
                fix=(f"add aws_vpc_peering_connection_accepter{where} (provider of the peer VPC's region) with "
                     f"vpc_peering_connection_id = {p.id}.id and auto_accept = true"
                     + ("" if region else f", or set auto_accept = true on {p.id} (same account and region)")))

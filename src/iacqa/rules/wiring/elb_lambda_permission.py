"""WIR016: a Lambda function registered as a load balancer target before (or without) ELB's invoke permission."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.wiring._native import is_type, unknown_value
from iacqa.rules.wiring._ordering import Ordering, declared_way, permissions_for

ELB = "elasticloadbalancing.amazonaws.com"
ATTACHMENT = ("aws_lb_target_group_attachment", "aws_alb_target_group_attachment",
              "aws:lb/targetGroupAttachment:TargetGroupAttachment",
              "aws:alb/targetGroupAttachment:TargetGroupAttachment")
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
ERROR = ("AccessDenied: elasticloadbalancing principal does not have permission to invoke <function ARN> from "
         "target group <target group ARN> (RegisterTargets)")
EVIDENCE = ("ELBv2 RegisterTargets checks that Elastic Load Balancing may invoke a Lambda target (ELB user guide, "
            "'Lambda functions as targets': grant the permission before registering); CloudFormation/Terraform/"
            "Pulumi create resources in parallel unless a reference or depends_on orders them")


@dataclass
class Registration:
    owner: Resource  # the attachment, or the target group with inline Targets (CloudFormation)
    attribute: str
    target: Any
    group: Resource | None


def registrations(graph: ResourceGraph) -> Iterator[Registration]:
    for tg in graph.of_type(TARGET_GROUP):
        targets = tg.get("Targets")
        for i, t in enumerate(targets if isinstance(targets, list) else []):
            if isinstance(t, dict):
                yield Registration(tg, f"Targets.{i}.Id", t.get("Id"), tg)
    for r in graph:
        if is_type(r, ATTACHMENT):
            group = graph.resolve_resource(r.native_properties.get("target_group_arn"))
            yield Registration(r, "target_id", r.native_properties.get("target_id"),
                               group if group is not None and group.type == TARGET_GROUP else None)


class LambdaTargetWithoutPermission(Rule):
    """A Lambda function registered in a target group with no invoke permission for ELB ordered before it.

    What it finds: a Lambda function of the stack registered as a load balancer target (`aws_lb_target_group_
    attachment` / `aws.lb.TargetGroupAttachment` whose `target_id` is the function, or `Targets` of an
    `AWS::ElasticLoadBalancingV2::TargetGroup`) when
    - no lambda permission (`AWS::Lambda::Permission`, `aws_lambda_permission`, `aws.lambda_.Permission`) lets
      `elasticloadbalancing.amazonaws.com` invoke it (from this target group, when the permission names a
      source): critical;
    - such a permission exists but nothing orders the registration after it (no `DependsOn`/`depends_on` naming
      it, directly or through what the registration waits for): high, the engine creates both in parallel.
    Silent when a permission holds values not known before deploy and on a partial graph. CDK's `LambdaTarget`
    adds the permission and the dependency itself.
    Why it breaks: RegisterTargets checks that Elastic Load Balancing may invoke the function and refuses the
    target otherwise; a permission created at the same moment (it usually names the target group as source, so it
    waits for it exactly like the attachment) is not there yet.
    Bad: `aws.lb.TargetGroupAttachment("a", target_group_arn=tg.arn, target_id=fn.arn)` beside an
    `aws.lambda_.Permission(principal="elasticloadbalancing.amazonaws.com", source_arn=tg.arn)` with no
    `depends_on`.
    Good: the attachment with `opts=ResourceOptions(depends_on=[permission])` (Terraform `depends_on =
    [aws_lambda_permission.with_lb]`, CloudFormation `DependsOn: [LambdaInvokePermission]` on the target group).
    What AWS says: `AccessDenied: elasticloadbalancing principal does not have permission to invoke <function>
    from target group <target group>`.
    References: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html ,
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb_target_group_attachment ,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-targetgroup.html
    """

    id = "WIR016"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "Lambda target registered without ELB's invoke permission first"
    docs_url = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return  # a partial graph: the permission may be among what it misses
        g = ctx.graph
        order = Ordering(g)
        for reg in registrations(g):
            if not isinstance(reg.target, str) or unknown_value(reg.target):
                continue
            fn = g.function_for(reg.target)
            if fn is None:
                continue
            tg_arn = reg.group.outputs.get("Arn") if reg.group is not None else None
            perms, uncertain = permissions_for(g, fn, ELB, tg_arn)
            if uncertain:
                continue
            group = reg.group.id if reg.group is not None else "its target group"
            if not perms:
                src = f", source_arn=<{group} ARN>" if reg.group is not None else ""
                yield self.finding(
                    f"{reg.owner.id}: function {fn.id} is registered in {group}, but no lambda permission lets "
                    f"{ELB} invoke it: ELB refuses the target", resource=reg.owner, attribute=reg.attribute,
                    error=ERROR, evidence=EVIDENCE, function=fn.id,
                    fix=(f'add aws.lambda_.Permission / aws_lambda_permission / AWS::Lambda::Permission(action='
                         f'"lambda:InvokeFunction", function=<{fn.id} name>, principal="{ELB}"{src}) and make '
                         f"{reg.owner.id} depend on it ({declared_way(reg.owner)})"))
                continue
            if order.after(reg.owner, [p.id for p in perms]):
                continue
            names = ", ".join(p.id for p in perms)
            yield self.finding(
                f"{reg.owner.id}: function {fn.id} is registered in {group}, and permission {names} lets {ELB} "
                "invoke it, but nothing orders the registration after the permission: both are created in "
                "parallel and ELB checks the permission when the target is registered",
                resource=reg.owner, attribute=reg.attribute, severity=Severity.HIGH, error=ERROR,
                evidence=EVIDENCE, function=fn.id, grant=[p.id for p in perms],
                fix=f"make {reg.owner.id} depend on {names} ({declared_way(reg.owner)})")

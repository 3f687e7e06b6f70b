"""WIR018: a target group that a listener forwards to and that nothing registers targets in."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.leaves import leaves
from iacqa.rules.wiring._native import is_type, unknown_value

TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
LISTENERS = ("AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerRule",
             "aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule", "aws_alb_listener_rule",
             "aws:lb/listener:Listener", "aws:alb/listener:Listener", "aws:lb/listenerRule:ListenerRule",
             "aws:alb/listenerRule:ListenerRule")
# Resources that name a target group only to read its metrics or show it: they register nothing.
READERS = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "aws_cloudwatch_metric_alarm",
           "aws_cloudwatch_dashboard", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/dashboard:Dashboard")
# Compute that registers in a target group of each target type: when the stack has none, the target group is a
# placeholder for targets deployed elsewhere (another stack, a pipeline), not a forgotten registration.
ASG = ("AWS::AutoScaling::AutoScalingGroup", "aws_autoscaling_group", "aws:autoscaling/group:Group")
INSTANCE = ("AWS::EC2::Instance", "aws_instance", "aws:ec2/instance:Instance")
ECS_SERVICE = ("AWS::ECS::Service", "aws_ecs_service", "aws:ecs/service:Service")
FUNCTION = ("AWS::Lambda::Function",)
LOAD_BALANCER = ("AWS::ElasticLoadBalancingV2::LoadBalancer",)
COMPUTE = {"instance": ASG + INSTANCE + ECS_SERVICE, "ip": ECS_SERVICE + INSTANCE, "lambda": FUNCTION,
           "alb": LOAD_BALANCER}
# Properties through which something registers targets (attachments, Auto Scaling groups, ECS services, CodeDeploy):
# an unresolved value there may name any target group.
REGISTERING = re.compile(r"target.?group|TargetGroupARNs|lb_target_group_arn", re.I)


def _names(tg: Resource) -> set[str]:
    """The values by which other resources refer to the target group (its ARN, id, name)."""
    out = {v for k, v in tg.outputs.items()
           if k in ("Arn", "Id", "Name", "arnSuffix", "ArnSuffix") and isinstance(v, str) and len(v) > 2}
    name = tg.get("Name")
    if isinstance(name, str) and name:
        out.add(name)
    return out


def _mentions(r: Resource, names: set[str]) -> bool:
    """Whether `r` names the target group: by ARN anywhere, by name or id under a target-group property (CodeDeploy's
    `target_group_info { name = ... }`)."""
    arns = {n for n in names if n.startswith("arn:")}
    for tree in (r.properties, r.native_properties):
        for path, value in leaves(tree, json_strings=True):
            if not isinstance(value, str):
                continue
            if value in arns or any(a in value for a in arns) or (value in names and REGISTERING.search(path)):
                return True
    return False


class TargetGroupWithoutTargets(Rule):
    """A listener forwards to a target group that nothing registers targets in.

    What it finds: a target group (`AWS::ElasticLoadBalancingV2::TargetGroup`, `aws_lb_target_group`,
    `aws.lb.TargetGroup`) that a listener or listener rule of the stack forwards to, while the stack holds compute
    of the target group's type (an Auto Scaling group, instance or ECS service for `instance`/`ip` targets, a
    function for `lambda`, a load balancer for `alb`), the target group has no `Targets` and no other resource of
    the stack names it: no target group attachment, no Auto Scaling group
    `target_group_arns`/`TargetGroupARNs` or `aws_autoscaling_attachment`, no ECS service `load_balancer`, no
    CodeDeploy deployment group, nothing else (alarms and dashboards, which only read its metrics, do not count).
    Silent when the stack has no such compute (the target group then waits for targets deployed elsewhere), when
    any target-group property of the stack holds a value not known before deploy, when a resource was declared
    but never resolved, and on a partial graph.
    Why it breaks: the deploy succeeds, but a target group with no registered targets has nothing to send requests
    to: every request the listener forwards to it is answered by the load balancer itself with HTTP 503, and its
    health checks report no healthy hosts. Models create the instances (an Auto Scaling group, a service) and
    forget the line that puts them behind the load balancer.
    Bad: `aws_lb_listener` with `default_action { type = "forward" target_group_arn = aws_lb_target_group.web.arn }`
    and an `aws_autoscaling_group` without `target_group_arns`.
    Good: `target_group_arns = [aws_lb_target_group.web.arn]` on the Auto Scaling group (or an
    `aws_autoscaling_attachment`, an `aws_lb_target_group_attachment`, an ECS service `load_balancer` block).
    What AWS says: nothing at deploy; at run time `503 Service Temporarily Unavailable` for every request the
    listener forwards to the target group.
    References: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-503-issues ,
    https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html
    """

    id = "WIR018"
    category = Category.WIRING
    severity = Severity.MEDIUM
    title = "listener forwards to a target group with no targets"
    resource_types = (TARGET_GROUP,)
    docs_url = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not graph_complete(ctx):
            return
        g = ctx.graph
        groups = list(g.of_type(TARGET_GROUP))
        if not groups or any(r.unresolved for r in g):
            return
        for r in g:
            for tree in (r.properties, r.native_properties):
                for path, value in leaves(tree, json_strings=True):
                    if REGISTERING.search(path) and unknown_value(value):
                        return  # registers targets in a group the graph cannot name
        listeners = [r for r in g if is_type(r, LISTENERS)]
        for tg in groups:
            if tg.get("Targets"):
                continue
            names = _names(tg)
            forwarding = [lst for lst in listeners if _mentions(lst, names)]
            if not forwarding:
                continue
            if any(_mentions(r, names) for r in g
                   if r is not tg and not is_type(r, LISTENERS) and not is_type(r, READERS)):
                continue
            what = tg.get("TargetType") or tg.native_properties.get("target_type") or "instance"
            if not isinstance(what, str) or unknown_value(what):
                continue
            # (for `alb` targets: a load balancer other than the one whose listener forwards)
            compute = [r for r in g if is_type(r, COMPUTE.get(what.lower(), ()))
                       and not any(_mentions(lst, _names(r)) for lst in forwarding)]
            if not compute:
                continue  # nothing in the stack could be its target: a placeholder for targets deployed elsewhere
            via = ", ".join(lst.id for lst in forwarding)
            candidates = ", ".join(r.id for r in compute[:3]) + (", ..." if len(compute) > 3 else "")
            yield self.finding(
                f"target group {tg.id} ({what} targets) receives the traffic of {via}, but nothing in the stack "
                f"registers a target in it, though the stack has {candidates} (no attachment, Auto Scaling group "
                "target_group_arns, ECS service load_balancer or Targets): every request forwarded to it gets a 503",
                resource=tg,
                error=("nothing at deploy; at run time `503 Service Temporarily Unavailable` for every request "
                       f"forwarded to {tg.id}"),
                fix=(f"register the targets in {tg.id}: target_group_arns=[<{tg.id} ARN>] on the Auto Scaling group "
                     "(or aws_autoscaling_attachment), a target group attachment, or the ECS service's "
                     "load_balancer block"),
                listeners=[lst.id for lst in forwarding])

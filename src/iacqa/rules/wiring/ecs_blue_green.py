"""WIR009: an ECS service under the CODE_DEPLOY controller without a deployment group able to deploy it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.iam_missing._resource_policies import graph_complete
from iacqa.rules.wiring._native import is_type, many, one, prop, unknown_value

SERVICE = ("AWS::ECS::Service", "aws_ecs_service", "aws:ecs/service:Service")
GROUP = ("AWS::CodeDeploy::DeploymentGroup", "aws_codedeploy_deployment_group",
         "aws:codedeploy/deploymentGroup:DeploymentGroup")
INVALID_PAIR = ("InvalidTargetGroupPairException: A target group pair associated with this deployment is not valid. "
                "(CodeDeploy CreateDeploymentGroup)")
NO_GROUP = ("InvalidParameterException: Unable to update task definition on services with a CODE_DEPLOY deployment "
            "controller. Use AWS CodeDeploy to trigger a new deployment.")


@dataclass
class Group:
    res: Resource
    services: list[Any]  # service names (or unknown values) the group deploys
    pairs: list[dict[str, Any]]  # {"groups": [...], "attr": path}
    unknown: bool = False


def _read_group(g: Resource) -> Group:
    out = Group(g, [], [])
    if g.has("ECSServices"):
        out.services = [s.get("ServiceName") if isinstance(s, dict) else s for s in many(g.get("ECSServices"))]
        for i, p in enumerate(many(g.get("LoadBalancerInfo.TargetGroupPairInfoList"))):
            if isinstance(p, dict):
                out.pairs.append({"groups": many(p.get("TargetGroups")),
                                  "attr": f"LoadBalancerInfo.TargetGroupPairInfoList.{i}.TargetGroups"})
        return out
    n = g.native_properties
    out.services = [s.get("service_name") if isinstance(s, dict) else s for s in many(n.get("ecs_service"))]
    lbi = one(n.get("load_balancer_info"))
    if isinstance(lbi, dict):
        for p in many(lbi.get("target_group_pair_info")):
            if isinstance(p, dict):
                groups = many(p.get("target_group")) + many(p.get("target_groups"))
                out.pairs.append({"groups": groups, "attr": "load_balancer_info.target_group_pair_info"})
    elif lbi is not None:
        out.unknown = True
    return out


def _names(s: Resource) -> set[str]:
    vals = {s.outputs.get("Name"), s.get("ServiceName"), s.native_properties.get("name"), s.outputs.get("Arn")}
    return {v for v in vals if isinstance(v, str)}


def _is_code_deploy(s: Resource) -> bool:
    kind, _ = prop(s, "DeploymentController.Type", "deployment_controller.type")
    return isinstance(kind, str) and kind.upper() == "CODE_DEPLOY"


def _service_of(graph: ResourceGraph, ref: Any, services: list[Resource]) -> Resource | None:
    if not isinstance(ref, str):
        return None
    res = graph.resolve_resource(ref)
    if res is not None and res in services:
        return res
    return next((s for s in services if ref in _names(s) or ref.rsplit("/", 1)[-1] in _names(s)), None)


class EcsCodeDeployWithoutGroup(Rule):
    """An ECS service uses the CODE_DEPLOY deployment controller without a working CodeDeploy deployment group.

    What it finds:
    - a CodeDeploy deployment group for an ECS service (`ECSServices`, `ecs_service`) whose target group pair
      (`TargetGroupPairInfoList`, `target_group_pair_info`) holds fewer than two target groups: critical;
    - an ECS service with `DeploymentController.Type` / `deployment_controller.type` = `CODE_DEPLOY` that no
      deployment group of the stack deploys: high.
    Silent for values not known before deploy and on a partial graph.
    Why it breaks: a blue/green deployment shifts traffic from the target group of the running task set to a
    second one, through the production listener; CreateDeploymentGroup refuses a pair that is not a pair. A
    CODE_DEPLOY service without a deployment group deploys once, but ECS then refuses every task definition
    update from the IaC tool, and there is nothing to deploy through.
    Bad: `aws.ecs.Service(..., deployment_controller={"type": "CODE_DEPLOY"})` and a deployment group with
    `target_group_pair_info={"target_groups": [{"name": blue.name}], ...}`.
    Good: `target_group_pair_info={"prod_traffic_route": {"listener_arns": [listener.arn]}, "target_groups":
    [{"name": blue.name}, {"name": green.name}]}`, or the `ECS` deployment controller (rolling updates).
    What AWS says: CodeDeploy answers `InvalidTargetGroupPairException` ("A target group pair associated with this
    deployment is not valid."; botocore codedeploy model, whose `TargetGroupPairInfo.targetGroups` is "One pair of
    target groups. One is associated with the original task set. The second is associated with the task set that
    serves traffic after the deployment is complete."); ECS UpdateService on a CODE_DEPLOY service answers
    `InvalidParameterException: Unable to update task definition on services with a CODE_DEPLOY deployment
    controller. Use AWS CodeDeploy to trigger a new deployment.`
    References: https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_TargetGroupPairInfo.html ,
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-bluegreen.html
    """

    id = "WIR009"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "ECS CODE_DEPLOY service without a two-target-group deployment group"
    resource_types = (*SERVICE, *GROUP)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        groups = [_read_group(r) for r in g if is_type(r, GROUP)]
        for grp in groups:
            yield from self._pairs(grp)
        if not graph_complete(ctx):
            return
        services = [s for s in g if is_type(s, SERVICE)]
        deployed: set[str] = set()
        for grp in groups:
            if grp.unknown:
                return
            for ref in grp.services:
                if not isinstance(ref, str) or unknown_value(ref):
                    return  # a group whose service is not known may deploy any of them
                s = _service_of(g, ref, services)
                if s is None:
                    return  # a service name the graph cannot place may be any of them
                deployed.add(s.id)
        for s in services:
            if not _is_code_deploy(s) or s.id in deployed:
                continue
            _, attr = prop(s, "DeploymentController.Type", "deployment_controller")
            yield self.finding(
                f"ECS service {s.id} uses the CODE_DEPLOY deployment controller, but no CodeDeploy deployment group "
                "of the stack deploys it: ECS refuses every later task definition update, and nothing can deploy "
                "a new version", resource=s, attribute=attr, severity=Severity.HIGH, error=NO_GROUP,
                fix=("add a CodeDeploy ECS application and deployment group (ecs_service = this service, "
                     "deployment_style BLUE_GREEN/WITH_TRAFFIC_CONTROL, target_group_pair_info with two target "
                     "groups and the production listener), or use the ECS (rolling) deployment controller"))

    def _pairs(self, grp: Group) -> Iterator[Finding]:
        if not grp.services:
            return  # not an ECS deployment group
        for p in grp.pairs:
            groups = p["groups"]
            if unknown_value(groups):
                continue
            if len(groups) >= 2:
                continue
            what = f"only {len(groups)} target group" if groups else "no target group"
            yield self.finding(
                f"deployment group {grp.res.id} deploys an ECS service with a target group pair that has {what}: "
                "a blue/green deployment needs two target groups and the production listener",
                resource=grp.res, attribute=p["attr"], error=INVALID_PAIR,
                fix=("give target_group_pair_info two target groups (blue and green, both attached to the listener "
                     "rule) and prod_traffic_route.listener_arns = [the production listener ARN]"))

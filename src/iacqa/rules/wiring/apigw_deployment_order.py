"""WIR014: a REST API deployment that nothing orders after the API's methods."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import declaration_span
from iacqa.rules.security.public_endpoints import _api_for as api_for
from iacqa.rules.wiring._native import unknown_value

METHOD_TYPES = ("AWS::ApiGateway::Method",)
# Terraform references that order a deployment after the API's methods (depends_on or `triggers` hashing them)
_TF_REF = re.compile(r"\baws_api_gateway_(?:method|integration|method_response|integration_response)\.")


def _closure(graph: ResourceGraph, start: Resource) -> set[str]:
    seen: set[str] = set()
    todo = list(start.depends_on)
    while todo:
        rid = todo.pop()
        if rid in seen:
            continue
        seen.add(rid)
        dep = graph.resources.get(rid)
        if dep is not None:
            todo.extend(dep.depends_on)
    return seen


def _mentions_methods(ctx: RuleContext, dep: Resource) -> bool:
    """Whether the deployment's own declaration refers to a method or integration (Terraform's `triggers =
    {redeployment = sha1(jsonencode([aws_api_gateway_method.x.id, ...]))}`): an implicit dependency the graph
    does not record."""
    file, start, end = declaration_span(ctx, dep)
    if not file or not start:
        return False
    text = "\n".join(ctx.lines(file)[start - 1:end])
    return bool(_TF_REF.search(text))


class DeploymentBeforeMethods(Rule):
    """An API Gateway REST API deployment that nothing orders after the API's methods.

    What it finds: an `AWS::ApiGateway::Deployment` (`aws_api_gateway_deployment`, `aws.apigateway.Deployment`) of
    a REST API that has methods in the stack, when neither `DependsOn`/`depends_on` (directly or through what it
    depends on) names one of those methods or their integrations, nor (Terraform) its `triggers` refer to them.
    APIs defined by an OpenAPI body, deployments with Pulumi `triggers`, and CDK's own deployments (CDK adds the
    dependencies) are not reported.
    Why it breaks: the deployment only references the API, so it is created as soon as the API exists, in parallel
    with (and usually before) the methods, which wait for their resources: API Gateway refuses to deploy an API
    without methods, or deploys a snapshot without the routes created after it.
    Bad: `Deployment: {Type: AWS::ApiGateway::Deployment, Properties: {RestApiId: !Ref Api}}`
    Good: the same with `DependsOn: [GetItemsMethod, PostItemMethod]` (Terraform `depends_on` or `triggers` hashing
    the methods and integrations; Pulumi `opts=ResourceOptions(depends_on=[method, integration])`).
    What AWS says: `BadRequestException: The REST API doesn't contain any methods`, or `No integration defined for
    method`.
    References: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_deployment,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html
    """

    id = "WIR014"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "REST API deployment not ordered after the methods"
    docs_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        methods_of: dict[str, set[str]] = {}
        for m in g.of_type(*METHOD_TYPES):
            api = api_for(g, m.get("RestApiId"))
            if api is not None:
                methods_of.setdefault(api.id, set()).add(m.id)
        integrations = {r.id for r in g if r.native_type in ("aws_api_gateway_integration",
                                                            "aws:apigateway/integration:Integration")}
        for dep in g.of_type("AWS::ApiGateway::Deployment"):
            api_ref = dep.get("RestApiId")
            if unknown_value(api_ref):
                continue
            api = api_for(g, api_ref)
            if api is None or not methods_of.get(api.id) or api.has("Body") or api.has("BodyS3Location") \
                    or api.native_properties.get("body"):
                continue
            if dep.native_properties.get("triggers") and dep.native_type.startswith("aws:"):
                continue  # Pulumi triggers built from the methods' outputs: a dependency the graph cannot see
            after = _closure(g, dep)
            if after & (methods_of[api.id] | integrations) or _mentions_methods(ctx, dep):
                continue
            template = dep.native_type.startswith("AWS::")
            n = len(methods_of[api.id])
            yield self.finding(
                f"{dep.id}: deployment of REST API {api.id} depends on none of its {n} method(s) or their "
                "integrations, so it is created as soon as the API exists, before the methods"
                + ("" if template else " (the usual outcome of the parallel create)"),
                resource=dep, attribute="RestApiId", location=dep.location,
                severity=self.severity if template else Severity.HIGH,
                error="BadRequestException: The REST API doesn't contain any methods",
                fix="order the deployment after the methods and integrations: DependsOn (CloudFormation), "
                "depends_on or triggers = {redeployment = sha1(jsonencode([...methods, integrations]))} (Terraform), "
                "opts=ResourceOptions(depends_on=[...]) (Pulumi)",
                evidence="API Gateway CreateDeployment refuses an API without methods; CloudFormation/Terraform/"
                "Pulumi create resources in parallel unless a dependency orders them")

"""SEC009: API Gateway stages (REST, HTTP, WebSocket) that write no access log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext


def _set(value: Any) -> bool:
    """Given by the user: a value not known at synth time (a log group ARN computed at deploy) counts as given."""
    return value not in (None, "", [], {})


def _first(value: Any) -> Any:
    """Terraform keeps a nested block as a one-item list."""
    return value[0] if isinstance(value, list) and value else value


def _native_dest(n: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        block = _first(n.get(key))
        if isinstance(block, dict):
            dest = block.get("destination_arn") or block.get("destinationArn") or block.get("DestinationArn")
            if _set(dest):
                return dest
    return None


def _has_access_log(r: Resource) -> bool:
    if r.type == "AWS::ApiGatewayV2::Stage":
        cfn = r.get("AccessLogSettings.DestinationArn")
    else:
        cfn = r.get("AccessLogSetting.DestinationArn")
    return _set(cfn) or _set(_native_dest(r.native_properties, "access_log_settings", "accessLogSettings",
                                          "AccessLogSetting", "AccessLogSettings"))


def _sam_origin(graph: ResourceGraph, r: Resource) -> Resource | None:
    """The SAM resource a stage was generated from (the CloudFormation front end places SAM's implicit resources
    at the user's resource), or None for a stage the user declared."""
    loc = r.location
    if not loc.file or not loc.line:
        return None
    for o in graph:
        if o.id != r.id and o.native_type.startswith("AWS::Serverless::") and o.location.file == loc.file \
                and o.location.line == loc.line:
            return o
    return None


def _stages_of_deployments(graph: ResourceGraph) -> set[str]:
    """Deployments that a stage resource names: their own stage (if any) is not the only one."""
    out = set()
    for s in graph.of_type("AWS::ApiGateway::Stage"):
        hit = graph.resolve_resource(s.get("DeploymentId"))
        if hit is not None:
            out.add(hit.id)
    return out


class ApiStageWithoutAccessLogs(Rule):
    """An API Gateway stage writes no access log.

    What it finds: REST API stages (`AWS::ApiGateway::Stage`, `aws_api_gateway_stage`, `aws.apigateway.Stage`,
    the stage of a CDK `RestApi`, an `AWS::Serverless::Api`) without `AccessLogSetting` /
    `access_log_settings`; a REST deployment that creates its stage itself (`StageName` / `stage_name`) without
    `StageDescription.AccessLogSetting` (Terraform and Pulumi cannot configure logs on that stage at all); HTTP and
    WebSocket API stages (`AWS::ApiGatewayV2::Stage`, `aws_apigatewayv2_stage`, an `AWS::Serverless::HttpApi`)
    without `AccessLogSettings`. Not reported: the implicit API SAM creates for a function's `Api`/`HttpApi`
    event (configured through `Globals`, not a resource of the template).
    Why it breaks: nothing fails; requests (caller IP, identity, path, status, latency) leave no record, so abuse,
    errors seen by clients and the source of a request cannot be traced afterwards. Execution logging
    (`MethodSettings` `LoggingLevel`) does not replace it: it logs the integration, not who called. Reviewers
    report it as "API Gateway stage created without access logging".
    Bad: `aws.apigatewayv2.Stage("default", api_id=api.id, name="$default", auto_deploy=True)`
    Good: `access_log_settings={"destination_arn": log_group.arn, "format": json.dumps({"requestId":
    "$context.requestId", "ip": "$context.identity.sourceIp", "status": "$context.status", ...})}`
    (CDK: `deploy_options=apigw.StageOptions(access_log_destination=apigw.LogGroupLogDestination(group),
    access_log_format=apigw.AccessLogFormat.json_with_standard_fields(...))`). REST APIs also need the account's
    CloudWatch Logs role (`aws_api_gateway_account`).
    What AWS says: nothing at deploy. AWS Security Hub controls APIGateway.1 ("API Gateway REST and WebSocket API
    execution logging should be enabled") and APIGateway.9 ("Access logging should be configured for API Gateway
    V2 Stages").
    References: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html ,
    https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html
    """

    id = "SEC009"
    category = Category.SECURITY
    severity = Severity.LOW
    title = "API Gateway stage without access logging"
    docs_url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for r in g.of_type("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"):
            origin = _sam_origin(g, r)
            if origin is not None:
                if origin.native_type not in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
                    continue  # SAM's implicit API: no resource of the user's to configure
                if _has_access_log(origin):
                    continue
                yield self._report(origin, f"{origin.native_type.split('::')[-1]} {origin.id}",
                                   "AccessLogSetting" if origin.native_type.endswith("::Api") else
                                   "AccessLogSettings")
                continue
            if _has_access_log(r):
                continue
            kind = "HTTP/WebSocket API stage" if r.type == "AWS::ApiGatewayV2::Stage" else "REST API stage"
            yield self._report(r, f"{kind} {r.id}", "AccessLogSettings" if "V2" in r.type else "AccessLogSetting")
        named = _stages_of_deployments(g)
        for d in g.of_type("AWS::ApiGateway::Deployment"):
            if d.id in named or _sam_origin(g, d) is not None:
                continue
            n = d.native_properties
            stage = d.get("StageName") or n.get("stage_name") or n.get("stageName")
            if not isinstance(stage, str) or not stage:
                continue
            if _set(d.get("StageDescription.AccessLogSetting.DestinationArn")):
                continue
            cfn = d.type == d.native_type  # CloudFormation (and CDK) can log the stage a deployment creates
            yield self.finding(
                f"REST API deployment {d.id} creates stage {stage!r}, which writes no access log",
                resource=d, attribute="StageName" if d.has("StageName") else None,
                error="nothing at deploy; requests to the API leave no access log",
                fix=("set StageDescription.AccessLogSetting (DestinationArn: a log group ARN, Format: the fields to "
                     "log)" if cfn else "drop stage_name from the deployment and declare the stage as its own "
                     "resource (aws_api_gateway_stage / aws.apigateway.Stage) with access_log_settings"),
                stage=stage)

    def _report(self, r: Resource, label: str, attr: str) -> Finding:
        v2 = attr == "AccessLogSettings"
        return self.finding(
            f"{label} has no access logging: requests leave no record of caller, path and status",
            resource=r, attribute=attr if r.has(attr) else None,
            error="nothing at deploy; requests to the API leave no access log",
            fix=("access_log_settings={destination_arn: a log group ARN, format: JSON with $context.requestId, "
                 "$context.identity.sourceIp, $context.routeKey, $context.status}" if v2 else
                 "access_log_settings={destination_arn: a log group ARN, format: JSON with $context.requestId, "
                 "$context.identity.sourceIp, $context.httpMethod, $context.resourcePath, $context.status} "
                 "(CDK: deploy_options access_log_destination and access_log_format); REST APIs also need the "
                 "account's CloudWatch Logs role (aws_api_gateway_account)"))

"""SEC009 (API stage without access logs) and SEC010 (public function URL with CORS *) on Terraform, CloudFormation
and SAM graph shapes."""

from __future__ import annotations

from typing import Any

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.security.api_access_logs import ApiStageWithoutAccessLogs
from iacqa.rules.security.function_url_cors import PublicFunctionUrlAnyOrigin


def _res(rid: str, rtype: str, native_type: str | None = None, props: dict[str, Any] | None = None,
         native: dict[str, Any] | None = None, outputs: dict[str, Any] | None = None,
         loc: Location | None = None) -> Resource:
    return Resource(id=rid, type=rtype, native_type=native_type or rtype, properties=props or {},
                    native_properties=native if native is not None else dict(props or {}),
                    location=loc or Location("main.tf", 1), outputs=outputs or {}, mapped=rtype.startswith("AWS::"))


def _ctx(*res: Resource) -> RuleContext:
    g = ResourceGraph(platform="tf")
    for r in res:
        g.add(r)
    return RuleContext(graph=g)


def _sec009(*res: Resource) -> list[Any]:
    return list(ApiStageWithoutAccessLogs().check(_ctx(*res)))


def test_terraform_stages_block_lists_and_v2() -> None:
    logged = _res("aws_api_gateway_stage.logged", "AWS::ApiGateway::Stage", "aws_api_gateway_stage",
                  props={"StageName": "prod", "AccessLogSetting": [{"DestinationArn": "arn:aws:logs:x"}]},
                  native={"stage_name": "prod", "access_log_settings": [{"destination_arn": "arn:aws:logs:x"}]})
    bare = _res("aws_api_gateway_stage.bare", "AWS::ApiGateway::Stage", "aws_api_gateway_stage",
                props={"StageName": "dev"}, native={"stage_name": "dev"})
    v2 = _res("aws_apigatewayv2_stage.default", "AWS::ApiGatewayV2::Stage", "aws_apigatewayv2_stage",
              props={"StageName": "$default", "AutoDeploy": True}, native={"name": "$default"})
    v2_logged = _res("aws_apigatewayv2_stage.logged", "AWS::ApiGatewayV2::Stage", "aws_apigatewayv2_stage",
                     props={"AccessLogSettings": {"DestinationArn": "<unresolved aws_cloudwatch_log_group.a.arn>"}})
    found = {f.resource: f for f in _sec009(logged, bare, v2, v2_logged)}
    assert set(found) == {"aws_api_gateway_stage.bare", "aws_apigatewayv2_stage.default"}
    assert found["aws_api_gateway_stage.bare"].severity is Severity.LOW
    assert "REST API stage" in found["aws_api_gateway_stage.bare"].message
    assert "HTTP/WebSocket API stage" in found["aws_apigatewayv2_stage.default"].message


def test_deployment_that_creates_its_own_stage() -> None:
    tf = _res("aws_api_gateway_deployment.d", "AWS::ApiGateway::Deployment", "aws_api_gateway_deployment",
              props={"RestApiId": "api-1"}, native={"rest_api_id": "api-1", "stage_name": "prod"},
              outputs={"Id": "dep-1"})
    cfn_logged = _res("Dep", "AWS::ApiGateway::Deployment", props={
        "RestApiId": "api-1", "StageName": "v1",
        "StageDescription": {"AccessLogSetting": {"DestinationArn": "arn:aws:logs:us-east-1:1:log-group:a"}}})
    cfn_bare = _res("Dep2", "AWS::ApiGateway::Deployment", props={"RestApiId": "api-1", "StageName": "v2"})
    # a deployment that a Stage resource names: the stage is judged on its own
    named = _res("aws_api_gateway_deployment.n", "AWS::ApiGateway::Deployment", "aws_api_gateway_deployment",
                 props={"RestApiId": "api-1"}, native={"stage_name": "x"}, outputs={"Id": "dep-n"})
    stage = _res("aws_api_gateway_stage.s", "AWS::ApiGateway::Stage", "aws_api_gateway_stage", props={
        "DeploymentId": "dep-n", "AccessLogSetting": {"DestinationArn": "arn:aws:logs:x"}})
    found = {f.resource: f for f in _sec009(tf, cfn_logged, cfn_bare, named, stage)}
    assert set(found) == {"aws_api_gateway_deployment.d", "Dep2"}
    assert "aws_api_gateway_stage" in found["aws_api_gateway_deployment.d"].fix
    assert "StageDescription.AccessLogSetting" in found["Dep2"].fix


def test_sam_explicit_api_judged_on_its_own_properties_implicit_api_skipped() -> None:
    at = Location("template.yaml", 10)
    api = _res("MyApi", "AWS::Serverless::Api", props={"StageName": "prod"}, loc=at)
    gen = _res("MyApiprodStage", "AWS::ApiGateway::Stage", props={"StageName": "prod"}, loc=at)
    fn_at = Location("template.yaml", 30)
    fn = _res("Fn", "AWS::Lambda::Function", "AWS::Serverless::Function", loc=fn_at)
    implicit = _res("ServerlessRestApiProdStage", "AWS::ApiGateway::Stage", props={"StageName": "Prod"}, loc=fn_at)
    found = _sec009(api, gen, fn, implicit)
    assert [f.resource for f in found] == ["MyApi"]
    logged = _res("MyApi", "AWS::Serverless::Api", props={
        "StageName": "prod", "AccessLogSetting": {"DestinationArn": "arn:aws:logs:x", "Format": "$context.requestId"}},
        loc=at)
    assert _sec009(logged, gen) == []


def _url(rid: str, auth: str, cors: Any) -> Resource:
    return _res(rid, "AWS::Lambda::Url", "aws_lambda_function_url", props={
        "AuthType": auth, "TargetFunctionArn": "fn", **({"Cors": cors} if cors is not None else {})})


def test_function_url_cors_any_origin_only_without_auth() -> None:
    found = list(PublicFunctionUrlAnyOrigin().check(_ctx(
        _url("open_star", "NONE", [{"AllowOrigins": ["*"], "AllowMethods": ["GET"]}]),  # Terraform block list
        _url("open_site", "NONE", {"AllowOrigins": ["https://app.example.com"]}),
        _url("iam_star", "AWS_IAM", {"AllowOrigins": ["*"]}),
        _url("open_nocors", "NONE", None),
    )))
    assert [(f.rule, f.resource, f.severity) for f in found] == [("SEC010", "open_star", Severity.MEDIUM)]
    assert f"{found[0].attribute}" == "Cors.AllowOrigins"

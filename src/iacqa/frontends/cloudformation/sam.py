"""The resources the SAM transform adds to a template (AWS::Serverless-2016-10-31), so references to them resolve
and rules and the emulator see what `sam deploy` creates.

Why hand-written and not the SAM translator (aws-sam-translator): it is not a dependency (it pulls pydantic and,
for managed policy names, an IAM client), and the graph only needs the resources' logical ids, types and the few
properties rules read. What is modelled, with the logical ids the translator gives them
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources.html):

- a function or state machine without `Role`: `<Id>Role` (AWS::IAM::Role) with the managed policies SAM attaches
  and its `Policies`; SAM policy templates and connectors are attached as "not readable here", so IAM rules treat
  the role's permissions as uncertain instead of missing;
- function `Events`: SQS / Kinesis / DynamoDB / MQ / MSK become `<Id><Event>` event source mappings; Api events
  without `RestApiId` create `ServerlessRestApi` (+ `ServerlessRestApiProdStage`), HttpApi events without `ApiId`
  `ServerlessHttpApi` (+ `ServerlessHttpApiApiGatewayDefaultStage`); push events get `<Id><Event>Permission`;
- `AutoPublishAlias`: `<Id>Alias<alias>` and `<Id>Version`; `AWS::Serverless::Api`: `<Id><Stage>Stage`, `<Id>Deployment`.

Every added resource carries `_SamOrigin` (the logical id it comes from) so findings point at the user's resource.
"""

from __future__ import annotations

from typing import Any

TRANSFORM = "AWS::Serverless-2016-10-31"
_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
_XRAY = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
_VPC = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
_POLL = {"SQS": "Queue", "Kinesis": "Stream", "DynamoDB": "Stream", "MQ": "Broker", "MSK": "Stream",
         "DocumentDB": "Cluster"}
_PUSH = ("Api", "HttpApi", "S3", "SNS", "Schedule", "ScheduleV2", "CloudWatchEvent", "EventBridgeRule",
         "CloudWatchLogs", "IoTRule", "AlexaSkill", "Cognito")
_ASSUME = {"lambda": "lambda.amazonaws.com", "states": "states.amazonaws.com"}


def is_sam(template: dict[str, Any]) -> bool:
    t = template.get("Transform")
    names = t if isinstance(t, list) else [t]
    if TRANSFORM in names:
        return True
    res = template.get("Resources") or {}
    return any(isinstance(s, dict) and str(s.get("Type", "")).startswith("AWS::Serverless::") for s in res.values())


def _role(service: str, origin: str, props: dict[str, Any], managed: list[Any],
          connectors: list[str]) -> dict[str, Any]:
    inline: list[dict[str, Any]] = []
    policies = props.get("Policies")
    for i, p in enumerate(policies if isinstance(policies, list) else [policies] if policies else []):
        if isinstance(p, str):
            managed.append(p if p.startswith("arn:") else f"arn:aws:iam::aws:policy/{p}")
        elif isinstance(p, dict) and "Statement" in p:
            inline.append({"PolicyName": f"{origin}RolePolicy{i}", "PolicyDocument": p})
        elif isinstance(p, dict) and len(p) == 1 and not any(str(k).startswith("Fn::") or k == "Ref" for k in p):
            name = str(next(iter(p)))
            inline.append({"PolicyName": f"{origin}RolePolicy{i}",
                           "PolicyDocument": {"iacqa:sam-policy-template": name}})  # expanded by SAM, not here
        else:
            managed.append(p)  # Ref/GetAtt of a policy ARN
    for c in connectors:
        inline.append({"PolicyName": f"{c}Policy", "PolicyDocument": {"iacqa:sam-connector": c}})
    return {"Type": "AWS::IAM::Role", "_SamOrigin": origin, "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": [_ASSUME[service]]}, "Action": ["sts:AssumeRole"]}]},
        "ManagedPolicyArns": managed, "Policies": inline}}


def _connectors(resources: dict[str, Any]) -> dict[str, list[str]]:
    """Source logical id -> connectors that grant it permissions (AWS::Serverless::Connector, or the
    `Connectors` attribute of a resource)."""
    out: dict[str, list[str]] = {}
    for rid, spec in resources.items():
        if not isinstance(spec, dict):
            continue
        if spec.get("Type") == "AWS::Serverless::Connector":
            src = ((spec.get("Properties") or {}).get("Source") or {})
            if isinstance(src, dict) and isinstance(src.get("Id"), str):
                out.setdefault(src["Id"], []).append(str(rid))
        for name in (spec.get("Connectors") or {}) if isinstance(spec.get("Connectors"), dict) else ():
            out.setdefault(str(rid), []).append(f"{rid}{name}")
    return out


def implicit_resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical id -> resource spec of what the SAM transform adds (only ids the template does not define)."""
    resources = template.get("Resources") or {}
    if not isinstance(resources, dict) or not is_sam(template):
        return {}
    glob = ((template.get("Globals") or {}).get("Function") or {}) if isinstance(template.get("Globals"), dict) else {}
    conns = _connectors(resources)
    out: dict[str, dict[str, Any]] = {}
    for rid, spec in resources.items():
        if not isinstance(spec, dict):
            continue
        rid, rtype = str(rid), str(spec.get("Type", ""))
        props = spec.get("Properties") or {}
        if not isinstance(props, dict):
            continue
        if rtype == "AWS::Serverless::Function":
            _function(rid, {**glob, **props}, conns.get(rid, []), out)
        elif rtype == "AWS::Serverless::StateMachine" and "Role" not in props:
            out[f"{rid}Role"] = _role("states", rid, props, [], conns.get(rid, []))
        elif rtype == "AWS::Serverless::Api":
            stage = props.get("StageName") if isinstance(props.get("StageName"), str) else "Stage"
            out[f"{rid}{stage}Stage"] = {"Type": "AWS::ApiGateway::Stage", "_SamOrigin": rid,
                                         "Properties": {"RestApiId": {"Ref": rid}, "StageName": stage}}
            out[f"{rid}Deployment"] = {"Type": "AWS::ApiGateway::Deployment", "_SamOrigin": rid,
                                       "Properties": {"RestApiId": {"Ref": rid}}}
    return {k: v for k, v in out.items() if k not in resources}


def function_globals(template: dict[str, Any], resolve: Any) -> dict[str, Any]:
    """`Globals.Function`, resolved: the properties SAM copies into every function that does not set them."""
    glob = template.get("Globals")
    fn = glob.get("Function") if isinstance(glob, dict) else None
    if not isinstance(fn, dict):
        return {}
    out = resolve(fn, ("Globals", "Function"))
    return {k: v for k, v in out.items() if k not in ("Events",)} if isinstance(out, dict) else {}


def _function(rid: str, props: dict[str, Any], connectors: list[str], out: dict[str, dict[str, Any]]) -> None:
    if "Role" not in props:
        managed: list[Any] = [_BASIC]
        if props.get("Tracing") == "Active":
            managed.append(_XRAY)
        if props.get("VpcConfig"):
            managed.append(_VPC)
        out[f"{rid}Role"] = _role("lambda", rid, props, managed, connectors)
    alias = props.get("AutoPublishAlias")
    if isinstance(alias, str) and alias:
        out[f"{rid}Version"] = {"Type": "AWS::Lambda::Version", "_SamOrigin": rid,
                                "Properties": {"FunctionName": {"Ref": rid}}}
        out[f"{rid}Alias{alias}"] = {"Type": "AWS::Lambda::Alias", "_SamOrigin": rid, "Properties": {
            "FunctionName": {"Ref": rid}, "FunctionVersion": {"Fn::GetAtt": [f"{rid}Version", "Version"]},
            "Name": alias}}
    events = props.get("Events") or {}
    for ev, spec in (events.items() if isinstance(events, dict) else ()):
        if not isinstance(spec, dict):
            continue
        etype, eprops = str(spec.get("Type", "")), spec.get("Properties") or {}
        if not isinstance(eprops, dict):
            eprops = {}
        if etype in _POLL:
            src = eprops.get(_POLL[etype])
            esm: dict[str, Any] = {"FunctionName": {"Ref": rid}, "EventSourceArn": src}
            for key in ("BatchSize", "StartingPosition", "MaximumBatchingWindowInSeconds", "Enabled",
                        "FunctionResponseTypes", "FilterCriteria", "MaximumRetryAttempts",
                        "BisectBatchOnFunctionError", "ParallelizationFactor", "DestinationConfig", "ScalingConfig"):
                if key in eprops:
                    esm[key] = eprops[key]
            out[f"{rid}{ev}"] = {"Type": "AWS::Lambda::EventSourceMapping", "_SamOrigin": rid, "Properties": esm}
        elif etype in _PUSH:
            out[f"{rid}{ev}Permission"] = {"Type": "AWS::Lambda::Permission", "_SamOrigin": rid, "Properties": {
                "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": rid},
                "Principal": _principal(etype)}}
            if etype == "Api" and "RestApiId" not in eprops:
                out.setdefault("ServerlessRestApi", {"Type": "AWS::ApiGateway::RestApi", "_SamOrigin": rid,
                                                     "Properties": {"Name": {"Ref": "AWS::StackName"}}})
                out.setdefault("ServerlessRestApiProdStage", {"Type": "AWS::ApiGateway::Stage", "_SamOrigin": rid,
                                                              "Properties": {"RestApiId": {"Ref": "ServerlessRestApi"},
                                                                             "StageName": "Prod"}})
            if etype == "HttpApi" and "ApiId" not in eprops:
                out.setdefault("ServerlessHttpApi", {"Type": "AWS::ApiGatewayV2::Api", "_SamOrigin": rid,
                                                     "Properties": {"Name": {"Ref": "AWS::StackName"},
                                                                    "ProtocolType": "HTTP"}})
                out.setdefault("ServerlessHttpApiApiGatewayDefaultStage", {
                    "Type": "AWS::ApiGatewayV2::Stage", "_SamOrigin": rid,
                    "Properties": {"ApiId": {"Ref": "ServerlessHttpApi"}, "StageName": "$default"}})


def _principal(etype: str) -> str:
    return {"Api": "apigateway.amazonaws.com", "HttpApi": "apigateway.amazonaws.com", "S3": "s3.amazonaws.com",
            "SNS": "sns.amazonaws.com", "Schedule": "events.amazonaws.com", "CloudWatchEvent": "events.amazonaws.com",
            "EventBridgeRule": "events.amazonaws.com", "ScheduleV2": "scheduler.amazonaws.com",
            "CloudWatchLogs": "logs.amazonaws.com", "IoTRule": "iot.amazonaws.com",
            "AlexaSkill": "alexa-appkit.amazon.com", "Cognito": "cognito-idp.amazonaws.com"}[etype]


__all__ = ["TRANSFORM", "function_globals", "implicit_resources", "is_sam"]

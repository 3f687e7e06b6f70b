"""SEC007: API Gateway methods and Lambda function URLs that anyone on the internet can call."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext

# Paths meant to be public: load-balancer and uptime checks call them without credentials.
HEALTH_PATH = re.compile(r"(?i)^(health|healthz|healthcheck|health-check|ping|status|ready|readiness|liveness)$")
# Resource policies on a REST API: the API's own `Policy`, or a separate policy resource naming the API.
_API_POLICY_NATIVE = ("aws:apigateway/restApiPolicy:RestApiPolicy", "aws_api_gateway_rest_api_policy")


def _unknown(value: Any) -> bool:
    return isinstance(value, str) and ("<unresolved" in value or "${" in value or value.startswith("mock-")
                                       or value.lower() == "unknown")


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _set(value: Any) -> bool:
    """A value the user gave (not empty, not a placeholder the front end could not resolve counts as set too:
    an authorizer id computed at deploy time is still an authorizer)."""
    if value is None or value == "" or value == [] or value == {}:
        return False
    return True


def _api_has_policy(graph: ResourceGraph, api: Resource) -> bool:
    if _set(api.get("Policy")) or _set(api.native_properties.get("policy")):
        return True
    for r in graph:
        if r.native_type in _API_POLICY_NATIVE or r.type == "AWS::ApiGateway::RestApiPolicy":
            ref = r.native_properties.get("rest_api_id") or r.native_properties.get("restApiId") or r.get("RestApiId")
            if ref is None or _unknown(ref):
                return True  # cannot tell which API it protects: assume this one
            hit = graph.resolve_resource(ref)
            if hit is None or hit.id == api.id:
                return True
    return False


def _is_private(api: Resource) -> bool:
    types = api.get("EndpointConfiguration.Types") or api.native_properties.get("endpoint_configuration", {})
    if isinstance(types, dict):
        types = types.get("types") or types.get("Types")
    if isinstance(types, list) and types and isinstance(types[0], dict):
        types = types[0].get("types") or types[0].get("Types")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.upper() == "PRIVATE" for t in types)


def _api_for(graph: ResourceGraph, ref: Any) -> Resource | None:
    """The REST API a method names. Besides `graph.resolve`, accepts `<logical name>-<hash>`: the id Pulumi's mocks
    pass for a resource given an explicit `name` (its outputs then hold the name, not that id)."""
    hit = graph.resolve_resource(ref)
    if hit is not None:
        return hit if hit.type == "AWS::ApiGateway::RestApi" else None
    if not isinstance(ref, str):
        return None
    apis = [a for a in graph.of_type("AWS::ApiGateway::RestApi")
            if ref.startswith(a.id + "-") and ref[len(a.id) + 1:].isalnum()]
    return apis[0] if len(apis) == 1 else None


def _path(graph: ResourceGraph, api: Resource, resource_ref: Any) -> str | None:
    """`/orders/{id}`: the method's resource path, walked up through ParentId; `/` for the root resource."""
    parts: list[str] = []
    ref, seen = resource_ref, set()
    while isinstance(ref, str) and ref not in seen:
        seen.add(ref)
        if ref == api.outputs.get("RootResourceId"):
            return "/" + "/".join(reversed(parts))
        res = graph.resolve_resource(ref)
        if res is None or res.type != "AWS::ApiGateway::Resource":
            return None
        part = res.get("PathPart")
        if not isinstance(part, str):
            return None
        parts.append(part)
        ref = res.get("ParentId")
    return None


class PublicEndpoint(Rule):
    """An API Gateway method or a Lambda function URL that anyone on the internet can call.

    What it finds: an `AWS::ApiGateway::Method` (`aws.apigateway.Method`, `aws_api_gateway_method`, CDK
    `add_method`) with `AuthorizationType` `NONE` (CloudFormation's default when it is not set), that is not
    `OPTIONS` (CORS preflight must be open), has no `ApiKeyRequired: true` and no authorizer, on a REST API that
    has no resource policy and is not `PRIVATE`; and an `AWS::Lambda::Url` with `AuthType` `NONE`. One finding per
    API lists every such method; paths meant to be public (`/health`, `/ping`, `/status`) are not reported.
    Why it breaks: nothing fails; the endpoint answers every request from the internet, so anyone can run the
    function behind it (writes, payments, cost) unless the code checks the caller itself. Reviewers report it as
    "API Gateway authorization set to NONE".
    Bad: `aws.apigateway.Method("post", rest_api=api.id, resource_id=res.id, http_method="POST",
    authorization="NONE")`; `aws.lambda_.FunctionUrl("url", function_name=fn.name, authorization_type="NONE")`
    Good: `authorization="AWS_IAM"`, or `authorization="COGNITO_USER_POOLS", authorizer_id=authorizer.id`, or a
    Lambda (`CUSTOM`) authorizer; `authorization_type="AWS_IAM"` on the function URL.
    What AWS says: nothing at deploy; "NONE for open access" (API Gateway `authorizationType`) and "AuthType
    NONE: Lambda doesn't perform authentication before invoking your function" (Lambda function URLs).
    References: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html ,
    https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
    """

    id = "SEC007"
    category = Category.SECURITY
    severity = Severity.MEDIUM
    title = "endpoint callable by anyone on the internet"
    docs_url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        yield from self._methods(ctx)
        yield from self._urls(ctx)

    def _methods(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        by_api: dict[str, list[tuple[Resource, str]]] = {}
        apis: dict[str, Resource] = {}
        for m in g.of_type("AWS::ApiGateway::Method"):
            auth = m.get("AuthorizationType", "NONE")
            verb = m.get("HttpMethod")
            if not isinstance(auth, str) or auth.upper() != "NONE" or not isinstance(verb, str) or _unknown(verb):
                continue
            if verb.upper() == "OPTIONS" or _truthy(m.get("ApiKeyRequired")):
                continue
            if _set(m.get("AuthorizerId")) or _set(m.get("AuthorizationScopes")):
                continue  # an authorizer is attached: the type is inconsistent, not open
            api_ref = m.get("RestApiId")
            if _unknown(api_ref):
                continue
            api = _api_for(g, api_ref)
            if api is None:
                continue  # an API from outside the stack: its policy is unknown
            if _is_private(api) or _api_has_policy(g, api):
                continue
            path = _path(g, api, m.get("ResourceId"))
            last = (path or "").rstrip("/").rsplit("/", 1)[-1]
            if HEALTH_PATH.match(last):
                continue
            by_api.setdefault(api.id, []).append((m, f"{verb.upper()} {path}" if path else f"{verb.upper()} ({m.id})"))
            apis[api.id] = api
        for api_id, methods in by_api.items():
            first = methods[0][0]
            names = [label for _, label in methods]
            lines = sorted({m.location_of("AuthorizationType").line for m, _ in methods
                            if m.location_of("AuthorizationType").line})
            shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            yield self.finding(
                f"REST API {api_id} has {len(names)} method(s) with authorization NONE, no API key and no resource "
                f"policy: {shown} can be called by anyone on the internet",
                resource=first, attribute="AuthorizationType",
                error="nothing at deploy; at run time API Gateway forwards every request to the integration "
                "without checking the caller",
                fix='authorization="AWS_IAM" (callers sign requests), or a Cognito user pool authorizer '
                '(authorization="COGNITO_USER_POOLS", authorizer_id=...) or a Lambda authorizer ("CUSTOM"); '
                "api_key_required=True with a usage plan for machine clients",
                methods=names, lines=lines or None, api=api_id)

    def _urls(self, ctx: RuleContext) -> Iterator[Finding]:
        for url in ctx.graph.of_type("AWS::Lambda::Url"):
            auth = url.get("AuthType")
            if not isinstance(auth, str) or auth.upper() != "NONE":
                continue
            target = url.get("TargetFunctionArn")
            fn = ctx.graph.function_for(target)
            name = fn.id if fn is not None else (target if isinstance(target, str) and not _unknown(target)
                                                  else "its function")
            yield self.finding(
                f"function URL {url.id} of {name} has AuthType NONE: the function can be called by anyone on "
                "the internet", resource=url, attribute="AuthType",
                error="nothing at deploy; at run time Lambda invokes the function for every request to the URL "
                "without authenticating the caller",
                fix='authorization_type="AWS_IAM" and sign requests with SigV4 (or put CloudFront with origin '
                "access control in front); check the caller in the code if the URL must stay public")

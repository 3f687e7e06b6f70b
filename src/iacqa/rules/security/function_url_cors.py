"""SEC010: a Lambda function URL without authentication whose CORS lets every web origin read its answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext


def _first(value: Any) -> Any:
    """Terraform keeps a nested block as a one-item list."""
    return value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else value


def _origins(url: Resource) -> list[Any]:
    cors = _first(url.get("Cors"))
    if not isinstance(cors, dict):
        n = url.native_properties
        cors = _first(n.get("cors"))
    if not isinstance(cors, dict):
        return []
    value = cors.get("AllowOrigins", cors.get("allow_origins", cors.get("allowOrigins")))
    return list(value) if isinstance(value, (list, tuple)) else [value] if value is not None else []


class PublicFunctionUrlAnyOrigin(Rule):
    """A Lambda function URL with `AuthType` `NONE` allows CORS from every origin (`AllowOrigins: ["*"]`).

    What it finds: an `AWS::Lambda::Url` (`aws_lambda_function_url`, `aws.lambda_.FunctionUrl`, CDK
    `add_function_url`) with `AuthType` `NONE` and `Cors.AllowOrigins` containing `"*"`. SEC007 reports the
    missing authentication itself; this finding is about the browser side.
    Why it breaks: nothing fails. With no authentication, any script on any web site a visitor opens can call
    the function from the visitor's browser (from inside their network, with their IP address) and read the
    answer, so the function cannot tell its own front end from any other page, and rate limits or IP allow-lists
    in the code are bypassed by borrowing visitors' browsers. Reviewers report "public Lambda URL with CORS *".
    Bad: `aws.lambda_.FunctionUrl("url", function_name=fn.name, authorization_type="NONE",
    cors={"allow_origins": ["*"], "allow_methods": ["*"]})`
    Good: `authorization_type="AWS_IAM"` (callers sign with SigV4, e.g. CloudFront with origin access control),
    and `allow_origins` listing the front end's own origin (`["https://app.example.com"]`).
    What AWS says: nothing at deploy; "AuthType NONE: Lambda doesn't perform authentication before invoking
    your function" and CORS `AllowOrigins` "The origins that can access your function URL" (Lambda developer
    guide).
    References: https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors ,
    https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
    """

    id = "SEC010"
    category = Category.SECURITY
    severity = Severity.MEDIUM
    title = "public function URL open to every web origin"
    docs_url = "https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for url in ctx.graph.of_type("AWS::Lambda::Url"):
            auth = url.get("AuthType", url.native_properties.get("authorization_type"))
            if not isinstance(auth, str) or auth.upper() != "NONE":
                continue
            if not any(isinstance(o, str) and o.strip() == "*" for o in _origins(url)):
                continue
            fn = ctx.graph.function_for(url.get("TargetFunctionArn"))
            name = fn.id if fn is not None else "its function"
            yield self.finding(
                f"function URL {url.id} of {name} has AuthType NONE and CORS AllowOrigins [\"*\"]: any web page "
                "can call the function from its visitors' browsers and read the answers",
                resource=url, attribute="Cors.AllowOrigins",
                error="nothing at deploy; at run time the URL answers every origin's cross-site request with "
                "Access-Control-Allow-Origin: *",
                fix='list the front end\'s own origins in allow_origins (["https://app.example.com"]) and use '
                'authorization_type="AWS_IAM" (CloudFront with origin access control in front of the URL)')

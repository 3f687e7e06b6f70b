"""One data-driven rule over the constraints of the CloudFormation schemas (knowledge/constraints.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from iacqa.knowledge.constraints import Constraint, constraints_for, lambda_runtimes
from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext

# Service-specific wording of the errors, as the provider / AWS return them (seed 001 quotes the first).
_RANGE_ERROR = "expected {attr} to be in the range ({lo} - {hi}), got {value}"
_ENUM_ERROR = "expected {attr} to be one of [{allowed}], got {value}"


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v, path)
    else:
        yield path, value


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v.strip()):
        return float(v)
    return None


def _fmt(v: float | None) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _synthetic(v: str) -> bool:
    """Values the front end made up (mock ARNs, placeholders, unresolved outputs) are not the user's."""
    return v.startswith(("arn:", "mock-", "<", "iacqa-", "https://")) or "${" in v


class ValueOutOfRange(Rule):
    """A property value outside what the AWS API accepts.

    What it finds: numbers below the minimum or above the maximum, strings not in the allowed set or longer than
    allowed, for every property of every mapped resource, using the constraints of the CloudFormation resource
    schemas that cfn-lint ships (with botocore's service models and a short curated table where the schemas are
    looser than the service, e.g. Lambda Timeout 900 s for standard functions).
    Why it breaks: the provider or the AWS API rejects the value when the resource is created, so the deploy stops.
    Bad: `aws.lambda_.FunctionEventInvokeConfig(..., maximum_retry_attempts=5)` (the API allows 0..2);
    `aws.cloudwatch.LogGroup(..., retention_in_days=45)` (not one of the allowed retention periods).
    Good: `maximum_retry_attempts=2`; `retention_in_days=30`.
    What AWS says: `expected maximum_retry_attempts to be in the range (0 - 2), got 5`; `ValidationException: 1
    validation error detected: Value '5' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have
    value less than or equal to 2`.
    References: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html ;
    https://github.com/aws-cloudformation/cfn-lint (schemas)
    """

    id = "LIM001"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "value outside what the AWS API accepts"
    docs_url = "https://docs.aws.amazon.com/cloudformation/latest/TemplateReference/aws-template-resource-type-ref.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if not r.mapped:
                continue
            table = constraints_for(r.type)
            if not table:
                continue
            for path, value in _leaves(r.properties, ""):
                c = table.get(path)
                if c is None or value is None:
                    continue
                f = self._check_value(ctx, r, path, value, c)
                if f is not None:
                    yield f

    def _check_value(self, ctx: RuleContext, r: Resource, path: str, value: Any, c: Constraint) -> Finding | None:
        attr = r.native_name(path)
        where = f"{r.type}.{path}"
        if c.minimum is not None or c.maximum is not None:
            n = _number(value)
            if n is None:
                return None
            lo, hi = c.minimum, c.maximum
            if (lo is not None and n < lo) or (hi is not None and n > hi):
                rng = f"{_fmt(lo) if lo is not None else '-inf'}..{_fmt(hi) if hi is not None else 'inf'}"
                closest = hi if hi is not None and n > hi else lo
                note = f" ({c.note})" if c.note else ""
                return self.finding(
                    ctx, f"{attr}={_fmt(n)} is outside the allowed range {rng} for {where}{note}",
                    resource=r, attribute=path,
                    error=_RANGE_ERROR.format(attr=attr, lo=_fmt(lo) if lo is not None else "-inf",
                                              hi=_fmt(hi) if hi is not None else "inf", value=_fmt(n)),
                    fix=f"set {attr}={_fmt(closest)} (the closest allowed value); if the requirement asks for more, "
                    "document the platform limit", value=value, allowed=rng, source=c.source)
        if isinstance(value, str) and not _synthetic(value):
            if c.enum and value not in c.enum and not any(isinstance(e, str) and e.lower() == value.lower()
                                                           for e in c.enum if path != "Runtime"):
                allowed = ", ".join(str(e) for e in c.enum[:25]) + (" ..." if len(c.enum) > 25 else "")
                return self.finding(
                    ctx, f"{attr}={value!r} is not one of the values {where} accepts", resource=r, attribute=path,
                    error=_ENUM_ERROR.format(attr=attr, allowed=allowed, value=value),
                    fix=f"use one of: {allowed}", value=value, source=c.source)
            if c.max_length is not None and len(value) > c.max_length:
                return self.finding(
                    ctx, f"{attr} is {len(value)} characters long; {where} allows at most {c.max_length}",
                    resource=r, attribute=path,
                    error=f"expected length of {attr} to be in the range ({c.min_length or 0} - {c.max_length}), "
                    f"got {value}", fix=f"shorten {attr} to {c.max_length} characters or fewer")
        elif c.enum and isinstance(value, (int, float)) and not isinstance(value, bool) and value not in c.enum:
            allowed = ", ".join(str(e) for e in c.enum)
            closest = min(c.enum, key=lambda e: abs(float(e) - float(value)))
            return self.finding(
                ctx, f"{attr}={_fmt(value)} is not one of the values {where} accepts ({allowed})",
                resource=r, attribute=path, error=_ENUM_ERROR.format(attr=attr, allowed=allowed, value=_fmt(value)),
                fix=f"set {attr}={closest} (the closest allowed value)", value=value, source=c.source)
        return None


class DeprecatedRuntime(Rule):
    """A Lambda runtime that AWS no longer lets you create functions with (or soon will not).

    What it finds: `runtime` values whose create-block date (from cfn-lint's LmbdRuntimeLifecycle.json) has passed
    (critical: the deploy fails) or that are deprecated (medium).
    Why it breaks: Lambda refuses CreateFunction for runtimes past their create-block date.
    Bad: `runtime="python3.7"`.
    Good: `runtime="python3.12"`.
    What AWS says: `InvalidParameterValueException: The runtime parameter of python3.7 is no longer supported for
    creating or updating AWS Lambda functions.`
    References: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated
    """

    id = "LIM002"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "Lambda runtime no longer accepted"
    resource_types = ("AWS::Lambda::Function", "AWS::Lambda::LayerVersion")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        today = ctx.option("today") or date.today().isoformat()
        life = lambda_runtimes()
        for r in self.resources(ctx):
            runtimes = r.get("CompatibleRuntimes") if r.type == "AWS::Lambda::LayerVersion" else [r.get("Runtime")]
            for rt in runtimes or []:
                info = life.get(rt) if isinstance(rt, str) else None
                if not info:
                    continue
                succ = info.get("successor") or "a supported runtime"
                if info.get("create-block") and info["create-block"] <= today:
                    yield self.finding(
                        ctx, f"runtime {rt!r} can no longer be used to create functions (blocked since "
                        f"{info['create-block']})", resource=r, attribute="Runtime",
                        error=f"InvalidParameterValueException: The runtime parameter of {rt} is no longer supported "
                        "for creating or updating AWS Lambda functions.", fix=f"use {succ}")
                elif info.get("deprecated") and info["deprecated"] <= today:
                    yield self.finding(
                        ctx, f"runtime {rt!r} is deprecated since {info['deprecated']}; creation is blocked from "
                        f"{info.get('create-block')}", resource=r, attribute="Runtime", severity=Severity.MEDIUM,
                        error=f"runtime {rt} deprecated on {info['deprecated']}", fix=f"use {succ}")

"""LIM001: one data-driven rule over the value constraints of the CloudFormation schemas (knowledge/constraints.py).

SAMPLES below is data: for every curated constraint row (and the schema rows the seeds hit) one value AWS accepts
and one it rejects; tests/rules/limits/test_value_range.py turns each row into two tests.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from iacqa.knowledge.constraints import ITEMS, Constraint, constraints_for, lambda_runtimes, strip_items
from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext

# (cfn_type, CFN path, value AWS accepts, value AWS rejects). Paths with list items use "[]".
SAMPLES: tuple[tuple[str, str, Any, Any], ...] = (
    ("AWS::Lambda::EventInvokeConfig", "MaximumRetryAttempts", 2, 5),
    ("AWS::Lambda::EventInvokeConfig", "MaximumEventAgeInSeconds", 3600, 30),
    ("AWS::Lambda::Function", "Timeout", 900, 1200),
    ("AWS::Lambda::Function", "MemorySize", 10240, 16384),
    ("AWS::Lambda::Function", "EphemeralStorage.Size", 512, 256),
    ("AWS::Lambda::Function", "ReservedConcurrentExecutions", 0, -1),
    ("AWS::Lambda::Function", "Architectures.[]", "arm64", "arm"),
    ("AWS::Lambda::Function", "TracingConfig.Mode", "Active", "Enabled"),
    ("AWS::Lambda::Function", "FunctionName", "webhook-dev", "w" * 65),
    ("AWS::Logs::LogGroup", "RetentionInDays", 30, 45),
    ("AWS::RDS::DBInstance", "EnableCloudwatchLogsExports.[]", "slowquery", "slow-query"),
    ("AWS::RDS::DBCluster", "EnableCloudwatchLogsExports.[]", "postgresql", "slow_query"),
    ("AWS::KMS::Key", "PendingWindowInDays", 7, 5),
    ("AWS::SQS::Queue", "VisibilityTimeout", 43200, 43201),
    ("AWS::SQS::Queue", "MessageRetentionPeriod", 1209600, 1209601),
    ("AWS::SQS::Queue", "ReceiveMessageWaitTimeSeconds", 20, 21),
    ("AWS::SQS::Queue", "DelaySeconds", 900, 901),
    ("AWS::SQS::Queue", "MaximumMessageSize", 262144, 512),
    ("AWS::SQS::Queue", "QueueName", "orders-dev.fifo", "q" * 81),
    ("AWS::ApiGatewayV2::Integration", "TimeoutInMillis", 29000, 30001),
    ("AWS::Lambda::EventSourceMapping", "BatchSize", 10, 20000),
    ("AWS::Lambda::EventSourceMapping", "MaximumRetryAttempts", -1, 10001),
    ("AWS::Lambda::EventSourceMapping", "ParallelizationFactor", 10, 11),
    ("AWS::Lambda::EventSourceMapping", "MaximumBatchingWindowInSeconds", 300, 301),
    ("AWS::DynamoDB::Table", "StreamSpecification.StreamViewType", "NEW_AND_OLD_IMAGES", "NEW_AND_OLD"),
    ("AWS::DynamoDB::Table", "PointInTimeRecoverySpecification.RecoveryPeriodInDays", 35, 36),
    ("AWS::S3::Bucket", "BucketName", "data-dev-123", "Data_Dev"),
    ("AWS::IAM::Role", "RoleName", "fn-role-dev", "fn role"),
)

# Where the Terraform AWS provider (also behind Pulumi and CDKTF) accepts what CloudFormation's schema does not, a
# Terraform/Pulumi/CDKTF argument is judged by the provider's own default and validator, not by CloudFormation's.
PROVIDER_PLATFORMS = ("tf", "pulumi", "cdktf")
PROVIDER_RULES: dict[tuple[str, str], dict[str, Any]] = {
    # resource_lambda_function.go: Default -1, validation.IntAtLeast(-1); -1 means "no reserved concurrency".
    ("AWS::Lambda::Function", "ReservedConcurrentExecutions"): {
        "min": -1, "note": "-1 is the provider's default: unreserved"},
    # resource_ssm_parameter.go: ssm.ParameterType values; CloudFormation alone cannot create SecureString.
    ("AWS::SSM::Parameter", "Type"): {"enum": ("String", "StringList", "SecureString"),
                                      "note": "the provider's ParameterType values"},
}
_RANGE_ERROR = "expected {attr} to be in the range ({lo} - {hi}), got {value}"
_ONE_OF_ERROR = "expected {attr} to be one of [{allowed}], got {value}"
# Placeholders the front ends make up (mock outputs, lenient config, unresolved Outputs, interpolations).
_SYNTHETIC = ("mock-", "iacqa-", "<unresolved", "${", "{{resolve:", "[object ", "Calling __str__ on an Output")


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(CFN path with "[]" for list items, leaf value)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v, f"{path}.{ITEMS}" if path else ITEMS)
    else:
        yield path, value


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", v):
        return float(v)
    return None


def _fmt(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _synthetic(v: str) -> bool:
    """Values that are not the user's: placeholders and unresolved references."""
    return any(s in v for s in _SYNTHETIC)


def _camel(path: str) -> str:
    leaf = strip_items(path).rsplit(".", 1)[-1]
    return leaf[:1].lower() + leaf[1:]


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str] | None:
    """JSON-schema (ECMA) pattern as a Python regex; None when Python cannot express it (\\p{L} classes...)."""
    if "\\p{" in pattern or "\\P{" in pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error:
        return None


@lru_cache(maxsize=256)
def _table(cfn_type: str) -> tuple[dict[str, Constraint], dict[str, Constraint]]:
    """Constraints by exact path and by path without item segments (schemas disagree on list-or-object)."""
    exact = constraints_for(cfn_type)
    loose: dict[str, Constraint] = {}
    for path, c in exact.items():
        loose.setdefault(strip_items(path), c)
    return exact, loose


def lookup(cfn_type: str, path: str) -> Constraint | None:
    exact, loose = _table(cfn_type)
    return exact.get(path) or loose.get(strip_items(path))


class ValueOutOfRange(Rule):
    """A property value outside what the AWS API accepts.

    What it finds: numbers below the minimum or above the maximum, values not in the allowed set, strings too long
    or not matching the required pattern, for every property (and list item) of every mapped resource. The limits
    come from the CloudFormation resource schemas that cfn-lint ships, with botocore's service models as a second
    source and a short curated table where the schema is looser than the service (Lambda Timeout 1..900 s and
    MemorySize 128..10240 MB for standard functions; CloudWatch Logs retention periods; KMS deletion window 7..30).
    Why it breaks: the provider or the AWS API rejects the value when the resource is created or updated, so the
    deployment stops at that resource.
    Bad: `aws.lambda_.FunctionEventInvokeConfig(..., maximum_retry_attempts=5)` (the API allows 0..2);
    `aws.cloudwatch.LogGroup(..., retention_in_days=45)` (not one of the allowed retention periods).
    Good: `maximum_retry_attempts=2`; `retention_in_days=30`.
    What AWS says: `expected maximum_retry_attempts to be in the range (0 - 2), got 5` (provider);
    `ValidationException: 1 validation error detected: Value '5' at 'maximumRetryAttempts' failed to satisfy
    constraint: Member must have value less than or equal to 2` (API).
    References: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html ;
    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html ;
    https://github.com/aws-cloudformation/cfn-lint (bundled resource schemas)
    """

    id = "LIM001"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "value outside what the AWS API accepts"
    docs_url = "https://docs.aws.amazon.com/cloudformation/latest/TemplateReference/aws-template-resource-type-ref.html"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            if not r.mapped or not constraints_for(r.type):
                continue
            seen: set[str] = set()
            for path, value in _leaves(r.properties, ""):
                if value is None:
                    continue
                if (ctx.platform or ctx.graph.platform) in PROVIDER_PLATFORMS \
                        and (value == "" or (value == 0 and not isinstance(value, bool))) \
                        and (r.type, strip_items(path)) not in PROVIDER_RULES:
                    # the AWS provider reads optional arguments with GetOk, which takes a zero value for "not set"
                    # and sends nothing (performance_insights_retention_period=0 with insights off)
                    continue
                c = lookup(r.type, path)
                if c is None:
                    continue
                if ctx.platform in PROVIDER_PLATFORMS and (r.type, strip_items(path)) in PROVIDER_RULES:
                    c = dataclasses.replace(c, source="AWS provider validator",
                                            **PROVIDER_RULES[(r.type, strip_items(path))])
                f = self.check_value(ctx, r, path, value, c)
                if f is not None and strip_items(path) not in seen:
                    seen.add(strip_items(path))
                    yield f

    def check_value(self, ctx: RuleContext | None, r: Resource, path: str, value: Any,
                    c: Constraint) -> Finding | None:
        """The finding for one leaf value against its constraint, or None when AWS would accept it."""
        cfn_path = strip_items(path)
        attr = r.native_name(cfn_path)
        where = f"{r.type}.{cfn_path}"
        note = f" ({c.note})" if c.note else ""
        extra = {"value": value, "source": c.source, "cfn_path": cfn_path}
        if isinstance(value, str) and _synthetic(value):
            return None
        numeric = c.type in ("integer", "number") or (c.type is None and (c.min is not None or c.max is not None))
        n = _number(value) if numeric or not isinstance(value, str) else None
        if n is not None and (c.min is not None or c.max is not None):
            lo, hi = c.min, c.max
            if (lo is not None and n < lo) or (hi is not None and n > hi):
                lo_s = _fmt(lo) if lo is not None else "-inf"
                hi_s = _fmt(hi) if hi is not None else "inf"
                closest = hi if hi is not None and n > hi else lo
                side = (f"less than or equal to {hi_s}" if hi is not None and n > hi
                        else f"greater than or equal to {lo_s}")
                return self.finding(
                    f"{attr}={_fmt(n)} is outside the allowed range {lo_s}..{hi_s} for {where}{note}",
                    resource=r, attribute=cfn_path,
                    error=_RANGE_ERROR.format(attr=attr, lo=lo_s, hi=hi_s, value=_fmt(n)),
                    fix=f"set {attr}={_fmt(closest)} (the closest allowed value)",
                    aws_error=f"ValidationException: 1 validation error detected: Value '{_fmt(n)}' at "
                    f"'{_camel(cfn_path)}' failed to satisfy constraint: Member must have value {side}",
                    allowed=f"{lo_s}..{hi_s}", **extra)
        if c.enum:
            f = self._enum(ctx, r, cfn_path, attr, where, note, value, n, c, extra)
            if f is not None:
                return f
        if isinstance(value, str):
            hit = ctx.graph.resolve(value) if ctx is not None else None
            if hit is not None and hit[0].id != r.id:
                return None  # another resource's identity, synthesized by the front end: AWS assigns a valid one
            return self._string(ctx, r, cfn_path, attr, where, value, c, extra)
        return None

    def _enum(self, ctx: RuleContext | None, r: Resource, cfn_path: str, attr: str, where: str, note: str,
              value: Any, n: float | None, c: Constraint, extra: dict[str, Any]) -> Finding | None:
        enum = c.enum or ()
        numbers = [e for e in enum if isinstance(e, (int, float)) and not isinstance(e, bool)]
        if numbers and n is not None:
            if any(float(e) == float(n) for e in numbers):
                return None
            best = min(abs(float(e) - float(n)) for e in numbers)
            closest = [e for e in numbers if abs(float(e) - float(n)) == best]
            allowed = ", ".join(_fmt(e) for e in numbers)
            fix_v = " or ".join(f"{attr}={_fmt(e)}" for e in closest)
            return self.finding(
                f"{attr}={_fmt(n)} is not one of the values {where} accepts ({allowed})",
                resource=r, attribute=cfn_path,
                error=_ONE_OF_ERROR.format(attr=attr, allowed=allowed, value=_fmt(n)),
                fix=f"set {fix_v} (the closest allowed value)",
                aws_error=f"InvalidParameterException: 1 validation error detected: Value '{_fmt(n)}' at "
                f"'{_camel(cfn_path)}' failed to satisfy constraint: Member must satisfy enum value set: [{allowed}]",
                allowed=allowed, **extra)
        if not isinstance(value, str):
            return None
        strings = [e for e in enum if isinstance(e, str)]
        if not strings or value in strings:
            return None
        if cfn_path != "Runtime" and any(e.lower() == value.lower() for e in strings):
            return None  # providers normalise case for most enums; never worth a critical finding
        shown = strings[:25]
        allowed = ", ".join(shown) + (" ..." if len(strings) > 25 else "")
        near = difflib.get_close_matches(value, strings, n=1, cutoff=0.0)
        return self.finding(
            f"{attr}={value!r} is not one of the values {where} accepts{note}", resource=r, attribute=cfn_path,
            error=_ONE_OF_ERROR.format(attr=attr, allowed=allowed, value=value),
            fix=f"set {attr}={near[0]!r} (the closest allowed value)" if near else f"use one of: {allowed}",
            aws_error=f"ValidationException: 1 validation error detected: Value '{value}' at '{_camel(cfn_path)}' "
            f"failed to satisfy constraint: Member must satisfy enum value set: [{allowed}]",
            allowed=allowed, **extra)

    def _string(self, ctx: RuleContext | None, r: Resource, cfn_path: str, attr: str, where: str, value: str,
                c: Constraint, extra: dict[str, Any]) -> Finding | None:
        if c.max_length is not None and len(value) > c.max_length:
            return self.finding(
                f"{attr} is {len(value)} characters long; {where} allows at most {c.max_length}"
                f"{f' ({c.note})' if c.note else ''}",
                resource=r, attribute=cfn_path,
                error=f"expected length of {attr} to be in the range ({c.min_length or 0} - {c.max_length}), "
                f"got {value}",
                fix=f"shorten {attr} to {c.max_length} characters or fewer (for example {value[:c.max_length]!r})",
                aws_error=f"ValidationException: 1 validation error detected: Value '{value}' at "
                f"'{_camel(cfn_path)}' failed to satisfy constraint: Member must have length less than or equal to "
                f"{c.max_length}", **extra)
        if c.min_length is not None and 0 < len(value) < c.min_length:
            return self.finding(
                f"{attr} is {len(value)} characters long; {where} needs at least {c.min_length}",
                resource=r, attribute=cfn_path,
                error=f"expected length of {attr} to be in the range ({c.min_length} - {c.max_length or 'inf'}), "
                f"got {value}", fix=f"make {attr} at least {c.min_length} characters long", **extra)
        rx = _regex(c.pattern) if c.pattern and len(value) <= 4096 else None
        if rx is not None and rx.search(value) is None:
            return self.finding(
                f"{attr}={value!r} does not match the pattern {where} requires ({c.pattern})",
                resource=r, attribute=cfn_path,
                error=f"invalid value for {attr} (must match {c.pattern}), got {value}",
                fix=f"change {attr} so it matches {c.pattern}",
                aws_error=f"ValidationException: 1 validation error detected: Value '{value}' at "
                f"'{_camel(cfn_path)}' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                f"{c.pattern}", **extra)
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
    # Functions only: a layer's CompatibleRuntimes is a filter for the console and ListLayers, not a runtime any
    # function runs on, and PublishLayerVersion accepts deprecated runtimes in it.
    resource_types = ("AWS::Lambda::Function",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        today = ctx.options.today or date.today().isoformat()
        life = lambda_runtimes()
        for r in self.resources(ctx):
            for rt in [r.get("Runtime")]:
                info = life.get(rt) if isinstance(rt, str) else None
                if not info:
                    continue
                succ = info.get("successor") or "a supported runtime"
                if info.get("create-block") and info["create-block"] <= today:
                    yield self.finding(
                        f"runtime {rt!r} can no longer be used to create functions (blocked since "
                        f"{info['create-block']}, as of {today} by the runtime lifecycle data of cfn-lint)",
                        resource=r, attribute="Runtime",
                        error=f"InvalidParameterValueException: The runtime parameter of {rt} is no longer supported "
                        "for creating or updating AWS Lambda functions.", fix=f"use {succ}")
                elif info.get("deprecated") and info["deprecated"] <= today:
                    yield self.finding(
                        f"runtime {rt!r} is deprecated since {info['deprecated']}; creation is blocked from "
                        f"{info.get('create-block')} (as of {today})", resource=r, attribute="Runtime", severity=Severity.MEDIUM,
                        error=f"runtime {rt} deprecated on {info['deprecated']}", fix=f"use {succ}")

"""LIM001 over hand-built graphs: every SAMPLES row gives one accepted and one rejected value."""

from __future__ import annotations

import time
from typing import Any

import pytest

from iacqa.knowledge.constraints import (
    CURATED,
    botocore_member,
    constraints_for,
    lambda_runtime_status,
    strip_items,
)
from iacqa.knowledge.typemap import map_pulumi
from iacqa.model import Location, Resource, ResourceGraph
from iacqa.rules.context import RuleContext
from iacqa.rules.limits.value_range import SAMPLES, ValueOutOfRange, lookup

pytest.importorskip("cfnlint")


def _nest(path: str, value: Any) -> dict[str, Any]:
    """`A.[].B` = v -> {"A": [{"B": v}]}."""
    parts = path.split(".")
    out: Any = value
    for part in reversed(parts):
        out = [out] if part == "[]" else {part: out}
    return out


def _run(*resources: Resource) -> list:
    g = ResourceGraph(platform="pulumi")
    for r in resources:
        g.add(r)
    return list(ValueOutOfRange().check(RuleContext(graph=g)))


def _res(cfn_type: str, props: dict[str, Any], native_paths: dict[str, str] | None = None,
         rid: str = "r1") -> Resource:
    return Resource(id=rid, type=cfn_type, native_type="aws:x/y:Y", properties=props,
                    native_paths=native_paths or {}, location=Location("lib/tap_stack.py", 10))


IDS = [f"{t.split('::', 1)[1]}.{p}" for t, p, _, _ in SAMPLES]


@pytest.mark.parametrize(("cfn_type", "path", "ok", "bad"), SAMPLES, ids=IDS)
def test_sample_ok_value_is_accepted(cfn_type: str, path: str, ok: Any, bad: Any) -> None:
    assert lookup(cfn_type, path) is not None, f"no constraint for {cfn_type}.{path}"
    assert _run(_res(cfn_type, _nest(path, ok))) == []


@pytest.mark.parametrize(("cfn_type", "path", "ok", "bad"), SAMPLES, ids=IDS)
def test_sample_bad_value_is_reported(cfn_type: str, path: str, ok: Any, bad: Any) -> None:
    found = _run(_res(cfn_type, _nest(path, bad)))
    assert len(found) == 1, found
    f = found[0]
    assert f.rule == "LIM001" and f.severity.value == "critical" and f.error and f.fix
    assert f.attribute == strip_items(path)


def test_every_curated_row_has_samples() -> None:
    covered = {(t, strip_items(p)) for t, p, _, _ in SAMPLES}
    missing = [k for k in CURATED if (k[0], strip_items(k[1])) not in covered]
    assert not missing, missing


def test_message_names_the_users_attribute_range_and_closest_fix() -> None:
    m = map_pulumi("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
                   {"function_name": "webhook-dev", "maximum_retry_attempts": 5.0})
    r = Resource(id="cfg", type=m.cfn_type, native_type="aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
                 properties=m.properties, native_paths=m.native_paths, location=Location("lib/tap_stack.py", 30),
                 attr_locations={"maximum_retry_attempts": Location("lib/tap_stack.py", 33)})
    (f,) = _run(r)
    assert f.message == ("maximum_retry_attempts=5 is outside the allowed range 0..2 for "
                         "AWS::Lambda::EventInvokeConfig.MaximumRetryAttempts")
    assert f.error == "expected maximum_retry_attempts to be in the range (0 - 2), got 5"
    assert f.extra["aws_error"] == ("ValidationException: 1 validation error detected: Value '5' at "
                                    "'maximumRetryAttempts' failed to satisfy constraint: Member must have value "
                                    "less than or equal to 2")
    assert "maximum_retry_attempts=2" in f.fix
    assert f.attribute == "maximum_retry_attempts" and (f.file, f.line) == ("lib/tap_stack.py", 33)


def test_log_retention_enum_fix_is_the_closest_period() -> None:
    m = map_pulumi("aws:cloudwatch/logGroup:LogGroup", {"name": "/aws/lambda/x", "retention_in_days": 45.0})
    (f,) = _run(Resource(id="lg", type=m.cfn_type, native_type="aws:cloudwatch/logGroup:LogGroup",
                         properties=m.properties, native_paths=m.native_paths))
    assert f.attribute == "retention_in_days" and "45" in f.message
    assert "retention_in_days=30" in f.fix and "retention_in_days=60" in f.fix
    (f2,) = _run(_res("AWS::Logs::LogGroup", {"RetentionInDays": 400 + 1}))
    assert "RetentionInDays=400" in f2.fix


def test_lambda_timeout_curated_over_schema() -> None:
    c = constraints_for("AWS::Lambda::Function")["Timeout"]
    assert (c.min, c.max) == (1, 900) and c.note and "curated" in c.source
    (f,) = _run(_res("AWS::Lambda::Function", {"Timeout": 1200}, {"Timeout": "timeout"}))
    assert "timeout=1200" in f.message and "Managed Instances" in f.message


def test_numbers_as_strings_are_coerced() -> None:
    assert len(_run(_res("AWS::SQS::Queue", {"VisibilityTimeout": "50000"}))) == 1
    assert _run(_res("AWS::SQS::Queue", {"VisibilityTimeout": "30"})) == []


@pytest.mark.parametrize("value", ["mock-role-arn", "iacqa-roleArn", "<unresolved Output>", "${aws_iam_role.r.arn}",
                                   "arn:aws:iam::123456789012:role/mock-name"])
def test_placeholders_and_references_are_skipped(value: str) -> None:
    assert _run(_res("AWS::Lambda::Function", {"Role": value, "Handler": value})) == []


def test_synthetic_but_well_formed_arns_pass_patterns() -> None:
    props = {"Role": "arn:aws:iam::123456789012:role/webhook-role-dev",
             "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"},
             "Layers": ["arn:aws:lambda:us-east-1:123456789012:layer:deps:1"],
             "VpcConfig": {"SubnetIds": ["subnet-0abc"], "SecurityGroupIds": ["sg-0abc"]},
             "Environment": {"Variables": {"A": "x" * 5000}}, "Tags": [{"Key": "Environment", "Value": "dév"}]}
    assert _run(_res("AWS::Lambda::Function", props)) == []


def test_pattern_violation_is_reported() -> None:
    (f,) = _run(_res("AWS::Lambda::Function", {"Handler": "index handler"}))
    assert "pattern" in f.message


def test_case_only_enum_difference_is_not_critical_noise() -> None:
    assert _run(_res("AWS::Lambda::Function", {"TracingConfig": {"Mode": "active"}})) == []


def test_list_items_are_checked_once_per_attribute() -> None:
    found = _run(_res("AWS::Lambda::Function", {"Architectures": ["arm", "x86"]}, {"Architectures": "architectures"}))
    assert len(found) == 1 and found[0].attribute == "architectures"


def test_unmapped_and_pseudo_resources_are_ignored() -> None:
    r = _res("aws:foo/bar:Bar", {"Timeout": 99999})
    r.mapped = False
    assert _run(r, _res("AWS::S3::BucketVersioning", {"VersioningConfiguration": {"Status": "Whatever"}})) == []


def test_bools_are_not_numbers() -> None:
    assert _run(_res("AWS::SQS::Queue", {"DelaySeconds": True})) == []


def test_botocore_second_source() -> None:
    c = botocore_member("lambda", "PutFunctionEventInvokeConfig", "MaximumRetryAttempts")
    if c is None:
        pytest.skip("botocore not installed")
    assert (c.min, c.max) == (0, 2)
    assert botocore_member("lambda", "NoSuchOperation", "X") is None


def test_runtime_status() -> None:
    dep, block = lambda_runtime_status("python3.9")
    assert dep and block and dep < block
    assert lambda_runtime_status("python99") == (None, None)


def test_constraint_paths_mark_list_items() -> None:
    c = constraints_for("AWS::Lambda::Function")
    assert "Architectures.[]" in c and c["Architectures.[]"].enum == ("x86_64", "arm64")


def test_loading_is_lazy_and_fast() -> None:
    constraints_for.cache_clear()
    t0 = time.perf_counter()
    for t in ("AWS::Lambda::Function", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::Logs::LogGroup"):
        constraints_for(t)
    assert time.perf_counter() - t0 < 1.0


def test_a_zero_is_unset_for_the_aws_provider_but_judged_in_a_template() -> None:
    # performance_insights_retention_period=0 with insights off (pulumi-py Pr4656): the provider reads the argument
    # with GetOk and sends nothing; the same 0 written in a CloudFormation template is sent and rejected
    r = _res("AWS::RDS::DBInstance", {"PerformanceInsightsRetentionPeriod": 0})
    assert _run(r) == []
    g = ResourceGraph(platform="cfn")
    g.add(_res("AWS::RDS::DBInstance", {"PerformanceInsightsRetentionPeriod": 0}))
    assert [f.attribute for f in ValueOutOfRange().check(RuleContext(graph=g))] == ["PerformanceInsightsRetentionPeriod"]

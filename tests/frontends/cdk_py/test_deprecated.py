"""CDK003 (deprecated aws-cdk-lib APIs) and CDK004 (alpha modules) in the CDK Python static check.

The fixture pair deprecated/{bad,good} is one small app: bad uses three deprecated props and a deprecated runtime
(each line marked `# expect: CDK003`; synthesized by hand, jsii printed exactly these warnings), good uses the
replacements the assembly names (it synthesizes without any warning). No synth here: static analysis only.
"""

from __future__ import annotations

import gzip
import importlib
import inspect
import io
import json
import tarfile
from pathlib import Path

import pytest

from iacqa.frontends.cdk_py import deprecations
from iacqa.frontends.cdk_py.deprecations import build, python_name, python_path, pythonize, replacement
from tests.conftest import expect_marks
from tests.frontends.cdk_py.conftest import needs_cdk, py_files

HERE = Path(__file__).parent / "deprecated"


# -- name mapping (no aws-cdk-lib needed) -----------------------------------------------------------------------------
@pytest.mark.parametrize(("jsii", "const", "python"), [
    ("pointInTimeRecovery", False, "point_in_time_recovery"),
    ("logRetention", False, "log_retention"),
    ("ipAddresses", False, "ip_addresses"),
    ("bucketARN", False, "bucket_arn"),
    ("ipv6CidrBlock", False, "ipv6_cidr_block"),
    ("addToRolePolicy", False, "add_to_role_policy"),
    ("lambda", False, "lambda_"),
    ("PYTHON_3_7", True, "PYTHON_3_7"),
    # jsii-pacmak splits a digit from a following capital even in constants: the Python name differs from jsii's
    ("ANTHROPIC_CLAUDE_V2_0_100K", True, "ANTHROPIC_CLAUDE_V2_0_100_K"),
])
def test_python_name(jsii: str, const: bool, python: str) -> None:
    assert python_name(jsii, constant=const) == python


def test_python_path_maps_submodules_and_nested_types() -> None:
    subs = {"aws-cdk-lib.aws_dynamodb": "aws_cdk.aws_dynamodb", "aws-cdk-lib.interfaces.aws_logs":
            "aws_cdk.interfaces.aws_logs", "aws-cdk-lib.interfaces": "aws_cdk.interfaces"}
    assert python_path("aws-cdk-lib.aws_dynamodb.TableProps", subs) == "aws_cdk.aws_dynamodb.TableProps"
    assert python_path("aws-cdk-lib.aws_dynamodb.CfnTable.SSESpecificationProperty", subs) == \
        "aws_cdk.aws_dynamodb.CfnTable.SSESpecificationProperty"
    assert python_path("aws-cdk-lib.interfaces.aws_logs.ILogGroupRef", subs) == \
        "aws_cdk.interfaces.aws_logs.ILogGroupRef"
    assert python_path("aws-cdk-lib.Duration", subs) == "aws_cdk.Duration"
    assert python_path("constructs.Construct", subs) is None


def test_deprecation_text_in_python_spelling() -> None:
    assert pythonize("use `pointInTimeRecoverySpecification` instead") == \
        "use `point_in_time_recovery_specification` instead"
    assert pythonize("Use {@link LinuxBuildImage.STANDARD_7_0 } instead.") == \
        "Use `LinuxBuildImage.STANDARD_7_0` instead."
    assert pythonize("use `contributorInsightsSpecification instead") == \
        "use `contributor_insights_specification` instead"  # the assembly's own unbalanced tick
    assert pythonize("use `definitionBody`: DefinitionBody.fromChainable()") == \
        "use `definition_body`: DefinitionBody.from_chainable()"
    assert replacement("Use ipAddresses instead") == "ipAddresses"
    assert replacement("use `logGroup` instead") == "logGroup"
    assert replacement("use opensearchservice module instead") is None
    assert replacement("Legacy runtime no longer supported by AWS Lambda.") is None


# -- the index, on a small assembly of the same shape (no aws-cdk-lib needed) -----------------------------------------
def _dep(text: str) -> dict:
    return {"deprecated": text, "stability": "deprecated"}


ASSEMBLY = {
    "version": "2.0.0",
    "submodules": {"aws-cdk-lib.aws_x": {"targets": {"python": {"module": "aws_cdk.aws_x"}}}},
    "types": {
        "aws-cdk-lib.aws_x.BaseOptions": {
            "fqn": "aws-cdk-lib.aws_x.BaseOptions", "kind": "interface", "datatype": True, "properties": [
                {"name": "oldRetention", "docs": _dep("use `logGroup` instead"), "type": {"primitive": "number"}},
                {"name": "logGroup", "docs": {}, "type": {"fqn": "aws-cdk-lib.aws_x.ILogGroup"}}]},
        "aws-cdk-lib.aws_x.WidgetProps": {
            "fqn": "aws-cdk-lib.aws_x.WidgetProps", "kind": "interface", "datatype": True,
            "interfaces": ["aws-cdk-lib.aws_x.BaseOptions"],
            "properties": [{"name": "size", "docs": {}, "type": {"primitive": "number"}}]},
        "aws-cdk-lib.aws_x.Base": {
            "fqn": "aws-cdk-lib.aws_x.Base", "kind": "class", "methods": [
                {"name": "metricOld", "docs": _dep("use metric instead")},
                {"name": "addThing", "parameters": [{"name": "o", "type": {"fqn": "aws-cdk-lib.aws_x.WidgetProps"}}]},
                {"name": "grantOld", "docs": _dep("gone")}]},
        "aws-cdk-lib.aws_x.Widget": {
            "fqn": "aws-cdk-lib.aws_x.Widget", "kind": "class", "base": "aws-cdk-lib.aws_x.Base",
            "initializer": {"parameters": [{"name": "scope"}, {"name": "id"},
                                           {"name": "props", "type": {"fqn": "aws-cdk-lib.aws_x.WidgetProps"}}]},
            "methods": [{"name": "grantOld", "docs": {}}],  # overridden without the deprecation
            "properties": [{"name": "OLD_KIND", "const": True, "static": True, "docs": _dep("no longer supported")}]},
        "aws-cdk-lib.aws_x.Legacy": {"fqn": "aws-cdk-lib.aws_x.Legacy", "kind": "class", "docs": _dep("use Widget")},
        "aws-cdk-lib.aws_x.Mode": {"fqn": "aws-cdk-lib.aws_x.Mode", "kind": "enum", "members": [
            {"name": "FAST"}, {"name": "SLOW_V1", "docs": _dep("use FAST")}]},
    },
}


def test_index_maps_assembly_to_python_names() -> None:
    idx = build(ASSEMBLY)
    # a struct property inherited from a base interface is a keyword of the struct and of the construct taking it
    for target in ("aws_cdk.aws_x.WidgetProps", "aws_cdk.aws_x.Widget", "aws_cdk.aws_x.Widget.add_thing",
                   "aws_cdk.aws_x.Base.add_thing"):
        note = idx.keyword(target, "old_retention")
        assert note is not None and note.ref == "aws-cdk-lib.aws_x.BaseOptions#oldRetention", target
    assert idx.keyword("aws_cdk.aws_x.Widget", "size") is None
    assert idx.replacement_of(idx.keyword("aws_cdk.aws_x.Widget", "old_retention")) == \
        ("log_group", "aws_cdk.aws_x.ILogGroup")
    # members, inherited by subclasses unless overridden without the marker; constants; enum members; types
    assert idx.symbol("aws_cdk.aws_x.Widget.metric_old").ref == "aws-cdk-lib.aws_x.Base#metricOld"
    assert idx.symbol("aws_cdk.aws_x.Base.grant_old") is not None
    assert idx.symbol("aws_cdk.aws_x.Widget.grant_old") is None
    assert idx.symbol("aws_cdk.aws_x.Widget.OLD_KIND").text == "no longer supported"
    assert idx.symbol("aws_cdk.aws_x.Mode.SLOW_V1") is not None and idx.symbol("aws_cdk.aws_x.Mode.FAST") is None
    assert "aws_cdk.aws_x.Legacy" in idx.types and "aws_cdk.aws_x.Widget" not in idx.symbols
    assert idx.modules == {"aws_cdk.aws_x"}


def _tgz(path: Path, assembly: dict) -> Path:
    """A jsii tarball in the current layout: `package/.jsii` redirecting to `package/.jsii.gz`."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (("package/.jsii", json.dumps({"schema": "jsii/file-redirect", "compression": "gzip",
                                                          "filename": ".jsii.gz"}).encode()),
                           ("package/.jsii.gz", gzip.compress(json.dumps(assembly).encode()))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_index_is_cached_per_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    tgz = _tgz(tmp_path / "aws-cdk-lib@2.0.0.jsii.tgz", ASSEMBLY)
    first = deprecations.load(tgz)
    assert first is not None and first.source == "assembly"
    cached = list((tmp_path / "cache" / "iacqa").glob("cdk-deprecations-2.0.0-*.json"))
    assert len(cached) == 1
    again = deprecations.load(tgz)
    assert again is not None and again.source == "cache"
    assert (again.symbols, again.keywords, again.types, again.replacements, again.notes) == \
        (first.symbols, first.keywords, first.types, first.replacements, first.notes)
    (tmp_path / "broken@2.0.1.jsii.tgz").write_bytes(b"not a tarball")
    assert deprecations.load(tmp_path / "broken@2.0.1.jsii.tgz") is None  # unreadable: no index, no traceback


# -- against the installed aws-cdk-lib --------------------------------------------------------------------------------
@needs_cdk
def test_installed_index_names_match_the_python_bindings() -> None:
    idx = deprecations.installed()
    assert idx is not None and idx.version
    checked = 0
    for target in ("aws_cdk.aws_dynamodb.Table", "aws_cdk.aws_ec2.Vpc", "aws_cdk.aws_lambda.Function"):
        module, _, cls = target.rpartition(".")
        params = inspect.signature(getattr(importlib.import_module(module), cls).__init__).parameters
        for kw in idx.keywords[target]:
            assert kw in params, (target, kw)
            checked += 1
    assert checked >= 3
    assert idx.keyword("aws_cdk.aws_dynamodb.Table", "point_in_time_recovery") is not None
    assert idx.keyword("aws_cdk.aws_ec2.Vpc", "cidr").ref == "aws-cdk-lib.aws_ec2.VpcProps#cidr"
    assert idx.symbol("aws_cdk.aws_lambda.Runtime.PYTHON_3_7") is not None
    assert idx.symbol("aws_cdk.aws_lambda.Runtime.PYTHON_3_12") is None


def _check(root: Path):
    from iacqa.frontends.cdk_py.static_check import check

    return check(root, py_files(root))


@needs_cdk
def test_bad_twin_exactly_the_marked_lines() -> None:
    got = sorted((f.file, f.line, f.rule) for f in _check(HERE / "bad"))
    assert got == sorted(expect_marks(HERE / "bad"))


@needs_cdk
def test_bad_twin_findings_name_symbol_text_and_replacement() -> None:
    by_line = {f.line: f for f in _check(HERE / "bad")}
    version = deprecations.installed().version
    pitr = by_line[18]
    assert pitr.file == "lib/orders_stack.py" and pitr.severity.value == "medium" and pitr.stage == "frontend"
    assert pitr.symbol == "aws_cdk.aws_dynamodb.Table(point_in_time_recovery=)"
    assert pitr.message == (f"`Table(point_in_time_recovery=...)` is deprecated as of aws-cdk-lib {version}: use "
                            "`point_in_time_recovery_specification` instead")
    assert pitr.fix.startswith("replace `point_in_time_recovery=` with `point_in_time_recovery_specification=`")
    assert "aws_dynamodb.PointInTimeRecoverySpecification" in pitr.fix
    # jsii's own warning at synth, word for word (seen when the fixture was synthesized)
    assert pitr.error == ("[WARNING] aws-cdk-lib.aws_dynamodb.TableOptions#pointInTimeRecovery is deprecated, and "
                          "will be removed in the next major release.\n  use `pointInTimeRecoverySpecification` "
                          "instead")
    assert f"aws-cdk-lib {version}" in pitr.extra["evidence"]
    vpc = by_line[20]
    assert vpc.symbol == "aws_cdk.aws_ec2.Vpc(cidr=)"
    assert vpc.message.endswith("Use `ip_addresses` instead")
    assert vpc.fix.startswith("replace `cidr=` with `ip_addresses=`")
    runtime = by_line[23]
    assert runtime.symbol == "aws_cdk.aws_lambda.Runtime.NODEJS_16_X"  # imported name `Runtime`, then the member
    assert runtime.message.startswith("`Runtime.NODEJS_16_X` is deprecated as of aws-cdk-lib")
    assert "no longer supported by AWS Lambda" in runtime.message
    logs = by_line[30]
    assert logs.symbol == "aws_cdk.aws_lambda.Function(log_retention=)"
    assert logs.fix.startswith("replace `log_retention=` with `log_group=`")
    assert all(f.rule == "CDK003" and f.severity.value == "medium" for f in by_line.values())


@needs_cdk
def test_good_twin_is_clean() -> None:
    assert _check(HERE / "good") == []


SRC = '''
import aws_cdk as cdk
from aws_cdk import aws_elasticsearch as es, aws_lambda as lambda_, aws_dynamodb as dynamodb
from aws_cdk import aws_apigatewayv2_alpha as apigw
import aws_cdk.aws_lambda_python_alpha as lp
from aws_cdk.aws_lambda_python_alpha import PythonFunction


class S(cdk.Stack):
    def __init__(self, scope, cid, **kwargs):
        super().__init__(scope, cid, **kwargs)
        es.Domain(self, "d", version=es.ElasticsearchVersion.V7_10, capacity=None)
        table = dynamodb.Table(self, "t", partition_key=None)
        table.metric_system_errors()

    def typed(self, domain: es.Domain) -> es.Domain:
        lambda_ = None
        return lambda_.Runtime.PYTHON_3_7
'''


@needs_cdk
def test_unit_cases() -> None:
    from iacqa.frontends.cdk_py.static_check import check_source

    got = {(f.line, f.rule, f.symbol) for f in check_source("s.py", SRC) if f.rule in ("CDK003", "CDK004")}
    # a deprecated construct: one finding for the type, none per argument
    assert (12, "CDK003", "aws_cdk.aws_elasticsearch.Domain") in got
    # a deprecated method on a local that certainly holds a Table (declared on TableBase)
    assert (14, "CDK003", "aws_cdk.aws_dynamodb.Table.metric_system_errors") in got
    # alpha modules: the graduated one says so; one finding per module and file
    assert (4, "CDK004", "aws_cdk.aws_apigatewayv2_alpha") in got
    assert (5, "CDK004", "aws_cdk.aws_lambda_python_alpha") in got
    # annotations are not uses; a local shadowing the alias is not aws_cdk
    assert {line for line, _, _ in got} == {4, 5, 12, 14}
    alpha = {f.symbol: f for f in check_source("s.py", SRC) if f.rule == "CDK004"}
    assert alpha["aws_cdk.aws_apigatewayv2_alpha"].severity.value == "low"
    assert "stable successor `aws_cdk.aws_apigatewayv2`" in alpha["aws_cdk.aws_apigatewayv2_alpha"].message
    assert "successor" not in alpha["aws_cdk.aws_lambda_python_alpha"].message


@needs_cdk
def test_deprecations_on_one_line_are_one_finding() -> None:
    from iacqa.frontends.cdk_py.static_check import check_source

    src = ("from aws_cdk import Duration, aws_autoscaling as autoscaling\n"
           "asg = autoscaling.AutoScalingGroup(None, 'a', vpc=None, "
           "health_check=autoscaling.HealthCheck.elb(grace=Duration.minutes(5)))\n")
    found = [f for f in check_source("s.py", src) if f.rule == "CDK003"]
    assert len(found) == 1 and found[0].line == 2
    assert found[0].symbol == "aws_cdk.aws_autoscaling.AutoScalingGroup(health_check=)"
    assert found[0].extra["also"] == ["aws_cdk.aws_autoscaling.HealthCheck"]
    assert "also `HealthCheck` is deprecated" in found[0].message
    assert found[0].fix.startswith("replace `health_check=` with `health_checks=`")

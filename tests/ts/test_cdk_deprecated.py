"""CDK003 for CDK TypeScript/JavaScript (frontends/cdk_ts/deprecated.py): deprecated props of located constructs and
deprecated names from aws-cdk-lib imports, against the Node toolchain's aws-cdk-lib assembly; fixture pair
tests/ts/fixtures/cdk_deprecated_{bad,good}."""

from __future__ import annotations

import pytest

from iacqa.frontends.cdk_ts import deprecated

from .conftest import FIXTURES

BAD_LINES = {16: "aws-cdk-lib.aws_dynamodb.Table(pointInTimeRecovery)", 19: "aws-cdk-lib.aws_ec2.Vpc(cidr)",
             22: "aws-cdk-lib.aws_lambda.Runtime.NODEJS_14_X"}


def test_bindings_cover_the_import_forms() -> None:
    text = """import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { aws_ec2 as ec2, Duration } from 'aws-cdk-lib';
import { Runtime, type FunctionProps } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
const { aws_sqs: sqs } = require('aws-cdk-lib');
const logs = require('aws-cdk-lib/aws-logs');
"""
    assert deprecated.bindings(text) == {
        "cdk": "aws-cdk-lib", "s3": "aws-cdk-lib.aws_s3", "ec2": "aws-cdk-lib.aws_ec2",
        "Duration": "aws-cdk-lib.Duration", "Runtime": "aws-cdk-lib.aws_lambda.Runtime",
        "FunctionProps": "aws-cdk-lib.aws_lambda.FunctionProps", "sqs": "aws-cdk-lib.aws_sqs",
        "logs": "aws-cdk-lib.aws_logs"}


def test_blank_keeps_lines_and_drops_comments_strings_and_imports() -> None:
    text = ("import * as lambda from 'aws-cdk-lib/aws-lambda';\n// lambda.Runtime.NODEJS_14_X\n"
            "const a = 'lambda.Runtime.NODEJS_14_X'; /* lambda.Runtime.X\n */ lambda.Runtime.NODEJS_14_X;\n")
    out = deprecated.blank(text)
    assert out.count("\n") == text.count("\n") and len(out) == len(text)
    assert out.count("lambda.Runtime") == 1 and out.splitlines()[3].strip() == "lambda.Runtime.NODEJS_14_X;"


def _static(name: str, toolchain) -> list:
    from iacqa.toolchain.sources import raw_sites
    from iacqa.toolchain.workspace import prepare

    ws = prepare(FIXTURES / name, toolchain, "cdk", "ts")
    try:
        own = sorted(set(ws.files) - set(ws.added))
        return deprecated.check(ws.root, raw_sites(ws.root, own), own)
    finally:
        ws.cleanup()


def test_fixture_pair_props_and_members_at_their_lines(toolchain) -> None:
    if deprecated.toolchain_index() is None:
        pytest.skip("the toolchain has no aws-cdk-lib assembly")
    bad = _static("cdk_deprecated_bad", toolchain)
    assert {f.line: f.symbol for f in bad} == BAD_LINES, [(f.line, f.symbol) for f in bad]
    assert all(f.rule == "CDK003" and f.file == "lib/tap-stack.ts" and f.severity.value == "medium" for f in bad)
    pitr = next(f for f in bad if f.line == 16)
    assert "pointInTimeRecoverySpecification" in pitr.fix and "TableOptions#pointInTimeRecovery" in pitr.error
    assert "aws-cdk-lib" in pitr.extra["evidence"]
    assert _static("cdk_deprecated_good", toolchain) == []


@pytest.mark.slow
def test_front_end_reports_them_with_the_synth(toolchain) -> None:
    from iacqa.frontends import for_platform
    from iacqa.ingest.task import load

    if deprecated.toolchain_index() is None:
        pytest.skip("the toolchain has no aws-cdk-lib assembly")
    r = for_platform("cdk", "ts").build(load(FIXTURES / "cdk_deprecated_bad", None), {})
    got = {f.line: f.symbol for f in r.findings if f.rule == "CDK003"}
    assert got == BAD_LINES, r.detail
    assert any(res.type == "AWS::DynamoDB::Table" for res in r.graph)  # deprecated is not broken: synth ran


def test_alpha_module_import_is_cdk004_once_per_file(tmp_path) -> None:
    index = deprecated.toolchain_index()
    if index is None:
        pytest.skip("the Node toolchain (with aws-cdk-lib) is not installed")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "api.ts").write_text(
        "import * as cdk from 'aws-cdk-lib';\n"
        "import * as apigwv2 from '@aws-cdk/aws-apigatewayv2-alpha';\n"
        "import { HttpApi } from '@aws-cdk/aws-apigatewayv2-alpha';\n"
        "const glue = require('@aws-cdk/aws-glue-alpha');\n")
    found = deprecated.check(tmp_path, [], ["lib/api.ts"], index)
    assert [(f.rule, f.line, f.symbol) for f in found] == [
        ("CDK004", 2, "@aws-cdk/aws-apigatewayv2-alpha"), ("CDK004", 4, "@aws-cdk/aws-glue-alpha")], found
    gw = found[0]
    assert gw.severity.value == "low" and "aws-cdk-lib/aws-apigatewayv2" in gw.fix  # graduated into aws-cdk-lib
    assert "stable successor" not in found[1].message  # Glue L2 is still alpha

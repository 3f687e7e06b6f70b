"""Budgets in iacqa's own process: inputs that would keep it busy for minutes or take gigabytes are cut short with
a finding (Terraform expansion, CloudFormation size), and Terraform cycles among locals are reported as terraform
validate reports them."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

from iacqa.pipeline import analyze


def _tf(tmp_path: Path, hcl: str) -> Path:
    root = tmp_path / "tf"
    (root / "lib").mkdir(parents=True)
    (root / "metadata.json").write_text(json.dumps({"platform": "tf", "language": "hcl"}))
    (root / "lib" / "main.tf").write_text(hcl)
    return root


def _by_rule(result, rule: str) -> list:  # noqa: ANN001
    return [f for f in result.findings if f.rule == rule]


def test_huge_count_is_capped_with_a_finding(tmp_path: Path) -> None:
    root = _tf(tmp_path, 'resource "aws_sqs_queue" "q" {\n  count = 100000000\n  name = "q-${count.index}"\n}\n')
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    result = analyze(root, stages=("graph",))
    assert time.monotonic() - t0 < 60
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 500
    capped = _by_rule(result, "TFS010")
    assert capped and "100000000" in capped[0].message


def test_huge_for_each_range_is_refused_as_terraform_does(tmp_path: Path) -> None:
    root = _tf(tmp_path, 'resource "aws_sqs_queue" "q" {\n  for_each = toset([for i in range(50000000) : '
                         'tostring(i)])\n  name = "q-${each.key}"\n}\n')
    t0 = time.monotonic()
    result = analyze(root, stages=("graph",))
    assert time.monotonic() - t0 < 60
    assert any("1024" in (f.error or "") or "range" in f.message for f in result.findings), \
        [(f.rule, f.message) for f in result.findings]


def test_locals_cycle_is_critical_with_its_path(tmp_path: Path) -> None:
    root = _tf(tmp_path, 'locals {\n  name   = "${local.prefix}-x"\n  prefix = local.name\n  self_ref = local.self_ref\n}\n'
                         'resource "aws_sqs_queue" "q" {\n  name = local.name\n}\n'
                         'resource "aws_sqs_queue" "r" {\n  name = local.self_ref\n}\n')
    result = analyze(root, stages=("graph",))
    cycles = _by_rule(result, "TFS011")
    assert len(cycles) == 2, [(f.rule, f.message) for f in result.findings]
    texts = " | ".join(f.message for f in cycles)
    assert "local.name" in texts and "local.prefix" in texts and "local.self_ref" in texts
    assert all(f.severity.value == "critical" for f in cycles)


def test_cloudformation_20k_resources_linear_and_reported_at_once(tmp_path: Path) -> None:
    res = {f"Queue{i}": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}} for i in range(20000)}
    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "template.json").write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09",
                                                                "Resources": res}))
    t0 = time.monotonic()
    result = analyze(tmp_path / "cfn", stages=("graph", "check"))
    assert time.monotonic() - t0 < 120
    assert _by_rule(result, "CFN006")

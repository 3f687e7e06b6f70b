"""Synth continues past static errors on a copy fixed the way the findings say: the edits themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from iacqa.frontends.cdk_py import continuation, static_check

pytestmark = pytest.mark.skipif(not static_check.available(), reason="aws-cdk-lib not installed")

STACK = '''\
from aws_cdk import Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elbv2 as elbv2
from aws_cdk import aws_sns as sns


class TapStack(Stack):
    def __init__(self, scope, cid, **kwargs):
        super().__init__(scope, cid, **kwargs)
        vpc = ec2.Vpc(self, "Vpc")
        topic = sns.Topic(self, "Topic")
        alb = elbv2.ApplicationLoadBalancer(self, "Alb", vpc=vpc)
        alarm = cloudwatch.Alarm(self, "Alarm", metric=alb.metric_request_count(), threshold=1,
                                 evaluation_periods=1)
        alarm.add_alarm_action(cloudwatch.SnsAction(topic))
        ec2.CfnFlowLog(self, "Flow", resource_ids=[vpc.vpc_id], resource_type="VPC",
                       traffic_type="ALL")
        unhealthy = topic.metric_unhealthy_host_count()
        unhealthy.create_alarm(self, "U", threshold=1, evaluation_periods=1)
'''


def _project(tmp_path: Path) -> Path:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tap_stack.py").write_text(STACK)
    return tmp_path


def test_each_blocking_finding_gets_a_same_line_edit(tmp_path: Path) -> None:
    root = _project(tmp_path)
    findings = static_check.check(root, ["lib/tap_stack.py"])
    assert {f.rule for f in findings if f.blocking} == {"SDK001", "SDK002"}
    patched = continuation.plan(root, findings)
    assert patched is not None
    text = patched["lib/tap_stack.py"]
    ast.parse(text)
    assert len(text.splitlines()) == len(STACK.splitlines())  # tracebacks keep the user's line numbers
    lines = text.splitlines()
    assert "aws_elasticloadbalancingv2 as elbv2" in lines[3]  # the module under its real name
    assert "__import__('aws_cdk.aws_cloudwatch_actions'" in lines[15]  # the class from the module it lives in
    assert "resource_ids" not in lines[16]  # unknown keyword removed
    assert lines[18].strip().startswith("unhealthy = type('IacqaStub'")  # missing method: statement stubbed
    # the static check of the patched source says resource_id is required: settle() renames instead of removing
    settled, renamed = continuation.settle(root, findings, static_check.check_source)
    assert len(renamed) == 1
    assert "resource_id=vpc.vpc_id," in settled["lib/tap_stack.py"].splitlines()[16]  # [x] -> x (singular)
    assert not [f for f in static_check.check_source("lib/tap_stack.py", settled["lib/tap_stack.py"]) if f.blocking]


def test_required_keyword_is_renamed_when_synth_asks_for_it(tmp_path: Path) -> None:
    root = _project(tmp_path)
    findings = static_check.check(root, ["lib/tap_stack.py"])
    flow = next(f for f in findings if f.rule == "SDK002" and "resource_ids" in (f.symbol or ""))
    event = {"kind": "exception", "type": "TypeError", "frames": [["lib/tap_stack.py", 17, "__init__"]],
             "message": "CfnFlowLog.__init__() missing 1 required keyword-only argument: 'resource_id'"}
    fp, stub = continuation.next_step(findings, event, {"lib/tap_stack.py"})
    assert fp == flow.fingerprint and stub is None
    text = continuation.plan(root, findings, rename=frozenset({fp}))["lib/tap_stack.py"]
    assert "resource_id=vpc.vpc_id," in text.splitlines()[16]  # [x] unwrapped for the singular keyword
    other = {"kind": "exception", "type": "ImportError", "frames": [["lib/tap_stack.py", 5, "<module>"]],
             "message": "cannot import name"}
    assert continuation.next_step(findings, other, {"lib/tap_stack.py"}) == (None, ("lib/tap_stack.py", 5))
    stubbed = continuation.plan(root, findings, stubs=(("lib/tap_stack.py", 5),))["lib/tap_stack.py"]
    # the import is retried name by name and binds a stub only to a name that fails
    assert stubbed.splitlines()[4].startswith('exec("try:\\n    from aws_cdk import aws_sns as sns\\nexcept ImportError')


def test_a_finding_without_a_continuation_skips_synth(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "lib" / "tap_stack.py").write_text(STACK.replace(
        "        unhealthy = topic.metric_unhealthy_host_count()\n",
        "        for m in topic.metric_unhealthy_host_count():\n            pass\n"))
    findings = static_check.check(root, ["lib/tap_stack.py"])
    assert continuation.plan(root, findings) is None


def test_a_failing_name_in_a_module_import_stubs_only_that_name(tmp_path: Path) -> None:
    # `from aws_cdk import (Stack, aws_lambda_python_alpha as lp)` raised ImportError for the alpha module: the
    # stub must not take Stack with it (a stack class on a stub base declares nothing: cdk-py Pr6081 had 0 resources)
    src = "from aws_cdk import (\n    Stack,\n    aws_lambda_python_alpha as lp,\n)\nimport json, no_such_mod as nm\n"
    (tmp_path / "app.py").write_text(src)
    patched = continuation.plan(tmp_path, [], stubs=(("app.py", 3), ("app.py", 5)))
    assert patched is not None
    text = patched["app.py"]
    assert len(text.splitlines()) == len(src.splitlines())
    scope: dict = {"__name__": "app"}
    exec(compile(text, "app.py", "exec"), scope)  # noqa: S102 - the patched source is the test's own
    import aws_cdk
    assert scope["Stack"] is aws_cdk.Stack
    assert type(scope["lp"]).__name__ == "IacqaStub" and type(scope["nm"]).__name__ == "IacqaStub"
    assert scope["json"].dumps({}) == "{}"

"""Static check against the installed aws-cdk-lib: every `# expect:` mark found, nothing else, nothing on good code."""

from __future__ import annotations

import pytest

from iacqa.frontends.cdk_py.static_check import check, check_source
from tests.conftest import expect_marks
from tests.frontends.cdk_py.conftest import CDK, CONTRACT, needs_cdk, py_files

pytestmark = needs_cdk


def _found(root):
    return sorted((f.file, f.line, f.rule) for f in check(root, py_files(root)))


def test_faulty_twin_exactly_the_marked_lines() -> None:
    root = CDK / "faulty"
    assert _found(root) == sorted(expect_marks(root))


@pytest.mark.parametrize("root", [CDK / "good", CDK / "synth_error", CONTRACT], ids=["good", "synth_error", "contract"])
def test_correct_code_has_no_findings(root) -> None:
    assert _found(root) == []


def test_findings_carry_error_text_and_fix() -> None:
    by_line = {f.line: f for f in check(CDK / "faulty", py_files(CDK / "faulty"))}
    assert by_line[20].error == "TypeError: Queue.__init__() got an unexpected keyword argument 'message_retention'"
    assert "retention_period" in by_line[20].fix
    assert by_line[21].error == ("TypeError: DeadLetterQueue.__init__() missing 1 required keyword-only argument: "
                                 "'max_receive_count'")
    # jsii enums are Python enums: EnumMeta.__getattr__ (Python < 3.12) raises the bare name
    assert by_line[27].error in ("AttributeError: STR", "AttributeError: type object 'AttributeType' has no attribute "
                                 "'STR'")
    assert "STRING" in by_line[27].fix
    assert by_line[42].error == "AttributeError: 'Table' object has no attribute 'grant_write'"
    assert "grant_write_data" in by_line[42].fix
    # The name exists, in another module: the fix says which.
    assert "aws_cdk.aws_cloudwatch_actions" in by_line[51].fix
    assert by_line[7].error.startswith("ImportError: cannot import name 'SqsDlqSource'")
    assert all(f.file == "lib/ingest_stack.py" and f.stage == "frontend" for f in by_line.values())


SRC = '''
import aws_cdk as cdk
from aws_cdk import core
from aws_cdk import aws_sqs as sqs, aws_lambda as lambda_
import aws_cdk.aws_sns as sns


class S(cdk.Stack):
    def __init__(self, scope, cid, queue_cls=None, **kwargs):
        super().__init__(scope, cid, **kwargs)
        q = sqs.Queue(self, "q", "orders")
        q.grant_consume_messages(None)
        r = sqs.Queue(self, "r") if kwargs else None
        r.not_checked_dynamic()
        self.t = sns.Topic(self, "t", **kwargs)
        self.t.add_subscription(None)
        self.t.grant_publishing(None)
        self.t.custom = 1
        print(self.t.custom)
        lambda_.Code.from_inline("x", **kwargs)
        lambda_.Function.from_function_arn(self, "f", "arn", extra=1)
        cdk.Duration.seconds(1, 2)

    def other(self):
        for sqs in []:  # a local of this function: it hides the import here only
            sqs.anything(bogus=1)
'''


def test_unit_cases() -> None:
    got = {(f.line, f.rule, f.symbol) for f in check_source("s.py", SRC)}
    assert (3, "SDK001", "aws_cdk.core") in got  # CDK v1 import
    assert (11, "CDK001", "aws_cdk.aws_sqs.Queue") in got  # props are keyword-only
    assert (17, "SDK001", "aws_cdk.aws_sns.Topic.grant_publishing") in got  # method typo on a typed self attribute
    assert (21, "SDK002", "aws_cdk.aws_lambda.Function.from_function_arn(extra=)") in got
    assert (22, "CDK001", "aws_cdk.Duration.seconds") in got
    # Dynamic or legitimate: conditional values, attributes set by the program, a loop variable shadowing an alias.
    assert {line for line, _, _ in got} == {3, 11, 17, 21, 22}
    core = next(f for f in check_source("s.py", SRC) if f.line == 3)
    # Python's own text, the module's file shown from site-packages on (the same on every machine)
    assert "CDK v1" in core.fix
    assert core.error == "ImportError: cannot import name 'core' from 'aws_cdk' (.../aws_cdk/__init__.py)"


def test_syntax_error_is_left_to_the_syntax_stage() -> None:
    assert check_source("s.py", "def f(:\n") == []

"""Static check of Pulumi programs against the installed pulumi-aws: every `# expect:` mark, nothing on good code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.conftest import expect_marks

if importlib.util.find_spec("pulumi_aws") is None:
    pytest.skip("the pulumi extra is not installed", allow_module_level=True)

from iacqa.frontends.pulumi_py.static_check import check_sdk_usage, check_source, suggest  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pulumi"
BAD, GOOD = FIXTURES / "static_bad", FIXTURES / "static_good"


def _found(root: Path) -> list[tuple[str, int, str]]:
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    return sorted((f.file, f.line, f.rule) for f in check_sdk_usage(root, files))


def test_bad_twin_exactly_the_marked_lines() -> None:
    assert _found(BAD) == sorted(expect_marks(BAD))


def test_good_twin_has_no_findings() -> None:
    assert _found(GOOD) == []


def test_errors_are_pythons_own() -> None:
    by = {(f.line, f.symbol): f for f in check_sdk_usage(BAD, ["lib/tap_stack.py"])}
    fifo = by[(8, "pulumi_aws.sqs.QueueFifo")]
    assert fifo.error == ("ImportError: cannot import name 'QueueFifo' from 'pulumi_aws.sqs' "
                          "(.../pulumi_aws/sqs/__init__.py)")
    assert (8, "pulumi_aws.sqs.QueueDlq") in by  # every missing name of the import, not only the first
    assert by[(9, "pulumi_aws.logs")].error == "ModuleNotFoundError: No module named 'pulumi_aws.logs'"
    assert "pulumi_aws.cloudwatch" in by[(9, "pulumi_aws.logs")].fix  # curated hint
    kw = by[(18, "pulumi_aws.sqs.Queue(visibility_timeout=)")]
    assert kw.error == "TypeError: Queue._internal_init() got an unexpected keyword argument 'visibility_timeout'"
    assert kw.fix == "visibility_timeout_seconds="
    assert by[(21, "pulumi_aws.sqs.Queue.queue_url")].error == ("AttributeError: 'Queue' object has no attribute "
                                                               "'queue_url'")
    runtime = by[(24, "pulumi_aws.lambda_.Runtime.PYTHON3_12")]
    with pytest.raises(AttributeError) as exc:  # what this Python raises for it (3.11 enums: the bare name)
        _ = aws_lambda_runtime().PYTHON3_12
    assert runtime.error == f"AttributeError: {exc.value}"
    assert "PYTHON3D12" in runtime.fix
    assert by[(28, "pulumi_aws.lambda_.FunctionDeadLetterConfigArgs")].error == (
        "TypeError: FunctionDeadLetterConfigArgs.__init__() missing 1 required keyword-only argument: 'target_arn'")
    assert by[(30, "pulumi_aws.cloudwatch.LogGroups")].error == ("AttributeError: module 'pulumi_aws.cloudwatch' has "
                                                                 "no attribute 'LogGroups'")
    assert all(f.stage == "frontend" for f in by.values())


def aws_lambda_runtime() -> type:
    import pulumi_aws

    return pulumi_aws.lambda_.Runtime


def test_unknown_keyword_of_a_function() -> None:
    got = check_source("s.py", "import pulumi_aws as aws\naws.iam.get_policy_document(statements=[], bogus=1)\n")
    assert [(f.rule, f.error) for f in got] == [
        ("SDK002", "TypeError: get_policy_document() got an unexpected keyword argument 'bogus'")]


def test_runtime_suggestions() -> None:
    assert "LogGroup" in suggest("pulumi_aws.cloudwatch.LogGroups")
    assert suggest("pulumi_aws.nothing_here.X") is None


def test_tests_and_handlers_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("import pulumi_aws as aws\naws.nope.X()\n")
    (tmp_path / "handler.py").write_text("import json\n")
    assert check_sdk_usage(tmp_path, ["tests/test_x.py", "handler.py"]) == []

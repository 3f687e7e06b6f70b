"""CdkFrontend end to end: statuses, findings with the user's lines, and the graph from the synthesized template."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from iacqa.frontends.cdk_py import frontend as fe
from iacqa.frontends.cdk_py.frontend import CdkFrontend, imported_files
from iacqa.model import Category, Finding, Severity
from tests.frontends.cdk_py.conftest import CDK, CONTRACT, needs_cdk, needs_cfn, py_files

pytestmark = needs_cdk


def _project(root: Path, entry: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(root=root, files=py_files(root), entry=entry)


@pytest.fixture(scope="module")
def contract_result():
    return CdkFrontend().build(_project(CONTRACT), {"timeout": 180})


def test_static_errors_skip_the_synth() -> None:
    r = CdkFrontend().build(_project(CDK / "faulty"), {})
    assert r.status == "failed" and "synth skipped" in r.detail and len(r.graph) == 0
    assert {f.rule for f in r.findings} == {"SDK001", "SDK002", "CDK001"}
    assert all(f.severity is Severity.CRITICAL for f in r.findings)


def test_unavailable_without_aws_cdk(monkeypatch) -> None:
    monkeypatch.setattr(fe.importlib.util, "find_spec", lambda name: None)
    r = CdkFrontend().build(_project(CDK / "good"), {})
    assert r.status == "unavailable" and "pip install 'iacqa[cdk]'" in r.detail


def test_module_the_app_never_imports_does_not_block(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    (tmp_path / "lib" / "tap_stack.py").write_text(
        "import aws_cdk as cdk\nfrom .parts import helper\n\n\nclass TapStack(cdk.Stack):\n    pass\n")
    (tmp_path / "lib" / "parts.py").write_text("def helper():\n    return 1\n")
    (tmp_path / "lib" / "unused.py").write_text("from aws_cdk import aws_cloudwatch as cw\n\nX = cw.SnsAction\n")
    assert imported_files(tmp_path, py_files(tmp_path), ["lib/tap_stack.py"]) == {"lib/tap_stack.py", "lib/parts.py"}
    r = CdkFrontend().build(_project(tmp_path), {"synth": False})
    (f,) = r.findings
    assert (f.file, f.line, f.rule, f.severity) == ("lib/unused.py", 3, "SDK001", Severity.HIGH)
    assert "not imported by the app" in f.message and r.status == "ok"


def test_no_entry_is_an_error_status(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "constructs_only.py").write_text("from constructs import Construct\n")
    r = CdkFrontend().build(_project(tmp_path), {})
    assert r.status == "error" and "no CDK app" in r.detail


def test_no_entry_because_the_stack_file_does_not_compile_is_failed(tmp_path: Path) -> None:
    """A response cut before `class TapStack` (corpus cdk-py Pr4426 ideal): the project failed, not iacqa."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tap_stack.py").write_text("            self,\n            'LoadBalancerDNS',\n        )\n")
    r = CdkFrontend().build(_project(tmp_path), {})
    assert r.status == "failed" and "no CDK app" in r.detail


def test_no_entry_because_the_response_lost_the_file_is_failed(tmp_path: Path) -> None:
    """The response lost the start of lib/tap_stack.py (ingest's SYN001; the file is not placed): failed too."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "queue_construct.py").write_text("from constructs import Construct\n\n\n"
                                                         "class QueueConstruct(Construct):\n    pass\n")
    project = _project(tmp_path)
    assert CdkFrontend().build(project, {}).status == "error"
    project.findings = [Finding(rule="SYN001", category=Category.SYNTAX, severity=Severity.CRITICAL,
                                title="response cut off", message="the response lost the start of a file")]
    assert CdkFrontend().build(project, {}).status == "failed"


@pytest.mark.slow
def test_synth_error_is_sdk004_at_the_prop_line() -> None:
    r = CdkFrontend().build(_project(CDK / "synth_error"), {"timeout": 180})
    assert r.status in ("failed", "error")
    (f,) = [f for f in r.findings if f.rule == "SDK004"]
    assert (f.file, f.line) == ("lib/ingest_stack.py", 19)  # retention_period=..., the prop CDK's message names
    assert "message retention period must be between 60 and 1,209,600 seconds" in f.error
    assert "lib/ingest_stack.py:14 <- app.py:9" in f.message


@pytest.mark.slow
@needs_cfn
def test_contract_graph(contract_result) -> None:
    r = contract_result
    assert r.status == "ok", (r.detail, r.findings)
    g = r.graph
    assert g.platform == "cdk"
    names = ("QueueName", "TableName", "TopicName", "RoleName", "FunctionName")
    by_name = {res.get(n): res for res in g for n in names
               if isinstance(res.get(n), str) and res.type != "AWS::Lambda::EventSourceMapping"}
    queue, dlq = by_name["orders"], by_name["orders-dlq"]
    assert queue.type == "AWS::SQS::Queue" and queue.get("RedrivePolicy.maxReceiveCount") == 3
    assert (queue.location.file, queue.location.line) == ("lib/tap_stack.py", 35)
    assert queue.location_of("QueueName").line == 38 and queue.location_of("VisibilityTimeout").line == 39
    assert dlq.location.line == 34
    table = by_name["orders-table"]
    assert table.get("BillingMode") == "PAY_PER_REQUEST" and table.get("StreamSpecification.StreamViewType") == "NEW_IMAGE"
    fn = by_name["worker"]
    assert fn.get("Runtime") == "python3.12" and fn.get("MemorySize") == 256 and fn.get("Timeout") == 30
    assert fn.location_of("MemorySize").line == 83
    art = g.code[fn.id]
    assert art.kind == "inline" and "def handler(event, context):" in next(iter(art.files.values()))
    # Handler line 10 (def handler) is tap_stack.py line 20: the string constant starts on line 11.
    assert art.map_line(next(iter(art.files)), 10).line == 20
    esm = next(g.of_type("AWS::Lambda::EventSourceMapping"))
    assert esm.get("BatchSize") == 10
    role = by_name["worker-role"]
    assert role.location.line == 55


@pytest.mark.slow
@needs_cfn
def test_asset_code_maps_to_the_project_directory() -> None:
    r = CdkFrontend().build(_project(CDK / "good", "app.py"), {"timeout": 180})
    assert r.status == "ok", (r.detail, r.findings)
    fn = next(r.graph.functions())
    art = r.graph.code[fn.id]
    assert (art.kind, art.source_path) == ("directory", "lambda/ingest")
    assert "def main(event, context):" in art.files["handler.py"]
    assert art.map_line("handler.py", 9).file == "lambda/ingest/handler.py"
    assert fn.location.line == 29 and fn.location_of("Handler").line == 34


def test_cdk_json_app_that_does_not_exist(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text('{\n  "app": "python3 main.py"\n}\n')
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tap_stack.py").write_text("import aws_cdk as cdk\n\n\nclass TapStack(cdk.Stack):\n    pass\n")
    r = CdkFrontend().build(_project(tmp_path), {})
    (f,) = r.findings
    assert r.status == "failed" and (f.rule, f.file, f.line) == ("SDK004", "cdk.json", 2)
    assert f.error == "python3: can't open file 'main.py': [Errno 2] No such file or directory"


@pytest.mark.slow
def test_construct_validation_error_is_reported_and_the_rest_still_synthesizes() -> None:
    """CDK's validation at app.synth() writes no template at all; the error is reported, then the app runs once
    more without validation so the graph holds the rest (corpus cdk-py Pr7440 model: 0 -> 102 resources)."""
    r = CdkFrontend().build(_project(CDK / "validation_error"), {"timeout": 180})
    assert r.status == "failed"
    errors = [f for f in r.findings if f.rule == "SDK004"]
    assert len(errors) == 1 and "HTTPS Listener needs at least one certificate" in errors[0].message, r.findings
    types = {res.type for res in r.graph}
    assert {"AWS::ElasticLoadBalancingV2::Listener", "AWS::SQS::Queue"} <= types, types
    assert r.graph.revealed_by == errors[0].fingerprint


@pytest.mark.slow
@needs_cfn
def test_one_guarded_run_reports_each_stacks_errors_and_builds_both() -> None:
    """A read-only attribute assigned in the stack (`self.environment`, a Stack property), an enum built from a
    value it does not take and, in the second stack only, a config dict without a key: all reported, both stacks synthesized (corpus cdk-py Pr6081 model: 0 -> 15
    resources, the prod KeyErrors the document names found). The attribute is renamed in the copy, so no name
    carries the framework's `aws://account/region` value and nothing that follows from it is reported."""
    r = CdkFrontend().build(_project(CDK / "keep_going"), {"timeout": 180})
    errors = {(f.line, f.error.split(":")[0]) for f in r.findings if f.rule == "SDK004"}
    # line 33 raises twice: RetentionDays(14) in both stacks (the enum takes names), the missing key in prod only
    assert errors == {(14, "AttributeError"), (33, "ValueError"), (33, "KeyError")}, r.findings
    names = {str(res.properties.get("QueueName")) for res in r.graph if res.type == "AWS::SQS::Queue"}
    assert names == {"orders-dev", "orders-prod"}, names
    assert not any("aws://" in f.message for f in r.findings)
    assert sum(res.type == "AWS::Lambda::Function" for res in r.graph) == 2

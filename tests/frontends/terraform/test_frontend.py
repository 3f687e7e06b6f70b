"""Terraform HCL projects -> graph: evaluation, references, locations, code, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iacqa.frontends.terraform.frontend import TerraformFrontend
from iacqa.ingest.task import load
from iacqa.pipeline import analyze

FIXTURES = Path(__file__).parents[2] / "fixtures" / "terraform"


@pytest.fixture(scope="module")
def evaluation():
    project = load(FIXTURES / "evaluation", None, None)
    return TerraformFrontend().build(project, {})


def test_count_for_each_modules_and_tfvars_expand(evaluation) -> None:
    g = evaluation.graph
    assert evaluation.status == "ok"
    assert set(g.resources) == {
        "module.dlq.aws_sqs_queue.this", 'aws_sqs_queue.work["orders"]', 'aws_sqs_queue.work["refunds"]',
        "aws_iam_role.fn", "aws_lambda_function.fn[0]", "aws_lambda_function.fn[1]",
        "aws_lambda_event_source_mapping.orders", 'aws_cloudwatch_metric_alarm.errors["errors"]',
        'aws_cloudwatch_metric_alarm.errors["throttle"]',
    }
    orders = g.resources['aws_sqs_queue.work["orders"]']
    # tfvars suffix, locals map indexed by each.key (6 * 10 * len("orders")), module output in a jsonencode
    assert orders.get("QueueName") == "eval-pr42-orders"
    assert orders.get("VisibilityTimeout") == 360
    assert g.resolve_resource(orders.get("RedrivePolicy.deadLetterTargetArn")).id == "module.dlq.aws_sqs_queue.this"
    fn = g.resources["aws_lambda_function.fn[1]"]
    assert fn.get("FunctionName") == "eval-pr42-fn-01"
    assert fn.get("TracingConfig.Mode") == "Active"  # dynamic block
    assert fn.get("MemorySize") == 192
    assert g.config_needs["var.environment_suffix"] == "pr42"
    assert g.outputs["region"] == "us-east-1" and g.outputs["account"] == "123456789012"


def test_references_become_edges_to_the_right_resources(evaluation) -> None:
    g = evaluation.graph
    esm = g.resources["aws_lambda_event_source_mapping.orders"]
    assert g.resolve_resource(esm.get("EventSourceArn")).id == 'aws_sqs_queue.work["orders"]'
    assert g.function_for(esm.get("FunctionName")).id == "aws_lambda_function.fn[0]"
    role = g.resources["aws_iam_role.fn"]
    assert role.get("AssumeRolePolicyDocument.Statement.0.Principal.Service") == "lambda.amazonaws.com"


def test_locations_point_at_the_written_lines(evaluation) -> None:
    g = evaluation.graph
    q = g.resources['aws_sqs_queue.work["refunds"]']
    assert (q.location.file, q.location.line) == ("lib/main.tf", 16)
    loc = q.location_of("VisibilityTimeout")
    assert (loc.file, loc.line) == ("lib/main.tf", 19)
    assert g.resources["module.dlq.aws_sqs_queue.this"].location.file == "lib/modules/queue/main.tf"


def test_archive_file_gives_the_function_its_code(evaluation) -> None:
    art = evaluation.graph.code["aws_lambda_function.fn[0]"]
    assert art.kind == "directory" and art.source_path == "lib/src"
    assert "def handler" in art.files["app.py"]


def test_missing_role_permission_is_found_through_the_graph() -> None:
    result = analyze(FIXTURES / "evaluation", stages=("ingest", "graph", "check"))
    prm = [f for f in result.findings if f.rule == "PRM001"]
    assert len(prm) == 1 and (prm[0].file, prm[0].line) == ("lib/main.tf", 52)
    assert "sqs:ReceiveMessage" in prm[0].message
    assert not [f for f in result.findings if f.rule == "HYG001"]  # names carry the tfvars suffix


def _project(tmp_path: Path, tf: str, extra: dict[str, str] | None = None) -> Path:
    (tmp_path / "lib").mkdir(parents=True)
    (tmp_path / "metadata.json").write_text('{"platform": "tf", "language": "hcl"}')
    (tmp_path / "lib" / "main.tf").write_text(tf)
    for name, text in (extra or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_file_that_does_not_parse_is_a_finding_with_its_line(tmp_path: Path) -> None:
    root = _project(tmp_path, 'resource "aws_sqs_queue" "q" {\n  name = "a"\n  fifo_queue = \n}\n',
                    {"lib/ok.tf": 'resource "aws_sns_topic" "t" {\n  name = "t"\n}\n'})
    result = analyze(root, stages=("ingest", "graph"))
    syn = [f for f in result.findings if f.rule == "SYN004"]
    assert len(syn) == 1 and syn[0].file == "lib/main.tf" and syn[0].line in (3, 4)
    graph_stage = next(s for s in result.stages if s.name == "graph")
    assert graph_stage.status == "failed" and "1 resources" in graph_stage.detail  # the other file still counts


def test_unknown_function_and_missing_file_are_reported_not_raised(tmp_path: Path) -> None:
    root = _project(tmp_path, '''
resource "aws_sqs_queue" "q" {
  name = uppercase("q")
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "${path.module}/missing.zip"
  source_code_hash = filebase64sha256("${path.module}/missing.zip")
}
''')
    result = analyze(root, stages=("ingest", "graph", "check", "emulate"))
    by_rule = {f.rule: f for f in result.findings}
    assert 'no function named "uppercase"' in by_rule["SDK004"].error and by_rule["SDK004"].line == 3
    assert by_rule["PKG002"].line == 11 and "missing.zip" in by_rule["PKG002"].error
    assert by_rule["PKG001"].file == "lib/main.tf"  # the emulator cannot find the package either


def test_project_without_tf_files_says_so(tmp_path: Path) -> None:
    root = _project(tmp_path, "")
    (root / "lib" / "main.tf").unlink()
    (root / "lib" / "README.md").write_text("nothing")
    result = analyze(root, stages=("ingest", "graph"))
    assert next(s for s in result.stages if s.name == "graph").status == "error"


def test_cyclic_locals_do_not_hang(tmp_path: Path) -> None:
    root = _project(tmp_path, 'locals {\n  a = local.b\n  b = local.a\n}\nresource "aws_sns_topic" "t" {\n'
                    '  name = "t-${local.a}"\n}\n')
    result = TerraformFrontend().build(load(root, None, None), {})
    assert "t" in str(result.graph.resources["aws_sns_topic.t"].get("TopicName"))


def test_seed002_faulty_tests_are_judged_and_the_system_runs(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "seed002_faulty", tmp_path / "p")
    result = analyze(tmp_path / "p", options={"jest": False})
    rules = {(f.rule, f.file, f.line) for f in result.findings}
    assert ("TST003", "test/terraform.int.test.ts", 4) in rules  # expect(false).toBe(true)
    assert ("TST005", "test/terraform.unit.test.ts", 7) in rules  # only checks a file exists
    assert {"TST001", "TST002"} <= {r for r, _, _ in rules}
    assert not [f for f in result.findings if f.severity.value == "critical"]
    emulate = next(s for s in result.stages if s.name == "emulate")
    assert emulate.status == "ok" and "3 clean" in emulate.detail


def test_seed002_fixed_has_no_critical_or_high_finding(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "seed002_fixed", tmp_path / "p")
    result = analyze(tmp_path / "p")
    bad = [f"{f.rule} {f.file}:{f.line} {f.message}" for f in result.findings
           if f.severity.value in ("critical", "high")]
    assert not bad, bad
    assert result.graph["resources"] == 26


def test_duplicate_addresses_and_missing_labels_are_what_terraform_rejects(tmp_path: Path) -> None:
    root = _project(tmp_path, 'resource "aws_sqs_queue" "q" {\n  name = "q-dev"\n}\n'
                    'resource "aws_s3_bucket_encryption" {\n  bucket = "b"\n}\n',
                    {"lib/copy.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q-dev"\n}\n'})
    result = analyze(root, stages=("ingest", "graph"))
    tfs = sorted((f.file, f.line, f.error) for f in result.findings if f.rule == "TFS009")
    dup = [t for t in tfs if "Duplicate" in t[2]]
    assert len(dup) == 1 and dup[0][1] == 1 and 'Duplicate resource "aws_sqs_queue"' in dup[0][2]
    assert "already declared at lib/" in dup[0][2]  # files load in name order: the second one is reported
    assert ("lib/main.tf", 4) in [t[:2] for t in tfs if "must have 2 labels" in t[2]]

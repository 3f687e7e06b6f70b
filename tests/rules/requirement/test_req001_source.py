"""REQ001 when the program did not run to the end (graph stage failed): judged from the source, and only when no
file declares anything output-like (cdktf-py Pr6652/Pr7312: no TerraformOutput at all, graph failed on an import)."""

from __future__ import annotations

from pathlib import Path

from iacqa.model import Location, Resource, ResourceGraph
from iacqa.rules.context import RuleContext
from iacqa.rules.requirement.outputs import NoStackOutputs

STACK = '''from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable


class TapStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        DynamodbTable(self, "sessions", name="sessions", hash_key="id", attribute=[{"name": "id", "type": "S"}])
'''
ENTRY = '''from cdktf import App
from lib.tap_stack import TapStack

app = App()
TapStack(app, "TapStackdev")
app.synth()
'''


def _project(tmp_path: Path, stack: str = STACK, extra: dict[str, str] | None = None) -> Path:
    (tmp_path / "lib").mkdir(parents=True)
    (tmp_path / "lib" / "tap_stack.py").write_text(stack)
    (tmp_path / "tap.py").write_text(ENTRY)
    for rel, text in (extra or {}).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def _graph(with_table: bool) -> ResourceGraph:
    g = ResourceGraph(platform="cdktf")
    if with_table:
        g.add(Resource(id="aws_dynamodb_table.sessions", type="AWS::DynamoDB::Table", native_type="aws_dynamodb_table",
                       location=Location("lib/tap_stack.py", 8)))
    return g


def _run(root: Path, graph: ResourceGraph, status: str = "failed", entry: str | None = "tap.py") -> list:
    ctx = RuleContext(graph=graph, root=root, platform="cdktf", graph_status=status, entry=entry)
    return list(NoStackOutputs().check(ctx))


def test_failed_graph_and_no_output_anywhere_is_reported_at_the_stack_line(tmp_path: Path) -> None:
    found = _run(_project(tmp_path), _graph(True))
    assert len(found) == 1
    f = found[0]
    assert f.file == "tap.py" and f.line == 5 and "read from the source" in f.message
    assert "aws_dynamodb_table.sessions" in f.message


def test_failed_empty_graph_uses_the_constructor_in_the_source(tmp_path: Path) -> None:
    found = _run(_project(tmp_path), _graph(False), entry=None)
    assert len(found) == 1 and "DynamodbTable" in found[0].message and found[0].file == "lib/tap_stack.py"
    assert found[0].line == 5  # no entry in the project: the stack class, where TerraformOutput belongs


def test_any_output_declaration_in_the_code_means_no_judgement(tmp_path: Path) -> None:
    stack = STACK.replace("from cdktf import TerraformStack", "from cdktf import TerraformOutput, TerraformStack")
    assert _run(_project(tmp_path, stack), _graph(True)) == []


def test_outputs_only_in_tests_do_not_count_and_nothing_declared_is_not_judged(tmp_path: Path) -> None:
    root = _project(tmp_path, extra={"tests/unit/test_stack.py": "TerraformOutput = None\n"})
    assert len(_run(root, _graph(True))) == 1
    bare = STACK.replace('        DynamodbTable(self, "sessions", name="sessions", hash_key="id", '
                         'attribute=[{"name": "id", "type": "S"}])\n', "        pass\n")
    assert _run(_project(tmp_path / "p2", bare), _graph(False)) == []


def test_graph_ok_still_reads_the_graph_only(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert len(_run(root, _graph(True), status="ok")) == 1
    assert _run(root, _graph(False), status="ok") == []  # the program ran: nothing the tests read
    g = _graph(True)
    g.outputs["table_name"] = "sessions"
    assert _run(root, g, status="failed") == []


def test_terraform_and_typescript_declarations(tmp_path: Path) -> None:
    tf = tmp_path / "tf"
    (tf / "lib").mkdir(parents=True)
    (tf / "lib" / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    ctx = RuleContext(graph=ResourceGraph(platform="tf"), root=tf, platform="tf", graph_status="failed")
    assert len(list(NoStackOutputs().check(ctx))) == 1
    (tf / "lib" / "outputs.tf").write_text('output "queue_url" {\n  value = aws_sqs_queue.q.url\n}\n')
    assert list(NoStackOutputs().check(ctx)) == []
    ts = tmp_path / "ts"
    (ts / "bin").mkdir(parents=True)
    (ts / "bin" / "tap.ts").write_text("import * as aws from '@pulumi/aws';\nconst q = new aws.sqs.Queue('q');\n"
                                       "export const queueUrl = q.url;\n")
    ctx = RuleContext(graph=ResourceGraph(platform="pulumi"), root=ts, platform="pulumi", graph_status="failed")
    assert list(NoStackOutputs().check(ctx)) == []


def test_code_in_another_language_or_pulumi_yaml_outputs_is_not_judged(tmp_path: Path) -> None:
    root = _project(tmp_path, extra={"main.go": "ctx.Export(\"url\", q.Url)\n"})
    assert _run(root, _graph(True)) == []
    yml = _project(tmp_path / "yml", extra={"Pulumi.yaml": "name: p\nruntime: yaml\noutputs:\n  url: ${q.url}\n"})
    assert _run(yml, _graph(True)) == []

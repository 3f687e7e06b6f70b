"""frontends/node/tsc.py: compiler output parsing and classification, on real tsc output lines (no node needed)."""

from __future__ import annotations

from pathlib import Path

from iacqa.frontends.node import tsc

OUTPUT = """lib/tap-stack.ts(14,7): error TS2353: Object literal may only specify known properties, and 'visibilityTimeoutSeconds' does not exist in type 'QueueProps'.
lib/tap-stack.ts(20,12): error TS2551: Property 'grantSendMessagess' does not exist on type 'Queue'. Did you mean 'grantSendMessages'?
lib/util.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.
lib/util.ts(5,18): error TS7006: Parameter 'event' implicitly has an 'any' type.
lib/util.ts(9,1): error TS1005: '}' expected.
test/tap-stack.unit.test.ts(4,10): error TS2554: Expected 2 arguments, but got 1.
  Type 'Output<string>' is missing the following properties
error TS18003: No inputs were found in config file 'tsconfig.json'.
"""

STACK = """import * as cdk from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
export class TapStack extends cdk.Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    new sqs.Queue(this, 'q', {
      queueName: 'x',
      visibilityTimeoutSeconds: 30,
    });
    const q2 = new sqs.Queue(this, 'q2');
    q2.grantSendMessagess({} as any);
  }
}
"""


def test_parse_reads_file_line_code_and_chained_text() -> None:
    diags = tsc.parse(OUTPUT)
    assert [(d.file, d.line, d.code) for d in diags][:3] == [
        ("lib/tap-stack.ts", 14, 2353), ("lib/tap-stack.ts", 20, 2551), ("lib/util.ts", 3, 2322)]
    assert diags[5].detail.startswith("Type 'Output<string>'")
    assert diags[-1].file is None and diags[-1].code == 18003


def test_classification(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "test").mkdir()
    (tmp_path / "lib" / "tap-stack.ts").write_text(STACK)
    (tmp_path / "lib" / "util.ts").write_text("const a = 1;\n" * 10)
    (tmp_path / "test" / "tap-stack.unit.test.ts").write_text("x\n" * 5)
    records = [{"file": "lib/tap-stack.ts", "line": 7, "endLine": 10, "cls": "sqs.Queue", "args": [], "keys": {}},
               {"file": "lib/tap-stack.ts", "line": 11, "endLine": 11, "cls": "sqs.Queue", "args": [],
                "keys": {}}]
    result = tsc.TscResult("failed", "tsc", 1.0, tsc.parse(OUTPUT.replace("(14,7)", "(9,7)")
                                                           .replace("(20,12)", "(12,8)")))
    files = {"lib/tap-stack.ts", "lib/util.ts", "test/tap-stack.unit.test.ts"}
    found = {(f.file, f.line): f for f in tsc.findings(result, tmp_path, records, files)}
    assert found[("lib/tap-stack.ts", 9)].rule == "TSC001"  # unknown prop inside new sqs.Queue(...)
    assert found[("lib/tap-stack.ts", 9)].severity.value == "critical"
    assert found[("lib/tap-stack.ts", 12)].rule == "TSC001"  # q2.grantSendMessagess: a member of sqs.Queue
    assert "`grantSendMessages`" in (found[("lib/tap-stack.ts", 12)].fix or "")
    assert found[("lib/util.ts", 3)].rule == "TSC002"  # the project's own types
    assert found[("lib/util.ts", 5)].rule == "TSC004" and found[("lib/util.ts", 5)].severity.value == "high"
    assert found[("lib/util.ts", 9)].rule == "TSC003"
    assert found[("test/tap-stack.unit.test.ts", 4)].rule == "TSC005"
    assert all(f.error and "error TS" in f.error for f in found.values())


def test_missing_module_the_pipeline_installs_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.ts").write_text("import * as k8s from '@pulumi/kubernetes';\nimport x from 'left-pad';\n")
    out = ("lib/a.ts(1,22): error TS2307: Cannot find module '@pulumi/kubernetes' or its corresponding type "
           "declarations.\nlib/a.ts(2,15): error TS2307: Cannot find module 'left-pad' or its corresponding type "
           "declarations.\n")
    result = tsc.TscResult("failed", "tsc", 1.0, tsc.parse(out))
    found = tsc.findings(result, tmp_path, [], {"lib/a.ts"}, declared_modules={"@pulumi/kubernetes"},
                         installed={"@pulumi/aws"})
    assert [f.line for f in found] == [2]


def test_missing_node_types_are_a_config_issue_not_a_blocker(tmp_path: Path) -> None:
    (tmp_path / "main.ts").write_text("const region = process.env.AWS_REGION;\n")
    out = ("main.ts(1,16): error TS2580: Cannot find name 'process'. Do you need to install type definitions for "
           "node? Try `npm i --save-dev @types/node`.\n")
    found = tsc.findings(tsc.TscResult("failed", "tsc", 1.0, tsc.parse(out)), tmp_path, [], {"main.ts"})
    assert [(f.rule, f.severity.value) for f in found] == [("TSC002", "medium")]

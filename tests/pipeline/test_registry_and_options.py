"""The front-end registry, typed Options through the pipeline, and the task's total time budget."""

from __future__ import annotations

import sys
from pathlib import Path

from iacqa import frontends
from iacqa.model import Options, ResourceGraph
from iacqa.model.options import STAGES
from iacqa.pipeline import analyze, run
from iacqa.rules.context import RuleContext

TF = 'resource "aws_sqs_queue" "q" {\n  name = "jobs"\n}\n'


def test_registry_names_a_front_end_for_every_platform_without_importing_it() -> None:
    assert set(frontends.platforms()) >= {"pulumi", "tf", "cdktf", "cfn", "cdk"}
    assert frontends.lookup("tf") == "iacqa.frontends.terraform.frontend:TerraformFrontend"
    assert frontends.lookup("tf", "hcl") == frontends.lookup("tf")  # no language-specific one: the default
    assert frontends.lookup("") is None and frontends.for_platform("nope") is None
    fe = frontends.for_platform("cfn")
    assert type(fe).__name__ == "CloudFormationFrontend" and fe.platform == "cfn"


def test_registry_imports_lazily() -> None:
    import subprocess

    code = ("import sys, iacqa.frontends as f; f.lookup('cdk'); f.platforms(); "
            "print(any(m.startswith('iacqa.frontends.cdk_py') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_mapping_and_options_give_the_same_analysis(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF)
    a = analyze(tmp_path, stages=("ingest", "graph", "check"), options={"environment_suffix": "jobs"})
    b = analyze(tmp_path, options=Options(stages=("ingest", "graph", "check"), environment_suffix="jobs"))
    assert [s.name for s in a.stages] == [s.name for s in b.stages] == ["ingest", "syntax", "graph", "check", "requirements"]
    assert [f.fingerprint for f in a.findings] == [f.fingerprint for f in b.findings]


def test_spent_time_budget_skips_the_stages_not_started(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF)
    result = analyze(tmp_path, options=Options(timeout_total=0.0, stages=("ingest", "graph", "check")))
    assert [(s.name, s.status) for s in result.stages] == [
        ("ingest", "ok"), ("syntax", "skipped"), ("graph", "skipped"), ("check", "skipped"),
        ("requirements", "skipped")]
    assert "timeout-total" in result.stages[-1].detail


def test_run_hands_over_the_graph_and_keeps_the_project(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF)
    analysis = run(tmp_path, stages=("ingest", "graph"), keep=True)
    assert [r.type for r in analysis.graph] == ["AWS::SQS::Queue"]
    assert analysis.result.graph["resources"] == 1 and analysis.project.root == tmp_path.resolve()


def test_rule_context_reads_typed_options() -> None:
    ctx = RuleContext(graph=ResourceGraph(), options={"quota_profile": "low"})
    assert ctx.options.quota_profile == "low" and ctx.options.timeout_total == 600.0
    assert ctx.option("region", "us-east-1") == "us-east-1"
    assert STAGES == ("ingest", "graph", "check", "lint", "security", "emulate", "tests")

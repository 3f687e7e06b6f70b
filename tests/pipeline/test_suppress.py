"""Inline suppressions: `# iacqa: ignore[ID,...] reason` in Python, HCL (`#`, `//`) and YAML, from code and from a
response .md; suppressed findings stay in the report, do not fail the run; unused comments are HYG100."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacqa.cli import main
from iacqa.engine.suppress import NO_REASON, parse_line
from iacqa.pipeline import analyze
from iacqa.report.sarif import to_sarif
from iacqa.report.text import to_text

CHECK = ("ingest", "graph", "check")

HCL = """provider "aws" {
  region = "us-east-1"
}

resource "aws_sqs_queue" "a" {
  name                       = "a"
  visibility_timeout_seconds = 50000 # iacqa: ignore[LIM001] quota raised by support
  message_retention_seconds  = 10
  // iacqa: ignore[aws-limit, HYG]
  delay_seconds = 901
}
"""

YAML = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
      # iacqa: ignore[aws-limit] support raised it
      VisibilityTimeout: 50000
      MessageRetentionPeriod: 10  # iacqa: ignore[LIM002]
"""

PY = """import logging

logger = logging.getLogger(__name__)


def handler(event, context):
    logger.info(f"event {event}")  # iacqa: ignore[LNT] we want this
    # iacqa: ignore[lint]
    logger.info(f"again {event}")
    logger.info(f"third {event}")
    return {}  # iacqa: ignore[LNT-E501] stale
"""


def _project(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text)
    return tmp_path


def _by_line(result: object, rule: str) -> dict[int, str | None]:
    return {f.line: f.suppressed for f in result.findings if f.rule == rule}


def test_directive_syntax() -> None:
    assert parse_line("x = 1  # iacqa: ignore[LIM001, SDK] quota raised") == (
        ("LIM001", "SDK"), "quota raised", "# iacqa: ignore[LIM001, SDK] quota raised", False, ())
    assert parse_line("    #IACQA: Ignore[lnt]")[0:2] == (("lnt",), "")
    assert parse_line("  // iacqa: ignore[SEC] internal", ".tf")[3] is True  # alone on its line
    assert parse_line("x // iacqa: ignore[SEC]", ".py") is None  # `//` is not a Python comment
    assert parse_line("# iacqa: ignore[LIM001;x] r")[4] == ("LIM001;x",)  # not a selector: reported unused
    assert parse_line("# iacqa: noqa") is None and parse_line("# iacqa ignore LIM001") is None


def test_hcl_hash_and_slash_comments(tmp_path: Path) -> None:
    result = analyze(_project(tmp_path, "main.tf", HCL), stages=CHECK)
    lim = _by_line(result, "LIM001")
    assert lim[7] == "quota raised by support"  # trailing `#` on its own line
    assert lim[8] is None  # nothing on line 8 or above it
    assert lim[10] == NO_REASON  # `//` alone on line 9 covers line 10, by category
    assert 10 not in _by_line(result, "HYG100") and 9 not in _by_line(result, "HYG100")
    assert not result.deployable and [f.line for f in result.blockers] == [8]


def test_yaml_comments_and_the_unused_one(tmp_path: Path) -> None:
    result = analyze(_project(tmp_path, "template.yaml", YAML), stages=CHECK)
    assert _by_line(result, "LIM001") == {8: "support raised it", 9: None}
    (unused,) = [f for f in result.findings if f.rule == "HYG100"]
    assert (unused.file, unused.line, unused.severity.value, unused.category.value) == (
        "template.yaml", 9, "low", "hygiene")
    assert "ignore[LIM002]" in unused.message and "no LIM002 finding on line 9" in unused.message


def test_python_comments_on_a_grouped_lint_finding(tmp_path: Path) -> None:
    """Lint reports one finding per code and file (lines in extra): a comment suppresses its own lines only."""
    _project(tmp_path, "lib/handler.py", PY)
    _project(tmp_path, "lib/quiet.py", PY.replace('    logger.info(f"third {event}")\n', ""))
    result = analyze(tmp_path, stages=("ingest", "lint"))
    g004 = {f.file: f for f in result.findings if f.rule == "LNT-G004"}
    partly = g004["lib/handler.py"]  # lines 7 and 9 suppressed, 10 not: the finding stays for line 10
    assert partly.suppressed is None and partly.line == 10 and partly.extra["lines"] == [10]
    assert partly.extra["suppressed_lines"] == [7, 9] and "more in this file" not in partly.message
    assert partly.snippet == '    logger.info(f"third {event}")'
    assert g004["lib/quiet.py"].suppressed == "we want this"  # every line covered
    assert [(f.file, f.line) for f in result.findings if f.rule == "HYG100"] == [
        ("lib/handler.py", 11), ("lib/quiet.py", 10)]


def test_unused_is_not_reported_when_the_stage_that_emits_the_id_did_not_run(tmp_path: Path) -> None:
    result = analyze(_project(tmp_path, "lib/handler.py", PY), stages=CHECK)  # no lint stage
    assert not [f for f in result.findings if f.rule == "HYG100"]


def test_comment_in_a_response_md_suppresses_with_md_lines(tmp_path: Path) -> None:
    (tmp_path / "metadata.json").write_text('{"platform": "tf", "language": "hcl"}')
    body = HCL.replace("  // iacqa: ignore[aws-limit, HYG]\n", "  # iacqa: ignore[WIR]\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "MODEL_RESPONSE.md").write_text(f"# Response\n\nThe stack.\n\n## File: lib/main.tf\n\n"
                                                        f"```hcl\n{body}```\n")
    result = analyze(tmp_path, response="model", stages=CHECK)
    lim = {f.line: f for f in result.findings if f.rule == "LIM001"}
    assert lim[7].suppressed == "quota raised by support" and lim[7].md_line == 14
    assert lim[8].suppressed is None and lim[8].md_line == 15
    (unused,) = [f for f in result.findings if f.rule == "HYG100"]
    assert (unused.file, unused.line, unused.md_line) == ("lib/main.tf", 9, 16)
    assert unused.snippet == "  # iacqa: ignore[WIR]"


def test_suppressed_critical_does_not_fail_the_run_and_reports_show_it(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path, "main.tf", HCL.replace("  message_retention_seconds  = 10\n", ""))
    assert main(["analyze", str(tmp_path), "--stages", "ingest,graph,check"]) == 0
    assert "(2 suppressed)" in capsys.readouterr().out
    assert main(["analyze", str(tmp_path), "--stages", "ingest,graph,check", "--no-suppress", "--format",
                 "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["suppressed"] == 0 and not any(f["rule"] == "HYG100" for f in data["findings"])
    result = analyze(tmp_path, stages=CHECK)
    assert result.deployable and "(2 suppressed)" in to_text(result)
    sarif = [r for r in to_sarif([result])["runs"][0]["results"] if r["ruleId"] == "LIM001"]
    assert {json.dumps(r.get("suppressions")) for r in sarif} == {
        json.dumps([{"kind": "inSource", "status": "accepted", "justification": "quota raised by support"}]),
        json.dumps([{"kind": "inSource", "status": "accepted", "justification": NO_REASON}])}

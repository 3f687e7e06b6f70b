"""The aggregate's figures, the summary table and the plain progress lines, on a small fake results file."""

from __future__ import annotations

import io
from pathlib import Path

from iacqa.batch.aggregate import aggregate_file, status_of
from iacqa.batch.progress import PlainProgress, make_progress
from iacqa.batch.scheduler import Event
from iacqa.batch.summary import to_text
from tests.batch.fixtures import finding, result, write_results, write_task


def _rows(tmp_path: Path) -> Path:
    t = write_task(tmp_path / "c", "Pr1")
    blk = finding("LIM001", "aws-limit", "critical", True, n=1, resource="q")
    return write_results(tmp_path / "r.jsonl", [
        result(str(t), "model", findings=[blk, finding("HYG001", "hygiene", n=2, resource="t")], seconds=30),
        result(str(t), "ideal", findings=[finding("HYG001", "hygiene", n=2, resource="t")], seconds=2),
        result("/x/tf-hcl/Pr9", "model", platform="tf", language="hcl", by_type={}, graph_status="error"),
        result("/x/tf-hcl/Pr9", "ideal", error="internal error: the worker died: killed by SIGKILL"),
    ])


def test_aggregate_figures(tmp_path: Path) -> None:
    a = aggregate_file(_rows(tmp_path))
    assert (a["jobs"], a["tasks"]) == (4, 2)
    assert a["by_response"]["model"] == {"jobs": 2, "deployable": 0, "not_deployable": 1, "unchecked": 1,
                                         "errors": 0, "deployable_pct": 0.0}
    assert a["by_response"]["ideal"]["deployable_pct"] == 100.0 and a["by_response"]["ideal"]["errors"] == 1
    assert a["findings"]["by_category"]["hygiene"]["high"] == 2
    assert a["top_rules"][0]["rule"] == "HYG001" and a["top_rules"][0]["jobs"] == 2
    assert a["slowest"][0]["seconds"] == 30.0 and a["errors"][0]["response"] == "ideal"
    pair = next(p for p in a["pairs"] if p["task"].endswith("Pr1"))
    # one Category B fix (+0) on a single-service stack (-1): 7 against the metadata's 8
    assert (pair["fixed"], pair["fixed_blockers"], pair["quality"], pair["quality_metadata"]) == (1, 1, 7, 8.0)
    assert a["quality"]["agreement"]["tasks"] == 1 and a["quality"]["agreement"]["within_1"] == 1.0  # |7 - 8| <= 1


def test_summary_text_has_every_table(tmp_path: Path) -> None:
    text = to_text(aggregate_file(_rows(tmp_path)))
    for title in ("2 tasks, 4 analyses", "by platform", "findings by category and severity", "slowest jobs",
                  "errors (1)", "training quality vs metadata.json"):
        assert title in text
    assert "killed by SIGKILL" in text


def test_status_of() -> None:
    assert status_of(result("/t", "model", by_type={}, graph_status="unavailable")) == "unchecked"
    assert status_of(result("/t", "model", by_type={}, graph_status="skipped")) == "deployable"
    assert status_of(result("/t", "model", error="x")) == "error"


def test_plain_progress_lines_and_no_bar_off_a_terminal() -> None:
    out = io.StringIO()
    assert isinstance(make_progress(3, out), PlainProgress)
    p = PlainProgress(3, out, skipped=2)
    p.update(Event("started", ("/c/tf-hcl/Pr1", "model")))
    p.update(Event("retry", ("/c/tf-hcl/Pr1", "model"), reason="the worker died: boom"))
    p.update(Event("done", ("/c/tf-hcl/Pr1", "model"),
                   result("/c/tf-hcl/Pr1", "model", findings=[finding("LIM001", "aws-limit", "critical", True)])))
    p.update(Event("done", ("/c/tf-hcl/Pr2", "ideal"), result("/c/tf-hcl/Pr2", "ideal", error="bad input")))
    lines = out.getvalue().splitlines()
    assert lines[0] == "iacqa: 2 job(s) already in the results file (resumed); 3 to run"
    assert lines[1].startswith("[retry] tf-hcl/Pr1 model: the worker died: boom")
    assert lines[2].startswith("[1/3] tf-hcl/Pr1 model: 1 findings, not-deployable (1 blockers) 1.0s | ")
    assert "ETA" in lines[2] and lines[2].endswith("0 errors")
    assert lines[3].startswith("[2/3] tf-hcl/Pr2 ideal: error: bad input") and lines[3].endswith("1 error")

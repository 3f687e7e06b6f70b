"""The checklist in the reports: coverage line, shortfalls, markdown table, compare sides."""

from __future__ import annotations

from iacqa.model import TaskInfo, TaskResult
from iacqa.report import requirements as R

ITEMS = [
    {"id": "R1", "text": "Lambda with 512MB memory", "line": 9, "strength": "should", "status": "met",
     "concept": "lambda.memory", "evidence": ["Fn (Function): MemorySize=512"]},
    {"id": "R2", "text": "Log groups must keep 14 days | audit", "line": 12, "strength": "must", "status": "not met",
     "concept": "logs.retention", "evidence": ["Logs (LogGroup): RetentionInDays=7"], "resource": "Logs",
     "attribute": "retention_in_days"},
    {"id": "R3", "text": "X-Ray on all functions", "line": 10, "strength": "should", "status": "partly met",
     "concept": "lambda.tracing", "evidence": ["1 of 2 Function meet it"], "resource": "Other"},
    {"id": "R4", "text": "Unit tests", "line": 20, "strength": "must", "status": "not checkable",
     "concept": "offline.tests", "evidence": [], "reason": "judged by the tests stage"},
    {"id": "R5", "text": "Log groups must keep 14 days", "line": 30, "strength": "must", "status": "not met",
     "concept": "logs.retention", "evidence": [], "duplicate_of": "R2"},
]


def _result(items: list[dict]) -> TaskResult:
    r = TaskResult(task=TaskInfo(path="t"))
    r.requirements = items  # type: ignore[attr-defined]
    return r


def test_coverage_counts_distinct_requirements() -> None:
    cov = R.coverage_of(_result(ITEMS))
    assert cov == {"requirements": 4, "met": 1, "partly_met": 1, "not_met": 1, "not_checkable": 1, "checkable": 3,
                   "coverage": 0.333}
    assert R.coverage_line(_result(ITEMS)).startswith("requirements: 1/3 checkable met (33%)")
    assert R.coverage_line(_result([])) is None


def test_text_lists_shortfalls_not_met_first() -> None:
    lines = R.text_lines(_result(ITEMS))
    body = "\n".join(lines)
    assert body.index("L12") < body.index("L10")  # not met before partly met
    assert "Logs.retention_in_days" in body and "L30" not in body  # the repeat is not listed twice


def test_markdown_table_escapes_pipes_and_lists_reasons() -> None:
    md = "\n".join(R.markdown_lines(_result(ITEMS)))
    assert "## Requirements from the prompt" in md and "**1 of 3**" in md
    assert "14 days \\| audit" in md
    assert "1 x judged by the tests stage" in md


def test_compare_names_what_only_the_ideal_meets() -> None:
    ideal = _result([{**i, "status": "met"} for i in ITEMS[:3]])
    lines = R.compare_lines(R.compare_side(_result(ITEMS)), R.compare_side(ideal))
    assert lines[0] == "requirements: model 1/3 met (33%) | ideal 3/3 met (100%)"
    assert any("L12 logs.retention" in ln and "not met in the model" in ln for ln in lines)

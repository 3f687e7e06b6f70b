"""Every rule's bad/good fixture pair, run through the whole pipeline.

bad/: the rule's findings are exactly at the lines marked `# expect: <ID>`.
good/: the rule reports nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iacqa.pipeline import analyze
from tests.conftest import expect_marks, needs_pulumi

HERE = Path(__file__).parent
PAIRS = sorted(p for p in HERE.glob("*/*") if p.is_dir() and (p / "bad").is_dir())
STAGES = ("ingest", "graph", "check", "lint")
# The fixtures are TAP-style projects (lib/tap_stack.py) without the task layout, so auto-selection would pick the
# `aws` profile, which turns the TAP conventions (HYG001, REQ001, the small-account quota of QTA001) off. Every pair
# runs under `tap`, the profile under which every rule applies.
OPTIONS = {"checkov": False, "profile": "tap"}


def _ids(pairs: list[Path]) -> list[str]:
    return [p.name for p in pairs]


@needs_pulumi
@pytest.mark.parametrize("pair", PAIRS, ids=_ids(PAIRS))
def test_bad_fixture_reports_marked_lines(pair: Path) -> None:
    rule_id = pair.name
    bad = pair / "bad"
    marks = {(f, line) for f, line, tag in expect_marks(bad) if tag == rule_id}
    assert marks, f"{bad} has no `# expect: {rule_id}` mark"
    result = analyze(bad, options=OPTIONS, stages=STAGES)
    # A grouped finding (one per file, every line in `extra.lines`) stands for each of its lines.
    got = {(f.file, line) for f in result.findings if f.rule == rule_id for line in (f.extra.get("lines") or [f.line])}
    assert got == marks, f"{rule_id}: expected findings at {sorted(marks)}, got {sorted(got)}"


@needs_pulumi
@pytest.mark.parametrize("pair", PAIRS, ids=_ids(PAIRS))
def test_good_fixture_is_clean(pair: Path) -> None:
    rule_id = pair.name
    result = analyze(pair / "good", options=OPTIONS, stages=STAGES)
    got = [f"{f.file}:{f.line} {f.message}" for f in result.findings if f.rule == rule_id]
    assert not got, f"{rule_id} fired on its good fixture: {got}"
    graph_stage = next(s for s in result.stages if s.name == "graph")
    assert graph_stage.status == "ok", f"good fixture does not run cleanly: {graph_stage.detail}"

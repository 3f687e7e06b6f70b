"""Running the project's unit tests in the guarded child: failures, coverage figures, limits, containment."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from iacqa.model import Category
from iacqa.testsuite import run

from .conftest import marks

pytestmark = pytest.mark.slow
OPTS = {"tests_integration": False, "jest": False, "test_timeout": 20, "tests_timeout": 60}


def _run(root: Path, **opts):
    return run(SimpleNamespace(root=root), {**OPTS, **opts})


def _at(res, *rules):
    return {(f.file, f.line, f.rule) for f in res.findings if f.rule in rules}


def test_decorator_patched_boto3_fails_and_is_located(copy_fixture) -> None:
    root = copy_fixture("boto3_patch/faulty")
    res = _run(root)
    assert res.status == "failed"
    assert _at(res, "TST010", "TST011") == marks(root)
    (f,) = [f for f in res.findings if f.rule == "TST011"]
    assert f.category is Category.TESTS_BROKEN
    assert "test_lambda_handler_success" in f.message
    assert "EndpointConnectionError" in f.error  # the real client hit the dead loopback endpoint, never AWS
    outcomes = {t["nodeid"].rsplit("::", 1)[-1]: t["outcome"] for t in res.tests}
    assert outcomes == {"test_lambda_handler_success": "failed", "test_missing_fields": "passed",
                        "test_invalid_json": "passed"}


def test_fixed_twin_passes_at_full_coverage(copy_fixture) -> None:
    root = copy_fixture("boto3_patch/fixed")
    res = _run(root, coverage_threshold=100)
    assert res.status == "ok", res.detail
    assert res.findings == []
    assert {t["outcome"] for t in res.tests} == {"passed"}
    assert res.coverage["total"]["lines"]["pct"] == 100.0


def _coverage_itself(root: Path, tmp: Path) -> dict:
    """What `coverage` reports on the same tests, run by hand."""
    env = {**os.environ, "COVERAGE_FILE": str(tmp / ".cov"), "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    subprocess.run([sys.executable, "-m", "coverage", "run", "--branch", "--source=lib", "-m", "pytest", "-q",
                    "-p", "no:cacheprovider", "tests/unit"], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "coverage", "json", "-q", "-o", str(tmp / "c.json")], cwd=root, env=env,
                   check=True, capture_output=True)
    return json.loads((tmp / "c.json").read_text())["totals"]


def test_coverage_89_below_threshold_with_figures_that_match_coverage(copy_fixture, tmp_path) -> None:
    root = copy_fixture("coverage/partial")
    res = _run(root)
    (f,) = [f for f in res.findings if f.rule == "TST030"]
    assert f.category is Category.TESTS_COVERAGE
    assert f.message.startswith("coverage 89% is below the required 90%")
    assert (f.file, f.line) == ("lib/calc.py", 39) and "missing lines 39-41" in f.message
    itself = _coverage_itself(root, tmp_path)
    total = res.coverage["total"]
    assert (total["lines"]["total"], total["lines"]["covered"]) == (itself["num_statements"], itself["covered_lines"])
    assert (total["branches"]["total"], total["branches"]["covered"]) == (itself["num_branches"],
                                                                          itself["covered_branches"])
    assert f.extra["percent"] == pytest.approx(itself["percent_covered"])
    written = json.loads((root / "coverage" / "coverage-summary.json").read_text())
    assert written["total"] == total
    for metric in ("lines", "statements", "functions", "branches"):
        assert set(written["total"][metric]) == {"total", "covered", "skipped", "pct"}
    assert total["functions"] == {"total": 5, "covered": 4, "skipped": 0, "pct": 80.0}


def test_coverage_full_passes_a_100_threshold(copy_fixture) -> None:
    res = _run(copy_fixture("coverage/full"), coverage_threshold=100)
    assert res.findings == [] and res.status == "ok"
    assert all(res.coverage["total"][m]["pct"] == 100.0 for m in ("lines", "statements", "functions", "branches"))


def test_summary_missing_when_nothing_produces_it(copy_fixture) -> None:
    root = copy_fixture("coverage/full")
    (root / "scripts" / "coverage_summary.py").unlink()
    res = _run(root)
    assert [f.rule for f in res.findings] == ["TST031"]
    assert (root / "coverage" / "coverage-summary.json").exists()
    again = _run(root)  # iacqa's own summary from the first run does not count as delivered
    assert [f.rule for f in again.findings] == ["TST031"]


def test_hanging_test_is_stopped_per_test_and_the_others_run(copy_fixture) -> None:
    root = copy_fixture("hang/faulty")
    res = _run(root, test_timeout=1)
    assert _at(res, "TST012") == marks(root)
    assert "per-test time limit" in next(f.message for f in res.findings if f.rule == "TST012")
    outcomes = sorted(t["outcome"] for t in res.tests)
    assert outcomes == ["passed", "passed", "timeout"]
    assert res.coverage is not None  # the run finished: coverage still measured


def test_hanging_run_is_killed_by_the_run_limit(copy_fixture) -> None:
    root = copy_fixture("hang/faulty")
    res = _run(root, test_timeout=0, tests_timeout=3)
    (f,) = [f for f in res.findings if f.rule == "TST012"]
    assert "time limit for the whole unit run" in f.message and "test_waits_for_queue_to_drain" in f.message
    assert (f.file, f.line) == ("tests/unit/test_poll.py", 8)
    assert res.status == "failed" and res.seconds < 15


def test_hang_twin_is_clean(copy_fixture) -> None:
    assert _run(copy_fixture("hang/fixed"), test_timeout=1).findings == []


OUTSIDE = Path("/var/tmp/iacqa-outside-probe.json")


def test_write_outside_the_project_is_refused_and_reported(copy_fixture) -> None:
    OUTSIDE.unlink(missing_ok=True)
    root = copy_fixture("writes_outside/faulty")
    res = _run(root)
    assert not OUTSIDE.exists()
    assert _at(res, "TST013") == marks(root)
    (f,) = [f for f in res.findings if f.rule == "TST013"]
    assert str(OUTSIDE) in f.message and f.category is Category.TESTS_BROKEN
    assert {t["outcome"] for t in res.tests} == {"passed", "failed"}  # the rest of the run completed
    assert [f.rule for f in res.findings] == ["TST013"]  # not again as a failing test
    assert res.coverage is not None
    assert _run(copy_fixture("writes_outside/fixed")).findings == []


def test_project_directory_itself_is_not_touched_by_the_tests(copy_fixture) -> None:
    root = copy_fixture("writes_outside/fixed")
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    _run(root, write_coverage_summary=False)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def test_network_is_loopback_only(tmp_path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "x.py").write_text("X = 1\n")
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    # A listener of this test on loopback, outside the sandbox, stands for "the network": never a real host.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        (tmp_path / "tests" / "unit" / "test_net.py").write_text(
            f"import socket\n\n\ndef test_connect():\n    socket.create_connection(('127.0.0.1', {port}), timeout=1)\n")
        res = _run(tmp_path)
    (t,) = res.tests
    assert t["outcome"] == "failed" and "iacqa sandbox" in t["reason"]


def test_placeholders_fail_once(copy_fixture) -> None:
    res = _run(copy_fixture("placeholders_py/faulty"))
    assert sorted(f.rule for f in res.findings if f.file == "tests/unit/test_calc.py") == [
        "TST003", "TST004", "TST005"]  # placeholders: one finding per file; self.fail(...) is not reported again

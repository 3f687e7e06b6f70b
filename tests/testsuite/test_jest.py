"""jest: run when the packages are in the cache outside the task; otherwise say so and keep the static judgment."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest

from iacqa.testsuite import jest, run

from .conftest import marks

pytestmark = pytest.mark.slow


def test_without_jest_the_status_says_so_and_static_findings_stay(copy_fixture, tmp_path) -> None:
    root = copy_fixture("placeholders_ts/faulty")
    res = run(SimpleNamespace(root=root), {"jest_cache": str(tmp_path / "empty"), "jest_install": False})
    assert "jest: not run (" in res.detail and "static judgment kept" in res.detail
    assert {(f.file, f.line, f.rule) for f in res.findings if f.file} == marks(root)
    assert {f.rule for f in res.findings if not f.file} == {"TST001", "TST002"}


@pytest.mark.skipif(shutil.which("node") is None or jest.ensure({}) is not None,
                    reason="node or the jest cache (~/.cache/iacqa/node) not available; never installed by tests")
def test_jest_runs_the_unit_tests_from_the_cache(copy_fixture) -> None:
    res = run(SimpleNamespace(root=copy_fixture("placeholders_ts/fixed")), {})
    assert res.findings == [] and res.status == "ok"
    assert [(t["line"], t["outcome"]) for t in res.tests] == [(7, "passed"), (11, "passed")]
    root = copy_fixture("placeholders_ts/faulty")
    (root / "lib" / "tap_stack.tf").unlink()
    res = run(SimpleNamespace(root=root), {})
    (f,) = [f for f in res.findings if f.rule == "TST011"]
    assert (f.file, f.line) == ("test/terraform.unit.test.ts", 7) and "Expected: true" in f.message

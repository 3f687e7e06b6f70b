"""Node.js Lambda handlers run in the emulator (emulate/node_runner.py) with the same findings as Python ones."""

from __future__ import annotations

import pytest

from .conftest import FIXTURES

pytestmark = pytest.mark.slow


def _emulate(name: str):
    pytest.importorskip("moto")
    from iacqa.pipeline import analyze

    return analyze(FIXTURES / name, stages=("ingest", "graph", "emulate"))


def test_missing_env_var_is_found_at_the_handler_line(toolchain) -> None:
    r = _emulate("cdk_lambda_bad")
    f = next(f for f in r.findings if f.rule == "RTE002")
    assert (f.file, f.line, f.symbol) == ("lib/lambda/index.js", 10, "TABLE_NAME")
    assert "process.env.TABLE_NAME is undefined" in f.error


def test_good_twin_runs_clean_and_its_calls_are_recorded(toolchain) -> None:
    r = _emulate("cdk_lambda_good")
    assert not [f for f in r.findings if f.category.value in ("runtime-error", "iam-missing")], \
        [f.message for f in r.findings]
    hops = [h for h in r.flows if h.get("function", "").startswith("Writer")]
    assert hops and hops[0]["status"] == "ok"
    assert any("PutItem" in str(c) for c in hops[0].get("calls", []))

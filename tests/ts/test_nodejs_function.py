"""NodejsFunction (aws-cdk-lib/aws-lambda-nodejs): esbuild bundles the handler at synth, the bundle runs in the
emulator, and a runtime finding points at the handler's TypeScript source line (not at asset.<hash>/index.js)."""

from __future__ import annotations

import pytest

from iacqa.pipeline import analyze

from .conftest import FIXTURES

pytestmark = pytest.mark.slow
STAGES = ("ingest", "graph", "check", "emulate")


def test_bundled_handler_synthesizes_and_runs_clean(toolchain) -> None:
    """Before: synth failed ("Cannot find a package lock file", then no esbuild: Docker) -> a false critical."""
    r = analyze(FIXTURES / "cdk_nodejs_function", "code", stages=STAGES)
    assert r.graph["resources"] == 4, r.stages
    assert not [f for f in r.findings if f.severity.value == "critical"], r.findings
    emulate = next(s for s in r.stages if s.name == "emulate")
    assert "1 handler runs (1 clean, 0 failed)" in emulate.detail, emulate.detail


def test_bundled_handler_failure_points_at_its_source(toolchain) -> None:
    r = analyze(FIXTURES / "cdk_nodejs_function_bad", "code", stages=STAGES)
    rte = [f for f in r.findings if f.rule == "RTE002"]
    assert len(rte) == 1 and "ORDERS_TABLE" in rte[0].message, r.findings
    assert (rte[0].file, rte[0].line) == ("lib/lambda/put-order.ts", 8), rte[0]

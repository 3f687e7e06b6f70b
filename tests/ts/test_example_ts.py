"""The bundled TypeScript example (examples/orders-cdk-ts): the model response's documented failures are found at
their lines, the ideal response is deployable, runs its handler clean and passes its jest tests with coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders-cdk-ts"
STAGES = ("ingest", "graph", "check", "emulate", "tests")


def test_model_response_findings(toolchain) -> None:
    pytest.importorskip("moto")
    from iacqa.pipeline import analyze

    r = analyze(EXAMPLE, response="model", stages=STAGES)
    critical = {(f.rule, f.file, f.line) for f in r.findings if f.severity.value == "critical"}
    # `visibilityTimeoutSeconds` is not a QueueProps property (the compiler suggests visibilityTimeout)
    assert ("TSC001", "lib/tap-stack.ts", 27) in critical
    # require('aws-sdk'): the v2 SDK is not in the nodejs20.x runtime
    assert ("RTE004", "lib/lambda/index.js", 1) in critical
    tsc = next(f for f in r.findings if f.rule == "TSC001")
    assert tsc.md_line == 34 and "visibilityTimeout" in tsc.fix


def test_ideal_response_is_clean(toolchain) -> None:
    pytest.importorskip("moto")
    from iacqa.pipeline import analyze

    r = analyze(EXAMPLE, response="ideal", stages=STAGES)
    assert not [f for f in r.findings if f.severity.value == "critical"], [f.message for f in r.findings]
    tests = next(s for s in r.stages if s.name == "tests")
    assert "2 passed, 0 failed" in tests.detail and "coverage lines 100%" in tests.detail
    hop = next(h for h in r.flows if h.get("function", "").startswith("OrderWriter"))
    assert hop["status"] == "ok"

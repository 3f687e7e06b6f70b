"""The seed fixtures through the emulator: faulty ones report the float and Decimal failures (the second revealed
by the first fix) and the IAM gap at their `# expect:` lines; fixed ones run the whole flow with no runtime
finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import expect_marks, needs_pulumi

pytest.importorskip("moto")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pulumi"
RUNTIME = {"runtime-error", "iam-missing", "packaging"}
_CACHE: dict[str, object] = {}


def _emulate(name: str):
    if name not in _CACHE:
        from iacqa.emulate import run
        from iacqa.frontends.pulumi_py.frontend import PulumiFrontend
        from iacqa.ingest.task import load

        project = load(FIXTURES / name)
        graph = PulumiFrontend().build(project, {}).graph
        _CACHE[name] = (run(graph, project.root, {}, prompt=project.prompt), project)
    return _CACHE[name]


def _exists(name: str) -> bool:
    return (FIXTURES / name).is_dir()


@needs_pulumi
@pytest.mark.slow
@pytest.mark.skipif(not _exists("seed001_faulty"), reason="seed fixture missing")
def test_seed001_float_then_decimal_then_iam() -> None:
    res, project = _emulate("seed001_faulty")
    rte = sorted((f for f in res.findings if f.rule == "RTE001"), key=lambda f: f.line)
    assert [(f.file, f.line) for f in rte] == [("lib/lambda_code.py", 44), ("lib/lambda_code.py", 53)]
    assert rte[0].error == "TypeError: Float types are not supported. Use Decimal types instead."
    assert rte[1].error == "TypeError: Object of type Decimal is not JSON serializable"
    assert rte[0].revealed_by is None and rte[1].revealed_by == rte[0].fingerprint
    prm = [f for f in res.findings if f.rule == "PRM101"]
    assert len(prm) == 1 and prm[0].symbol == "sns:Publish"
    assert prm[0].extra["resource_arn"].endswith(":webhook-events-dev")
    assert prm[0].revealed_by == rte[1].fingerprint
    marks = {(f, line, tag) for f, line, tag in expect_marks(FIXTURES / "seed001_faulty") if tag in RUNTIME}
    found = {(f.file, f.line, f.category.value) for f in res.findings}
    assert marks <= found, marks - found


@needs_pulumi
@pytest.mark.slow
@pytest.mark.parametrize("name", ["seed000_fixed", "seed001_fixed", "seed000_faulty"])
def test_fixed_flows_run_clean(name: str) -> None:
    if not _exists(name):
        pytest.skip("seed fixture missing")
    res, _ = _emulate(name)
    assert res.status == "ok", res.detail
    assert not res.findings, [f"{f.rule} {f.file}:{f.line} {f.message}" for f in res.findings]
    assert all(h["status"] == "ok" for h in res.flows), res.flows
    assert res.outputs


@needs_pulumi
@pytest.mark.slow
@pytest.mark.skipif(not _exists("seed000_fixed"), reason="seed fixture missing")
def test_seed000_pipeline_flow() -> None:
    res, _ = _emulate("seed000_fixed")
    valid = [h for h in res.flows if h["variant"] == "valid"]
    by_fn = {h["function"]: h for h in valid}
    assert set(by_fn) == {"api-handler-dev", "queue-consumer-dev", "batch-processor-dev", "report-generator-dev"}
    api, consumer = by_fn["api-handler-dev"], by_fn["queue-consumer-dev"]
    assert api["result"]["statusCode"] == 202
    assert consumer["kind"] == "sqs" and consumer["cause"] == f"hop{api['hop']}"
    assert by_fn["batch-processor-dev"]["result"]["scanned"] >= 1  # the item the flow stored
    assert any(c.startswith("s3:PutObject") for c in by_fn["report-generator-dev"]["calls"])
    assert res.outputs["sqs_queue_url"].startswith("https://sqs.us-east-1.amazonaws.com/")

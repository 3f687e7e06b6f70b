"""The tests stage: judge the project's own tests, run them with coverage, run its integration tests against the
emulated deployment (issue 4).

    run(project, options, emulation=None, graph=None) -> TestStageResult

- static judgment (judge.py): TST001-005 tests-missing, TST010 tests-broken, TST020 tests-integration;
- Python unit tests (unit.py): pytest under `coverage run --branch --source=lib` in a guarded child (launcher.py)
  with a time limit per run and per test, a memory limit, fake credentials, AWS endpoint on a dead loopback port,
  loopback-only network, writes outside the project copy refused: TST011 failing tests, TST012 hang/memory,
  TST013 writes outside, TST030 coverage below `coverage_threshold`, TST031 no coverage summary delivered; writes
  `coverage/coverage-summary.json` (istanbul shape, from coverage's own JSON report) into the project;
- integration tests (integration.py) against the emulator: with `options.endpoint_url` and the emulation's
  outputs, or by deploying `graph` into an embedded moto server; TST021 per failure;
- jest (jest.py): TypeScript/JavaScript tests run when node and the jest packages are available (cache outside the
  task, installed from the npm registry when `jest_install` is true); otherwise the status says so.

Options: coverage_threshold (90), tests_timeout (s per run, 300), test_timeout (s per test, 60),
integration_test_timeout (s per integration test, 20: polling for a flow the emulator does not run),
tests_memory_mb (2048), tests_integration (True), endpoint_url, write_coverage_summary (True), jest (True),
jest_install (False), jest_cache (~/.cache/iacqa/node).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.model import Finding, Options
from iacqa.testsuite.discover import discover
from iacqa.testsuite.judge import judge

__all__ = ["TestStageResult", "run"]


@dataclass
class TestStageResult:
    status: str  # ok | failed | skipped | error
    detail: str
    findings: list[Finding] = field(default_factory=list)
    coverage: dict[str, Any] | None = None  # the coverage-summary.json content ({"total": {...}, files...})
    tests: list[dict[str, Any]] = field(default_factory=list)  # one per test run: nodeid, kind, outcome, reason
    cases: list[dict[str, Any]] = field(default_factory=list)  # static verdicts per test case
    files: list[dict[str, str]] = field(default_factory=list)  # discovered test files
    seconds: float = 0.0
    summary_path: str | None = None

    __test__ = False


def _limits(options: Options) -> dict[str, Any]:
    return {"tests_timeout": float(options.tests_timeout), "test_timeout": float(options.test_timeout),
            "integration_test_timeout": float(options.integration_test_timeout),
            "tests_memory_mb": int(options.tests_memory_mb)}


def run(project: Any, options: Options | Mapping[str, Any] | None = None, emulation: Any = None,
        graph: Any = None) -> TestStageResult:
    """Judge and run the tests of `project` (an ingest Project, or anything with `.root`)."""
    options = Options.of(options)
    t0 = time.monotonic()
    root = Path(project.root)
    limits = _limits(options)
    stage_deadline = t0 + float(options.tests_budget)

    def budgeted() -> dict[str, Any]:
        """The run limits clamped to what is left of the tests stage's budget."""
        return {**limits, "tests_timeout": max(1.0, min(limits["tests_timeout"], stage_deadline - time.monotonic())),
                "deadline": stage_deadline}

    files = discover(root)
    j = judge(root, files)
    res = TestStageResult("ok", "", list(j.findings), tests=[], cases=[c.to_dict() for c in j.cases],
                          files=[{"path": f.path, "language": f.language, "framework": f.framework,
                                  "kind": f.kind} for f in files])
    details = [f"{len(files)} test files, {len(j.cases)} tests "
               f"({j.meaningful('unit')} unit and {j.meaningful('integration')} integration that test something)"]
    statuses: list[str] = []
    from iacqa.testsuite import unit as runmod

    missing = runmod.summary_missing(root)
    base = Path(tempfile.mkdtemp(prefix="iacqa-tests-"))
    try:
        py_unit = [f.path for f in files if f.language == "python" and f.kind == "unit"]
        py_int = [f.path for f in files if f.language == "python" and f.kind == "integration"]
        if py_unit:
            u = runmod.run_unit(root, py_unit, base, budgeted())
            res.tests += u.tests
            res.findings += u.findings
            details.append(u.detail)
            statuses.append(u.status)
            if u.coverage:
                summ = runmod.summary(u.coverage)
                res.coverage = summ
                threshold = float(options.coverage_threshold)
                res.findings += runmod.coverage_findings(u.coverage, summ, threshold)
                t = summ["total"]
                details.append(f"coverage {u.coverage['totals'].get('percent_covered_display')}% "
                               f"(lines {t['lines']['pct']}%, branches {t['branches']['pct']}%, functions "
                               f"{t['functions']['pct']}%; threshold {threshold:g}%)")
                if options.write_coverage_summary is not False:  # None (direct callers): write it
                    p = runmod.write_summary(root, summ)
                    res.summary_path = str(p) if p else None
        if py_int and options.tests_integration and stage_deadline - time.monotonic() < 5:
            details.append(f"integration: not run, the tests stage's budget ({options.tests_budget:g} s, "
                           f"tests_budget) is spent: {len(py_int)} file(s) not run ({', '.join(py_int[:5])})")
        elif py_int and options.tests_integration:
            status, detail = _integration(root, py_int, base, budgeted(), options, emulation, graph, res)
            details.append(detail)
            statuses.append(status)
        elif py_int:
            details.append("integration: not run (tests_integration off)")
        js = [f for f in files if f.language == "js"]
        if js and options.jest:
            from iacqa.testsuite import jest

            status, detail, tests, found, cov = jest.run(root, js, base, budgeted(), options)
            res.tests += tests
            res.findings += found
            details.append(detail)
            statuses.append(status)
            if cov and res.coverage is None:
                res.coverage = cov
            js_int = [f for f in js if f.kind == "integration"]
            if js_int and options.tests_integration and graph is not None and len(graph):
                status, detail = _jest_integration(root, js_int, base, budgeted(), options, emulation, graph, res)
                details.append(detail)
                statuses.append(status)
        if missing is not None:
            res.findings.append(missing)
        res.findings = _drop_placeholder_failures(res.findings, j.cases)
        if any(f.rule == "TST030" for f in res.findings):
            statuses.append("failed")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if not files:
        res.status = "ok"
    elif any(s in ("failed", "stopped") for s in statuses):
        res.status = "failed"
    elif statuses and all(s in ("skipped", "unavailable") for s in statuses):
        res.status = "ok"
    res.seconds = round(time.monotonic() - t0, 3)
    res.detail = "; ".join(details) + f"; {len(res.findings)} findings; {res.seconds:.1f}s"
    return res


def _integration(root: Path, files: list[str], base: Path, limits: dict[str, Any], options: Options,
                 emulation: Any, graph: Any, res: TestStageResult) -> tuple[str, str]:
    from iacqa.testsuite.integration import emulated, outputs_file, run_integration

    endpoint = options.endpoint_url or getattr(emulation, "endpoint_url", None)
    if endpoint:
        outputs = dict(getattr(emulation, "outputs", None) or {})
        outputs = outputs_file(graph, outputs) if outputs else _project_outputs(root)
        r = run_integration(root, files, base, limits, endpoint, outputs)
    elif graph is not None and len(graph):
        try:
            from iacqa.emulate import moto_backend
        except ImportError as exc:
            return "unavailable", f"integration: not run, emulator not available ({exc})"
        why = moto_backend.available()
        if why:
            return "unavailable", f"integration: not run, emulator not available ({why})"
        try:
            with emulated(graph, base / "deploy") as (url, outputs):
                r = run_integration(root, files, base, limits, url, outputs_file(graph, outputs))
        except Exception as exc:  # noqa: BLE001 - the deploy failing must not stop the stage
            return "error", f"integration: not run, deploying into the emulator failed: {type(exc).__name__}: {exc}"
    else:
        return "skipped", "integration: not run (no deployment: no graph and no endpoint_url)"
    res.tests += r.tests
    static = {f.file for f in res.findings if f.rule == "TST020"}  # the judge already named the file's design issue
    res.findings += [f for f in r.findings if not (f.rule == "TST020" and f.file in static)]
    return r.status, r.detail


def _jest_integration(root: Path, files: list[Any], base: Path, limits: dict[str, Any], options: Options,
                      emulation: Any, graph: Any, res: TestStageResult) -> tuple[str, str]:
    """TS/JS integration tests with jest against the emulated deployment (same deployment as the Python ones)."""
    from iacqa.testsuite import jest
    from iacqa.testsuite.integration import emulated, outputs_file

    endpoint = options.endpoint_url or getattr(emulation, "endpoint_url", None)
    try:
        if endpoint:
            outputs = dict(getattr(emulation, "outputs", None) or {}) or _project_outputs(root)
            status, detail, tests, found = jest.run_integration(root, files, base, limits, options, endpoint,
                                                                outputs_file(graph, outputs))
        else:
            with emulated(graph, base / "deploy-jest") as (url, outputs):
                status, detail, tests, found = jest.run_integration(root, files, base, limits, options, url,
                                                                    outputs_file(graph, outputs))
    except Exception as exc:  # noqa: BLE001 - the deploy failing must not stop the stage
        return "error", f"jest integration: not run, deploying into the emulator failed: {type(exc).__name__}: {exc}"
    res.tests += tests
    res.findings += found
    return status, detail


def _project_outputs(root: Path) -> dict[str, Any]:
    import json

    p = root / "cfn-outputs" / "flat-outputs.json"
    try:
        return json.loads(p.read_text())
    except (OSError, ValueError):
        return {}


def _drop_placeholder_failures(findings: list[Finding], cases: list[Any]) -> list[Finding]:
    """A placeholder that fails when run (`self.fail`, `assert False`) is reported once, as the placeholder."""
    ph = {(c.file, c.name.replace(".", "::")) for c in cases if c.verdict == "placeholder"}
    out = []
    for f in findings:
        if f.rule in ("TST011", "TST021") and any(f.file == file and f"::{name} " in f.message for file, name in ph):
            continue
        out.append(f)
    return out

"""Run the project's Python tests with pytest (and coverage for unit tests) in a guarded child; turn what the
probe streamed back into per-test results and findings; compute the coverage summary the TAP pipeline reads."""

from __future__ import annotations

import configparser
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.catalog.tests import (
    CoverageBelowThreshold,
    CoverageSummaryMissing,
    SuiteStopped,
    UnitTestFails,
    WritesOutsideProject,
)
from iacqa.model import Finding, Location
from iacqa.testsuite.launcher import Launch, Scratch, child_env, launch, python

SUMMARY_PATH = "coverage/coverage-summary.json"
MARKER = "coverage/.iacqa-generated"  # written next to a summary iacqa wrote, so a re-run does not mistake it


@dataclass
class RunOutcome:
    kind: str  # unit | integration
    status: str  # ok | failed | stopped | error | skipped
    detail: str
    tests: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    coverage: dict[str, Any] | None = None  # coverage's own JSON report (totals and files)
    launch: Launch | None = None
    seconds: float = 0.0


# ------------------------------------------------------------------------------------------------------- command
def _ini_addopts(project: Path) -> str | None:
    """The project's pytest addopts, from pytest.ini / pyproject.toml / tox.ini / setup.cfg."""
    for name, section in (("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        p = project / name
        if p.is_file():
            cp = configparser.ConfigParser(interpolation=None)
            try:
                cp.read(p)
            except configparser.Error:
                continue
            if cp.has_section(section):
                return cp.get(section, "addopts", fallback="")
    pp = project / "pyproject.toml"
    if pp.is_file():
        try:
            import tomllib
        except ImportError:  # pragma: no cover - py3.10
            return None
        try:
            data = tomllib.loads(pp.read_text())
        except (ValueError, OSError):
            return None
        ini = data.get("tool", {}).get("pytest", {}).get("ini_options")
        if ini is not None:
            v = ini.get("addopts", "")
            return " ".join(v) if isinstance(v, list) else str(v)
    return None


def _without_cov(addopts: str) -> str:
    """Drop pytest-cov options (coverage runs pytest itself; pytest-cov may not be installed)."""
    out, skip = [], False
    for tok in addopts.split():
        if skip:
            skip = False
            continue
        if tok.startswith("--cov") or tok == "--no-cov":
            skip = "=" not in tok and tok in ("--cov", "--cov-report", "--cov-config", "--cov-fail-under",
                                               "--cov-context")
            continue
        out.append(tok)
    return " ".join(out)


def pytest_args(project: Path, files: list[str]) -> list[str]:
    args = ["-p", "iacqa_probe", "-p", "no:cacheprovider", "-q", "--no-header", "-rN", "--tb=short",
            f"--rootdir={project}"]
    addopts = _ini_addopts(project)
    if addopts and "--cov" in addopts:
        args += ["-o", f"addopts={_without_cov(addopts)}"]
    return args + files


def coverage_source(project: Path) -> str:
    return "lib" if (project / "lib").is_dir() else "."


# ------------------------------------------------------------------------------------------------------ findings
def _rel(project: Path, path: str | None) -> str | None:
    if not path:
        return None
    p = Path(path)
    if p.is_absolute():
        try:
            return p.resolve().relative_to(project).as_posix()
        except ValueError:
            return None
    return p.as_posix()


def results(kind: str, ln: Launch, scratch: Scratch, limits: dict[str, Any]) -> tuple[list[dict], list[Finding]]:
    """Per-test results and findings from the probe's events."""
    project = scratch.project
    tests: dict[str, dict[str, Any]] = {}
    findings: list[Finding] = []
    started: list[dict[str, Any]] = []
    for e in ln.events:
        k = e.get("kind")
        if k == "start":
            started.append(e)
            tests.setdefault(e["nodeid"], {"nodeid": e["nodeid"], "file": e.get("file"), "line": e.get("line"),
                                           "kind": kind, "outcome": "running", "reason": None, "duration": 0.0})
        elif k == "test":
            t = tests.setdefault(e["nodeid"], {"nodeid": e["nodeid"], "kind": kind, "reason": None})
            t.update(file=e.get("file") or t.get("file"), line=e.get("line") or t.get("line"))
            t["duration"] = round(t.get("duration", 0.0) + (e.get("duration") or 0.0), 4)
            if e["outcome"] == "failed":
                outcome = "failed" if e["when"] == "call" else "error"
                if e.get("timeout"):
                    outcome = "timeout"
                if t.get("outcome") not in ("failed", "error", "timeout"):
                    t.update(outcome=outcome, reason=e.get("reason"), when=e["when"],
                             crash_file=_rel(project, e.get("crash_file")), crash_line=e.get("crash_line"),
                             longrepr=e.get("longrepr"))
            elif e["outcome"] == "skipped":
                t.update(outcome="skipped", reason=e.get("reason"))
            elif t.get("outcome") in (None, "running"):
                t["outcome"] = "passed"
        elif k == "collect-error":
            nodeid = e.get("nodeid") or "<collection>"
            msg = e.get("reason") or "collection failed"
            tests[nodeid] = {"nodeid": nodeid, "file": e.get("file"), "line": None, "kind": kind,
                             "outcome": "error", "reason": msg, "when": "collect", "longrepr": e.get("longrepr")}
    # blocked writes
    seen = set()
    for e in ln.of_kind("blocked-write"):
        key = (e.get("file"), e.get("line"), e.get("path"))
        if key in seen:
            continue
        seen.add(key)
        findings.append(WritesOutsideProject.finding(
            f"a test tried to write outside the project directory ({e.get('event')} {e.get('path')}); "
            "the sandbox refused it and the test saw PermissionError", location=Location(e.get("file"), e.get("line")),
            error=f"PermissionError: [Errno 13] {e.get('path')}",
            fix="write under pytest's tmp_path or tempfile.TemporaryDirectory(), never to fixed paths outside the "
            "project", path=e.get("path")))
    blocked_at = {(f.file, f.line) for f in findings}
    # the run was stopped
    if ln.status in ("timeout", "memory"):
        running = [t for t in tests.values() if t.get("outcome") == "running"]
        who = running[-1] if running else None
        what = (f"after {limits['tests_timeout']:g} s (time limit for the whole {kind} run)" if ln.status == "timeout"
                else f"above {limits['tests_memory_mb']} MB (memory limit)")
        msg = f"the {kind} tests were stopped {what}"
        if who:
            msg += f" while {who['nodeid']} was running"
            who.update(outcome="timeout" if ln.status == "timeout" else "memory", reason=msg)
        done = sum(1 for t in tests.values() if t.get("outcome") in ("passed", "failed", "error", "skipped"))
        msg += f"; {done} test(s) had finished, their results are kept"
        findings.append(SuiteStopped.finding(
            msg, location=Location(who.get("file"), who.get("line")) if who else Location(),
            error="timed out" if ln.status == "timeout" else "MemoryError",
            fix="bound every wait (a deadline or a maximum number of attempts); do not poll real resources in "
            "unit tests"))
    for t in tests.values():
        if t.get("outcome") == "timeout" and ln.status != "timeout" and kind == "unit":
            findings.append(SuiteStopped.finding(
                f"{t['nodeid']} was still running after {limits['test_timeout']:g} s (per-test time limit) "
                "and was stopped; the other tests ran", location=Location(t.get("file"), t.get("line")),
                error=t.get("reason"), fix="bound every wait (a deadline or a maximum number of attempts)"))
        elif kind == "unit" and t.get("outcome") in ("failed", "error"):
            if (t.get("file"), t.get("line")) in blocked_at or "iacqa sandbox: writing outside" in (
                    t.get("reason") or ""):
                continue  # reported once, as the write the sandbox refused
            reason = (t.get("reason") or "").strip()
            what = {"collect": "cannot be collected", "setup": "errors in setup", "teardown": "errors in teardown"}.get(
                t.get("when", "call"), "fails")
            findings.append(UnitTestFails.finding(
                f"{t['nodeid']} {what}: {reason[:500]}", location=Location(t.get("file"), t.get("line")),
                error=reason[:500] or None, fix=_fix_for(reason),
                crash=f"{t.get('crash_file')}:{t.get('crash_line')}" if t.get("crash_file") else None,
                # where it raised: a collection error has no crash site, only its traceback (the jsii kernel's
                # broken pipe is told from the test's own error by it: profiles/declared.py)
                longrepr=(t.get("longrepr") or "")[-1500:] or None))
    for t in tests.values():
        t.pop("longrepr", None) if t.get("outcome") == "passed" else None
        if t.get("longrepr"):
            t["longrepr"] = t["longrepr"][-1500:]
    return list(tests.values()), findings


def _fix_for(reason: str) -> str:
    if re.search(r"NoCredentialsError|EndpointConnectionError|Could not connect|MagicMock|500 != 20", reason):
        return ("mock the client the code under test actually uses: patch the module attribute, or patch boto3 and "
                "load the module after patching")
    if re.search(r"ModuleNotFoundError|ImportError", reason):
        return "make the import resolve from the project root (package layout, sys.path, conftest.py)"
    return "make the test pass: fix the test if it is wrong, the code if the test is right"


# ------------------------------------------------------------------------------------------------------ unit run
def run_unit(project_root: Path, files: list[str], base: Path, limits: dict[str, Any]) -> RunOutcome:
    scratch = Scratch.make(base, project_root, "unit")
    env = child_env(scratch, memory_mb=limits["tests_memory_mb"], test_timeout=limits["test_timeout"])
    src = coverage_source(scratch.project)
    cmd = [python(), "-m", "coverage", "run", "--branch", f"--source={src}", "-m", "pytest",
           *pytest_args(scratch.project, files)]
    ln = launch(cmd, scratch, env, timeout=limits["tests_timeout"], memory_mb=limits["tests_memory_mb"])
    tests, findings = results("unit", ln, scratch, limits)
    out = RunOutcome("unit", "ok", "", tests, findings, launch=ln, seconds=ln.seconds)
    if (scratch.root / ".coverage").exists():
        cov_json = scratch.root / "coverage.json"
        cj = launch([python(), "-m", "coverage", "json", "-q", "-o", str(cov_json)], scratch, env,
                    timeout=60, memory_mb=limits["tests_memory_mb"])
        out.seconds += cj.seconds
        if cov_json.exists():
            try:
                out.coverage = json.loads(cov_json.read_text())
            except ValueError:
                out.coverage = None
    counts = _counts(tests)
    out.detail = _detail("unit", counts, ln)
    if ln.status in ("timeout", "memory"):
        out.status = "stopped"
    elif not tests and ln.status == "ok" and ln.returncode not in (0, 1, 5):
        out.status = "error"
        out.detail += f"; pytest exited {ln.returncode}: {(ln.stderr or ln.stdout).strip()[-300:]}"
    elif counts["failed"] or counts["error"] or counts["timeout"]:
        out.status = "failed"
    return out


def _counts(tests: list[dict]) -> dict[str, int]:
    c = {k: 0 for k in ("passed", "failed", "error", "skipped", "timeout", "memory", "running")}
    for t in tests:
        c[t.get("outcome", "running")] = c.get(t.get("outcome", "running"), 0) + 1
    return c


def _detail(kind: str, c: dict[str, int], ln: Launch) -> str:
    parts = [f"{c['passed']} passed", f"{c['failed']} failed"]
    for k in ("error", "skipped", "timeout"):
        if c[k]:
            parts.append(f"{c[k]} {'errors' if k == 'error' else k}")
    s = f"{kind}: " + ", ".join(parts) + f" in {ln.seconds:.1f}s"
    if ln.status in ("timeout", "memory"):
        s += f" (stopped: {ln.status})"
    return s


# ------------------------------------------------------------------------------------------------------ coverage
def _metric(total: int, covered: int, skipped: int = 0) -> dict[str, Any]:
    pct = round(100.0 * covered / total, 2) if total else 100
    return {"total": total, "covered": covered, "skipped": skipped, "pct": pct}


def _file_functions(fdata: dict[str, Any]) -> tuple[int, int] | None:
    funcs = fdata.get("functions")
    if funcs is None:
        return None
    total = covered = 0
    for name, f in funcs.items():
        if not name:
            continue  # the module-level region
        summ = f.get("summary", {})
        if summ.get("num_statements", 0) == 0:
            continue
        total += 1
        covered += 1 if summ.get("covered_lines", 0) > 0 else 0
    return total, covered


def summary(cov: dict[str, Any]) -> dict[str, Any]:
    """coverage's JSON report -> the istanbul-shaped summary the pipeline reads ({"total": {...}, "<file>": ...}).

    lines and statements: coverage measures statements (num_statements / covered_lines; excluded lines are
    `skipped`); branches: num_branches / covered_branches; functions: a function is covered when any line of its
    body ran (coverage's own per-function regions)."""
    def one(t: dict[str, Any], fn: tuple[int, int] | None) -> dict[str, Any]:
        lines = _metric(t.get("num_statements", 0), t.get("covered_lines", 0), t.get("excluded_lines", 0))
        return {"lines": lines, "statements": dict(lines),
                "functions": _metric(*fn) if fn else _metric(0, 0),
                "branches": _metric(t.get("num_branches", 0), t.get("covered_branches", 0))}

    ftot = fcov = 0
    out: dict[str, Any] = {}
    for path, fdata in sorted(cov.get("files", {}).items()):
        fn = _file_functions(fdata)
        if fn:
            ftot, fcov = ftot + fn[0], fcov + fn[1]
        out[path] = one(fdata.get("summary", {}), fn)
    return {"total": one(cov.get("totals", {}), (ftot, fcov)), **out}


def _ranges(lines: list[int]) -> str:
    out, start, prev = [], None, None
    for n in sorted(lines):
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if start != prev else str(start))
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else str(start))
    return ", ".join(out)


def coverage_findings(cov: dict[str, Any], summ: dict[str, Any], threshold: float) -> list[Finding]:
    totals = cov.get("totals", {})
    pct = float(totals.get("percent_covered", 0.0))
    if pct + 1e-9 >= threshold:
        return []
    t = summ["total"]
    files = []
    for path, fdata in cov.get("files", {}).items():
        s = fdata.get("summary", {})
        if s.get("percent_covered", 100.0) < threshold:
            miss = fdata.get("missing_lines", [])
            br = fdata.get("missing_branches", [])
            files.append((s.get("percent_covered", 0.0), path, miss, br))
    files.sort()
    listing = "; ".join(
        f"{p} {c:.0f}% (missing lines {_ranges(m) or '-'}"
        + (f"; branches {', '.join(f'{a}->{b}' for a, b in br[:4])}" if br else "") + ")"
        for c, p, m, br in files[:6])
    worst = files[0] if files else None
    loc = Location(worst[1], worst[2][0] if worst[2] else None) if worst else Location()
    return [CoverageBelowThreshold.finding(
        f"coverage {totals.get('percent_covered_display', f'{pct:.0f}')}% is below the required "
        f"{threshold:g}% (lines {t['lines']['covered']}/{t['lines']['total']} = {t['lines']['pct']}%, branches "
        f"{t['branches']['covered']}/{t['branches']['total']} = {t['branches']['pct']}%, functions "
        f"{t['functions']['covered']}/{t['functions']['total']} = {t['functions']['pct']}%). Not covered: {listing}",
        location=loc, error=f"Coverage failure: total of {pct:.0f} is less than fail-under={threshold:g}",
        fix="add tests for the lines and branches listed (error handling, pagination, edge cases)",
        percent=pct, threshold=threshold)]


_GENERATES = re.compile(r"coverage-summary\.json|json-summary")


def summary_missing(project: Path) -> Finding | None:
    """TST031 when the delivered project has no coverage summary and nothing in it produces one."""
    target = project / SUMMARY_PATH
    if target.is_file() and not (project / MARKER).exists():
        return None
    if any(project.glob("test/*.test.ts")) or any(project.glob("test/*.test.mjs")):
        # TS/JS tasks: the TAP scaffold's root jest.config.js (coverageReporters 'json-summary') runs them
        if not any((project / n).is_file() for n in ("jest.config.js", "jest.config.ts", "jest.config.cjs")):
            return None
    for p in list(project.glob("*")) + list(project.glob("scripts/*")) + list(project.glob("lib/*.py")):
        if p.is_file() and p.suffix in ("", ".json", ".js", ".ts", ".cjs", ".mjs", ".py", ".sh", ".ini", ".cfg",
                                        ".toml", ".yml", ".yaml") and p.stat().st_size < 2_000_000:
            try:
                if _GENERATES.search(p.read_text(errors="replace")):
                    return None
            except OSError:
                continue
    return CoverageSummaryMissing.finding(
        f"the project has no {SUMMARY_PATH} and nothing in it writes one (jest coverageReporters "
        "'json-summary', or a script converting `coverage json`); the pipeline's coverage gate cannot read the "
        "figures", location=Location(), fix="produce coverage/coverage-summary.json from the coverage run "
        "(iacqa wrote one from its own run)")


def write_summary(project: Path, summ: dict[str, Any]) -> Path | None:
    target = project / SUMMARY_PATH
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        existed = target.exists() and not (project / MARKER).exists()
        if existed:
            return None  # the project's own summary: never overwrite it
        target.write_text(json.dumps(summ, indent=2) + "\n")
        (project / MARKER).write_text("coverage-summary.json written by iacqa from its own coverage run\n")
        return target
    except OSError:
        return None

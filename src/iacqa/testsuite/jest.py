"""Run TypeScript/JavaScript unit tests with jest, when node and the jest packages are available.

The packages (jest, ts-jest, typescript, @types/jest, @types/node) live in a cache OUTSIDE the task
(`jest_cache`, default ~/.cache/iacqa/node); with `jest_install` true they are installed there from the npm
registry on first use. The task's own node_modules are never installed: tests that import packages the cache does
not have fail with `Cannot find module`, and are reported as not checked rather than as broken tests. Unit test
files only, on a copy of the project, in a network namespace without network when `unshare` allows it (node has
no equivalent of the Python guard); integration test files keep their static judgment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iacqa.catalog.tests import SuiteStopped, UnitTestFails
from iacqa.model import Finding, Location, Options
from iacqa.testsuite.discover import TestFile
from iacqa.testsuite.launcher import Scratch, child_env, launch

PACKAGES = ["jest@29", "ts-jest@29", "typescript@5", "@types/jest@29", "@types/node@20"]


def cache_dir(options: Options | Mapping[str, Any] | None = None) -> Path:
    """jest_cache when set; else the toolchain of `iacqa setup typescript` (jest, ts-jest and the SDKs the tests
    import); else the old default."""
    configured = Options.of(options).jest_cache
    if configured:
        return Path(configured).expanduser()
    from iacqa.toolchain import node as toolchain

    tc = toolchain.find()
    if tc is not None:
        return tc.root
    return Path.home() / ".cache" / "iacqa" / "node"


def _jest_bin(cache: Path) -> Path:
    return cache / "node_modules" / "jest" / "bin" / "jest.js"


def ensure(options: Options | Mapping[str, Any] | None = None) -> str | None:
    """None when jest can run, else why not."""
    node = shutil.which("node")
    if not node:
        return "node is not installed"
    cache = cache_dir(options)
    if _jest_bin(cache).exists() and (cache / "node_modules" / "ts-jest").exists():
        return None
    if not Options.of(options).jest_install:
        return f"jest is not in {cache} (set jest_install to install it from the npm registry)"
    npm = shutil.which("npm")
    if not npm:
        return "npm is not installed"
    cache.mkdir(parents=True, exist_ok=True)
    try:
        p = subprocess.run([npm, "install", "--prefix", str(cache), *PACKAGES, "--no-audit", "--no-fund",
                            "--loglevel=error"], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"installing jest failed: {exc}"
    if p.returncode != 0 or not _jest_bin(cache).exists():
        return f"installing jest failed: {(p.stderr or p.stdout).strip()[-300:]}"
    return None


def _no_network_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if not unshare:
        return []
    try:
        ok = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return [unshare, "-rn"] if ok else []


def run_integration(root: Path, files: list[TestFile], base: Path, limits: dict[str, Any], options: Options,
                    endpoint_url: str, outputs: dict[str, Any]) -> tuple[str, str, list[dict], list[Finding]]:
    """The TS/JS integration tests against the emulated deployment: AWS_ENDPOINT_URL at the emulator and
    cfn-outputs/flat-outputs.json written as the pipeline writes it after deploy."""
    status, detail, tests, found, _ = run(root, files, base, limits, options, kind="integration",
                                          endpoint_url=endpoint_url, outputs=outputs)
    return status, detail.replace("jest:", "jest integration:", 1), tests, found


def run(root: Path, files: list[TestFile], base: Path, limits: dict[str, Any],
        options: Options, kind: str = "unit", endpoint_url: str | None = None,
        outputs: dict[str, Any] | None = None) -> tuple[str, str, list[dict], list[Finding], dict | None]:
    unit = [f.path for f in files if f.kind == kind]
    n_int = sum(1 for f in files if f.kind == "integration") if kind == "unit" else 0
    tail = f"; {n_int} TS integration file(s): run against the emulator below" if n_int else ""
    if not unit:
        return "skipped", f"jest: no TypeScript/JavaScript {kind} tests" + tail, [], [], None
    why = ensure(options)
    if why:
        return "unavailable", f"jest: not run ({why}); static judgment kept" + tail, [], [], None
    cache = cache_dir(options)
    scratch = Scratch.make(base, root, "jest" if kind == "unit" else "jest-int")
    if outputs is not None:
        out_file = scratch.project / "cfn-outputs" / "flat-outputs.json"
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(json.dumps(outputs, indent=2, default=str))
    mods = str(cache / "node_modules")
    config = {
        "rootDir": str(scratch.project),
        "testEnvironment": "node",
        "testMatch": [str(scratch.project / f) for f in unit],
        "transform": {r"^.+\.[tj]sx?$": [str(cache / "node_modules" / "ts-jest"), {
            "diagnostics": False, "isolatedModules": True,
            "tsconfig": {"esModuleInterop": True, "allowJs": True, "module": "commonjs", "target": "es2020",
                         "types": ["jest", "node"], "typeRoots": [str(cache / "node_modules" / "@types")]}}]},
        # The toolchain is linked in as the project's node_modules, so packages resolve their own nested
        # dependencies (aws-cdk-lib bundles minimatch 3; a second module directory would hand it the hoisted 10).
        "moduleDirectories": ["node_modules"] if _link_modules(scratch.project, Path(mods)) else ["node_modules", mods],
        "testTimeout": int(limits["test_timeout"] * 1000) or 60000,
        "cacheDirectory": str(scratch.home / "jest-cache"),
        "watchman": False,
        # Coverage as the pipeline's `jest --coverage` writes it (coverage/coverage-summary.json).
        "collectCoverage": kind == "unit",
        "coverageReporters": ["json-summary"],
        "coverageDirectory": str(scratch.root / "coverage"),
        "collectCoverageFrom": ["lib/**/*.ts", "lib/**/*.mjs", "lib/**/*.js", "!lib/lambda/**", "!**/*.d.ts",
                                "!**/*.test.ts", "!**/node_modules/**"],
    }
    cfg = scratch.root / "jest.config.json"
    cfg.write_text(json.dumps(config))
    out = scratch.root / "jest-results.json"
    extra = {"NODE_PATH": mods}
    if endpoint_url:
        extra.update({"AWS_ENDPOINT_URL": endpoint_url, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
                      "AWS_MAX_ATTEMPTS": "1"})
    env = child_env(scratch, memory_mb=limits["tests_memory_mb"], test_timeout=limits["test_timeout"], extra=extra)
    env.pop("PYTHONPATH", None)
    cmd = [*_no_network_prefix(), shutil.which("node") or "node", str(_jest_bin(cache)), "--config", str(cfg),
           "--ci", "--json", "--outputFile", str(out), "--testLocationInResults", "--runInBand"]
    ln = launch(cmd, scratch, env, timeout=limits["tests_timeout"], memory_mb=limits["tests_memory_mb"])
    if ln.status in ("timeout", "memory"):
        f = SuiteStopped.finding(f"the jest unit tests were stopped ({ln.status})", location=Location(),
                                 error=ln.status, fix="bound every wait in the tests")
        return "stopped", f"jest: stopped ({ln.status})" + tail, [], [f], None
    try:
        data = json.loads(out.read_text())
    except (OSError, ValueError):
        return "error", f"jest: no results ({(ln.stderr or ln.stdout).strip()[-300:]})" + tail, [], [], None
    tests: list[dict] = []
    findings: list[Finding] = []
    unchecked = 0
    for suite in data.get("testResults", []):
        rel = os.path.relpath(suite.get("name", ""), scratch.project)
        if not suite.get("assertionResults") and suite.get("status") == "failed":
            msg = (suite.get("message") or "").strip()
            if "Cannot find module" in msg:
                unchecked += 1
                tests.append({"nodeid": rel, "file": rel, "line": None, "kind": "unit", "outcome": "unchecked",
                              "reason": _first_line(msg)})
                continue
            tests.append({"nodeid": rel, "file": rel, "line": None, "kind": "unit", "outcome": "error",
                          "reason": _first_line(msg)})
            findings.append(UnitTestFails.finding(f"{rel} cannot run: {_first_line(msg)}",
                                                  location=Location(rel), error=_first_line(msg)))
            continue
        for a in suite.get("assertionResults", []):
            line = (a.get("location") or {}).get("line")
            outcome = {"passed": "passed", "failed": "failed", "pending": "skipped", "todo": "skipped"}.get(
                a.get("status"), a.get("status"))
            reason = _first_line("\n".join(a.get("failureMessages") or [])) if outcome == "failed" else None
            if outcome == "failed" and kind == "integration" and _emulator_gap("\n".join(a.get("failureMessages")
                                                                                   or []), outputs or {}):
                outcome = "unchecked"  # the value the test checks is one the emulator does not model
            name = " ".join([*a.get("ancestorTitles", []), a.get("title", "")]).strip()
            tests.append({"nodeid": f"{rel}::{name}", "file": rel, "line": line, "kind": kind,
                          "outcome": outcome, "reason": reason, "duration": (a.get("duration") or 0) / 1000})
            if outcome == "failed":
                findings.append(UnitTestFails.finding(f"{rel}::{name} fails: {reason}",
                                                      location=Location(rel, line), error=reason))
    cov = _coverage(scratch.root / "coverage" / "coverage-summary.json", scratch.project, root, options)
    passed = sum(1 for t in tests if t["outcome"] == "passed")
    failed = sum(1 for t in tests if t["outcome"] in ("failed", "error"))
    detail = f"jest: {passed} passed, {failed} failed in {ln.seconds:.1f}s"
    gaps = sum(1 for t in tests if t["outcome"] == "unchecked" and t.get("line") is not None)
    if gaps:
        detail += f", {gaps} not judged (they check values the emulator does not model)"
    if unchecked:
        detail += f", {unchecked} file(s) not checked (packages not in the jest cache)"
    if cov:
        t = cov["total"]
        detail += (f"; coverage lines {t['lines']['pct']}%, branches {t['branches']['pct']}%, functions "
                   f"{t['functions']['pct']}%")
    return ("failed" if failed else "ok"), detail + tail, tests, findings, cov


def _emulator_gap(message: str, outputs: dict[str, Any]) -> bool:
    """A failure about an output value the emulated deployment could not produce (an attribute left unresolved,
    or a placeholder id for a type the emulator does not create) says nothing about the tests."""
    import re

    if "<unresolved:" in message:
        return True
    flat = outputs.values() if not any(isinstance(v, dict) for v in outputs.values()) else [
        x for v in outputs.values() if isinstance(v, dict) for x in v.values()]
    synthetic = [v for v in flat if isinstance(v, str) and re.fullmatch(r"[A-Za-z][\w]*-[0-9a-f]{8}", v)]
    return any(v in message for v in synthetic)


def _link_modules(project: Path, mods: Path) -> bool:
    link = project / "node_modules"
    if link.exists() or link.is_symlink():
        return link.resolve() == mods.resolve()
    try:
        link.symlink_to(mods, target_is_directory=True)
    except OSError:
        return False
    return True


def _coverage(path: Path, scratch_project: Path, root: Path, options: Options) -> dict | None:
    """jest's coverage-summary.json, with paths relative to the project; written to the project's
    coverage/coverage-summary.json (the pipeline's shape) when the analysis works on a copy."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "total" not in data:
        return None
    out = {"total": data["total"]}
    for k, v in data.items():
        if k != "total":
            out[os.path.relpath(k, scratch_project) if os.path.isabs(k) else k] = v
    if Options.of(options).write_coverage_summary:
        from iacqa.testsuite.unit import write_summary

        write_summary(root, out)
    return out


def _first_line(msg: str) -> str:
    import re

    clean = re.sub(r"\x1b\[[0-9;]*m", "", msg)
    lines = [ln.strip() for ln in clean.splitlines() if ln.strip()]
    for ln in lines:
        if ln.startswith(("Expected", "Received", "expect(", "Error", "TypeError", "Cannot find module")):
            return " ".join(lines[lines.index(ln):lines.index(ln) + 3])[:400]
    return (lines[0] if lines else "")[:400]

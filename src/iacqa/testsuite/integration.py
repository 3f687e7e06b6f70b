"""Run the project's integration tests against an emulated deployment.

Given an AWS-compatible endpoint on loopback (the emulator, with the stack deployed into it) and the stack outputs,
the integration tests run twice in a guarded child with `AWS_ENDPOINT_URL` and fake credentials:

1. `outputs`: `cfn-outputs/flat-outputs.json` written in the project copy, as the TAP pipeline does after deploy;
2. `discovery`: no outputs file, as in any environment that did not write it; tests must discover the deployment
   (environment, stack outputs, AWS names) or skip.

Failures caused by what the emulator cannot do (Lambda invoke needs Docker, public URLs are not reachable offline)
are reported as `unchecked`, not as findings.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from iacqa.catalog.tests import IntegrationNoDiscovery, IntegrationTestFails
from iacqa.model import Finding, Location
from iacqa.testsuite.launcher import Scratch, child_env, launch, python
from iacqa.testsuite.unit import RunOutcome, _counts, pytest_args, results

OUTPUTS_FILE = "cfn-outputs/flat-outputs.json"
_STATE_FAILURE = re.compile(r"(AssertionError|iacqa: test still running)")
_EMULATOR_LIMIT = re.compile(
    r"docker|Docker|not yet implemented|NotImplemented|iacqa sandbox: (connection|name resolution)|NetworkBlocked|"
    r"execute-api\.[\w-]+\.amazonaws\.com|lambda-url\.|Name or service not known|"
    r"Temporary failure in name resolution", re.S)


@contextlib.contextmanager
def emulated(graph: Any, workdir: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Start the embedded emulator (127.0.0.1, free port), deploy the graph, yield (endpoint_url, outputs)."""
    from iacqa.emulate import moto_backend
    from iacqa.emulate.deploy import deploy, outputs

    backend = moto_backend.start()
    try:
        with contextlib.suppress(OSError):  # moto keeps its state per process: start from an empty account
            urllib.request.urlopen(urllib.request.Request(f"{backend.url}/moto-api/reset", method="POST"), timeout=10)
        dep = deploy(graph, backend, Path(workdir))
        yield backend.url, outputs(graph, dep)
    finally:
        backend.stop()


def outputs_file(graph: Any, flat: dict[str, Any]) -> dict[str, Any]:
    """What the pipeline writes to cfn-outputs/flat-outputs.json after deploy, per platform: the flat key -> value
    map (CloudFormation, CDK, Pulumi, Terraform), or for CDKTF `cdktf output --outputs-file`'s shape, nested by
    stack name ({"TapStackdev": {"bucketName": ...}})."""
    stacks = getattr(graph, "output_stacks", None) or {}
    if getattr(graph, "platform", "") != "cdktf" or not stacks:
        return flat
    nested: dict[str, dict[str, Any]] = {}
    for k, v in flat.items():
        nested.setdefault(stacks.get(k, next(iter(stacks.values()))), {})[k] = v
    return nested


def _one_mode(project_root: Path, files: list[str], base: Path, limits: dict[str, Any], endpoint_url: str,
              outputs: dict[str, Any] | None, mode: str, deselect: list[str] | None = None) -> RunOutcome:
    scratch = Scratch.make(base, project_root, f"integration-{mode}")
    if outputs is not None:
        out = scratch.project / OUTPUTS_FILE
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(outputs, indent=2))
    env = child_env(scratch, endpoint_url=endpoint_url, memory_mb=limits["tests_memory_mb"],
                    test_timeout=limits.get("integration_test_timeout", limits["test_timeout"]))
    cmd = [python(), "-m", "pytest", *[a for n in deselect or [] for a in ("--deselect", n)],
           *pytest_args(scratch.project, files)]
    left = limits.get("deadline", float("inf")) - time.monotonic()  # the tests stage's budget
    ln = launch(cmd, scratch, env, timeout=max(1.0, min(limits["tests_timeout"], left)),
                memory_mb=limits["tests_memory_mb"])
    tests, findings = results("integration", ln, scratch, limits)
    for t in tests:
        t["mode"] = mode
        if t.get("outcome") in ("failed", "error") and _EMULATOR_LIMIT.search(
                (t.get("reason") or "") + (t.get("longrepr") or "")):
            t["outcome"] = "unchecked"
        elif t.get("outcome") == "timeout" or (t.get("outcome") == "failed" and _STATE_FAILURE.search(
                t.get("reason") or "")):
            # A wrong state or a poll that never ends may be the emulator's gap: it deploys part of each
            # resource's settings and does not run Lambda functions on their triggers. Listed, not reported.
            t["outcome"] = "unverified"
    c = _counts(tests)
    status = "stopped" if ln.status in ("timeout", "memory") else ("failed" if c["failed"] or c["error"] else "ok")
    detail = (f"{mode}: {c['passed']} passed, {c['failed'] + c['error']} failed"
              + (f", {c['skipped']} skipped" if c["skipped"] else "")
              + "".join(f", {n} {what}" for n, what in (
                  (sum(1 for t in tests if t.get("outcome") == "unchecked"), "unchecked (emulator cannot)"),
                  (sum(1 for t in tests if t.get("outcome") == "unverified"),
                   "unverified (wrong state or endless poll: the emulator may not reproduce it)")) if n)
              + (f" (stopped: {ln.status})" if ln.status in ("timeout", "memory") else ""))
    return RunOutcome("integration", status, detail, tests, findings, launch=ln, seconds=ln.seconds)


def run_integration(project_root: Path, files: list[str], base: Path, limits: dict[str, Any], endpoint_url: str,
                    outputs: dict[str, Any], modes: tuple[str, ...] = ("outputs", "discovery")) -> RunOutcome:
    runs: list[RunOutcome] = []
    not_run: list[str] = []
    for m in modes:
        if limits.get("deadline", float("inf")) - time.monotonic() < 3:
            not_run.append(m)  # the tests stage's budget is spent: said in the detail, not judged
            continue
        slow = [t["nodeid"] for r in runs for t in r.tests if t.get("outcome") == "unverified"
                and "still running" in (t.get("reason") or "")]
        runs.append(_one_mode(project_root, files, base, limits, endpoint_url, outputs if m == "outputs" else None,
                              m, deselect=slow))
    tests = [t for r in runs for t in r.tests]
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for r in runs:
        for f in r.findings:  # stopped / writes outside: once per place
            key = (f.rule, f.file, f.line)
            if key not in seen:
                seen.add(key)
                findings.append(f)
    failed_first: dict[str, str] = {}
    no_fallback: dict[str, list[dict[str, Any]]] = {}
    for t in tests:
        if t.get("outcome") not in ("failed", "error"):
            continue
        reason = (t.get("reason") or "").strip()
        prev = failed_first.get(t["nodeid"])
        if prev is not None and prev == reason:
            continue
        if t["mode"] == "discovery" and t["nodeid"] not in failed_first:
            # Passes with the outputs file the pipeline always writes, fails without it: a design issue of the
            # test file (no discovery fallback), reported once per file at medium, not once per test at high.
            no_fallback.setdefault(t.get("file") or "", []).append(t)
            continue
        failed_first.setdefault(t["nodeid"], reason)
        where = ("with the outputs file written" if t["mode"] == "outputs" else
                 f"without {OUTPUTS_FILE} (as in an environment that did not write it)")
        findings.append(IntegrationTestFails.finding(
            f"{t['nodeid']} fails against the emulated deployment {where}: {reason[:500]}",
            location=Location(t.get("file"), t.get("line")), error=reason[:500] or None,
            fix=("read the outputs file when present and otherwise discover the deployment, or skip with a reason"
                 if t["mode"] == "discovery" else "make the test and the stack agree: the error is what the "
                 "deployment answered"), mode=t["mode"]))
    for file, ts in no_fallback.items():
        first = min(ts, key=lambda t: t.get("line") or 0)
        findings.append(IntegrationNoDiscovery.finding(
            f"{len(ts)} integration test(s) of this file pass with {OUTPUTS_FILE} and fail without it: they have no "
            f"discovery fallback ({', '.join(t['nodeid'].rsplit('::', 1)[-1] for t in ts[:6])}"
            f"{', ...' if len(ts) > 6 else ''}; first error: {(first.get('reason') or '').strip()[:200]})",
            location=Location(file or None, first.get("line")), error=(first.get("reason") or "")[:300] or None,
            fix="read the outputs file when present and otherwise discover the deployment (environment, stack "
            "outputs, names with the environment suffix), or skip with a reason", mode="discovery", tests=len(ts)))
    status = "stopped" if any(r.status == "stopped" for r in runs) else (
        "failed" if any(r.status == "failed" for r in runs) else "ok")
    detail = "integration " + "; ".join(r.detail for r in runs)
    if not_run:
        detail += (f"; {', '.join(not_run)}: not run, the tests stage's budget is spent ({len(files)} file(s): "
                   f"{', '.join(files[:5])})")
        status = "skipped" if not runs else status
    return RunOutcome("integration", status, detail, tests, findings, seconds=round(sum(r.seconds for r in runs), 3))

"""Run one Node.js Lambda handler (nodejs18.x-22.x) on one event against the emulator, like runner.invoke does for
Python, returning a record of the same shape (status, calls, logs, failure, result) so flow.py and fixes.py
judge it with the same findings (missing env var, handler or module not found, SDK errors, missing IAM
permission from the recorded calls, unhandled rejection).

What the Lambda Node runtime provides, and nothing more: the AWS SDK for JavaScript v3 (`@aws-sdk/*`) on the
module path. The handler's own directory is copied under a directory whose `node_modules` holds only that scope,
so `require('aws-sdk')` (v2, not in nodejs18+) or an unpackaged `uuid` fails here as it fails on Lambda.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from iacqa.frontends.node import run as noderun
from iacqa.toolchain import node as toolchain

NODE_RUNTIMES = re.compile(r"^nodejs(\d+)\.x$")


def supported(runtime: str) -> bool:
    return bool(NODE_RUNTIMES.match(runtime or "")) and toolchain.find() is not None


def _lambda_root(tc: toolchain.Toolchain, base: Path) -> Path:
    nm = base / "node_modules"
    nm.mkdir(parents=True)
    if (tc.node_modules / "@aws-sdk").is_dir():
        (nm / "@aws-sdk").symlink_to(tc.node_modules / "@aws-sdk", target_is_directory=True)
    return base


def invoke(spec: Any, event: Any, endpoint_url: str, env_extra: dict[str, str], timeout_cap: float = 20.0) -> dict:
    """Run spec's handler on event; the same record runner.invoke returns for Python."""
    tc = toolchain.find()
    if tc is None or spec.code_dir is None:
        return {"status": "crash", "seconds": 0.0, "calls": [], "logs": [], "fixes": [],
                "failure": {"type": "Unavailable", "message": toolchain.unavailable_reason(), "frames": []}}
    timeout = min(float(spec.timeout or 3), timeout_cap)
    base = Path(tempfile.mkdtemp(prefix="iacqa-nodelambda-"))
    try:
        root = _lambda_root(tc, base / "rt")
        task = root / "task"
        shutil.copytree(spec.code_dir, task, symlinks=False)
        (base / "event.json").write_text(json.dumps(event, default=str))
        (base / "ctx.json").write_text(json.dumps({"name": spec.name, "arn": spec.arn, "memory": spec.memory,
                                                   "timeout": timeout}))
        events_file = base / "events.jsonl"
        smithy = tc.node_modules / "@smithy" / "smithy-client"
        env = {**env_extra, "IACQA_EVENTS": str(events_file), "IACQA_SMITHY_CLIENTS": str(smithy),
               "LAMBDA_TASK_ROOT": str(task), "AWS_ENDPOINT_URL": endpoint_url,
               "AWS_LAMBDA_FUNCTION_TIMEOUT": str(int(timeout))}
        argv = [noderun.node(), "--enable-source-maps", "-r", noderun.script("guard.js"),
                noderun.script("lambda_handler.js"), str(task), spec.handler, str(base / "event.json"),
                str(base / "ctx.json")]
        r = noderun.run(argv, task, timeout=timeout + 5.0, memory_mb=int(spec.memory) + 256, network=True,
                        env=env, writable=[base])
        events: list[dict] = []
        try:
            for line in events_file.read_text().splitlines():
                try:
                    events.append(json.loads(line))
                except ValueError:
                    continue
        except OSError:
            pass
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return _record(events, r, timeout, spec)


def _record(events: list[dict], r: noderun.NodeRun, timeout: float, spec: Any) -> dict:
    of = lambda kind: [e for e in events if e.get("kind") == kind]  # noqa: E731
    rec: dict[str, Any] = {"status": "ok", "seconds": r.seconds, "peak_rss_mb": r.peak_mb, "fixes": [],
                           "calls": of("call"), "logs": of("log"), "runtime": spec.runtime}
    for kind in ("import-error", "handler-missing", "exception"):
        evs = of(kind)
        if evs:
            rec["status"] = kind if kind != "exception" else "error"
            rec["failure"] = evs[0]
            break
    rej = of("rejection")
    if rej and rec["status"] == "ok":
        rec["status"] = "error"
        rec["failure"] = {**rej[0], "type": rej[0].get("type") or "Runtime.UnhandledPromiseRejection",
                          "message": f"Runtime.UnhandledPromiseRejection: {rej[0].get('message')}"}
    res = of("result")
    if res:
        rec["result"] = res[0]["value"]
    if r.status == "timeout":
        rec["status"], rec["timeout"] = "timeout", timeout
    elif r.status == "memory":
        rec["status"] = "memory"
    elif r.status not in ("ok",) and rec["status"] == "ok" and not res:
        rec["status"] = "crash"
        rec["failure"] = {"type": "Crash", "message": f"the Node runtime process ended ({r.status}, exit "
                          f"{r.exit_code}): {r.stderr.strip()[-500:]}", "frames": []}
    return rec

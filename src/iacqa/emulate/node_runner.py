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

from iacqa.sandbox.child import read_events
from iacqa.toolchain import node as toolchain
from iacqa.toolchain import runner as noderun

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
        smithy = tc.node_modules
        env = {**env_extra, "IACQA_EVENTS": str(events_file), "IACQA_SMITHY_CLIENTS": str(smithy),
               "LAMBDA_TASK_ROOT": str(task), "AWS_ENDPOINT_URL": endpoint_url,
               "AWS_LAMBDA_FUNCTION_TIMEOUT": str(int(timeout))}
        argv = [noderun.node(), "--enable-source-maps", "-r", noderun.script("guard.js"),
                noderun.script("lambda_handler.js"), str(task), spec.handler, str(base / "event.json"),
                str(base / "ctx.json")]
        r = noderun.run(argv, task, timeout=timeout + 5.0, memory_mb=int(spec.memory) + 256, network=True,
                        env=env, writable=[base])
        events: list[dict] = read_events(events_file)
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
    env_missing = {e["name"]: e.get("frame") for e in of("env-missing")}
    if env_missing:
        rec["env_missing"] = env_missing
    if r.status == "timeout":
        rec["status"], rec["timeout"] = "timeout", timeout
    elif r.status == "memory":
        rec["status"] = "memory"
    elif r.status not in ("ok",) and rec["status"] == "ok" and not res:
        rec["status"] = "crash"
        rec["failure"] = {"type": "Crash", "message": f"the Node runtime process ended ({r.status}, exit "
                          f"{r.exit_code}): {r.stderr.strip()[-500:]}", "frames": []}
    return rec


def adjust_findings(em: Any, spec: Any, attempts: list[dict], found: list) -> list:
    """The shared findings, in Node's words: Node's error texts and fixes, and a handler that failed after reading
    an environment variable the function does not set reported as that (Python's KeyError has no Node twin)."""
    from iacqa.catalog.runtime import EnvVarNotSet
    from iacqa.emulate import fixes as fx
    from iacqa.model import Location

    a = attempts[0] if attempts else {}
    fail = a.get("failure") or {}
    out = []
    for f in found:
        if f.rule == EnvVarNotSet.id:
            out.append(f)
            continue
        if a.get("status") == "import-error" and f.symbol:
            f = f.with_(error=f"Runtime.ImportModuleError: Error: Cannot find module '{f.symbol}'",
                        fix=(f"`{f.symbol}` (the AWS SDK v2) is not in the {spec.runtime} runtime: use the v3 clients "
                             "(`@aws-sdk/client-*`, provided) or bundle v2 with the function")
                        if f.symbol == "aws-sdk" else f"bundle `{f.symbol}` with the function (its node_modules or an "
                        "esbuild bundle) or use a layer")
        elif "removeUndefinedValues" in (f.error or ""):
            f = f.with_(fix="create the DocumentClient with `DynamoDBDocumentClient.from(client, { marshallOptions: "
                        "{ removeUndefinedValues: true } })`, or drop undefined attributes before writing the item")
        elif a.get("status") == "error" and a.get("env_missing") and f.rule == "RTE001":
            continue  # replaced below by the missing variable it comes from
        out.append(f)
    if a.get("status") == "error" and a.get("env_missing"):
        res = em.graph.resources[spec.rid]
        for var, frame in a["env_missing"].items():
            loc = fx.location(spec, [frame], res.location) if frame else res.location
            out.insert(0, EnvVarNotSet.finding(
                f"{spec.rid} reads environment variable `{var}`, which the function does not set; the handler then "
                f"fails: {fail.get('type')}: {str(fail.get('message'))[:200]}", resource=res,
                location=loc if isinstance(loc, Location) else None, symbol=var,
                error=f"process.env.{var} is undefined -> {fail.get('type')}: {str(fail.get('message'))[:300]}",
                fix=f"add `{var}` to the function's environment variables"))
    return out

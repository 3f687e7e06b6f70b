"""Throughput of `iacqa batch` on ../shared/corpus with one engine, and the projection for the 3,287-task archive.

    python bench/batch_engines.py --engine local --workers 2 [--stages ingest,graph,check,lint,security]
    python bench/batch_engines.py --engine ray --workers 2            # a Ray head started here, see below
    python bench/batch_engines.py --engine ray --address HOST:PORT    # an existing cluster

Runs the real command line (`iacqa batch ... --plain`) on every task (model and ideal), times the whole run, and
prints: analyses, wall seconds, analyses and tasks per minute, worker-seconds per analysis, job seconds (median,
p95), errors, and how long the archive (3,287 tasks, model and ideal) would take on N workers at the measured
per-worker rate (linear: each worker is an independent process with its own SDK imports; the driver only appends
lines to a file).

The Ray head of `--engine ray` without `--address` runs inside a network namespace that has only the loopback
interface (`unshare --net`, root): Ray binds every interface and probes a public resolver to find its own address,
and nothing of that may leave this machine. Skips cleanly when the corpus (or, for ray, Ray) is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tasks"
ARCHIVE = 3287
BIN = Path(sys.executable).parent

HEAD = """
import os, signal, socket, subprocess, sys, tempfile, time, shutil
port, out_cmd = sys.argv[1], sys.argv[2:]
tmp = tempfile.mkdtemp(prefix="iqr", dir="/tmp")
env = dict(os.environ, RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")
head = subprocess.Popen([{ray!r}, "start", "--head", "--node-ip-address=127.0.0.1", "--port=" + port,
                         "--num-cpus=" + os.environ.get("BENCH_CPUS", "2"), "--include-dashboard=false",
                         "--disable-usage-stats", "--temp-dir=" + tmp, "--block"], env=env, start_new_session=True,
                        stdout=open(tmp + "/head.log", "w"), stderr=subprocess.STDOUT)
try:
    for _ in range(240):
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    t0 = time.monotonic()
    code = subprocess.run(out_cmd, env=env).returncode
    print(f"BENCH wall {{time.monotonic() - t0:.1f}} code {{code}}", flush=True)
finally:
    os.killpg(head.pid, signal.SIGTERM)
    try:
        head.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(head.pid, signal.SIGKILL)
    shutil.rmtree(tmp, ignore_errors=True)
"""


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=("local", "ray"), default="local")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--address", help="an existing Ray cluster (ray engine)")
    ap.add_argument("--stages", default="ingest,graph,check,lint,security")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--limit", type=int, default=0, help="first N tasks only")
    ap.add_argument("--every", type=int, default=0, help="every Nth task of the corpus only (a spread sample)")
    ap.add_argument("--out", type=Path, default=None, help="keep the results here (default: a temporary directory)")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}: skipped")
        return 0
    if args.engine == "ray" and not (BIN / "ray").exists():
        print("ray is not installed (pip install 'iacqa[ray]'): skipped")
        return 0
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="iacqa-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    results = out_dir / f"{args.engine}.jsonl"
    if results.exists():
        results.unlink()
    targets = [str(args.corpus)]
    if args.every:
        from iacqa.batch.tasks import find_tasks

        targets = [str(t) for t in find_tasks([args.corpus])[::args.every]]
    cmd = [str(BIN / "iacqa"), "batch", *targets, "--stages", args.stages, "--workers", str(args.workers),
           "--plain", "--no-reports", "-o", str(results)] + (["--limit", str(args.limit)] if args.limit else [])
    log = out_dir / f"{args.engine}.log"
    t0 = time.monotonic()
    with log.open("w") as fh:
        if args.engine == "local":
            code = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT).returncode
            wall = time.monotonic() - t0
        elif args.address:
            code = subprocess.run([*cmd, "--engine", "ray", "--address", args.address], stdout=fh,
                                  stderr=subprocess.STDOUT).returncode
            wall = time.monotonic() - t0
        else:
            if not shutil.which("unshare"):
                print("the ray bench needs `unshare --net` (root) to keep Ray on loopback: skipped")
                return 0
            import socket

            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = str(s.getsockname()[1])
            script = textwrap.dedent(HEAD.format(ray=str(BIN / "ray")))
            r = subprocess.run(["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
                                sys.executable, "-c", script, port, *cmd, "--engine", "ray", "--address",
                                f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=fh, text=True,
                               env=dict(os.environ, BENCH_CPUS=str(args.workers)))
            fh.write(r.stdout)
            line = next((x for x in r.stdout.splitlines() if x.startswith("BENCH wall")), "")
            wall = float(line.split()[2]) if line else time.monotonic() - t0  # driver time, head start excluded
            code = int(line.split()[4]) if line else r.returncode
    rows = [json.loads(x) for x in results.read_text().splitlines()] if results.exists() else []
    secs = [float(d.get("batch_seconds") or 0) for d in rows]
    errors = [d for d in rows if d.get("error")]
    n = len(rows)
    per_min = n / wall * 60 if wall else 0.0
    per_worker = per_min / max(1, args.workers)
    print(f"engine {args.engine}, {args.workers} workers, stages {args.stages}: exit {code}")
    print(f"  analyses {n} ({len({d['task']['path'] for d in rows})} tasks), errors {len(errors)}, wall {wall:.0f} s")
    print(f"  throughput {per_min:.2f} analyses/min = {per_min / 2:.2f} tasks/min (model+ideal); "
          f"{per_worker:.2f} analyses/min per worker")
    if secs:
        print(f"  job seconds: median {statistics.median(secs):.1f}, p95 {_pct(secs, 95):.1f}, max {max(secs):.1f}; "
              f"worker-seconds per analysis {wall * args.workers / n:.1f}")
    done = sorted(float((d.get("batch") or {}).get("finished") or 0) for d in rows)
    if len(done) > 2 and done[0]:
        steady = (len(done) - 1) / (done[-1] - done[0]) * 60
        print(f"  steady state (first to last result, start-up excluded): {steady:.2f} analyses/min = "
              f"{steady / max(1, args.workers):.2f} per worker; start-up until the first result "
              f"{done[0] - (time.time() - (time.monotonic() - t0)):.0f} s")
    if per_worker:
        print(f"  archive projection ({ARCHIVE} tasks, {2 * ARCHIVE} analyses) at {per_worker:.2f}/min per worker:")
        for w in (2, 8, 16, 32, 64, 128):
            print(f"    {w:4d} workers: {2 * ARCHIVE / (per_worker * w) / 60:6.1f} h")
    print(f"  results: {results}  log: {log}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

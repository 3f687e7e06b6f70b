"""Analyze every Pulumi task of ../shared/corpus (model and ideal): median/p95 seconds, peak RSS, findings,
and checkov on the same materialized projects for a side-by-side ratio.

    python bench/pulumi_corpus.py [--corpus DIR] [--no-checkov] [--limit N]

Skips cleanly when the corpus is not present. Pulumi is imported once here; each task runs in a forked child.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from iacqa.frontends.pulumi_py import harness
from iacqa.pipeline import InputError, analyze

ISSUE2_STAGES = ("ingest", "graph", "check", "lint")
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tasks" / "pulumi-py"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else 0.0


def checkov_bin() -> str | None:
    return os.environ.get("IACQA_CHECKOV") or shutil.which("checkov")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--no-checkov", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}; nothing to measure")
        return 0
    harness.preload()
    tasks = sorted(p for p in args.corpus.iterdir() if (p / "metadata.json").exists())
    if args.limit:
        tasks = tasks[: args.limit]
    ck = None if args.no_checkov else checkov_bin()
    times, ck_times, cats, errors = [], [], Counter(), 0
    rows = []
    for task in tasks:
        for response in ("model", "ideal"):
            work = Path(tempfile.mkdtemp(prefix="iacqa-bench-"))
            t0 = time.perf_counter()
            try:
                result = analyze(task, response=response, workdir=work / "p", keep=True, stages=ISSUE2_STAGES,
                                 options={"checkov": False})
            except InputError as exc:
                print(f"{task.name:8} {response:5} input error: {exc}")
                errors += 1
                shutil.rmtree(work, ignore_errors=True)
                continue
            dt = time.perf_counter() - t0
            times.append(dt)
            for f in result.findings:
                cats[f.category.value] += 1
            ck_dt = None
            if ck:
                t1 = time.perf_counter()
                subprocess.run([ck, "-d", str(work / "p"), "--quiet", "--compact", "-o", "json"],
                               capture_output=True, timeout=300)
                ck_dt = time.perf_counter() - t1
                ck_times.append(ck_dt)
            crit = sum(1 for f in result.findings if f.severity.value == "critical")
            stages = {s.name: s.status for s in result.stages}
            rows.append({"task": task.name, "response": response, "seconds": round(dt, 2),
                         "findings": len(result.findings), "critical": crit, "graph": stages.get("graph"),
                         "resources": result.graph.get("resources"), "checkov_s": ck_dt and round(ck_dt, 2)})
            print(f"{task.name:8} {response:5} {dt:6.2f}s  graph={stages.get('graph'):11} "
                  f"resources={result.graph.get('resources', 0):3}  findings={len(result.findings):3} "
                  f"critical={crit:2}" + (f"  checkov={ck_dt:.1f}s" if ck_dt else ""))
            shutil.rmtree(work, ignore_errors=True)
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print()
    print(f"tasks: {len(tasks)}  runs: {len(times)}  input errors: {errors}")
    if times:
        print(f"iacqa seconds per run: median {statistics.median(times):.2f}  p95 {pct(times, 95):.2f}  "
              f"max {max(times):.2f}  total {sum(times):.1f}")
    print(f"peak RSS: parent {self_rss:.0f} MB, largest child {child_rss:.0f} MB")
    if ck_times:
        print(f"checkov seconds per run: median {statistics.median(ck_times):.2f}  p95 {pct(ck_times, 95):.2f}  "
              f"ratio checkov/iacqa (median) {statistics.median(ck_times) / statistics.median(times):.1f}x")
    else:
        print("checkov: not installed (set IACQA_CHECKOV or put checkov on PATH) or disabled")
    print("findings by category:", json.dumps(dict(sorted(cats.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

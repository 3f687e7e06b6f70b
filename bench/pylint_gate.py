"""What the TAP pylint gate (linters/pylint.py, profile tap) costs per project: wall seconds and peak memory of the
sandboxed pylint run, its score and message count, over Python tasks of the corpus (their MODEL responses materialized), and
next to it ruff over the same files.

    python bench/pylint_gate.py [--limit 10] [--platform pulumi-py,cdktf-py,cdk-py]

Reads ../shared/corpus when present (skips cleanly otherwise); prints one line per task and the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from iacqa.ingest.task import load
from iacqa.linters import pylint
from iacqa.linters.ruff import lint as ruff_lint
from iacqa.profiles import load as load_profile

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tasks"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--platform", default="pulumi-py,cdktf-py,cdk-py")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}: nothing to measure")
        return 0
    if not pylint.available():
        print("pylint is not installed (pip install 'iacqa[lint]'): nothing to measure")
        return 0
    gate = load_profile("tap").lint_gate
    tasks = [t for p in args.platform.split(",") for t in sorted((CORPUS / p).glob("Pr*"))][: args.limit]
    walls, mems = [], []
    print(f"{'task':24} {'files':>5} {'wall s':>7} {'peak MB':>7} {'score':>6} {'msgs':>5} {'ruff s':>6}")
    for task in tasks:
        try:
            project = load(task, "model")
        except Exception as exc:  # noqa: BLE001 - a task that does not materialize is skipped, not fatal
            print(f"{task.parent.name}/{task.name:15} not materialized: {exc}")
            continue
        try:
            files = [f for f in project.files if f.endswith(".py")]
            t0 = time.monotonic()
            ruff_lint(project.root, files)
            ruff_s = time.monotonic() - t0
            t0 = time.monotonic()
            ran = pylint.run(project.root, project.files, gate)
            wall = time.monotonic() - t0
        finally:
            project.cleanup()
        if ran.status != "ok":
            print(f"{task.parent.name}/{task.name:15} {ran.status}: {ran.detail[:80]}")
            continue
        walls.append(wall)
        mems.append(ran.peak_mb)
        n = sum(int(f.extra.get("count", 1)) for f in ran.findings if f.rule != "LNT001")
        print(f"{task.parent.name + '/' + task.name:24} {len(pylint.gated_files(project.files, gate)):5} "
              f"{wall:7.2f} {ran.peak_mb:7.0f} {ran.score if ran.score is not None else float('nan'):6.2f} {n:5} "
              f"{ruff_s:6.2f}")
    if walls:
        print(f"median over {len(walls)} projects: wall {statistics.median(walls):.2f} s, "
              f"peak {statistics.median(mems):.0f} MB (max wall {max(walls):.2f} s, max peak {max(mems):.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

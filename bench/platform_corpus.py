"""Analyze every task of one platform in ../shared/corpus (model and ideal responses) and print figures:
seconds per task (median, p95, max), peak RSS of this process and of its children, graph status counts, findings
by rule, and internal errors (IQA001: a traceback iacqa turned into a finding).

    python bench/platform_corpus.py tf-hcl [--stages ingest,graph,check,lint] [--response model|ideal|both]
    python bench/platform_corpus.py cdktf-py --stages ingest,graph --option synth=false   # static check only

Skips cleanly when the corpus is not present. Heavy SDKs are imported once by this process (front ends cache
their indexes per process); programs run in forked/spawned sandboxed children as in normal use.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from iacqa.pipeline import InputError, analyze

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tasks"
DEFAULT_STAGES = "ingest,graph,check,lint"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else 0.0


def _option(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    low = value.lower()
    return key, (True if low == "true" else False if low == "false" else int(value) if value.isdigit() else value)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("platform", help="corpus directory name: tf-hcl, cdktf-py, cdk-py, cfn-yaml, cfn-json, pulumi-py")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--stages", default=DEFAULT_STAGES)
    ap.add_argument("--response", default="both", choices=("model", "ideal", "both"))
    ap.add_argument("--option", action="append", default=[], help="analysis option key=value (repeatable)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per task")
    args = ap.parse_args()
    base = args.corpus / args.platform
    if not base.is_dir():
        print(f"corpus not found at {base}: skipped")
        return 0
    stages = tuple(args.stages.split(","))
    options = dict(_option(o) for o in args.option)
    responses = ("model", "ideal") if args.response == "both" else (args.response,)
    tasks = sorted(p for p in base.iterdir() if p.is_dir())[: args.limit or None]
    times: list[float] = []
    rules: Counter[str] = Counter()
    graph_status: Counter[str] = Counter()
    failures = 0
    for task in tasks:
        for resp in responses:
            t0 = time.monotonic()
            try:
                r = analyze(task, resp, stages=stages, options=options)
            except InputError as exc:
                print(f"{task.name} {resp}: input error: {exc}")
                continue
            except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
                failures += 1
                print(f"{task.name} {resp}: TRACEBACK {type(exc).__name__}: {exc}")
                continue
            dt = time.monotonic() - t0
            times.append(dt)
            counts = Counter(f.rule for f in r.findings)
            rules.update(counts)
            g = next((s for s in r.stages if s.name == "graph"), None)
            graph_status[g.status if g else "-"] += 1
            if args.verbose:
                print(f"{task.name} {resp} {dt:5.2f}s graph={g.status if g else '-'} "
                      f"{(g.detail if g else '')[:60]!r} {dict(counts)}")
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\n{args.platform}: {len(times)} runs over {len(tasks)} tasks, stages {','.join(stages)}")
    if times:
        print(f"seconds per task: median {statistics.median(times):.2f}, p95 {pct(times, 95):.2f}, "
              f"max {max(times):.2f}, total {sum(times):.1f}")
    print(f"peak RSS: this process {me:.0f} MB, largest child {kids:.0f} MB")
    print(f"graph stage: {dict(graph_status)}")
    print(f"tracebacks: {failures} raised, {rules.get('IQA001', 0)} internal-error findings")
    print("findings by rule: " + ", ".join(f"{k} {v}" for k, v in sorted(rules.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

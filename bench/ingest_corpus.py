"""Ingest every task of ../shared/corpus (model and ideal responses): files placed, how they were labeled,
truncated and code-less responses, unplaced blocks, and time. Skips cleanly without the corpus.

    python bench/ingest_corpus.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from iacqa.ingest.task import InputError, load

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tasks"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}; nothing to measure")
        return 0
    per = defaultdict(Counter)
    times = []
    for task in sorted(args.corpus.glob("*/*")):
        if not (task / "metadata.json").exists():
            continue
        plat = task.parent.name
        for response in ("model", "ideal"):
            t0 = time.perf_counter()
            try:
                proj = load(task, response)
            except InputError as exc:
                per[plat]["input_error"] += 1
                print(f"{plat}/{task.name} {response}: {exc}")
                continue
            times.append(time.perf_counter() - t0)
            c = per[plat]
            c["responses"] += 1
            code = [f for f in proj.files if not f.endswith((".json", ".txt")) or f.endswith("TapStack.json")]
            c["files"] += len(proj.md_starts)
            rules = [f.rule for f in proj.findings]
            c["truncated"] += "SYN001" in rules
            c["no_code"] += "SYN003" in rules
            c["with_code"] += bool(code) and "SYN003" not in rules
            c["entry_found"] += proj.entry is not None
            c["entry_added"] += any("tap.py added" in n for n in proj.notes)
            proj.cleanup()
    print(f"{'platform':10} {'resp':>5} {'w/code':>6} {'files':>6} {'trunc':>5} {'nocode':>6} {'entry':>5} {'added':>5}")
    for plat, c in sorted(per.items()):
        print(f"{plat:10} {c['responses']:5} {c['with_code']:6} {c['files']:6} {c['truncated']:5} {c['no_code']:6} "
              f"{c['entry_found']:5} {c['entry_added']:5}")
    if times:
        print(f"ingest seconds per response: median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

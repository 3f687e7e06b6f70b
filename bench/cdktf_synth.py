"""CDKTF front end figures over ../shared/corpus/tasks/cdktf-py (model and ideal responses):
static check seconds per task, and synth seconds and peak memory of the whole process tree (python + node).

    python bench/cdktf_synth.py [--cold] [--full] [--limit N]

--cold points jsii's package cache at an empty directory for the first synth (what a fresh machine pays once);
--full uses the full provider package instead of the slim copy (the fallback path). Skips cleanly when the corpus
or the cdktf extra is absent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tasks" / "cdktf-py"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}: skipped")
        return 0
    from iacqa.frontends.cdktf_py import static_check

    if not static_check.available():
        print("cdktf extra not installed: skipped")
        return 0
    from iacqa.frontends.cdktf_py.synth import synth
    from iacqa.ingest.task import load

    if args.cold:
        os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="iacqa-cold-cache-")
    static_s: list[float] = []
    synth_s: list[float] = []
    peaks: list[float] = []
    statuses: dict[str, int] = {}
    tasks = sorted(p for p in args.corpus.iterdir() if p.is_dir())[: args.limit or None]
    for task in tasks:
        for resp in ("model", "ideal"):
            project = load(task, resp, None)
            try:
                t0 = time.monotonic()
                static = static_check.check(project.root, list(project.files))
                static_s.append(time.monotonic() - t0)
                if any(f.severity.value == "critical" for f in static):
                    statuses["static-blocked"] = statuses.get("static-blocked", 0) + 1
                    continue
                r = synth(project.root, project.entry, slim=not args.full)
                statuses[r.status] = statuses.get(r.status, 0) + 1
                if r.status not in ("no-entry",):
                    synth_s.append(r.seconds)
                    peaks.append(r.peak_mb)
                print(f"{task.name} {resp}: static {static_s[-1]:.2f}s, synth {r.status} {r.seconds:.1f}s "
                      f"peak {r.peak_mb:.0f} MB{'' if r.slim else ' (full package)'}")
                r.cleanup()
            finally:
                project.cleanup()
    print(f"\nstatic check: {len(static_s)} runs, median {statistics.median(static_s):.2f}s, max {max(static_s):.2f}s")
    if synth_s:
        print(f"synth: {len(synth_s)} runs, median {statistics.median(synth_s):.1f}s, max {max(synth_s):.1f}s; "
              f"tree peak median {statistics.median(peaks):.0f} MB, max {max(peaks):.0f} MB")
    print(f"outcomes: {statuses}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

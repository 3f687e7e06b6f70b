"""Benchmark: emulate a four-function pipeline like seed 000 (API -> SQS -> consumer -> DynamoDB, a 5-minute batch,
a daily report to S3). Prints the median of 5 runs and the peak RSS of the whole process tree (sampled every 20 ms).

    python bench/emulate_seed000.py [PROJECT]      # default: tests/fixtures/pulumi/seed000_fixed
Targets (issue 5): median <= 10 s, peak RSS <= 1 GiB.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]


class TreeRss:
    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                procs = [me, *me.children(recursive=True)]
                rss = 0
                for p in procs:
                    try:
                        rss += p.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
                self.peak = max(self.peak, rss / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.02)

    def __enter__(self) -> TreeRss:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def main() -> int:
    from iacqa.emulate import run
    from iacqa.frontends.pulumi_py.frontend import PulumiFrontend
    from iacqa.ingest.task import load

    project_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "fixtures" / "pulumi" / "seed000_fixed"
    t0 = time.monotonic()
    project = load(project_dir)
    graph = PulumiFrontend().build(project, {}).graph
    print(f"graph: {len(graph)} resources, {len(list(graph.functions()))} functions, "
          f"{time.monotonic() - t0:.2f}s")
    times = []
    with TreeRss() as rss:
        for i in range(5):
            t = time.monotonic()
            res = run(graph, project.root, {}, prompt=project.prompt)
            times.append(time.monotonic() - t)
            print(f"run {i + 1}: {times[-1]:.2f}s  {res.status}: {res.detail}")
    med = statistics.median(times)
    print(f"median {med:.2f}s (min {min(times):.2f}, max {max(times):.2f}); peak RSS (tree) {rss.peak:.0f} MB")
    ok = med <= 10 and rss.peak <= 1024
    print("targets (<= 10 s, <= 1 GiB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

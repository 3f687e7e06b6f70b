"""Cost of the prompt requirement checks per task: extraction + concept matching + graph predicates.

The graph of each task is built once (not timed, with the front end of its platform); then the checklist is
computed `--repeat` times and the fastest run counts (wall and CPU seconds, so a loaded machine shows as such).
Prints per platform: tasks, requirements, checkable items, and median / p95 / max seconds; the target is under
0.2 s per task. Defaults to the platforms whose graphs build in about a second (CloudFormation, Terraform).
Skips cleanly without the corpus.

    python bench/requirements.py [--corpus DIR] [--platforms cfn-yaml,cfn-json,tf-hcl] [--response ideal]
                                 [--repeat 3] [--limit N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tasks"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--platforms", default="cfn-yaml,cfn-json,tf-hcl")
    ap.add_argument("--response", default="ideal")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}; nothing to measure")
        return 0
    from iacqa.knowledge.concepts import load
    from iacqa.pipeline import run
    from iacqa.requirements import check_requirements, coverage

    t0 = time.perf_counter()
    concepts = load()
    print(f"knowledge base: {len(concepts)} concepts loaded in {time.perf_counter() - t0:.3f} s (once per process)")
    print(f"{'platform':10} {'tasks':>5} {'reqs':>6} {'checkable':>9} {'wall med':>9} {'p95':>7} {'max':>7} "
          f"{'cpu med':>8} {'cpu max':>8}")
    overall: list[float] = []
    for plat in args.platforms.split(","):
        tasks = sorted(p for p in (args.corpus / plat).glob("*") if (p / "lib" / "PROMPT.md").exists())
        if args.limit:
            tasks = tasks[: args.limit]
        walls, cpus, nreq, ncheck = [], [], 0, 0
        for task in tasks:
            try:
                an = run(task, args.response, ("ingest", "graph"))
            except Exception as exc:  # noqa: BLE001 - one bad task never stops the bench
                print(f"  {plat}/{task.name}: {type(exc).__name__}: {exc}")
                continue
            status = next((s.status for s in an.result.stages if s.name == "graph"), None)
            prompt = (task / "lib" / "PROMPT.md").read_text(errors="replace")
            best_wall = best_cpu = float("inf")
            results = []
            for _ in range(max(1, args.repeat)):
                w0, c0 = time.perf_counter(), time.process_time()
                results = check_requirements(prompt, an.graph, status, an.graph.platform)
                best_wall = min(best_wall, time.perf_counter() - w0)
                best_cpu = min(best_cpu, time.process_time() - c0)
            cov = coverage(results)
            nreq += cov["requirements"]
            ncheck += cov["checkable"]
            walls.append(best_wall)
            cpus.append(best_cpu)
        if not walls:
            continue
        overall += walls
        walls.sort()
        p95 = walls[min(len(walls) - 1, int(0.95 * len(walls)))]
        print(f"{plat:10} {len(walls):>5} {nreq:>6} {ncheck:>9} {statistics.median(walls):>9.3f} {p95:>7.3f} "
              f"{max(walls):>7.3f} {statistics.median(cpus):>8.3f} {max(cpus):>8.3f}")
    if overall:
        print(f"all: {len(overall)} tasks, median {statistics.median(overall):.3f} s, max {max(overall):.3f} s "
              f"(target < 0.2 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

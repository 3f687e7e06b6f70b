"""Analyze every TypeScript/JavaScript task of ../shared/corpus (model, ideal and final code) and print figures.

Per platform: graph built (ok / failed-with-graph / no graph), internal errors (IQA001 or a crashed stage),
critical findings on the final code (candidates for false criticals, listed with their messages so each can be
judged), seconds per task (median, p95) and peak memory of the whole process tree (python + node children),
sampled every 100 ms. Also prints the toolchain's install figures (time, disk) from its ready file.

    .venv/bin/python bench/ts_corpus.py [--limit N] [--responses model,ideal,code] [--platforms cdk-ts,...]
                                        [--stages ...] [--jsonl out.jsonl]

Skips cleanly (exit 0) when the corpus or the Node toolchain is absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
PLATFORMS = ("cdk-ts", "pulumi-ts", "cdktf-ts", "cdk-js", "pulumi-js")


class TreePeak:
    """Peak RSS of this process and all its descendants."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0.0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                for p in [self.proc, *self.proc.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
            except psutil.NoSuchProcess:
                pass
            self.peak = max(self.peak, total / 2**20)
            time.sleep(0.1)

    def __enter__(self) -> TreePeak:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def tasks(platforms: tuple[str, ...]) -> list[Path]:
    lst = CORPUS / "TASKS_TS.txt"
    names = lst.read_text().split() if lst.exists() else []
    out = [CORPUS / "tasks" / n for n in names if n.split("/")[0] in platforms]
    return [p for p in out if p.is_dir()]


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="tasks per platform (0 = all)")
    ap.add_argument("--responses", default="model,ideal,code")
    ap.add_argument("--platforms", default=",".join(PLATFORMS))
    ap.add_argument("--stages", default=None, help="pipeline stages (default: all)")
    ap.add_argument("--jsonl", default=None, help="also write one JSON line per analysis here")
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print("corpus not found (../shared/corpus): nothing to measure")
        return 0
    from iacqa.toolchain import node

    tc = node.find()
    if tc is None:
        print(f"Node toolchain missing: {node.unavailable_reason()}")
        return 0
    from iacqa.pipeline import analyze

    ready = json.loads((tc.root / node.READY_FILE).read_text())
    print(f"toolchain: {tc.root}: setup {ready.get('seconds')} s, {ready.get('disk_mb')} MB, "
          f"tsc 7 native: {ready.get('native_tsc')}")
    platforms = tuple(p for p in args.platforms.split(",") if p)
    responses = [r for r in args.responses.split(",") if r]
    stages = tuple(args.stages.split(",")) if args.stages else None
    by_platform: dict[str, list[dict]] = {}
    out = open(args.jsonl, "w") if args.jsonl else None  # noqa: SIM115 - closed below
    for plat in platforms:
        todo = [t for t in tasks((plat,))]
        if args.limit:
            todo = todo[: args.limit]
        for task in todo:
            for resp in responses:
                t0 = time.monotonic()
                row: dict = {"task": f"{plat}/{task.name}", "response": resp}
                with TreePeak() as peak:
                    try:
                        res = analyze(task, response=resp, stages=stages)
                        row["error"] = None
                    except Exception as exc:  # noqa: BLE001 - a crash is a figure here
                        res = None
                        row["error"] = f"{type(exc).__name__}: {exc}"
                row["seconds"] = round(time.monotonic() - t0, 1)
                row["peak_mb"] = round(peak.peak)
                if res is not None:
                    g = next((s for s in res.stages if s.name == "graph"), None)
                    row["graph_status"] = g.status if g else None
                    row["graph_detail"] = g.detail if g else None
                    row["resources"] = res.graph.get("resources", 0)
                    row["stage_errors"] = [s.name for s in res.stages if s.status == "error"]
                    row["internal"] = [f.message[:300] for f in res.findings if f.rule == "IQA001"]
                    row["critical"] = [f"{f.rule} {f.file}:{f.line} {f.message[:200]}" for f in res.findings
                                       if f.severity.value == "critical"]
                    row["rules"] = sorted({f.rule for f in res.findings})
                by_platform.setdefault(plat, []).append(row)
                if out:
                    out.write(json.dumps(row) + "\n")
                    out.flush()
                status = row.get("error") or f"graph {row.get('graph_status')} {row.get('resources')} res"
                print(f"  {row['task']:<22} {resp:<6} {row['seconds']:6.1f} s {row['peak_mb']:5d} MB  {status}; "
                      f"{len(row.get('critical') or [])} critical" + (
                          f"; INTERNAL {row['internal'] or row['stage_errors']}" if row.get("internal")
                          or row.get("stage_errors") else ""), flush=True)
    if out:
        out.close()
    print()
    for plat, rows in by_platform.items():
        secs = [r["seconds"] for r in rows]
        built = [r for r in rows if (r.get("resources") or 0) > 0]
        internal = [r for r in rows if r.get("error") or r.get("internal") or r.get("stage_errors")]
        print(f"{plat}: {len(rows)} analyses; graph built {len(built)}/{len(rows)}; internal errors "
              f"{len(internal)}; seconds median {statistics.median(secs):.1f} p95 {p95(secs):.1f}; "
              f"peak {max(r['peak_mb'] for r in rows)} MB")
        for resp in responses:
            sub = [r for r in rows if r["response"] == resp]
            if sub:
                print(f"  {resp}: graph built {sum(1 for r in sub if (r.get('resources') or 0) > 0)}/{len(sub)}, "
                      f"with critical findings {sum(1 for r in sub if r.get('critical'))}/{len(sub)}")
        for r in rows:
            if r["response"] == "code" and r.get("critical"):
                print(f"  final code {r['task']}: {len(r['critical'])} critical")
                for c in r["critical"][:8]:
                    print(f"      {c}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

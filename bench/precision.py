"""Precision on known-deployable projects: run iacqa over ../shared/precision and print, per platform, every
critical finding (rule, file, line, message; whether a `STALE:` note of MANIFEST.tsv explains it), high findings
per project (median, max), critical+high per project, and seconds.

    python bench/precision.py [--platform cfn] [--stages ingest,graph,check,lint,security,emulate,tests]
                              [--profile aws|tap] [--save results.json] [--limit N] [-v]

A critical on a project of that corpus is an iacqa false alarm unless the project's `STALE:` note names the point
(FAILURE_TAXONOMY.md; ../shared/precision/README.md). Skips cleanly when the corpus is absent. Every project runs
in its own child process (as `iacqa batch` does), so one project's crash, hang or leak never spoils the others.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

PRECISION = Path(__file__).resolve().parents[2] / "shared" / "precision"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tasks"
DEFAULT_STAGES = "ingest,graph,check,lint,security,emulate,tests"
PLATFORMS = ("pulumi-py", "cdk-py", "cdktf-py", "tf-hcl", "cfn")
# Tokens of a STALE note that a finding must mention to be "explained": runtimes and engine versions.
_STALE_TOKEN = re.compile(r"\b(?:python|nodejs|java|dotnet|ruby|go|provided)\d[\w.]*|\b\d+\.\d+(?:\.\d+)?\b")


def read_manifest(root: Path) -> dict[tuple[str, str], str]:
    """(platform, name) -> notes."""
    out: dict[tuple[str, str], str] = {}
    with (root / "MANIFEST.tsv").open(newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out[(row["platform"], row["name"])] = row.get("notes") or ""
    return out


def stale_tokens(notes: str) -> set[str]:
    """The tokens of the STALE sentence (the one outdated point of the example), e.g. {'python3.8'}."""
    m = re.search(r"STALE:(.*?)(?:\.\s|$)", notes.replace("python3.", "python3\u00b7"))
    if not m:
        return set()
    text = m.group(1).replace("\u00b7", ".")
    return {t.rstrip(".") for t in _STALE_TOKEN.findall(text) if re.search(r"[a-z]", t)}


def explained(finding: dict[str, Any], notes: str) -> bool:
    """A critical is explained when the project's STALE note names what it is about (e.g. its runtime)."""
    tokens = stale_tokens(notes)
    if not tokens:
        return False
    text = " ".join(str(finding.get(k) or "") for k in ("message", "error", "title")).lower()
    return any(re.search(rf"(?<![\w.]){re.escape(t.lower())}(?![\w])", text) for t in tokens)


def _child(project: str, stages: str, profile: str | None, conn: Any, response: str = "code") -> None:
    # Imported in the child: the parent stays small and a crash here is contained.
    from iacqa.pipeline import analyze
    from iacqa.report.json_report import to_json

    opts: dict[str, Any] = {}
    if profile:
        opts["profile"] = profile
    t0 = time.monotonic()
    try:
        r = analyze(project, response, stages=tuple(stages.split(",")), options=opts)
        data = json.loads(json.dumps(to_json(r), default=str))  # plain values: some decoders hand out str subclasses
        data["_seconds"] = round(time.monotonic() - t0, 2)
        conn.send(data)
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
        conn.send({"_error": f"{type(exc).__name__}: {exc}", "_seconds": round(time.monotonic() - t0, 2)})


def run_project(project: Path, stages: str, profile: str | None, timeout: float,
                response: str = "code") -> dict[str, Any]:
    """Analyze one project in a spawned child; returns the JSON report (or `_error`)."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(str(project), stages, profile, child, response))
    t0 = time.monotonic()
    p.start()
    child.close()
    data: dict[str, Any] = {"_error": "timeout", "_seconds": timeout}
    if parent.poll(timeout):
        try:
            data = parent.recv()
        except EOFError:
            data = {"_error": f"child died (exit {p.exitcode})", "_seconds": round(time.monotonic() - t0, 2)}
    p.join(5)
    if p.is_alive():
        p.kill()
        p.join()
    return data


def summarize(results: dict[str, dict[str, Any]], manifest: dict[tuple[str, str], str]) -> dict[str, Any]:
    """Per platform: criticals (explained or not), highs per project, seconds."""
    out: dict[str, Any] = {}
    for key, data in sorted(results.items()):
        platform, name = key.split("/", 1)
        row = out.setdefault(platform, {"projects": 0, "criticals": [], "highs": [], "crit_high": [],
                                        "seconds": [], "errors": []})
        row["projects"] += 1
        row["seconds"].append(data.get("_seconds", 0.0))
        if "_error" in data:
            row["errors"].append(f"{name}: {data['_error']}")
            continue
        notes = manifest.get((platform, name), "")
        findings = [f for f in data.get("findings", []) if not f.get("suppressed")]
        crit = [f for f in findings if f.get("severity") == "critical"]
        high = [f for f in findings if f.get("severity") == "high"]
        for f in crit:
            row["criticals"].append({"project": name, "rule": f.get("rule"), "file": f.get("file"),
                                     "line": f.get("line"), "message": (f.get("message") or "")[:220],
                                     "explained": explained(f, notes)})
        row["highs"].append(len(high))
        row["crit_high"].append(len(high) + len(crit))
    return out


def print_summary(summary: dict[str, Any], results: dict[str, dict[str, Any]], verbose: bool) -> int:
    """Print the table; returns the number of unexplained criticals."""
    unexplained = 0
    all_ch: list[int] = []
    all_h: list[int] = []
    print(f"{'platform':10} {'proj':>4} {'crit':>4} {'unexp':>5} {'high med':>8} {'high max':>8} "
          f"{'c+h med':>7} {'sec med':>7} {'sec sum':>7}")
    for platform, row in summary.items():
        n_un = sum(1 for c in row["criticals"] if not c["explained"])
        unexplained += n_un
        all_ch += row["crit_high"]
        all_h += row["highs"]
        hs = row["highs"] or [0]
        print(f"{platform:10} {row['projects']:4} {len(row['criticals']):4} {n_un:5} {statistics.median(hs):8.1f} "
              f"{max(hs):8} {statistics.median(row['crit_high'] or [0]):7.1f} "
              f"{statistics.median(row['seconds']):7.1f} {sum(row['seconds']):7.0f}")
    if all_ch:
        print(f"{'all':10} {sum(r['projects'] for r in summary.values()):4} "
              f"{sum(len(r['criticals']) for r in summary.values()):4} {unexplained:5} "
              f"{statistics.median(all_h):8.1f} {max(all_h):8} {statistics.median(all_ch):7.1f}")
    for platform, row in summary.items():
        for c in row["criticals"]:
            mark = "STALE-explained" if c["explained"] else "UNEXPLAINED"
            print(f"  [{mark}] {platform}/{c['project']} {c['rule']} {c['file']}:{c['line']}  {c['message']}")
        for e in row["errors"]:
            print(f"  [ERROR] {platform}/{e}")
    if verbose:
        for key, data in sorted(results.items()):
            fs = data.get("findings", [])
            highs = sorted(f"{f.get('rule')}" for f in fs if f.get("severity") == "high")
            prof = (data.get("profile") or {}).get("name") if isinstance(data.get("profile"), dict) else None
            print(f"{key}: {data.get('_seconds')}s profile={prof} high={len(highs)} {' '.join(highs)}")
    return unexplained


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=PRECISION)
    ap.add_argument("--platform", action="append", choices=PLATFORMS)
    ap.add_argument("--stages", default=DEFAULT_STAGES)
    ap.add_argument("--profile", default=None, help="aws or tap (default: automatic)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per project")
    ap.add_argument("--limit", type=int, default=0, help="projects per platform")
    ap.add_argument("--only", default="", help="substring of project names to run")
    ap.add_argument("--save", type=Path, help="write every JSON report to this file")
    ap.add_argument("--load", type=Path, help="summarize a file written by --save instead of running")
    ap.add_argument("--tap-corpus", nargs="*", metavar="PLATFORM",
                    help="instead: the IDEAL responses of ../shared/corpus tasks of these platforms (default "
                    "pulumi-py tf-hcl cdk-py cdktf-py), e.g. with --profile tap")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.tap_corpus is not None:
        return corpus_main(args)
    if not (args.corpus / "MANIFEST.tsv").is_file():
        print(f"precision corpus not found at {args.corpus}: skipped")
        return 0
    manifest = read_manifest(args.corpus)
    if args.load:
        results = json.loads(args.load.read_text())
    else:
        results = {}
        for platform in args.platform or PLATFORMS:
            base = args.corpus / platform
            projects = sorted(p for p in base.iterdir() if p.is_dir() and args.only in p.name)
            for project in projects[: args.limit or None]:
                data = run_project(project, args.stages, args.profile, args.timeout)
                results[f"{platform}/{project.name}"] = data
                if args.save:
                    args.save.write_text(json.dumps(results))
                crit = sum(1 for f in data.get("findings", []) if f.get("severity") == "critical")
                high = sum(1 for f in data.get("findings", []) if f.get("severity") == "high")
                print(f"{platform}/{project.name}: {data.get('_seconds')}s crit={crit} high={high}"
                      f"{' ' + data['_error'] if '_error' in data else ''}", file=sys.stderr, flush=True)
        if args.save:
            args.save.write_text(json.dumps(results))
    print(f"loaded from {args.load}" if args.load else f"stages: {args.stages}; profile: {args.profile or 'auto'}")
    unexplained = print_summary(summarize(results, manifest), results, args.verbose)
    return 1 if unexplained else 0


def corpus_main(args: argparse.Namespace) -> int:
    """The deployed (IDEAL) code of real TAP tasks: criticals and highs per task."""
    platforms = args.tap_corpus or ["pulumi-py", "tf-hcl", "cdk-py", "cdktf-py"]
    if args.load:
        results = json.loads(args.load.read_text())
    else:
        results = {}
        for platform in platforms:
            base = CORPUS / platform
            if not base.is_dir():
                print(f"corpus not found at {base}: skipped")
                continue
            tasks = sorted(p for p in base.iterdir() if p.is_dir() and args.only in p.name)
            for task in tasks[: args.limit or None]:
                data = run_project(task, args.stages, args.profile, args.timeout, response="ideal")
                results[f"{platform}/{task.name}"] = data
                if args.save:  # after every task: a long run stopped half-way keeps what it measured
                    args.save.write_text(json.dumps(results))
                crit = sum(1 for f in data.get("findings", []) if f.get("severity") == "critical")
                high = sum(1 for f in data.get("findings", []) if f.get("severity") == "high")
                print(f"{platform}/{task.name}: {data.get('_seconds')}s crit={crit} high={high}"
                      f"{' ' + data['_error'] if '_error' in data else ''}", file=sys.stderr, flush=True)
        if args.save:
            args.save.write_text(json.dumps(results))
    print("corpus IDEAL responses; " + (f"loaded from {args.load}" if args.load else
                                         f"stages: {args.stages}; profile: {args.profile or 'auto'}"))
    print_summary(summarize(results, {}), results, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())

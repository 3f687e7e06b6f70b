"""`iacqa batch`: the arguments and the run (cli.py registers the subcommand and calls `main`)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from iacqa.batch.aggregate import aggregate_file
from iacqa.batch.progress import make_progress
from iacqa.batch.runner import budget_of, execute, make_engine, plan, report_name, side_paths
from iacqa.batch.summary import print_summary
from iacqa.batch.tasks import find_tasks, latest_results

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130
STAGES = ("ingest", "graph", "check", "lint", "security", "emulate", "tests")


def add_arguments(b: argparse.ArgumentParser, own_limits: bool = False) -> None:
    """The batch's own flags. The analysis limits (--timeout-total, --timeout, ...) are cli.py's shared option
    flags; `own_limits` adds --timeout-total here for a parser without them."""
    b.add_argument("paths", nargs="+", help="task directories, or directories that contain tasks")
    b.add_argument("--response", default="model,ideal", help="comma-separated: model,ideal,code")
    b.add_argument("--output", "-o", default="iacqa-results.jsonl",
                   help="JSON lines file (appended as each task finishes; a re-run resumes); the aggregate "
                        "(<name>.aggregate.json), markdown reports (<name>.reports/) and audits (<name>.audit.jsonl) "
                        "are written next to it")
    b.add_argument("--workers", type=int, default=None,
                   help="parallel analyses (local: default 2; ray: default one per CPU of the cluster)")
    b.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local worker processes, or a Ray cluster (pip install 'iacqa[ray]'; docs/batch.md)")
    b.add_argument("--address", default=None,
                   help="Ray cluster address (HOST:PORT of `ray start --head`, or 'auto'); without it the ray engine "
                        "starts a private single-machine cluster on 127.0.0.1")
    b.add_argument("--ship-tasks", action="store_true",
                   help="ray engine: send each task's files with its job (workers need no shared file system)")
    b.add_argument("--stages", help="comma-separated stages (default: all): " + ",".join(STAGES))
    b.add_argument("--limit", type=int, default=None, help="only the first N tasks (sorted by path)")
    b.add_argument("--no-resume", action="store_true", help="re-analyze tasks already in the output file")
    b.add_argument("--retry-errors", action="store_true", help="when resuming, run again the jobs that ended in error")
    b.add_argument("--audit", action="store_true",
                   help="also audit each task's lib/MODEL_FAILURES.md against the model response and its findings")
    b.add_argument("--no-reports", action="store_true", help="do not write the per-task markdown reports")
    b.add_argument("--plain", action="store_true", help="plain progress lines even on a terminal")
    b.add_argument("--checkov", action="store_const", const=True, default=None,
                   help="also run checkov (slow: ~3 s per task)")
    if own_limits:
        b.add_argument("--timeout-total", dest="timeout_total", type=float, default=None,
                       help="seconds one task may take (default 600)")


def _stages(text: str | None) -> tuple[str, ...] | None:
    if not text:
        return None
    stages = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}")
    return stages


def options_of(args: argparse.Namespace, base: Any = None) -> Any:
    """The analysis options of the batch: `base` (an Options built by cli.py from the configuration) with the
    batch's own flags applied, or a mapping of Options fields when there is no base."""
    changes: dict[str, Any] = {}
    if getattr(args, "checkov", False):
        changes["checkov"] = True
    if getattr(args, "timeout_total", None) is not None:
        changes["timeout_total"] = args.timeout_total
    if base is not None and hasattr(base, "replace"):
        return base.replace(**changes) if changes else base
    return {**(dict(base) if isinstance(base, dict) else {}), **changes}


def main(args: argparse.Namespace, base_options: Any = None) -> int:
    """Run a batch; 0 when it ran to the end (whatever the tasks' findings), 2 on unusable input, 130 on Ctrl-C."""
    try:
        stages = _stages(args.stages)
    except ValueError as exc:
        sys.stderr.write(f"iacqa: {exc}\n")
        return EXIT_USAGE
    responses = [r.strip() for r in args.response.split(",") if r.strip()]
    bad = [r for r in responses if r not in ("model", "ideal", "code")]
    if bad or not responses:
        sys.stderr.write(f"iacqa: unknown response(s) {', '.join(bad) or '(none)'}; choose from model,ideal,code\n")
        return EXIT_USAGE
    tasks = find_tasks(args.paths, args.limit)
    if not tasks:
        sys.stderr.write("iacqa: no task directories (with metadata.json) found under "
                         + ", ".join(args.paths) + "\n")
        return EXIT_USAGE
    out = Path(args.output)
    problem = _unwritable(out)
    if problem:
        sys.stderr.write(f"iacqa: cannot write the results to {out}: {problem}\n")
        return EXIT_USAGE
    options = options_of(args, base_options)
    p = plan(tasks, responses, out, resume=not args.no_resume, retry_errors=args.retry_errors)
    workers = args.workers or (2 if args.engine == "local" else 0)
    interrupted = False
    if p.jobs:
        try:
            engine = make_engine(args.engine, workers, options, stages, not args.no_reports, args.address,
                                 ship=args.ship_tasks)
        except RuntimeError as exc:  # RayUnavailable: not installed or cluster unreachable
            sys.stderr.write(f"iacqa: {exc}\n")
            return EXIT_USAGE
        progress = make_progress(len(p.jobs), skipped=p.skipped, plain=True if args.plain else None)
        previous = _stop_on_signals()
        try:
            for _ in execute(engine, p.jobs, out, budget_of(options),
                             not args.no_reports, progress.update):
                pass
        except KeyboardInterrupt:
            interrupted = True
        finally:
            progress.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if interrupted:
            sys.stderr.write(f"iacqa: interrupted; every finished result is in {out}; run the same command again "
                             "to resume\n")
    else:
        sys.stderr.write(f"iacqa: all {p.skipped} job(s) are already in {out} (--no-resume runs them again)\n")
    try:
        return _finish(args, out, tasks) or (EXIT_INTERRUPTED if interrupted else EXIT_OK)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _unwritable(out: Path) -> str | None:
    """Why the results file cannot be appended to, or None."""
    if out.is_dir():
        return "it is a directory"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("a"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> dict[int, Any]:
    """SIGTERM (a scheduler, `kill`) and SIGHUP (the terminal closed) end the batch the way Ctrl-C does: every
    worker tree ended, finished results kept. Without this the workers, in sessions of their own, would outlive it."""
    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            previous[sig] = signal.signal(sig, _interrupt)
        except (ValueError, OSError):  # not the main thread
            continue
    return previous


def _finish(args: argparse.Namespace, out: Path, tasks: list[Path]) -> int:
    """Audits (with --audit), the aggregate file and the summary table."""
    paths = side_paths(out)
    files = {"results": out}
    if args.audit:
        n = write_audits(out, paths["audit"], None if args.no_reports else paths["reports"])
        files["audit"] = paths["audit"]
        sys.stderr.write(f"iacqa: audited the failure analyses of {n} task(s)\n")
    agg = aggregate_file(out, audit_path=paths["audit"] if paths["audit"].is_file() else None)
    tmp = paths["aggregate"].with_suffix(".tmp")
    tmp.write_text(json.dumps(agg, indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, paths["aggregate"])
    files["aggregate"] = paths["aggregate"]
    if paths["reports"].is_dir():
        files["reports"] = paths["reports"]
    print_summary(agg, files=files, plain=True if args.plain else None)
    sys.stderr.write(f"iacqa: for the dataset report: iacqa dashboard {out} -o {out.with_suffix('.html')}\n")
    return 0


def write_audits(out: Path, audit_path: Path, reports: Path | None = None) -> int:
    """Audit every task of the results file that has a model result (cheap: text and the stored findings); with
    `reports`, each task's markdown review is written there too (`<task>.audit.<hash>.md`, linked by the dashboard)."""
    from iacqa.audit import audit, to_markdown

    n = 0
    tmp = audit_path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for (task, resp), data in sorted(latest_results(out).items()):
            if resp != "model" or not (Path(task) / "lib" / "MODEL_FAILURES.md").is_file():
                continue
            try:
                a = audit(task, None if data.get("error") else data)
            except Exception as exc:  # noqa: BLE001 - one unreadable analysis never stops the audit of the rest
                a = {"task": task, "claims": [], "missed_blockers": [], "error": f"{type(exc).__name__}: {exc}"}
            fh.write(json.dumps(a, ensure_ascii=False, default=str) + "\n")
            n += 1
            if reports is not None and not a.get("error"):
                try:
                    reports.mkdir(parents=True, exist_ok=True)
                    (reports / report_name(task, "audit")).write_text(
                        to_markdown(a, None if data.get("error") else data.get("findings")), encoding="utf-8")
                except OSError:
                    pass  # the JSON audit is written; a review that cannot be is not worth stopping for
    os.replace(tmp, audit_path)
    return n

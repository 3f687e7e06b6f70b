"""Command line: argument parsing only; the work is in pipeline, batch and report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from iacqa import __version__
from iacqa.model import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line on stderr, exit 2 (argparse's own code, kept)
        sys.stderr.write(f"iacqa: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="iacqa", description="Offline quality check for AI-generated AWS infrastructure-as-code.")
    p.add_argument("--version", action="version", version=f"iacqa {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    a = sub.add_parser("analyze", help="analyze a task directory, project directory or response .md")
    a.add_argument("path")
    a.add_argument("--response", choices=("model", "ideal", "code"), default=None,
                   help="which code to analyze (default: code, or the model response when the task has no code)")
    a.add_argument("--format", choices=("text", "json", "sarif", "markdown"), default="text")
    a.add_argument("--output", "-o", help="write the report to FILE instead of stdout")
    a.add_argument("--stages", help="comma-separated stages: ingest,graph,check,lint,security,emulate,tests")
    a.add_argument("--fail-on", default="critical", choices=[s.value for s in Severity],
                   help="exit 1 when a finding at or above this severity exists (default: critical)")
    a.add_argument("--account-concurrency", type=int, default=None,
                   help="the account's Lambda concurrency limit used by the quota rules")
    a.add_argument("--quota-profile", default=None, help="account quota profile (see `iacqa rule QTA001`)")
    a.add_argument("--select", help="comma-separated rule id prefixes to run")
    a.add_argument("--ignore", help="comma-separated rule id prefixes to skip")
    a.add_argument("--timeout", type=float, default=60.0, help="seconds allowed for running the program")
    a.add_argument("--memory-mb", type=int, default=2048, help="memory allowed for running the program")
    a.add_argument("--checkov", action="store_true",
                   help="also run checkov over the graph (security stage; adds ~3 s of checkov start-up per task)")
    a.add_argument("--no-checkov", action="store_true", help=argparse.SUPPRESS)  # the default; kept for scripts
    a.add_argument("--workdir", help="materialize the project here and keep it")
    a.add_argument("--endpoint-url", help="deploy into this running AWS-compatible endpoint (LocalStack, moto server) "
                   "instead of the embedded moto")
    a.add_argument("--coverage-threshold", type=float, default=None, help="required coverage in percent (default 90)")
    a.add_argument("--color", action="store_true", help="color the text report")

    rl = sub.add_parser("rules", help="list every rule")
    rl.add_argument("--markdown", action="store_true", help="print the rule documentation as markdown")
    r = sub.add_parser("rule", help="print a rule's documentation")
    r.add_argument("id")

    e = sub.add_parser("emulate", help="deploy a project into the emulator (--serve keeps it up on 127.0.0.1)")
    e.add_argument("path")
    e.add_argument("--response", choices=("model", "ideal", "code"), default=None)
    e.add_argument("--serve", action="store_true", help="keep the emulator running and print the environment to export")
    e.add_argument("--workdir", help="materialize the project here and keep it")

    b = sub.add_parser("batch", help="analyze many tasks; one JSON line per task and response")
    b.add_argument("paths", nargs="+", help="task directories, or directories that contain tasks")
    b.add_argument("--response", default="model,ideal", help="comma-separated: model,ideal,code")
    b.add_argument("--output", "-o", default="iacqa-results.jsonl", help="JSON lines file (appended; resumes)")
    b.add_argument("--workers", type=int, default=2)
    b.add_argument("--no-resume", action="store_true", help="re-analyze tasks already in the output file")
    b.add_argument("--checkov", action="store_true", help="also run checkov (slow: ~3 s per task)")

    c = sub.add_parser("compare", help="compare the model and ideal responses of a task")
    c.add_argument("path")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--output", "-o")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return EXIT_USAGE
    try:
        return {"analyze": _analyze, "rules": _rules, "rule": _rule, "compare": _compare, "batch": _batch,
                "emulate": _emulate}[args.command](args)
    except KeyboardInterrupt:
        sys.stderr.write("iacqa: interrupted\n")
        return 130


def _options(args: argparse.Namespace) -> dict:
    opts: dict = {"timeout": args.timeout, "memory_mb": args.memory_mb, "checkov": args.checkov and not args.no_checkov}
    if args.account_concurrency is not None:
        opts["account_concurrency"] = args.account_concurrency
    if args.quota_profile:
        opts["quota_profile"] = args.quota_profile
    if getattr(args, "endpoint_url", None):
        opts["endpoint_url"] = args.endpoint_url
    if getattr(args, "coverage_threshold", None) is not None:
        opts["coverage_threshold"] = args.coverage_threshold
    if args.select:
        opts["select"] = [s.strip() for s in args.select.split(",") if s.strip()]
    if args.ignore:
        opts["ignore"] = [s.strip() for s in args.ignore.split(",") if s.strip()]
    return opts


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _analyze(args: argparse.Namespace) -> int:
    from iacqa.ingest.task import InputError
    from iacqa.pipeline import ALL_STAGES, analyze

    stages = None
    if args.stages:
        stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
        unknown = [s for s in stages if s not in ALL_STAGES]
        if unknown:
            sys.stderr.write(f"iacqa: unknown stage(s) {', '.join(unknown)}; choose from {', '.join(ALL_STAGES)}\n")
            return EXIT_USAGE
    try:
        result = analyze(args.path, response=args.response, stages=stages, options=_options(args),
                         workdir=Path(args.workdir) if args.workdir else None, keep=bool(args.workdir))
    except InputError as exc:
        sys.stderr.write(f"iacqa: {exc}\n")
        return EXIT_USAGE
    _emit(_render(result, args.format, args.color), args.output)
    return EXIT_FINDINGS if result.worst_at_least(Severity.parse(args.fail_on)) else EXIT_OK


def _render(result: object, fmt: str, color: bool = False) -> str:
    from iacqa.report import json_report, markdown, sarif, text

    if fmt == "json":
        return json_report.dumps(result)
    if fmt == "sarif":
        return json.dumps(sarif.to_sarif([result]), indent=2)
    if fmt == "markdown":
        return markdown.to_markdown(result)
    return text.to_text(result, color=color)


def _rules(args: argparse.Namespace) -> int:
    from iacqa.rules.registry import all_rules

    if args.markdown:
        from iacqa.rules.docs import rules_markdown

        sys.stdout.write(rules_markdown())
        return EXIT_OK
    rows = [(r.id, r.category.value, r.severity.value, r.title) for r in all_rules().values()]
    w = [max(len(row[i]) for row in rows) for i in range(3)] if rows else [0, 0, 0]
    for rid, cat, sev, title in rows:
        sys.stdout.write(f"{rid:<{w[0]}}  {cat:<{w[1]}}  {sev:<{w[2]}}  {title}\n")
    return EXIT_OK


def _rule(args: argparse.Namespace) -> int:
    from iacqa.rules.registry import get_rule

    rule = get_rule(args.id)
    if rule is None:
        sys.stderr.write(f"iacqa: no rule {args.id!r}; `iacqa rules` lists them\n")
        return EXIT_USAGE
    sys.stdout.write(f"{rule.id}: {rule.title}\ncategory: {rule.category.value}   severity: {rule.severity.value}   "
                     f"stage: {rule.stage}\n\n{rule.documentation()}\n")
    return EXIT_OK


def _emulate(args: argparse.Namespace) -> int:
    from iacqa.ingest.task import InputError
    from iacqa.pipeline import analyze

    workdir = Path(args.workdir) if args.workdir else None
    try:
        result = analyze(args.path, response=args.response, stages=("ingest", "graph", "emulate"),
                         workdir=workdir, keep=True)
    except InputError as exc:
        sys.stderr.write(f"iacqa: {exc}\n")
        return EXIT_USAGE
    _emit(_render(result, "text"), None)
    if not args.serve:
        return EXIT_FINDINGS if result.worst_at_least(Severity.CRITICAL) else EXIT_OK
    from iacqa.emulate import serve
    from iacqa.frontends.pulumi_py.frontend import PulumiFrontend
    from iacqa.ingest.task import load

    project = load(Path(result.task.project_dir or args.path), "code")
    graph = PulumiFrontend().build(project, {}).graph
    serve(graph, project.root, {})
    return EXIT_OK


def _batch(args: argparse.Namespace) -> int:
    from iacqa.batch import find_tasks, run_batch

    tasks = find_tasks([Path(p) for p in args.paths])
    if not tasks:
        sys.stderr.write("iacqa: no task directories (with metadata.json) found\n")
        return EXIT_USAGE
    responses = [r.strip() for r in args.response.split(",") if r.strip()]
    n = 0
    for data in run_batch(tasks, responses, Path(args.output), workers=args.workers,
                          options={"checkov": args.checkov and not args.no_checkov}, resume=not args.no_resume):
        n += 1
        verdict = data.get("verdict") or {}
        status = "error: " + data["error"] if data.get("error") else (
            "deployable" if verdict.get("deployable") else f"not deployable ({len(verdict.get('blockers') or [])} blockers)")
        sys.stderr.write(f"[{n}] {data['task'].get('path')} {data['task'].get('response')}: "
                         f"{len(data.get('findings') or [])} findings, {status}\n")
    sys.stderr.write(f"iacqa: {n} results appended to {args.output}\n")
    return EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    from iacqa.ingest.task import InputError
    from iacqa.pipeline import analyze
    from iacqa.report import compare

    try:
        model = analyze(args.path, response="model")
        ideal = analyze(args.path, response="ideal")
    except InputError as exc:
        sys.stderr.write(f"iacqa: {exc}\n")
        return EXIT_USAGE
    data = compare.compare(model, ideal)
    _emit(json.dumps(data, indent=2, default=str) if args.format == "json" else compare.compare_to_text(data),
          args.output)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

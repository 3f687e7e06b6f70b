"""Command line: argument parsing only; the work is in pipeline, batch and report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from iacqa import __version__
from iacqa.model import Options, Severity
from iacqa.model.options import ISOLATIONS, PROFILES, STAGES

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line on stderr, exit 2 (argparse's own code, kept)
        sys.stderr.write(f"iacqa: {message}\n")
        raise SystemExit(EXIT_USAGE)


# Flags that set an Options field (dest = the field). Their argparse default is None, meaning "not given", so the
# configuration file's value or the Options default applies; the help text states the default.
def _option_flags(p: argparse.ArgumentParser, run_only: bool = False) -> None:
    """The flags shared by analyze (all) and emulate/batch (`run_only`: limits and endpoint, no report policy)."""
    if not run_only:
        p.add_argument("--stages", metavar="LIST", help=f"comma-separated stages to run (default: all): {','.join(STAGES)}")
        p.add_argument("--fail-on", dest="fail_on", default=None, choices=[s.value for s in Severity],
                       help="exit 1 when an unsuppressed finding at or above this severity exists (default: critical)")
        p.add_argument("--select", metavar="IDS", help="comma-separated rule ids, id prefixes or categories to report (SDK,LIM001,"
                       "sdk-api); default: all")
        p.add_argument("--ignore", metavar="IDS", help="comma-separated rule ids, id prefixes or categories not to report")
        p.add_argument("--no-suppress", dest="suppress", action="store_const", const=False, default=None,
                       help="ignore inline '# iacqa: ignore[ID] reason' comments: report every finding as unsuppressed")
        p.add_argument("--profile", choices=PROFILES, default=None,
                       help="precision profile: tap (TAP grading pipeline) or aws (plain account); default: auto")
        p.add_argument("--account-concurrency", dest="account_concurrency", type=int, default=None, metavar="N",
                       help="the account's Lambda concurrency limit used by the quota rules")
        p.add_argument("--quota-profile", dest="quota_profile", default=None, metavar="NAME",
                       help="account quota profile: tap (default), standard, low (see `iacqa rule QTA001`)")
        p.add_argument("--prompt", metavar="FILE", default=None,
                       help="the task prompt, for requirement checks (default: the task's own)")
        p.add_argument("--checkov", action="store_const", const=True, default=None,
                       help="also run checkov over the graph (security stage; adds ~3 s of checkov start-up per task)")
        p.add_argument("--no-checkov", dest="checkov", action="store_const", const=False,
                       help=argparse.SUPPRESS)  # the default; kept for scripts
        p.add_argument("--coverage-threshold", dest="coverage_threshold", type=float, default=None, metavar="PCT",
                       help="required coverage in percent (default 90)")
    p.add_argument("--timeout", type=float, default=None, metavar="S",
                   help="seconds allowed for running the program (default 60; CDK/CDKTF synth 120)")
    p.add_argument("--memory-mb", dest="memory_mb", type=int, default=None, metavar="MB",
                   help="memory allowed for running the program (default 2048; CDK/CDKTF synth 3072)")
    p.add_argument("--timeout-total", dest="timeout_total", type=float, default=None, metavar="S",
                   help="seconds for the whole task; stages not started by then are skipped (default 600)")
    p.add_argument("--isolation", choices=ISOLATIONS, default=None,
                   help="sandbox of the children: auto (default: the strongest available), strict (refuse to run "
                   "unconfined), process (forked child with limits only)")
    p.add_argument("--endpoint-url", dest="endpoint_url", default=None, metavar="URL",
                   help="deploy into this running AWS-compatible endpoint (LocalStack, moto server) instead of the "
                   "embedded moto")


# flag dest -> configuration key whose validator checks the flag's value (same rules for the file and the flag)
_VALIDATED = {"stages": "stages", "select": "select", "ignore": "ignore", "quota_profile": "quota-profile",
              "account_concurrency": "account-concurrency", "timeout": "timeout", "memory_mb": "memory-mb",
              "timeout_total": "timeout-total", "coverage_threshold": "coverage-threshold"}
_FLAG_FIELDS = ("stages", "fail_on", "select", "ignore", "suppress", "profile", "account_concurrency",
                "quota_profile", "prompt", "checkov", "coverage_threshold", "timeout", "memory_mb", "timeout_total",
                "isolation", "endpoint_url")


def _options(args: argparse.Namespace, path: str | None) -> Options:
    """Options for PATH: the configuration file (--config or found in PATH) overlaid with the flags given.

    Raises ConfigError (one line naming the key or flag) for an unusable file or value."""
    from iacqa.config import options_for, validate

    flags = {}
    for name in _FLAG_FIELDS:
        value = getattr(args, name, None)
        if value is None:
            continue
        if name in _VALIDATED:
            flag = "--" + _VALIDATED[name]
            value = validate(_VALIDATED[name], value, flag)
        flags[name] = value
    return options_for(path, flags, getattr(args, "config", None))


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="iacqa", description="Offline quality check for AI-generated AWS infrastructure-as-code.")
    p.add_argument("--version", action="version", version=f"iacqa {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    a = sub.add_parser("analyze", help="analyze a task directory, project directory or response .md",
                       description="Analyze one task. Options come from the command line, then the configuration "
                       "file ([tool.iacqa] in the project's pyproject.toml, .iacqa.toml, or --config FILE), then the "
                       "defaults shown here.")
    a.add_argument("path")
    a.add_argument("--response", choices=("model", "ideal", "code"), default=None,
                   help="which code to analyze (default: code, or the model response when the task has no code)")
    a.add_argument("--format", choices=("text", "json", "sarif", "markdown"), default="text")
    a.add_argument("--output", "-o", help="write the report to FILE instead of stdout")
    a.add_argument("--config", metavar="FILE", help="read options from FILE (default: .iacqa.toml or the "
                   "[tool.iacqa] table of pyproject.toml in PATH)")
    _option_flags(a)
    a.add_argument("--workdir", help="materialize the project here and keep it")
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
    e.add_argument("--config", metavar="FILE", help="read options from FILE (default: found in PATH)")
    _option_flags(e, run_only=True)

    _batch_parsers(sub)

    c = sub.add_parser("compare", help="compare the model and ideal responses of a task")
    c.add_argument("path")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--output", "-o")
    c.add_argument("--config", metavar="FILE", help="read options from FILE (default: found in PATH)")
    from iacqa.toolchain import commands as toolchain_commands  # setup typescript, doctor

    toolchain_commands.add_parsers(sub)
    return p


def _batch_parsers(sub: argparse._SubParsersAction) -> None:
    """batch, audit and dashboard: their own arguments live in iacqa.batch / iacqa.audit."""
    from iacqa.audit import command as audit_command
    from iacqa.batch import command as batch_command
    from iacqa.batch import dashboard

    b = sub.add_parser("batch", help="analyze many tasks (local processes or a Ray cluster): progress, one JSON line "
                       "per task and response (resumable), aggregate, summary; --audit")
    batch_command.add_arguments(b)
    b.add_argument("--config", metavar="FILE", help="read options from FILE (default: found in the first PATH)")
    _option_flags(b, run_only=True)
    au = sub.add_parser("audit", help="check a task's MODEL_FAILURES.md against its responses and iacqa's findings")
    audit_command.add_arguments(au)
    au.add_argument("--config", metavar="FILE", help="read options from FILE (default: found in TASK)")
    _option_flags(au, run_only=True)
    d = sub.add_parser("dashboard", help="one self-contained HTML report of a batch results file")
    dashboard.add_arguments(d)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return EXIT_USAGE
    from iacqa.config import ConfigError

    try:
        return {"analyze": _analyze, "rules": _rules, "rule": _rule, "compare": _compare, "batch": _batch,
                "emulate": _emulate, "audit": _audit, "dashboard": _dashboard, "setup": _setup,
                "doctor": _doctor}[args.command](args)
    except ConfigError as exc:  # a bad configuration file or flag value: one line naming the key
        sys.stderr.write(f"iacqa: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("iacqa: interrupted\n")
        return 130


def _setup(args: argparse.Namespace) -> int:
    from iacqa.toolchain import commands

    return commands.setup(args)


def _doctor(args: argparse.Namespace) -> int:
    from iacqa.toolchain import commands

    return commands.doctor(args)


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _analyze(args: argparse.Namespace) -> int:
    from iacqa.ingest.task import InputError
    from iacqa.pipeline import analyze

    options = _options(args, args.path)
    try:
        result = analyze(args.path, response=args.response, options=options,
                         workdir=Path(args.workdir) if args.workdir else None, keep=bool(args.workdir))
    except InputError as exc:
        sys.stderr.write(f"iacqa: {exc}\n")
        return EXIT_USAGE
    _emit(_render(result, args.format, args.color), args.output)
    return EXIT_FINDINGS if result.worst_at_least(Severity.parse(options.fail_on)) else EXIT_OK


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
    from iacqa.rules.registry import catalog as all_rules

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
                     f"stage: {rule.stage}\nemitted by: {', '.join(rule.emitted_by())}\n\n{rule.documentation()}\n")
    return EXIT_OK


def _emulate(args: argparse.Namespace) -> int:
    """Deploy into the emulator and run the handlers; with --serve, keep the same graph deployed until Ctrl-C."""
    from iacqa.ingest.task import InputError
    from iacqa.pipeline import run

    options = _options(args, args.path)
    workdir = Path(args.workdir) if args.workdir else None
    try:
        analysis = run(args.path, response=args.response, stages=("ingest", "graph", "emulate"), options=options,
                       workdir=workdir, keep=True)
    except InputError as exc:
        sys.stderr.write(f"iacqa: {exc}\n")
        return EXIT_USAGE
    result = analysis.result
    _emit(_render(result, "text"), None)
    if not args.serve:
        if workdir is None:
            analysis.project.cleanup()
        return EXIT_FINDINGS if result.worst_at_least(Severity.CRITICAL) else EXIT_OK
    from iacqa.emulate import serve

    try:
        serve(analysis.graph, analysis.project.root, options)
    finally:
        if workdir is None:
            analysis.project.cleanup()
    return EXIT_OK


def _batch(args: argparse.Namespace) -> int:
    from iacqa.batch import command

    return command.main(args, _options(args, args.paths[0]))


def _audit(args: argparse.Namespace) -> int:
    from iacqa.audit import command

    return command.main(args, _options(args, args.task))


def _dashboard(args: argparse.Namespace) -> int:
    from iacqa.batch import dashboard

    return dashboard.main(args)


def _compare(args: argparse.Namespace) -> int:
    from iacqa.ingest.task import InputError
    from iacqa.pipeline import analyze
    from iacqa.report import compare

    options = _options(args, args.path)
    try:
        model = analyze(args.path, response="model", options=options)
        ideal = analyze(args.path, response="ideal", options=options)
    except InputError as exc:
        sys.stderr.write(f"iacqa: {exc}\n")
        return EXIT_USAGE
    data = compare.compare(model, ideal)
    _emit(json.dumps(data, indent=2, default=str) if args.format == "json" else compare.compare_to_text(data),
          args.output)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""One task, stage by stage: ingest -> syntax -> graph -> check -> lint -> security -> emulate -> tests -> finish.

Each stage is a function from what earlier stages handed over to a typed record (`Stage` or a subclass carrying
its product: the graph, the emulation, the coverage). The runner records its status and seconds, keeps its
findings, and turns its crash into a finding; a failing stage never stops the task; a stage that would start
after `options.timeout_total` is skipped, one still running then is stopped. `finish` then treats every finding
once, in this order: deduplicate, mark inline suppressions (and report the unused ones), apply the precision
profile, apply `select`/`ignore`/`per_file_ignores`, attach the `.md` line and the source line, sort.

`analyze` returns the TaskResult every report is made from; `run` also returns the project and the graph, for the
callers that keep working on them (`iacqa emulate --serve`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from iacqa import frontends, profiles
from iacqa.catalog.internal import InternalError
from iacqa.catalog.sandbox import StageOverBudget
from iacqa.engine import suppress
from iacqa.engine.run import run_rules
from iacqa.engine.selection import Selection
from iacqa.ingest.task import InputError, Project, load
from iacqa.model import Category, Finding, ResourceGraph, StageResult, TaskInfo, TaskResult
from iacqa.model.options import STAGES, Options
from iacqa.rules.context import RuleContext
from iacqa.sandbox import budget
from iacqa.sandbox import policy as isolation
from iacqa.sandbox.logs import StageLog, stage_log

ALL_STAGES = STAGES
DEFAULT_STAGES = STAGES


@dataclass
class Stage:
    """What a stage hands over: its status and detail for the report, its findings."""

    status: str = "ok"  # ok | failed | skipped | error | unavailable
    detail: str = ""
    findings: list[Finding] = field(default_factory=list)


@dataclass
class GraphStage(Stage):
    graph: ResourceGraph = field(default_factory=ResourceGraph)


@dataclass
class EmulateStage(Stage):
    emulation: Any = None  # emulate.EmulationResult
    flows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TestsStage(Stage):
    coverage: dict[str, Any] | None = None  # the coverage summary's totals

    __test__ = False


@dataclass
class Analysis:
    """Everything one analysis produced: the report's TaskResult, and the project and graph behind it."""

    result: TaskResult
    project: Project
    graph: ResourceGraph


S = TypeVar("S", bound=Stage)


class _Runner:
    """Runs stages into one TaskResult: timing, status, findings, crash -> finding, total time budget."""

    def __init__(self, result: TaskResult, options: Options, started: float) -> None:
        self.result, self.options, self.started = result, options, started

    def __call__(self, name: str, fn: Callable[..., S], *args: Any) -> S | None:
        spent = time.monotonic() - self.started
        if spent > self.options.timeout_total:
            self.result.stages.append(StageResult(name, "skipped", 0.0, f"not started: the task's time budget "
                                                  f"({self.options.timeout_total:g} s, timeout-total) is spent"))
            return None
        t0 = time.monotonic()
        out: S | None
        log = StageLog()
        try:
            # Children and libraries print into the stage's log, never on stdout (which carries the report);
            # a stage still running when the task's budget is spent is interrupted.
            with stage_log() as log, budget.task_deadline(self.started + self.options.timeout_total):
                out = fn(*args)
            status, detail = out.status, out.detail
            self.result.findings.extend(out.findings)
        except budget.BudgetExceeded:
            out = None
            status = "stopped"
            detail = f"did not finish within the task's time budget ({self.options.timeout_total:g} s)"
            self.result.findings.append(StageOverBudget.make(name, self.options.timeout_total))
        except Exception as exc:  # a crashing stage becomes a finding; the task goes on
            out = None
            status, detail = "error", f"{type(exc).__name__}: {exc}"
            self.result.findings.append(InternalError.crash(f"stage {name}", exc, name))
        self.result.stages.append(StageResult(name, status, round(time.monotonic() - t0, 3), detail,
                                              log_tail=log.tail))
        return out


def analyze(path: str | Path, response: str | None = None, stages: tuple[str, ...] | None = None,
            options: Options | Mapping[str, Any] | None = None, workdir: Path | None = None,
            keep: bool = False) -> TaskResult:
    """Analyze one task. Raises InputError only when the input itself is unusable.

    `stages`, when given, wins over `options.stages`; `options` may be a mapping of Options fields.
    """
    return run(path, response, stages, options, workdir, keep).result


def run(path: str | Path, response: str | None = None, stages: tuple[str, ...] | None = None,
        options: Options | Mapping[str, Any] | None = None, workdir: Path | None = None,
        keep: bool = False) -> Analysis:
    """`analyze`, also returning the project and the graph (the project directory is removed unless `keep`)."""
    opts = Options.of(options)
    isolation.apply(opts.isolation)
    refused = isolation.strict_problem()
    if refused:  # --isolation strict on a machine without namespaces: no foreign code runs
        raise InputError(refused)
    chosen = profiles.select(opts.profile, Path(path))
    opts = opts.replace(**profiles.option_defaults(chosen, opts))
    wanted = tuple(stages or opts.stages or STAGES)
    t0 = time.monotonic()
    prompt = _read_prompt(opts.prompt) if opts.prompt else None
    project = load(path, response, workdir)
    if prompt is not None:
        project.prompt = prompt
    result = TaskResult(task=TaskInfo(
        path=str(Path(path)), platform=project.platform, language=project.language, response=project.response,
        response_file=str(project.response_file) if project.response_file else None,
        project_dir=str(project.root), files=list(project.files)), isolation=isolation.current())
    graph = ResourceGraph(platform=project.platform)
    try:
        result.stages.append(StageResult("ingest", "ok", round(time.monotonic() - t0, 3),
                                         f"{len(project.files)} files; " + "; ".join(project.notes[:3])))
        result.findings.extend(project.findings)
        stage = _Runner(result, opts, t0)

        stage("syntax", _syntax, project)
        built = stage("graph", _graph, project, opts) if "graph" in wanted else None
        graph = built.graph if built else ResourceGraph(platform=project.platform)
        ctx = RuleContext(graph=graph, root=project.root, platform=project.platform, md_starts=project.md_starts,
                          options=opts, graph_status=_status(result, "graph"), entry=project.entry)
        if "check" in wanted:
            stage("check", _check, ctx, opts)
            stage("requirements", _requirements, project, graph, opts, result)
        if "lint" in wanted:
            stage("lint", _lint, project, graph, chosen.lint_gate)
        if "security" in wanted:
            stage("security", _security, ctx, opts)
        emulated = stage("emulate", _emulate, project, graph, opts) if "emulate" in wanted else None
        tested = (stage("tests", _tests, project, graph, opts, emulated.emulation if emulated else None)
                  if "tests" in wanted else None)

        result.flows = list(emulated.flows) if emulated else []
        result.graph = _graph_summary(graph, tested.coverage if tested else None)
        result.findings, result.profile = finish(result.findings, project, opts, chosen,
                                                 {s.name: s.status for s in result.stages})
    finally:
        if not keep:
            project.cleanup()
            if project.temporary:
                result.task.project_dir = None
    return Analysis(result, project, graph)


def _read_prompt(file: str) -> str:
    try:
        return Path(file).expanduser().read_text(errors="replace")
    except OSError as exc:
        raise InputError(f"--prompt {file}: {exc.strerror or exc}") from None


def _status(result: TaskResult, name: str) -> str | None:
    return next((s.status for s in result.stages if s.name == name), None)


# ---- stages -------------------------------------------------------------------------------------------------


def _syntax(project: Project) -> Stage:
    """Every Python file must compile; the program run reports only the first failure it meets."""
    from iacqa.catalog.program import PythonSyntaxError

    out = Stage()
    for rel in project.files:
        if not rel.endswith(".py"):
            continue
        src = (project.root / rel).read_text(errors="replace")
        try:
            compile(src, rel, "exec", dont_inherit=True)
        except SyntaxError as exc:
            out.findings.append(PythonSyntaxError.finding(
                f"{rel}:{exc.lineno} does not compile: {exc.msg}",
                error=f"{type(exc).__name__}: {exc.msg}", fix="fix the syntax error; the file cannot be imported",
                snippet=(exc.text or "").rstrip() or None,
            ).with_(file=rel, line=exc.lineno))
        except ValueError:
            continue
    bad = len(out.findings)
    out.status, out.detail = ("failed", f"{bad} file(s) do not compile") if bad else ("ok", "all Python files compile")
    return out


def _graph(project: Project, options: Options) -> GraphStage:
    fe = frontends.for_platform(project.platform, project.language)
    if fe is None:
        return GraphStage("unavailable", f"no front end for platform {project.platform or 'unknown'!r} yet",
                          graph=ResourceGraph(platform=project.platform))
    found: list[Finding] = []
    if project.platform == "pulumi":
        try:
            from iacqa.frontends.pulumi_py.static_check import check_sdk_usage
        except ImportError:
            check_sdk_usage = None
        if check_sdk_usage is not None:
            py = [f for f in project.files if f.endswith(".py") and not f.startswith("tests/")]
            found += check_sdk_usage(project.root, py)
    fr = fe.build(project, options)
    return GraphStage(fr.status, fr.detail, found + list(fr.findings), graph=fr.graph)


def _check(ctx: RuleContext, options: Options) -> Stage:
    selection = selection_of(options)
    found = run_rules(ctx, selection)
    if ctx.graph.revealed_by:  # the graph exists only once the front end's blocking finding is fixed
        found = [f if f.revealed_by else f.with_(revealed_by=ctx.graph.revealed_by) for f in found]
    detail = f"{len(found)} findings from graph rules"
    if options.cfn_lint and selection.selects("LIM003", Category.AWS_LIMIT):  # cfn-lint takes seconds: skip it
        from iacqa.linters import cfnlint_graph

        _, cl_detail, cl_found = cfnlint_graph.scan(ctx.graph)
        found += cl_found
        detail += f"; {cl_detail}"
    return Stage("ok", detail, found)


def _requirements(project: Project, graph: ResourceGraph, options: Options, result: TaskResult) -> Stage:
    """The prompt's requirements, each checked on the graph (iacqa.requirements): the report's checklist, and
    REQ002/REQ003 findings at the prompt line for what is not met or partly met."""
    from iacqa.requirements import checklist

    if not (project.prompt or "").strip():
        return Stage("skipped", "no prompt (lib/PROMPT.md, or --prompt FILE for a plain project)")
    items, cov, found = checklist(project.prompt, graph, _status(result, "graph"), project.platform,
                                  options.prompt or "lib/PROMPT.md",
                                  [f for f in project.files if f not in project.scaffold], project.root)
    result.requirements, result.requirements_coverage = items, cov
    return Stage("ok", f"{cov.get('met', 0)}/{cov.get('checkable', 0)} checkable requirements met, "
                 f"{cov.get('partly_met', 0)} partly, {cov.get('not_met', 0)} not met, "
                 f"{cov.get('not_checkable', 0)} not checkable", found)


def _lint(project: Project, graph: ResourceGraph, gate: dict[str, Any] | None = None) -> Stage:
    try:
        from iacqa.linters.ruff import lint
    except ImportError:
        return Stage("unavailable", "ruff adapter not installed")
    own = [f for f in project.files if f not in project.scaffold]  # the task's scaffold is not the response's code
    found = lint(project.root, [f for f in own if f.endswith(".py")], graph)
    detail = f"{len(found)} lint findings"
    if gate and gate.get("enabled") and gate.get("linter") == "pylint":  # the profile's gate is pylint itself
        from iacqa.linters import pylint

        ran = pylint.run(project.root, own, gate)
        detail += f"; {ran.detail}"
        if ran.status == "ok":
            found = pylint.supersede(found, gate, own) + ran.findings
    if project.language in ("ts", "js"):  # npm run lint / format:check, as the pipeline runs them
        from iacqa.linters import eslint

        _, es_detail, es_found = eslint.lint(project.root, own, project.platform, project.language)
        found = found + es_found
        detail += f"; {es_detail}"
    return Stage("ok", detail, found)


def _security(ctx: RuleContext, options: Options) -> Stage:
    # Own security rules run in the check stage; checkov is opt-in because its start-up alone (~3 s) is longer
    # than the rest of the analysis.
    if not options.checkov:
        return Stage("skipped", "checkov not requested (--checkov); own security rules ran in the check stage")
    try:
        from iacqa.linters import checkov
    except ImportError:
        return Stage("unavailable", "checkov adapter not installed")
    status, detail, found = checkov.scan(ctx.graph, ctx)
    return Stage(status, detail, found)


def _emulate(project: Project, graph: ResourceGraph, options: Options) -> EmulateStage:
    """Deploy the graph into the embedded emulator, run every handler on realistic events, follow the flow."""
    if not graph.code:
        return EmulateStage("skipped", "no Lambda code in the graph")
    try:
        from iacqa.emulate import run as emulate_run
    except ImportError as exc:
        return EmulateStage("unavailable", f"emulator not available ({exc}): pip install 'iacqa[emulate]'")
    em = emulate_run(graph, project.root, options, prompt=project.prompt)
    # The user's own directory is written only on request; a materialized copy gets outputs like the pipeline's.
    if em.outputs and (project.temporary or options.write_outputs):
        out = project.root / "cfn-outputs" / "flat-outputs.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(em.outputs, indent=2))
    return EmulateStage(em.status, em.detail, list(em.findings), emulation=em, flows=list(em.flows))


def _tests(project: Project, graph: ResourceGraph, options: Options, emulation: Any) -> TestsStage:
    """Judge the project's tests, run the unit tests with coverage, the integration tests against the emulator."""
    try:
        from iacqa.testsuite import run as tests_run
    except ImportError as exc:
        return TestsStage("unavailable", f"test stage not available ({exc})")
    if options.write_coverage_summary is None:
        options = options.replace(write_coverage_summary=project.temporary or options.write_outputs)
    ts = tests_run(project, options, emulation=emulation, graph=graph)
    coverage = ts.coverage.get("total", ts.coverage) if ts.coverage else None
    return TestsStage(ts.status, ts.detail, list(ts.findings), coverage=coverage)


# ---- after the stages ---------------------------------------------------------------------------------------


def finish(findings: list[Finding], project: Project, options: Options, profile: profiles.Profile,
           stages: dict[str, str]) -> tuple[list[Finding], dict[str, Any]]:
    """Every finding once through, in this order: dedupe; inline suppressions, on every finding found (so an ignore
    comment whose finding the profile then drops is not reported unused); the precision profile; select/ignore/
    per-file ignores; `.md` line and snippet; sort. Returns the findings and the report's profile section."""
    findings = _dedupe(findings)
    if options.suppress:
        directives = suppress.scan(project.root, project.files)
        outcome = suppress.apply(findings, directives, suppress.decidable_in(stages))
        findings = outcome.findings + [suppress.unused_finding(d) for d in outcome.unused]
    findings, described = profiles.judge(profile, findings, project.platform, options.today, project.root)
    selection = selection_of(options)
    findings = [f for f in findings if selection.allows(f)]
    findings = locate(findings, project)
    findings.sort(key=lambda f: (-f.severity.rank, f.file or "", f.line or 0, f.rule))
    return findings, described


def selection_of(options: Options) -> Selection:
    return Selection(options.select, options.ignore, options.per_file_ignores)


def locate(findings: list[Finding], project: Project) -> list[Finding]:
    """The one place where findings get their `.md` line and source line (unless their emitter set them)."""
    lines: dict[str, list[str]] = {}

    def source(file: str) -> list[str]:
        if file not in lines:
            try:
                lines[file] = (project.root / file).read_text(errors="replace").splitlines()
            except (OSError, ValueError):
                lines[file] = []
        return lines[file]

    out = []
    for f in findings:
        if f.file and f.line and f.line > 0:
            changes: dict[str, Any] = {}
            if f.md_line is None and f.file in project.md_starts:
                changes["md_line"] = project.md_starts[f.file] + f.line - 1
            if f.snippet is None and f.line <= len(source(f.file)):
                changes["snippet"] = source(f.file)[f.line - 1]
            if changes:
                f = f.with_(**changes)
        out.append(f)
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """The same problem seen by two stages (static SDK check and the program run) is reported once."""
    seen: dict[tuple, Finding] = {}
    for f in findings:
        key = (f.rule, f.file, f.line, f.resource, f.attribute, f.symbol if f.category is not Category.SDK_API else None)
        if f.category is Category.SDK_API and f.rule in ("SDK001", "SDK003"):
            key = (f.rule, f.file, f.line)
        if key not in seen:
            seen[key] = f
    return list(seen.values())


def _graph_summary(graph: ResourceGraph, coverage: dict[str, Any] | None = None) -> dict[str, Any]:
    by_type: dict[str, int] = {}
    for r in graph:
        by_type[r.type] = by_type.get(r.type, 0) + 1
    summary: dict[str, Any] = {
        "platform": graph.platform,
        "resources": len(graph),
        "mapped": sum(1 for r in graph if r.mapped),
        "by_type": dict(sorted(by_type.items())),
        "unchecked_types": graph.unchecked_types,
        "functions_with_code": sorted(graph.code),
        "outputs": graph.outputs,
        "config": graph.config_needs,
    }
    if coverage:
        summary["coverage"] = coverage
    return summary


__all__ = ["ALL_STAGES", "DEFAULT_STAGES", "Analysis", "InputError", "analyze", "finish", "locate", "run",
           "selection_of"]

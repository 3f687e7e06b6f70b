"""One task, stage by stage: ingest -> graph -> check -> lint -> security -> (emulate -> tests) -> result.

Each stage records its status and seconds and turns its own crash into a finding; a failing stage never stops
the task.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from iacqa.engine.run import run_rules
from iacqa.ingest.task import InputError, Project, load
from iacqa.model import Category, Finding, ResourceGraph, StageResult, TaskInfo, TaskResult
from iacqa.rules.context import RuleContext
from iacqa.rules.sandbox import InternalError

ALL_STAGES = ("ingest", "graph", "check", "lint", "security", "emulate", "tests")
DEFAULT_STAGES = ("ingest", "graph", "check", "lint", "security", "emulate", "tests")


def _frontend(platform: str) -> Any:
    if platform == "pulumi":
        from iacqa.frontends.pulumi_py.frontend import PulumiFrontend

        return PulumiFrontend()
    if platform == "tf":
        from iacqa.frontends.terraform.frontend import TerraformFrontend

        return TerraformFrontend()
    if platform == "cdktf":
        from iacqa.frontends.cdktf_py.frontend import CdktfFrontend

        return CdktfFrontend()
    if platform == "cfn":
        from iacqa.frontends.cloudformation.frontend import CloudFormationFrontend

        return CloudFormationFrontend()
    if platform == "cdk":
        from iacqa.frontends.cdk_py.frontend import CdkFrontend

        return CdkFrontend()
    return None


class _Run:
    def __init__(self, result: TaskResult) -> None:
        self.result = result

    def stage(self, name: str, fn: Callable[[], tuple[str, str] | None]) -> None:
        t0 = time.monotonic()
        try:
            out = fn()
            status, detail = out if out else ("ok", "")
        except Exception as exc:  # a crashing stage becomes a finding; the task goes on
            status, detail = "error", f"{type(exc).__name__}: {exc}"
            self.result.findings.append(InternalError.crash(f"stage {name}", exc, name))
        self.result.stages.append(StageResult(name, status, round(time.monotonic() - t0, 3), detail))


def analyze(path: str | Path, response: str | None = None, stages: tuple[str, ...] | None = None,
            options: dict[str, Any] | None = None, workdir: Path | None = None, keep: bool = False) -> TaskResult:
    """Analyze one task. Raises InputError only when the input itself is unusable."""
    options = dict(options or {})
    wanted = tuple(stages or DEFAULT_STAGES)
    t0 = time.monotonic()
    project = load(path, response, workdir)
    info = TaskInfo(path=str(Path(path)), platform=project.platform, language=project.language,
                    response=project.response, response_file=str(project.response_file) if project.response_file else None,
                    project_dir=str(project.root), files=list(project.files))
    result = TaskResult(task=info)
    result.stages.append(StageResult("ingest", "ok", round(time.monotonic() - t0, 3),
                                     f"{len(project.files)} files; " + "; ".join(project.notes[:3])))
    result.findings.extend(project.findings)
    run = _Run(result)
    graph = ResourceGraph(platform=project.platform)
    state: dict[str, Any] = {"graph": graph}
    try:
        run.stage("syntax", lambda: _syntax(project, result))
        if "graph" in wanted:
            run.stage("graph", lambda: _graph(project, options, result, state))
        graph = state["graph"]
        graph_stage = next((s for s in result.stages if s.name == "graph"), None)
        rule_options = {**options, "graph_status": graph_stage.status if graph_stage else None, "entry": project.entry}
        ctx = RuleContext(graph=graph, root=project.root, platform=project.platform, md_starts=project.md_starts,
                          options=rule_options)
        if "check" in wanted:
            run.stage("check", lambda: _check(ctx, options, result))
        if "lint" in wanted:
            run.stage("lint", lambda: _lint(project, graph, result))
        if "security" in wanted:
            run.stage("security", lambda: _security(ctx, result, options))
        if "emulate" in wanted:
            run.stage("emulate", lambda: _emulate(project, graph, options, result, state))
        if "tests" in wanted:
            run.stage("tests", lambda: _tests(project, graph, options, result, state))
        result.graph = _graph_summary(graph)
        if state.get("coverage"):
            result.graph["coverage"] = state["coverage"]
        result.findings = _dedupe(result.findings)
        result.findings.sort(key=lambda f: (-f.severity.rank, f.file or "", f.line or 0, f.rule))
    finally:
        if not keep:
            project.cleanup()
            if project.temporary:
                result.task.project_dir = None
    return result


def _syntax(project: Project, result: TaskResult) -> tuple[str, str]:
    """Every Python file must compile; the program run reports only the first failure it meets."""
    from iacqa.rules.program import PythonSyntaxError

    bad = 0
    for rel in project.files:
        if not rel.endswith(".py"):
            continue
        src = (project.root / rel).read_text(errors="replace")
        try:
            compile(src, rel, "exec", dont_inherit=True)
        except SyntaxError as exc:
            bad += 1
            md = project.md_starts.get(rel)
            result.findings.append(PythonSyntaxError.finding(
                None, f"{rel}:{exc.lineno} does not compile: {exc.msg}", location=None,
                error=f"{type(exc).__name__}: {exc.msg}", fix="fix the syntax error; the file cannot be imported",
                snippet=(exc.text or "").rstrip() or None,
            ).with_(file=rel, line=exc.lineno, md_line=md + exc.lineno - 1 if md and exc.lineno else None))
        except ValueError:
            continue
    return ("failed" if bad else "ok", f"{bad} file(s) do not compile" if bad else "all Python files compile")


def _graph(project: Project, options: dict, result: TaskResult, state: dict) -> tuple[str, str]:
    fe = _frontend(project.platform)
    if fe is None:
        return "unavailable", f"no front end for platform {project.platform or 'unknown'!r} yet"
    if project.platform == "pulumi":
        try:
            from iacqa.frontends.pulumi_py.static_check import check_sdk_usage
        except ImportError:
            check_sdk_usage = None
        if check_sdk_usage is not None:
            py = [f for f in project.files if f.endswith(".py") and not f.startswith("tests/")]
            result.findings.extend(_with_md(project, check_sdk_usage(project.root, py)))
    fr = fe.build(project, options)
    state["graph"] = fr.graph
    result.findings.extend(_with_md(project, fr.findings))
    return fr.status, fr.detail


def _check(ctx: RuleContext, options: dict, result: TaskResult) -> tuple[str, str]:
    found = run_rules(ctx, options.get("select"), options.get("ignore"))
    detail = f"{len(found)} findings from graph rules"
    if options.get("cfn_lint", True) and not _ignored("LIM003", options):
        from iacqa.linters import cfnlint_graph

        status, cl_detail, cl_found = cfnlint_graph.scan(ctx.graph)
        found += _with_md_ctx(ctx, cl_found)
        detail += f"; {cl_detail}"
    result.findings.extend(found)
    return "ok", detail


def _ignored(rule_id: str, options: dict) -> bool:
    sel, ign = options.get("select"), options.get("ignore")
    return bool(ign and any(rule_id.startswith(p) for p in ign)) or bool(sel and not any(rule_id.startswith(p) for p in sel))


def _with_md_ctx(ctx: RuleContext, findings: list[Finding]) -> list[Finding]:
    return [f.with_(md_line=ctx.md_line(f.file, f.line), snippet=ctx.snippet(f.file, f.line)) for f in findings]


def _lint(project: Project, graph: ResourceGraph, result: TaskResult) -> tuple[str, str]:
    try:
        from iacqa.linters.ruff import lint
    except ImportError:
        return "unavailable", "ruff adapter not installed"
    py = [f for f in project.files if f.endswith(".py")]
    found = _with_md(project, lint(project.root, py, graph))
    result.findings.extend(found)
    return "ok", f"{len(found)} lint findings"


def _security(ctx: RuleContext, result: TaskResult, options: dict) -> tuple[str, str]:
    # Own security rules run in the check stage; checkov is opt-in because its start-up alone (~3 s) is longer
    # than the rest of the analysis.
    if not options.get("checkov", False):
        return "skipped", "checkov not requested (--checkov); own security rules ran in the check stage"
    try:
        from iacqa.linters import checkov
    except ImportError:
        return "unavailable", "checkov adapter not installed"
    status, detail, found = checkov.scan(ctx.graph, ctx)
    result.findings.extend(found)
    return status, detail


def _emulate(project: Project, graph: ResourceGraph, options: dict, result: TaskResult,
             state: dict) -> tuple[str, str]:
    """Deploy the graph into the embedded emulator, run every handler on realistic events, follow the flow."""
    if not graph.code:
        return "skipped", "no Lambda code in the graph"
    try:
        from iacqa.emulate import run as emulate_run
    except ImportError as exc:
        return "unavailable", f"emulator not available ({exc}): pip install 'iacqa[emulate]'"
    em = emulate_run(graph, project.root, options, prompt=project.prompt)
    state["emulation"] = em
    result.findings.extend(_with_md(project, em.findings))
    result.flows.extend(em.flows)
    # The user's own directory is written only on request; a materialized copy gets outputs like the pipeline's.
    if em.outputs and (project.temporary or options.get("write_outputs")):
        out = project.root / "cfn-outputs" / "flat-outputs.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(em.outputs, indent=2))
    return em.status, em.detail


def _tests(project: Project, graph: ResourceGraph, options: dict, result: TaskResult, state: dict) -> tuple[str, str]:
    """Judge the project's tests, run the unit tests with coverage, the integration tests against the emulator."""
    try:
        from iacqa.testsuite import run as tests_run
    except ImportError as exc:
        return "unavailable", f"test stage not available ({exc})"
    opts = dict(options)
    opts.setdefault("write_coverage_summary", project.temporary or bool(options.get("write_outputs")))
    ts = tests_run(project, opts, emulation=state.get("emulation"), graph=graph)
    result.findings.extend(_with_md(project, ts.findings))
    if ts.coverage:
        result.graph.setdefault("coverage", ts.coverage.get("total", ts.coverage))
        state["coverage"] = ts.coverage.get("total", ts.coverage)
    return ts.status, ts.detail


def _with_md(project: Project, findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        if f.md_line is None and f.file in project.md_starts and f.line:
            f = f.with_(md_line=project.md_starts[f.file] + f.line - 1)
        if f.snippet is None and f.file and f.line:
            try:
                lines = (project.root / f.file).read_text(errors="replace").splitlines()
                if 0 < f.line <= len(lines):
                    f = f.with_(snippet=lines[f.line - 1])
            except OSError:
                pass
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


def _graph_summary(graph: ResourceGraph) -> dict[str, Any]:
    by_type: dict[str, int] = {}
    for r in graph:
        by_type[r.type] = by_type.get(r.type, 0) + 1
    return {
        "platform": graph.platform,
        "resources": len(graph),
        "mapped": sum(1 for r in graph if r.mapped),
        "by_type": dict(sorted(by_type.items())),
        "unchecked_types": graph.unchecked_types,
        "functions_with_code": sorted(graph.code),
        "outputs": graph.outputs,
        "config": graph.config_needs,
    }


__all__ = ["ALL_STAGES", "DEFAULT_STAGES", "InputError", "analyze"]

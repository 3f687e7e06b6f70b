"""The terminal summary: verdict, stages, findings grouped by severity, flows."""

from __future__ import annotations

from iacqa.model import Severity, TaskResult

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}
_RESET = "\033[0m"


def to_text(result: TaskResult, color: bool = False) -> str:
    def c(sev: str, s: str) -> str:
        return f"{_COLORS[sev]}{s}{_RESET}" if color else s

    t = result.task
    lines = [f"iacqa: {t.path}  [{t.platform or '?'}-{t.language or '?'}, response: {t.response}]"]
    if result.deployable:
        lines.append("verdict: DEPLOYABLE (no critical finding blocks synth, deploy or run)")
    else:
        lines.append(f"verdict: NOT DEPLOYABLE ({len(result.blockers)} blocking finding(s))")
    lines.append("stages:  " + "  ".join(f"{s.name}={s.status}({s.seconds:.2f}s)" for s in result.stages))
    for s in result.stages:
        if s.status not in ("ok",) and s.detail:
            lines.append(f"  {s.name}: {s.detail}")
    g = result.graph or {}
    if g:
        lines.append(f"graph:   {g.get('resources', 0)} resources, {g.get('mapped', 0)} mapped"
                     + (f", unchecked types: {', '.join(sorted(g.get('unchecked_types') or {}))[:200]}"
                        if g.get("unchecked_types") else ""))
    for sev in Severity:
        group = [f for f in result.active_findings if f.severity is sev]
        if not group:
            continue
        lines.append("")
        lines.append(c(sev.value, f"{sev.value.upper()} ({len(group)})"))
        for f in group:
            where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "<project>")
            md = f" (md:{f.md_line})" if f.md_line else ""
            subject = f" {f.resource}.{f.attribute}" if f.resource and f.attribute else (f" {f.resource}" if f.resource else "")
            lines.append(f"  {where}{md} [{f.rule}] {f.category.value}{subject}: {f.message}")
            if f.error:
                lines.append(f"      error: {f.error}")
            if f.fix:
                lines.append(f"      fix:   {f.fix}")
            if f.revealed_by:
                lines.append(f"      revealed once {f.revealed_by} is fixed")
    if result.flows:
        lines.append("")
        lines.append("FLOWS")
        for flow in result.flows:
            lines.append(f"  {flow.get('name', 'flow')}:")
            for hop in flow.get("hops", []):
                lines.append(f"    {hop.get('source', '?')} -> {hop.get('target', '?')}: {hop.get('outcome', '')}")
    counts = result.count_by_severity()
    lines.append("")
    lines.append("total: " + ", ".join(f"{counts[s.value]} {s.value}" for s in Severity)
                 + f"  | by category: {', '.join(f'{k}={v}' for k, v in result.count_by_category().items())}")
    return "\n".join(lines) + "\n"

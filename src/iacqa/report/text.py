"""The terminal summary: verdict, stages, findings grouped by severity, flows, counts. No tracebacks."""

from __future__ import annotations

from typing import Any

from iacqa.model import Finding, Severity, TaskResult
from iacqa.report import requirements as requirements_report
from iacqa.report.json_report import sorted_findings

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m",
           "ok": "\033[32m", "bad": "\033[1;31m", "dim": "\033[2m"}
_RESET = "\033[0m"
_MAX_LINE = 400  # one message or error line at most this long in the terminal


def _one_line(text: str, limit: int = _MAX_LINE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short_error(error: str) -> str:
    """The answer without a traceback: the last meaningful line of a Python traceback, else the text itself."""
    lines = [ln.rstrip() for ln in error.strip().splitlines() if ln.strip()]
    if any(ln.startswith("Traceback (most recent call last)") for ln in lines):
        tail = [ln for ln in lines if not ln.startswith((" ", "\t", "Traceback", "During handling", "The above"))]
        return tail[-1].strip() if tail else lines[-1].strip()
    return "\n".join(lines)


def _where(f: Finding) -> str:
    if not f.file:
        return "<project>"
    return f"{f.file}:{f.line}" if f.line else f.file


def _hop_line(hop: dict[str, Any]) -> str:
    """One emulator run: `[hop] trigger -> function: status (calls) <- cause`."""
    indent = "  " + "  " * int(hop.get("depth") or 0)
    res = hop.get("result")
    code = f" {res.get('statusCode')}" if isinstance(res, dict) and "statusCode" in res else ""
    calls = hop.get("calls") or []
    line = (f"{indent}[{hop.get('hop', '?')}] {hop.get('trigger', '?')} -> {hop.get('function', '?')}: "
            f"{hop.get('status', '?')}{code}")
    if calls:
        line += f"; calls {', '.join(_one_line(str(c), 90) for c in calls[:4])}" + (" ..." if len(calls) > 4 else "")
    errors = [a.get("error") for a in hop.get("attempts") or [] if isinstance(a, dict) and a.get("error")]
    if errors:
        line += f" ({_one_line(short_error(str(errors[-1])), 160)})"
    return line


def _flow_lines(flow: Any, n: int) -> list[str]:
    if isinstance(flow, list):
        flow = {"hops": flow}
    if not isinstance(flow, dict):
        return [f"  {_one_line(str(flow))}"]
    if "function" in flow and "hops" not in flow:
        return [_hop_line(flow)]
    name = flow.get("name") or flow.get("event") or flow.get("entry") or f"flow {n}"
    status = flow.get("outcome") or flow.get("status")
    out = [f"  {name}" + (f" ({status})" if status else "") + ":"]
    hops = flow.get("hops") or flow.get("steps") or []
    for hop in hops:
        if isinstance(hop, dict):
            outcome = hop.get("outcome") or hop.get("status") or ""
            detail = hop.get("detail") or hop.get("error")
            line = f"    {hop.get('source', '?')} -> {hop.get('target', '?')}: {outcome}"
            if detail:
                line += f" ({_one_line(short_error(str(detail)), 200)})"
            out.append(line)
        else:
            out.append(f"    {_one_line(str(hop), 200)}")
    if not hops:
        out.append("    (no hops recorded)")
    return out


def to_text(result: TaskResult, color: bool = False) -> str:
    def c(key: str, s: str) -> str:
        return f"{_COLORS[key]}{s}{_RESET}" if color else s

    t = result.task
    platform = "-".join(x for x in (t.platform, t.language) if x) or "unknown platform"
    if result.error:
        verdict = c("bad", "INPUT UNUSABLE")
    elif result.deployable:
        verdict = c("ok", "DEPLOYABLE")
    else:
        n = len(result.blockers)
        verdict = c("bad", f"NOT DEPLOYABLE ({n} blocker{'s' if n != 1 else ''})")
    lines = [f"iacqa {t.path} [{platform}] response: {t.response} -> {verdict}"]
    if result.error:
        lines.append(f"  error: {_one_line(short_error(result.error))}")
    prof = getattr(result, "profile", None) or {}
    if prof.get("name"):
        left = ", ".join(f"{k} x{v}" for k, v in (prof.get("left_out") or {}).items())
        lines.append(f"profile: {prof['name']} ({prof.get('reason', '')})" + (f"; not reported under it: {left}"
                                                                             if left else ""))
    if getattr(result, "isolation", "") == "process" and result.stages:
        lines.append(c("bad", "warning: no namespaces here (bubblewrap missing or blocked): foreign code ran under "
                       "the process-level fallback (weaker); install bubblewrap, or use --isolation strict"))
    if result.stages:
        lines.append("stages: " + ", ".join(f"{s.name} {s.status} {float(s.seconds or 0):.2f}s" for s in result.stages))
        for s in result.stages:
            if s.status != "ok" and s.detail:
                lines.append(c("dim", f"  {s.name}: {_one_line(short_error(s.detail), 200)}"))
    g = result.graph or {}
    if g.get("resources") is not None:
        unchecked = g.get("unchecked_types") or []
        line = f"graph: {g.get('resources', 0)} resources, {g.get('mapped', 0)} mapped"
        if unchecked:
            names = sorted(unchecked) if not isinstance(unchecked, str) else [unchecked]
            line += f", {len(names)} unchecked type(s): " + _one_line(", ".join(map(str, names)), 160)
        lines.append(line)
    req = requirements_report.coverage_line(result)  # the shortfalls themselves are REQ002/REQ003 findings below
    if req:
        lines.append(req)

    active = sorted_findings(result.active_findings)
    for sev in Severity:
        group = [f for f in active if f.severity is sev]
        if not group:
            continue
        lines += ["", c(sev.value, f"{sev.value.upper()} ({len(group)})")]
        for same in _same(group):
            f = same[0]
            md = f" (md line {f.md_line})" if f.md_line and len(same) == 1 else ""
            where = _where(f) if len(same) == 1 else f"{f.file}:" + ",".join(str(x.line) for x in same)
            block = " BLOCKER" if f.blocking else ""
            times = f" ({len(same)}x)" if len(same) > 1 else ""
            lines.append(f"  {where}{md} [{f.rule}] {f.category.value}: {_one_line(f.message)}{times}{block}")
            if f.error:
                err = short_error(f.error).splitlines()
                lines.append(f"      error: {_one_line(err[0]) if err else ''}")
                lines += [f"             {_one_line(x)}" for x in err[1:4]]
                if len(err) > 4:
                    lines.append(f"             ... ({len(err) - 4} more lines)")
            if f.fix:
                lines.append(f"      fix:   {_one_line(f.fix)}")
            if f.revealed_by:
                lines.append(f"      (shows once {_revealer(result, f.revealed_by)} is fixed)")

    if result.flows:
        lines += ["", "FLOWS"]
        for n, flow in enumerate(result.flows, 1):
            lines += _flow_lines(flow, n)

    counts = result.count_by_severity()
    lines.append("")
    total = sum(counts.values())
    summary = f"{total} finding{'s' if total != 1 else ''}: " + ", ".join(f"{counts[s.value]} {s.value}" for s in Severity)
    suppressed = sum(1 for f in result.findings if f.suppressed)
    if suppressed:
        summary += f" ({suppressed} suppressed)"
    lines.append(summary)
    by_cat = result.count_by_category()
    if by_cat:
        lines.append("by category: " + ", ".join(f"{k} {v}" for k, v in by_cat.items()))
    return "\n".join(lines) + "\n"


def _same(findings: list[Finding]) -> list[list[Finding]]:
    """Findings that differ only by line (13 f-string logging calls in one file) are one line of the summary."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        if not f.file or not f.line or f.revealed_by:
            key: tuple = (id(f),)
        else:
            key = (f.rule, f.file, " ".join(f.message.split()), f.error, f.fix, f.blocking)
        groups.setdefault(key, []).append(f)
    return list(groups.values())


def _revealer(result: TaskResult, fingerprint: str) -> str:
    for f in result.findings:
        if f.fingerprint == fingerprint:
            return f"[{f.rule}] at {_where(f)}"
    return fingerprint

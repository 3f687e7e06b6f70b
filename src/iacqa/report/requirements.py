"""The requirements checklist in the reports: coverage (met / checkable), what falls short, what cannot be checked.

Pure functions of `TaskResult.requirements` (one dict per atomic requirement: id, text, line, strength, status,
concept, evidence, reason, resource, attribute, duplicate_of) and `TaskResult.requirements_coverage`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from iacqa.model import TaskResult

_SHORT = {"met": "met", "partly met": "partly", "not met": "NOT MET", "not checkable": "n/c"}


def items(result: TaskResult) -> list[dict[str, Any]]:
    return [r for r in (getattr(result, "requirements", None) or []) if isinstance(r, dict)]


def coverage_of(result: TaskResult) -> dict[str, Any]:
    """Counts per status over the distinct requirements (repeats of the same ask counted once)."""
    cov = getattr(result, "requirements_coverage", None)
    if isinstance(cov, dict) and cov:
        return cov
    distinct = [r for r in items(result) if not r.get("duplicate_of")]
    counts = Counter(r.get("status") for r in distinct)
    checkable = counts["met"] + counts["partly met"] + counts["not met"]
    return {"requirements": len(distinct), "met": counts["met"], "partly_met": counts["partly met"],
            "not_met": counts["not met"], "not_checkable": counts["not checkable"], "checkable": checkable,
            "coverage": round(counts["met"] / checkable, 3) if checkable else None}


def coverage_line(result: TaskResult) -> str | None:
    """`requirements: 18/22 checkable met (82%), 1 partly met, 3 not met, 40 not checkable`, or None."""
    if not items(result):
        return None
    cov = coverage_of(result)
    pct = f" ({cov['coverage'] * 100:.0f}%)" if cov.get("coverage") is not None else ""
    return (f"requirements: {cov['met']}/{cov['checkable']} checkable met{pct}, {cov['partly_met']} partly met, "
            f"{cov['not_met']} not met, {cov['not_checkable']} not checkable")


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shortfalls(result: TaskResult) -> list[dict[str, Any]]:
    order = {"not met": 0, "partly met": 1}
    rows = [r for r in items(result) if r.get("status") in order and not r.get("duplicate_of")]
    return sorted(rows, key=lambda r: (order[r["status"]], r.get("line") or 0))


def text_lines(result: TaskResult, color: Callable[[str, str], str] = lambda _k, s: s) -> list[str]:
    """The terminal section: the coverage line, then each requirement not met or partly met."""
    line = coverage_line(result)
    if line is None:
        return []
    out = ["", color("dim", "Requirements from the prompt") + f" - {line}"]
    for r in _shortfalls(result):
        key = "high" if r["status"] == "not met" else "medium"
        where = f" -> {r['resource']}" + (f".{r['attribute']}" if r.get("attribute") else "") if r.get("resource") else ""
        out.append(f"  {color(key, _SHORT[r['status']]):>9}  L{r.get('line')}  {_short(r.get('text', ''))}"
                   f"  [{r.get('concept')}]{where}")
        if r.get("evidence"):
            out.append(f"             {_short('; '.join(r['evidence']), 160)}")
    return out


def markdown_lines(result: TaskResult) -> list[str]:
    """A `## Requirements from the prompt` section for MODEL_FAILURES.md."""
    if not items(result):
        return []
    cov = coverage_of(result)
    out = ["## Requirements from the prompt", "",
           f"Coverage: **{cov['met']} of {cov['checkable']}** checkable requirements met"
           + (f" ({cov['coverage'] * 100:.0f}%)" if cov.get("coverage") is not None else "")
           + f"; {cov['partly_met']} partly met, {cov['not_met']} not met; {cov['not_checkable']} not checkable "
           "offline.", ""]
    rows = _shortfalls(result)
    if rows:
        out += ["| Prompt line | Requirement | Status | Evidence |", "|---|---|---|---|"]
        for r in rows:
            ev = "; ".join(r.get("evidence") or [])
            if r.get("resource"):
                ev = f"`{r['resource']}`" + (f" `{r['attribute']}`" if r.get("attribute") else "") + (
                    f": {ev}" if ev else "")
            out.append(f"| {r.get('line')} | {_cell(r.get('text', ''))} | {r['status']} | {_cell(ev)} |")
        out.append("")
    reasons = Counter(r.get("reason") or "" for r in items(result)
                      if r.get("status") == "not checkable" and not r.get("duplicate_of"))
    if reasons:
        out.append("Not checkable offline:")
        out += [f"- {n} x {reason}" for reason, n in reasons.most_common(6) if reason]
        out.append("")
    return out


def _cell(text: str) -> str:
    return _short(text, 160).replace("|", "\\|")


def compare_side(result: TaskResult) -> dict[str, Any]:
    """What `iacqa compare` keeps of one side's checklist."""
    return {"coverage": coverage_of(result) if items(result) else None,
            "statuses": {f"L{r.get('line')} {r.get('concept')}": r.get("status") for r in items(result)
                         if r.get("concept") and not r.get("duplicate_of")}}


def compare_lines(model: dict[str, Any] | None, ideal: dict[str, Any] | None) -> list[str]:
    """`requirements: model 12/20 met (60%) | ideal 18/20 met (90%)` and the asks only the ideal meets."""
    if not model or not ideal or not (model.get("coverage") or ideal.get("coverage")):
        return []

    def fmt(cov: dict[str, Any] | None) -> str:
        if not cov:
            return "n/a"
        pct = f" ({cov['coverage'] * 100:.0f}%)" if cov.get("coverage") is not None else ""
        return f"{cov['met']}/{cov['checkable']} met{pct}"

    out = [f"requirements: model {fmt(model.get('coverage'))} | ideal {fmt(ideal.get('coverage'))}"]
    ideal_st, model_st = ideal.get("statuses") or {}, model.get("statuses") or {}
    gaps = sorted((k for k, st in ideal_st.items() if st == "met" and model_st.get(k) in ("not met", "partly met")),
                  key=lambda k: (int(k.split()[0][1:]) if k.split()[0][1:].isdigit() else 0, k))
    for key in gaps[:12]:
        out.append(f"  met by the ideal, {model_st[key]} in the model: {key}")
    return out

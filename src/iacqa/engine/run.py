"""Run the graph rules: only the selected ones, a crashing rule becomes a finding, the run goes on."""

from __future__ import annotations

from collections.abc import Iterable

from iacqa.catalog.internal import InternalError
from iacqa.engine.selection import Selection
from iacqa.model import Finding
from iacqa.rules.context import RuleContext
from iacqa.rules.registry import graph_rules


def run_rules(ctx: RuleContext, select: Iterable[str] | Selection | None = None,
              ignore: Iterable[str] | None = None) -> list[Finding]:
    """Every selected graph rule over `ctx`. `select` is a Selection, or select/ignore selector lists.

    Findings that judge a resource by inputs the program never resolved (it ended first) are dropped here, once
    for every rule: `RuleContext.on_unknown_inputs`."""
    selection = select if isinstance(select, Selection) else Selection(select, ignore)
    findings: list[Finding] = []
    for cls in graph_rules():
        if not selection.selects(cls.id, cls.category):
            continue
        try:
            findings.extend(f for f in cls().check(ctx) if not ctx.on_unknown_inputs(f))
        except Exception as exc:  # a broken rule must not stop the task
            findings.append(InternalError.crash(f"rule {cls.id}", exc, "check"))
    return findings

"""Run the graph rules: select/ignore, a crashing rule becomes a finding, the run goes on."""

from __future__ import annotations

from collections.abc import Iterable

from iacqa.model import Finding
from iacqa.rules.context import RuleContext
from iacqa.rules.registry import graph_rules
from iacqa.rules.sandbox import InternalError


def _selected(rule_id: str, select: Iterable[str] | None, ignore: Iterable[str] | None) -> bool:
    if ignore and any(rule_id.startswith(p) for p in ignore):
        return False
    return not select or any(rule_id.startswith(p) for p in select)


def run_rules(ctx: RuleContext, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for cls in graph_rules():
        if not _selected(cls.id, select, ignore):
            continue
        try:
            findings.extend(cls().check(ctx))
        except Exception as exc:  # a broken rule must not stop the task
            findings.append(InternalError.crash(f"rule {cls.id}", exc, "check"))
    return findings

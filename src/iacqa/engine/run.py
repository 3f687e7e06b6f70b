"""Run the graph rules: select/ignore, a crashing rule becomes a finding, the run goes on."""

from __future__ import annotations

import traceback
from collections.abc import Iterable

from iacqa.model import Category, Finding, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.registry import graph_rules


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
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            findings.append(
                Finding(
                    rule="IQA001",
                    category=Category.DOCS,
                    severity=Severity.LOW,
                    title="internal rule error",
                    message=f"rule {cls.id} crashed: {type(exc).__name__}: {exc} ({tb.filename}:{tb.lineno}); "
                    "its checks were skipped for this task",
                    stage="check",
                )
            )
    return findings

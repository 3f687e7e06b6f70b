"""The graph-rule contract: a small stateless class per check, run by the engine over the resource graph.

A graph rule is a catalog entry (catalog/base.py: `id`, `category`, `severity`, `title` as class attributes and a
docstring with the sections What it finds / Why it breaks / Bad / Good / What AWS says / References) that also
implements `check(ctx)`. Defining it registers its id in the catalog, next to the ids other stages emit, so
`iacqa rules`, docs/rules.md and SARIF read one registry. Ids emitted by front ends, linters, the emulator or the
tests stage are not rules: they are catalog entries only (iacqa.catalog).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar

from iacqa.catalog.base import DOC_SECTIONS, Entry
from iacqa.model import Finding, Resource

if TYPE_CHECKING:
    from iacqa.rules.context import RuleContext

__all__ = ["DOC_SECTIONS", "Rule"]


class Rule(Entry):
    # The engine's check stage runs every graph rule.
    stage: ClassVar[str] = "check"
    # CloudFormation types the rule looks at; empty means the rule reads the whole graph.
    resource_types: ClassVar[tuple[str, ...]] = ()

    def check(self, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover - interface
        return ()

    # -- helpers for subclasses ---------------------------------------------------------------------------------
    def resources(self, ctx: RuleContext) -> Iterator[Resource]:
        if not self.resource_types:
            yield from ctx.graph
        else:
            yield from ctx.graph.of_type(*self.resource_types)

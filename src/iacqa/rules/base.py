"""The rule contract: a small stateless class per check.

A rule has `id`, `category`, `severity` and `title` as class attributes and a docstring with the sections
What it finds / Why it breaks / Bad / Good / What AWS says / References. Rules that the engine runs over the graph
implement `check`; ids that other stages emit (ingest, front ends, linters, emulator) are registered as rules too,
with `stage` naming the emitter, so every finding id has documentation and SARIF metadata.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from iacqa.model import Category, Finding, Location, Resource, Severity

if TYPE_CHECKING:
    from iacqa.rules.context import RuleContext

DOC_SECTIONS = ("What it finds", "Why it breaks", "Bad", "Good", "What AWS says", "References")


class Rule:
    id: ClassVar[str] = ""
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    title: ClassVar[str] = ""
    # The pipeline stage that emits this id: "check" rules run over the graph in the engine.
    stage: ClassVar[str] = "check"
    # CloudFormation types the rule looks at; empty means the rule reads the whole graph.
    resource_types: ClassVar[tuple[str, ...]] = ()
    docs_url: ClassVar[str | None] = None

    def check(self, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover - interface
        return ()

    # -- helpers for subclasses ---------------------------------------------------------------------------------
    def resources(self, ctx: RuleContext) -> Iterator[Resource]:
        if not self.resource_types:
            yield from ctx.graph
        else:
            yield from ctx.graph.of_type(*self.resource_types)

    @classmethod
    def finding(
        cls,
        ctx: RuleContext | None,
        message: str,
        *,
        resource: Resource | None = None,
        attribute: str | None = None,
        location: Location | None = None,
        error: str | None = None,
        fix: str | None = None,
        severity: Severity | None = None,
        symbol: str | None = None,
        title: str | None = None,
        snippet: str | None = None,
        **extra: Any,
    ) -> Finding:
        """Build a finding for this rule.

        `attribute` is a CloudFormation property path; it is reported under the user's native name and located at
        the line where the user wrote it."""
        loc = location
        native_attr = None
        if resource is not None:
            native_attr = resource.native_name(attribute) if attribute else None
            if loc is None:
                loc = resource.location_of(attribute)
        loc = loc or Location()
        md_line = loc.md_line
        if ctx is not None:
            md_line = md_line or ctx.md_line(loc.file, loc.line)
            if snippet is None:
                snippet = ctx.snippet(loc.file, loc.line)
        return Finding(
            rule=cls.id,
            category=cls.category,
            severity=severity or cls.severity,
            title=title or cls.title,
            message=message,
            file=loc.file,
            line=loc.line,
            md_line=md_line,
            resource_type=resource.native_type if resource is not None else None,
            resource=resource.id if resource is not None else None,
            attribute=native_attr,
            symbol=symbol,
            error=error,
            fix=fix,
            docs=cls.docs_url,
            snippet=snippet,
            stage=cls.stage,
            extra=extra,
        )

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary_line(cls) -> str:
        doc = cls.documentation()
        return doc.splitlines()[0] if doc else cls.title

"""A catalog entry: one finding id, its metadata and its documentation, and `finding()` to emit it.

An entry is a small class: `id`, `category`, `severity`, `title` and `stage` as class attributes, and a docstring
with the fixed sections What it finds / Why it breaks / Bad / Good / What AWS says / References (the docstring is
the documentation: `iacqa rule ID`, docs/rules.md and SARIF print it). `emitters` names the modules that emit the
id, so the docs can link every id to its code; graph rules (rules/, which subclass `Entry` through `rules.base.Rule`)
are emitted by their own module.

Defining a subclass with an `id` registers it (catalog/registry.py); a second class with the same id is an error.
"""

from __future__ import annotations

import inspect
import re
from typing import Any, ClassVar

from iacqa.model import Category, Finding, Location, Resource, Severity

DOC_SECTIONS = ("What it finds", "Why it breaks", "Bad", "Good", "What AWS says", "References")
# The pipeline stages that emit findings ("check" is the engine running graph rules; "engine" is iacqa itself).
STAGES = ("ingest", "frontend", "check", "lint", "security", "emulate", "tests", "engine")


class DuplicateId(RuntimeError):
    """Two entries claim the same finding id."""


_REGISTRY: dict[str, type[Entry]] = {}


class Entry:
    id: ClassVar[str] = ""
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    title: ClassVar[str] = ""
    stage: ClassVar[str] = ""
    # Dotted module names of the code that emits this id (graph rules: their own module, filled in automatically).
    emitters: ClassVar[tuple[str, ...]] = ()
    # General advice; a finding's own `fix` (which names the resource and the value) takes precedence.
    fix: ClassVar[str | None] = None
    docs_url: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "id" in cls.__dict__ and cls.id:
            _register(cls)

    @classmethod
    def finding(
        cls,
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
        """A finding of this id.

        `attribute` is a CloudFormation property path; it is reported under the user's native name and located at
        the line where the user wrote it. The line in the response .md and the source snippet are attached by the
        pipeline, which knows the project; a `location` that already carries `md_line` keeps it."""
        loc = location
        native_attr = None
        if resource is not None:
            native_attr = resource.native_name(attribute) if attribute else None
            if loc is None:
                loc = resource.location_of(attribute)
        loc = loc or Location()
        return Finding(
            rule=cls.id,
            category=cls.category,
            severity=severity or cls.severity,
            title=title or cls.title,
            message=message,
            file=loc.file,
            line=loc.line,
            md_line=loc.md_line,
            resource_type=resource.native_type if resource is not None else None,
            resource=resource.id if resource is not None else None,
            attribute=native_attr,
            symbol=symbol,
            error=error,
            fix=fix or cls.fix,
            docs=cls.docs_url,
            snippet=snippet,
            stage=cls.stage,
            extra=extra,
        )

    @classmethod
    def documentation(cls) -> str:
        """The docstring, dedented (inherited from the entry a graph rule implements, if it has none)."""
        return inspect.getdoc(cls) or ""

    @classmethod
    def summary_line(cls) -> str:
        doc = cls.documentation()
        return doc.splitlines()[0] if doc else cls.title

    @classmethod
    def section(cls, name: str) -> str:
        """The text of one documentation section (`Good`, `What AWS says`...), joined onto one line."""
        doc = cls.documentation()
        names = "|".join(re.escape(s) for s in DOC_SECTIONS)
        m = re.search(rf"(?:^|\n|\. ){re.escape(name)}:\s*(.*?)(?=(?:\n|\. )(?:{names}):|\Z)", doc, re.S)
        return " ".join(m.group(1).split()) if m else ""

    @classmethod
    def fix_text(cls) -> str:
        """The general fix: the `fix` attribute, else the documentation's Good section."""
        return cls.fix or cls.section("Good")

    @classmethod
    def emitted_by(cls) -> tuple[str, ...]:
        """The modules that emit this id."""
        return cls.emitters or (cls.__module__,)


def _register(cls: type[Entry]) -> None:
    old = _REGISTRY.get(cls.id)
    # The same class defined again (a module imported twice, e.g. reloaded) replaces itself.
    if old is not None and (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
        raise DuplicateId(f"finding id {cls.id} is defined by {old.__module__}.{old.__qualname__} and "
                          f"{cls.__module__}.{cls.__qualname__}")
    _REGISTRY[cls.id] = cls


def registered() -> dict[str, type[Entry]]:
    """What has been registered so far (registry.py loads the catalog modules first)."""
    return dict(_REGISTRY)

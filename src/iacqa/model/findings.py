"""Findings, severities and the failure taxonomy (shared/FAILURE_TAXONOMY.md).

The category values are a public contract: extend, never rename.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Any


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls(text.strip().lower())


_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class Category(str, Enum):
    SYNTAX = "syntax"
    SDK_API = "sdk-api"
    AWS_LIMIT = "aws-limit"
    AWS_QUOTA = "aws-quota"
    WIRING = "wiring"
    IAM_MISSING = "iam-missing"
    IAM_BROAD = "iam-broad"
    RUNTIME_ERROR = "runtime-error"
    PACKAGING = "packaging"
    SECURITY = "security"
    HYGIENE = "hygiene"
    LINT = "lint"
    TESTS_MISSING = "tests-missing"
    TESTS_BROKEN = "tests-broken"
    TESTS_COVERAGE = "tests-coverage"
    TESTS_INTEGRATION = "tests-integration"
    REQUIREMENT = "requirement"
    DOCS = "docs"
    # iacqa's own failure (IQA001: a crashed rule or stage). Not a judgement of the project, so it is in no
    # taxonomy family and never blocks; before it existed IQA001 was filed under `docs`, which it is not.
    INTERNAL = "internal"


# A critical finding in one of these makes the task not deployable (issue 2, reports).
BLOCKING_CATEGORIES = frozenset(
    {
        Category.SYNTAX,
        Category.SDK_API,
        Category.AWS_LIMIT,
        Category.AWS_QUOTA,
        Category.WIRING,
        Category.IAM_MISSING,
        Category.RUNTIME_ERROR,
        Category.PACKAGING,
    }
)


@dataclass(frozen=True)
class Location:
    """A place in a project file (path relative to the project root, 1-based line)."""

    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    md_line: int | None = None  # the same place in the response .md, when there is one

    def __str__(self) -> str:
        if not self.file:
            return "<project>"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Finding:
    """One problem. Frozen: formatters are pure functions of findings."""

    rule: str
    category: Category
    severity: Severity
    title: str
    message: str
    file: str | None = None
    line: int | None = None
    md_line: int | None = None
    resource_type: str | None = None  # native type, as the user wrote it
    resource: str | None = None  # resource name / logical id
    attribute: str | None = None  # native attribute name
    symbol: str | None = None  # SDK symbol, for sdk-api findings
    error: str | None = None  # what AWS or the SDK would answer
    fix: str | None = None
    docs: str | None = None
    snippet: str | None = None  # offending source lines, for the markdown report
    stage: str | None = None  # which pipeline stage produced it
    revealed_by: str | None = None  # fingerprint of the finding whose fix revealed this one
    suppressed: str | None = None  # reason, when a suppression matched
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.CRITICAL and self.category in BLOCKING_CATEGORIES

    @property
    def fingerprint(self) -> str:
        """Stable id across runs: rule, place and subject, not the message text."""
        key = "|".join(
            str(x) for x in (self.rule, self.file, self.line, self.resource, self.attribute, self.symbol)
        )
        return hashlib.sha1(key.encode()).hexdigest()[:16]

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["category"] = self.category.value
        d["severity"] = self.severity.value
        d["fingerprint"] = self.fingerprint
        return d

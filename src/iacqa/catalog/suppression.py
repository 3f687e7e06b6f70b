"""Ids emitted by inline suppressions (engine/suppress.py): an ignore comment that suppresses nothing."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class UnusedSuppression(Entry):
    """An `# iacqa: ignore[...]` comment that suppresses nothing.

    What it finds: an inline ignore comment with no finding of the ids it names on its line (or, for a comment
    alone on its line, on the line under it), or one that names no iacqa id at all. Like ruff's RUF100
    (unused `noqa`). It is reported only when the stages that could emit the named ids ran to the end, so
    `--stages ingest,graph` does not make an `ignore[LNT]` look unused.
    Why it breaks: nothing fails to deploy; a stale ignore comment hides the next real finding on that line and
    tells readers the code has a problem it no longer has.
    Bad: `timeout=30,  # iacqa: ignore[LIM001] AWS allows 900 s` where the value is valid (or the id is misspelt).
    Good: delete the comment, or name the id the finding on that line has (`iacqa analyze --no-suppress` shows it).
    What AWS says: nothing; this is about the report, not the deployment.
    References: https://docs.astral.sh/ruff/rules/unused-noqa/
    """

    id = "HYG100"
    category = Category.HYGIENE
    severity = Severity.LOW
    title = "ignore comment suppresses nothing"
    stage = "engine"
    emitters = ("iacqa.engine.suppress",)
    fix = "remove the comment, or correct the ids it names"

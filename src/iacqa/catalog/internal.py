"""iacqa's own failure: a crashed rule or stage becomes a finding and the task goes on (engine/, pipeline)."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Finding, Severity


class InternalError(Entry):
    """iacqa itself failed on part of the task.

    What it finds: a crash inside one of iacqa's own rules or stages.
    Why it breaks: nothing in the user's code; the affected checks were skipped for this task.
    Bad: n/a. Good: n/a.
    What AWS says: n/a.
    References: please report it with the task.
    """

    id = "IQA001"
    category = Category.INTERNAL
    severity = Severity.LOW
    title = "internal error in iacqa"
    emitters = ("iacqa.engine.run", "iacqa.pipeline")
    stage = "engine"

    @classmethod
    def crash(cls, what: str, exc: BaseException, stage: str) -> Finding:
        """The finding that stands for a crashed rule or stage, with where in iacqa it crashed."""
        import traceback
        from pathlib import Path

        tb = traceback.extract_tb(exc.__traceback__)[-1]
        return cls.finding(f"{what} crashed: {type(exc).__name__}: {exc} ({Path(tb.filename).name}:"
                           f"{tb.lineno}); its checks were skipped for this task").with_(stage=stage)

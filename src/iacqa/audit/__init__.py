"""Grading the graders: a task's written failure analysis (lib/MODEL_FAILURES.md) split into claims, each checked
against MODEL_RESPONSE.md and IDEAL_RESPONSE.md and against iacqa's own findings, plus the blockers iacqa found
that the analysis does not mention. Works on iacqa's JSON report (a dict), so a batch results file can be audited
without analyzing again.

Modules: claims (the split), verify (status and confirmation of one claim), review (the audit of a task, JSON
and markdown)."""

from iacqa.audit.review import STATUSES, audit, counts, to_markdown

__all__ = ["STATUSES", "audit", "counts", "to_markdown"]

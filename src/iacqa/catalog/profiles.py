"""Ids emitted by the precision profiles (iacqa.profiles): a gate of the profile's pipeline that fails."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class LintGate(Entry):
    """The profile's lint gate fails (TAP: `pipenv run lint`, pylint over tap.py and lib/).

    What it finds: under a profile with a lint gate (`--profile tap`), the lint messages in the gated files that the
    gate's own linter also prints (ruff codes mapped to their pylint twins: G004=W1203, E501=C0301, A001=W0622,
    ...), summed over the project, as one finding naming each code with its count and files.
    Why it breaks: pylint exits non-zero when the score is below `--fail-under` (10 by default), so one message
    fails the pipeline's lint step. Each message is still reported on its line, at low or medium severity, grouped
    per code and file; this finding is the one that says the gate fails. Under `--profile aws` there is no gate.
    Bad: `logger.info(f"processing {event_id}")` in lib/lambda/handler.py (W1203).
    Good: `logger.info("processing %s", event_id)`.
    What AWS says: nothing; the pipeline's lint step says `Your code has been rated at 9.71/10` and exits 4.
    References: https://pylint.readthedocs.io/en/stable/user_guide/usage/run.html#exit-codes
    """

    id = "LNT001"
    category = Category.LINT
    severity = Severity.HIGH
    title = "the profile's lint gate fails"
    stage = "lint"
    emitters = ("iacqa.profiles",)
    fix = "fix the messages the gate's linter prints"

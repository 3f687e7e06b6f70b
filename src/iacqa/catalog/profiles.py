"""Ids emitted by the precision profiles (iacqa.profiles): a gate of the profile's pipeline that fails."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class LintGate(Entry):
    """The profile's lint gate fails (TAP: `pipenv run lint`, pylint over tap.py and lib/).

    What it finds: under a profile with a lint gate (`--profile tap`), the lint messages in the gated files that the
    gate's own linter also prints (ruff codes mapped to their pylint twins: G004=W1203, E501=C0301, A001=W0622,
    ...), summed over the project, as one finding naming each code with its count and files.
    When pylint is installed (`iacqa[lint]`) it runs itself with the scaffold's options and its score decides
    (linters/pylint.py); otherwise the score is estimated from ruff's twins and the gated files' statement count.
    Why it breaks: the pipeline's lint step fails when pylint's score is below its threshold (7.0: tasks record
    passing steps at 9.06/10 and a failure "below 7.0 threshold"; profiles/tap.toml). Each message is still
    reported on its line, at low or medium severity, grouped per code and file; this finding is the one that says
    the gate fails. Under `--profile aws` there is no gate.
    Bad: `logger.info(f"processing {event_id}")` in lib/lambda/handler.py (W1203).
    Good: `logger.info("processing %s", event_id)`.
    What AWS says: nothing; the pipeline's lint step says `Your code has been rated at 5.33/10` and fails.
    References: https://pylint.readthedocs.io/en/stable/user_guide/usage/run.html#exit-codes
    """

    id = "LNT001"
    category = Category.LINT
    severity = Severity.HIGH
    title = "the profile's lint gate fails"
    stage = "lint"
    emitters = ("iacqa.profiles", "iacqa.linters.pylint")
    fix = "fix the messages the gate's linter prints"

"""The stage log: what children and libraries print while a stage runs, kept for the report (JSON
`stages[].log_tail`) and never written to iacqa's stdout, which carries only the report.

    with stage_log() as log:
        run the stage
    log.tail  # the last few KB

`spawn` and `run_forked` add each child's output tail to the innermost open log; Python-level prints of
libraries running in iacqa's own process (the emulator, boto, moto) are redirected into it for the stage's length.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator

TAIL_CHARS = 4000
_STACK: list[StageLog] = []


class StageLog:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.printed = io.StringIO()

    def add(self, label: str, text: str) -> None:
        if text.strip():
            self.parts.append(f"[{label}]\n{text.rstrip()}")
            del self.parts[:-20]

    @property
    def tail(self) -> str:
        printed = self.printed.getvalue()
        parts = list(self.parts)
        if printed.strip():
            parts.append("[iacqa process]\n" + printed[-TAIL_CHARS:].rstrip())
        return "\n".join(parts)[-TAIL_CHARS:]


def record(label: str, text: str) -> None:
    if _STACK:
        _STACK[-1].add(label, text)


@contextlib.contextmanager
def stage_log() -> Iterator[StageLog]:
    log = StageLog()
    _STACK.append(log)
    try:
        with contextlib.redirect_stdout(log.printed), contextlib.redirect_stderr(log.printed):
            yield log
    finally:
        _STACK.remove(log)
        if sys.stdout is log.printed:  # a thread swapped streams behind our back
            sys.stdout = sys.__stdout__

"""The whole-task wall-clock budget (`--timeout-total`), enforced in iacqa's own process.

    with task_deadline(started + total):
        run one stage

A stage still running when the budget is spent is interrupted (SIGALRM in the main thread raises BudgetExceeded,
a BaseException so that a stage's `except Exception` cannot swallow it; `spawn` kills its child on the way out),
and every child started meanwhile gets at most the time left (`remaining()`). Off the main thread (batch workers
run stages in their main thread) only the children's limits apply.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator

_deadline: float | None = None


class BudgetExceeded(BaseException):
    """The task's time budget is spent."""


def remaining() -> float | None:
    """Seconds left in the current task's budget (None when no budget is set)."""
    return None if _deadline is None else max(0.0, _deadline - time.monotonic())


def clamp(timeout: float) -> float:
    left = remaining()
    return timeout if left is None else max(0.1, min(timeout, left))


def _alarm(signum: int, frame: object) -> None:
    raise BudgetExceeded


@contextlib.contextmanager
def task_deadline(deadline: float | None) -> Iterator[None]:
    global _deadline
    if deadline is None:
        yield
        return
    previous = _deadline
    _deadline = deadline if previous is None else min(previous, deadline)
    armed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    old_handler = None
    if armed:
        left = _deadline - time.monotonic()
        if left <= 0:
            _deadline = previous
            raise BudgetExceeded
        old_handler = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, left)
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
        _deadline = previous

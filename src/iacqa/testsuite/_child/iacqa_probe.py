"""pytest plugin loaded in the tests' child (`-p iacqa_probe`): streams one JSON line per test phase to the
events file as the run goes, so whatever ran before a hang or a kill is kept; applies the per-test time limit
(IACQA_TEST_TIMEOUT seconds, SIGALRM) so one hanging test fails and the others still run."""

from __future__ import annotations

import os
import signal
import threading
import time

import iacqa_guard
import pytest

_TIMEOUT = float(os.environ.get("IACQA_TEST_TIMEOUT", "0") or 0)


class TestTimeout(BaseException):
    """Raised in the test by the alarm; BaseException so that `except Exception` in the test cannot swallow it."""

    __test__ = False


def _alarm(signum, frame):  # noqa: ANN001
    raise TestTimeout(f"iacqa: test still running after {_TIMEOUT:g} s (per-test time limit)")


def _where(report) -> tuple[str | None, int | None]:  # noqa: ANN001
    loc = getattr(report, "location", None)
    if loc:
        return loc[0], (loc[1] + 1 if loc[1] is not None else None)
    return None, None


def _reason(report) -> tuple[str, str | None, int | None, str]:  # noqa: ANN001
    lr = report.longrepr
    crash = getattr(lr, "reprcrash", None)
    text = getattr(report, "longreprtext", "") or str(lr or "")
    if crash is not None:
        return crash.message, crash.path, crash.lineno, text[-3000:]
    if isinstance(lr, tuple) and len(lr) == 3:  # skip: (path, lineno, message)
        return str(lr[2]), str(lr[0]), lr[1], ""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    msg = next((ln.lstrip("E ").strip() for ln in reversed(lines) if ln.startswith("E ")), lines[-1] if lines else "")
    return msg, None, None, text[-3000:]


def pytest_runtest_logstart(nodeid, location):  # noqa: ANN001
    iacqa_guard.emit({"kind": "start", "nodeid": nodeid, "file": location[0],
                      "line": location[1] + 1 if location[1] is not None else None, "t": time.time()})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):  # noqa: ANN001
    armed = _TIMEOUT > 0 and threading.current_thread() is threading.main_thread()
    if armed:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, _TIMEOUT)
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def pytest_runtest_logreport(report):  # noqa: ANN001
    if report.when != "call" and report.outcome == "passed":
        return
    file, line = _where(report)
    ev = {"kind": "test", "nodeid": report.nodeid, "when": report.when, "outcome": report.outcome,
          "file": file, "line": line, "duration": round(report.duration, 4)}
    if report.outcome != "passed":
        msg, cpath, cline, text = _reason(report)
        ev.update(reason=msg, crash_file=cpath, crash_line=cline, longrepr=text)
        if "TestTimeout" in text or "per-test time limit" in msg:
            ev["timeout"] = True
    iacqa_guard.emit(ev)


def pytest_collectreport(report):  # noqa: ANN001
    if report.failed:
        msg, cpath, cline, text = _reason(report)
        iacqa_guard.emit({"kind": "collect-error", "nodeid": report.nodeid, "reason": msg, "longrepr": text,
                          "file": report.nodeid.split("::")[0] or None})


def pytest_collection_finish(session):  # noqa: ANN001
    iacqa_guard.emit({"kind": "collected", "count": len(session.items)})


def pytest_sessionfinish(session, exitstatus):  # noqa: ANN001
    iacqa_guard.emit({"kind": "session", "exitstatus": int(exitstatus)})

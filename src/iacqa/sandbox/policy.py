"""Which isolation a child gets: `auto` (namespaces when bubblewrap works here, else the process guard),
`strict` (refuse foreign code without namespaces) or `process` (force the fallback; tests and benches use it).

The mode travels in IACQA_ISOLATION so batch workers (spawned interpreters) inherit what the command line chose.
"""

from __future__ import annotations

import os

from iacqa.sandbox import bwrap

MODES = ("auto", "strict", "process")
ENV = "IACQA_ISOLATION"


class IsolationRefused(RuntimeError):
    """--isolation strict and no namespaces here: foreign code is not run (exit 2)."""


def set_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"isolation must be one of {', '.join(MODES)}, not {mode!r}")
    os.environ[ENV] = mode


def apply(option: str) -> None:
    """The configured mode (`isolation` option / --isolation). `auto`, the default, does not override a mode
    already set in the environment (IACQA_ISOLATION=process forces the fallback for tests and benches)."""
    if option == "auto" and os.environ.get(ENV) in MODES:
        return
    set_mode(option)


def mode() -> str:
    m = os.environ.get(ENV, "auto")
    return m if m in MODES else "auto"


def effective() -> str:
    """namespaces | process: what the next child will run under. Raises IsolationRefused under strict."""
    m = mode()
    if m == "process":
        return "process"
    why = bwrap.probe()
    if why is None:
        return "namespaces"
    if m == "strict":
        raise IsolationRefused(refusal(why))
    return "process"


def refusal(why: str | None = None) -> str:
    why = why if why is not None else bwrap.probe()
    return (f"--isolation strict: foreign code is not run without namespaces ({why}); install bubblewrap "
            "(apt-get install bubblewrap) or use --isolation auto")


def strict_problem() -> str | None:
    """The one-line refusal when strict isolation cannot be had here, else None (checked before any stage)."""
    if mode() != "strict":
        return None
    why = bwrap.probe()
    return refusal(why) if why else None


def current() -> str:
    """What a report states: namespaces | process (never raises)."""
    try:
        return effective()
    except IsolationRefused:
        return "process"

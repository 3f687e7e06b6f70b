"""The child side of a CDK synth: run the user's app as `cdk synth` would (`python app.py`), report what it raised.

Started by synth.py as a fresh interpreter (`python -m iacqa.frontends.cdk_py.runner EVENTS ROOT PATH0 MODE TARGET`),
never forked: a process that has imported aws_cdk holds pipes to its jsii node kernel, which a forked child must not
share, and jsii's node needs no RLIMIT_AS (it reserves gigabytes of address space). The parent watches time and the
RSS of the whole process tree instead.
"""

from __future__ import annotations

import os
import re
import runpy
import sys
import traceback
from pathlib import Path

from iacqa.sandbox.child import EventSink, runner_exit


def _frames(exc: BaseException, root: Path, summaries: list[traceback.FrameSummary] | None = None) -> list[list]:
    """Project frames of the traceback (or of `summaries`), outermost first: [file relative to root, line,
    function]."""
    out = []
    for fr in summaries if summaries is not None else traceback.extract_tb(exc.__traceback__):
        if not fr.filename or fr.filename.startswith("<"):
            continue  # <frozen runpy>, <string>: not a file of the project
        try:
            path = Path(fr.filename).resolve()
        except (OSError, ValueError):
            continue
        if path.is_relative_to(root) and "site-packages" not in path.parts:
            out.append([path.relative_to(root).as_posix(), fr.lineno, fr.name])
    return out


def _event(exc: BaseException, root: Path, summaries: list[traceback.FrameSummary] | None = None) -> dict:
    event: dict = {"kind": "exception", "type": type(exc).__name__, "message": str(exc)[:4000],
                   "frames": _frames(exc, root, summaries), "module": type(exc).__module__}
    if isinstance(exc, SyntaxError) and exc.filename:
        try:
            rel = Path(exc.filename).resolve().relative_to(root).as_posix()
        except ValueError:
            rel = exc.filename
        event["syntax"] = {"file": rel, "line": exc.lineno, "msg": exc.msg, "text": (exc.text or "").rstrip()}
    cause = exc.__cause__
    if type(exc).__module__.startswith("jsii") or (cause is not None and type(cause).__module__.startswith("jsii")):
        # jsii re-raises the JavaScript error as RuntimeError(message) from JavaScriptError(stack).
        event["jsii"] = True
        code = re.search(r"\u00ab(\w+)\u00bb", str(cause or ""))
        if code:
            event["jsii_code"] = code.group(1)
    event["traceback"] = "".join(traceback.format_exception(exc, limit=-12))[-6000:]
    return event


def _skip_validation() -> None:
    """`app.synth()` as `app.synth(skip_validation=True)`: for a continuation run after construct validation
    already failed (and was reported), so the template of everything else is still written."""
    try:
        import aws_cdk
    except ImportError:
        return
    for cls in (aws_cdk.Stage, aws_cdk.App):  # App declares its own synth too
        orig = cls.__dict__.get("synth")
        if orig is None:
            continue

        def synth(self, *args, _orig=orig, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - jsii's signature
            kwargs.setdefault("skip_validation", True)
            return _orig(self, *args, **kwargs)

        cls.synth = synth


def main(argv: list[str]) -> int:
    events_path, root_s, path0, mode, target = argv[:5]
    root = Path(root_s).resolve()
    sink = EventSink(os.open(events_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    try:
        from iacqa.sandbox import netguard

        netguard.install()
    except ImportError:  # pragma: no cover - iacqa is on the path by construction
        pass
    if os.environ.get("IACQA_CDK_SKIP_VALIDATION") == "1":
        _skip_validation()
    guarded = os.environ.get("IACQA_KEEP_GOING") == "1"
    if guarded:
        # keep-going run: each error a statement of the project raises is reported, and the run goes on
        from iacqa.frontends import guarded_run

        guarded_run.install(root, lambda exc, frames: sink.emit({**_event(exc, root, frames), "continued": True}))
    # As `python app.py` would: the script's directory first on sys.path, argv[0] the script.
    sys.path[0:1] = [path0]
    sys.argv = [target]
    sink.emit({"kind": "start", "pid": os.getpid()})
    try:
        if mode == "module":
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        elif guarded:
            guarded_run.run_path(target)
        else:
            runpy.run_path(target, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        if code not in (None, 0):
            sink.emit({"kind": "exit", "code": code if isinstance(code, int) else str(code),
                       "frames": _frames(exc, root)})
            return 2
    except MemoryError:
        sink.emit({"kind": "memory"})
        return 4
    except BaseException as exc:  # noqa: BLE001 - everything the app raises is a finding
        sink.emit(_event(exc, root))
        return 3
    sink.emit({"kind": "done"})
    return 0


def _main_reporting(argv: list[str]) -> int:
    """main, then the runner-exit event: an exit without it is the app's own (os._exit, a signal)."""
    code = main(argv)
    sink = EventSink(os.open(argv[0], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    runner_exit(sink, code)
    return code


if __name__ == "__main__":
    code = _main_reporting(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # os._exit: skip jsii's atexit kernel shutdown wait and any non-daemon threads the app left running.
    os._exit(code)

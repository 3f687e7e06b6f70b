"""The child side of `run_python`: import a target function of iacqa and run it as the sandboxed child's job.

    python -m iacqa.sandbox.pychild SPEC.json

SPEC: {"target": "package.module:function", "kwargs": {...}, "events": path, "memory_mb": n,
"sys_path": [...] or null}. The target is called as target(sink, **kwargs) and reports through the sink. The
runner states its own exit with a `runner-exit` event, so os._exit(3) or an exit from the foreign code is never
mistaken for the runner's codes.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys

from iacqa.sandbox.child import _EXIT_ERROR, _EXIT_MEMORY, EventSink, run_target, runner_exit


def main(spec_path: str) -> int:
    with open(spec_path) as fh:
        spec = json.load(fh)
    sink = EventSink(os.open(spec["events"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    code = _EXIT_ERROR
    try:
        mb = spec.get("memory_mb")
        if mb:  # address space = what the runner holds now + the program's budget
            with open("/proc/self/statm") as fh:
                base = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            cap = base + int(mb) * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if spec.get("sys_path") is not None:
            sys.path[:] = spec["sys_path"]
        mod_name, func = spec["target"].split(":")
        target = getattr(importlib.import_module(mod_name), func)
        code = run_target(sink, target, sink, **spec.get("kwargs", {}))
    except MemoryError:
        code = _EXIT_MEMORY
    runner_exit(sink, code)
    return code


if __name__ == "__main__":
    rc = main(sys.argv[1])
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(rc)  # skip atexit handlers and non-daemon threads the foreign code left running

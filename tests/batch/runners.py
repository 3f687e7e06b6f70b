"""Worker bodies for the local-engine tests (imported by name in spawned workers): one that crashes its worker
on the first attempt, one that hangs with a child process of its own, one that answers at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def quick(task: str, response: str, options: Any = None, stages: Any = None, markdown: bool = False) -> dict:
    return {"task": {"path": task, "response": response}, "findings": [], "verdict": {"deployable": True,
                                                                                      "blockers": []},
            "batch_seconds": 0.01, "_markdown": "# report\n" if markdown else None}


def crash_once(task: str, response: str, options: Any = None, stages: Any = None, markdown: bool = False) -> dict:
    marker = Path(task) / f"crashed-{response}"
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)  # a native crash: the worker vanishes without an answer
    return quick(task, response, markdown=markdown)


def hang_with_child(task: str, response: str, options: Any = None, stages: Any = None,
                    markdown: bool = False) -> dict:
    if "hang" not in Path(task).name:
        return quick(task, response)
    # Like a sandboxed program: a child in a session of its own, which a process-group signal would miss.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
    with (Path(task) / "children.txt").open("a") as fh:
        fh.write(f"{child.pid} {os.getpid()}\n")
    while True:
        time.sleep(1)

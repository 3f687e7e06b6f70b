"""Guarded runs: one run of a Python program reports every independent error and goes on past each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from iacqa.frontends.guarded_run import guard_source

MODULE = '''\
"""A framework stand-in: a base class with a read-only property, as aws_cdk.Stack has `environment`."""
from __future__ import annotations


class Base:
    def __init__(self, scope=None):
        if scope == "broken":
            raise RuntimeError("base never initialised")

    @property
    def environment(self):
        return "aws://account/region"


class Stack(Base):
    def __init__(self, scope, config=None):
        super().__init__(scope)
        self.config = config or {"timeout": 3}
        self.timeout = self.config["timeout"]
        self.environment = "dev"
        first, second = self.config["memory"], 1
        self.second = second
        self.made = self.make()
        self.tail = "reached"

    def make(self):
        return int("not a number")
'''

APP = '''\
from stack import Stack

dev = Stack("app")
prod = Stack("app", config={"memory": 512})
broken = Stack("broken")
print(json.dumps({"dev": [dev.timeout, dev.tail, type(dev.made).__name__], "prod_tail": prod.tail,
                  "broken": type(broken).__name__}))
'''

DRIVER = '''\
import json, sys
from pathlib import Path
from iacqa.frontends import guarded_run
root = Path(sys.argv[1])
sys.path.insert(0, str(root))
events = []
guarded_run.install(root, lambda e, frames: events.append(
    [type(e).__name__, str(e), [[Path(f.filename).name, f.lineno] for f in frames if Path(f.filename).parent == root and not f.filename.endswith("driver.py")]]))
import builtins
builtins.json = json
guarded_run.run_path(str(root / "app.py"))
print(json.dumps(events))
'''


def _run(tmp_path: Path) -> tuple[dict, list]:
    (tmp_path / "stack.py").write_text(MODULE)
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "driver.py").write_text(DRIVER)
    # a child interpreter: the guard installs an import hook and builtins that must not leak into pytest
    out = subprocess.run([sys.executable, str(tmp_path / "driver.py"), str(tmp_path)], capture_output=True,
                         text=True, timeout=60, check=True).stdout.splitlines()
    return json.loads(out[0]), json.loads(out[1])


def test_every_independent_error_is_reported_and_the_program_goes_on(tmp_path: Path) -> None:
    state, events = _run(tmp_path)
    # the program ran to its end: both stacks finished their constructors past their errors
    assert state["dev"] == [3, "reached", "IacqaStub"]
    assert state["prod_tail"] == "reached"
    where = {(e[0], e[2][-1][1]) for e in events}
    assert ("KeyError", 21) in where  # dev: config["memory"] missing
    assert ("AttributeError", 20) in where  # read-only property assigned
    assert ("ValueError", 27) in where  # raised inside make(), reported at the line that raised
    assert ("KeyError", 19) in where  # prod: a config dict that replaces the defaults has no "timeout"


def test_stack_of_an_event_runs_from_the_app_to_the_line_that_raised(tmp_path: Path) -> None:
    _, events = _run(tmp_path)
    make = next(e for e in events if e[0] == "ValueError")
    assert make[2] == [["app.py", 3], ["stack.py", 23], ["stack.py", 27]]


def test_a_failing_base_initialiser_is_not_continued_past(tmp_path: Path) -> None:
    # super().__init__ raising is caught at the caller's statement (app.py:5), never inside the half-built object
    state, events = _run(tmp_path)
    broken = next(e for e in events if e[0] == "RuntimeError")
    assert broken[2][0] == ["app.py", 5] and broken[2][-1] == ["stack.py", 8]
    assert state["broken"] == "IacqaStub"


def test_guarded_code_keeps_the_source_lines() -> None:
    code = guard_source("x = 1\n\ny = {}['k']\n", "m.py")
    ns: dict = {}
    import builtins

    caught: list[BaseException] = []
    ns["__builtins__"] = {**vars(builtins), "__iacqa_failed__": caught.append, "__iacqa_stub__": None}
    exec(code, ns)  # noqa: S102 - a two-line program of the test's own
    assert ns["y"] is None and isinstance(caught[0], KeyError)
    assert caught[0].__traceback__.tb_lineno == 3


def test_docstring_and_future_import_stay_legal() -> None:
    guard_source('"""doc"""\nfrom __future__ import annotations\nx: int = 1\n', "m.py")


HANDLED = '''\
import json


def load(path):
    text = open(path).read()
    return json.loads(text)


def settings():
    try:
        return load("missing.json")
    except FileNotFoundError:
        return {"memory": 256}


def strict():
    try:
        return load("missing.json")
    except KeyError:
        return {}


def inline():
    try:
        value = {}["k"]
    except KeyError:
        value = "default"
    return value
'''

HANDLED_APP = '''\
from handled import inline, settings, strict

result = strict()
print(json.dumps({"settings": settings(), "inline": inline(), "strict": type(result).__name__}))
'''


def test_an_error_the_program_handles_itself_is_left_to_it(tmp_path: Path) -> None:
    """A try/except of the program takes its error first, even one raised in a function its try body calls: not
    an error of the program, and its handler's value is what the program goes on with. A handler for another type
    does not take it: that one is reported."""
    (tmp_path / "handled.py").write_text(HANDLED)
    (tmp_path / "app.py").write_text(HANDLED_APP)
    (tmp_path / "driver.py").write_text(DRIVER)
    out = subprocess.run([sys.executable, str(tmp_path / "driver.py"), str(tmp_path)], capture_output=True,
                         text=True, timeout=60, check=True, cwd=tmp_path).stdout.splitlines()
    state, events = json.loads(out[0]), json.loads(out[1])
    assert state == {"settings": {"memory": 256}, "inline": "default", "strict": "IacqaStub"}
    # the stub then met by json.loads is the continuation's own limit (the front ends drop "IacqaStub" errors)
    assert [(e[0], e[2][-1]) for e in events if "IacqaStub" not in e[1]] == [("FileNotFoundError", ["handled.py", 5])]

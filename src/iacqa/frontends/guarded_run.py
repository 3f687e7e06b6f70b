"""Run a Python IaC program so that one failing statement does not end the run (the child side of keep-going).

`cdk synth` / `cdktf synth` stop at the first exception, so a program with three independent errors used to need
three more synth runs (30-90 s each, one statement stubbed per run) to report them, and a two-stack app whose first
stack raises never built the second. In guarded mode every simple statement of the project's own files runs as

    try:
        <statement>
    except Exception as e:
        <record e with its whole stack>; <each assignment target> = <stub>

so one run reports every independent error and still declares everything the failing lines do not need. The
transform works on the AST and keeps each statement's line numbers, so tracebacks and construct locations still
point at the user's lines. Only the project's files are guarded (site-packages never): aws-cdk-lib and jsii behave
as usual.

What is never guarded, because continuing past it would report the continuation's artefacts as the program's:
- `super().__init__(...)` and other `__init__` calls: a construct whose base never initialised makes every later
  statement of its constructor fail for that reason only; its caller's statement is guarded instead;
- `app.synth()` (and `Testing.synth`): construct validation failing there is handled by the front end (a run
  without validation), and nothing after it declares resources;
- imports (the static continuation already stubs names that do not exist) and control-flow statements (their
  bodies are guarded statement by statement).

Errors raised by a stub (passed where jsii needs a real value) carry "IacqaStub" in their message; the front ends
drop those as the continuation's limit, not the program's. Hand-written: no library offers statement-level
resumption of a Python program.
"""

from __future__ import annotations

import ast
import builtins
import importlib.abc
import importlib.machinery
import sys
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

FAILED = "__iacqa_failed__"
STUB = "__iacqa_stub__"
MAX_RECORDED = 40  # events per run: a loop failing on every item says it once per distinct line and message


class IacqaStub:
    """Stands for the value of a statement that raised: absorbs attribute access, calls and iteration so the rest
    of the program still runs (the name is what the front ends filter on)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> IacqaStub:
        return self

    def __iter__(self) -> Any:
        return iter(())

    def __bool__(self) -> bool:
        return False

    def __mro_entries__(self, bases: tuple) -> tuple:
        return (object,)


def _is_init_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__"


def _is_synth_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "synth"


def _targets(stmt: ast.stmt) -> list[ast.expr]:
    """Assignment targets a stub can be bound to (tuples flattened: unpacking a stub would raise again)."""
    raw: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        raw = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        raw = [stmt.target]
    out: list[ast.expr] = []
    while raw:
        t = raw.pop(0)
        if isinstance(t, (ast.Tuple, ast.List)):
            raw[:0] = list(t.elts)
        elif isinstance(t, (ast.Name, ast.Attribute, ast.Subscript)):
            out.append(t)
    return out


def _store(target: ast.expr) -> ast.expr:
    """A fresh copy of `target` in store context (AST nodes must not be shared between two places)."""
    copy = ast.parse(ast.unparse(target), mode="eval").body
    for node in ast.walk(copy):
        if hasattr(node, "ctx"):
            node.ctx = ast.Load()
    copy.ctx = ast.Store()
    return copy


class _Guard(ast.NodeTransformer):
    def __init__(self) -> None:
        self.protected: list[tuple[int, int, list[str | None]]] = []  # try bodies: first, last line, handler types

    def _guard(self, stmt: ast.stmt) -> ast.stmt:
        value = getattr(stmt, "value", None)
        if value is not None and (_is_init_call(value) or _is_synth_call(value)):
            return stmt
        # `if __iacqa_failed__(e): raise`: an error the program's own try/except will handle goes on to it
        handler: list[ast.stmt] = [ast.If(ast.Call(ast.Name(FAILED, ast.Load()), [ast.Name("_iacqa_e", ast.Load())],
                                                   []), [ast.Raise()], [])]
        if isinstance(stmt, ast.Return):
            handler.append(ast.Return(ast.Name(STUB, ast.Load())))
        for t in _targets(stmt):
            # binding the stub can fail too (a read-only property): then the name simply stays unbound
            handler.append(ast.Try(body=[ast.Assign([_store(t)], ast.Name(STUB, ast.Load()))],
                                   handlers=[ast.ExceptHandler(ast.Name("Exception", ast.Load()), None, [ast.Pass()])],
                                   orelse=[], finalbody=[]))
        guarded = ast.Try(body=[stmt], handlers=[ast.ExceptHandler(ast.Name("Exception", ast.Load()), "_iacqa_e",
                                                                     handler)], orelse=[], finalbody=[])
        return _locate(guarded, stmt)

    def visit_Expr(self, node: ast.Expr) -> ast.stmt:
        # a docstring stays a docstring (and `from __future__` after it stays legal)
        return node if isinstance(node.value, ast.Constant) else self._guard(node)

    def visit_Assign(self, node: ast.Assign) -> ast.stmt:
        return self._guard(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.stmt:
        return self._guard(node) if node.value is not None else node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        return self._guard(node)

    def visit_Return(self, node: ast.Return) -> ast.stmt:
        return self._guard(node) if node.value is not None else node

    def visit_Lambda(self, node: ast.Lambda) -> ast.Lambda:
        return node  # expressions only: nothing to guard inside

    def visit_Try(self, node: ast.Try) -> ast.Try:
        # The program handles the errors of its try body itself: its statements are not guarded (a guard would take
        # the error from the program's handler), and the body's lines are recorded, so that an error raised deeper
        # (in a function the body calls) that one of its handlers takes is passed on to it too.
        if node.handlers and node.body:
            self.protected.append((node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno,
                                   [ast.unparse(h.type) if h.type is not None else None for h in node.handlers]))
        node.body = [self.visit(b) if isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else b
                     for b in node.body]
        node.handlers = [self.visit(h) for h in node.handlers]
        node.orelse = [self.visit(b) for b in node.orelse]
        node.finalbody = [self.visit(b) for b in node.finalbody]
        return node

    visit_TryStar = visit_Try


def _locate(new: ast.AST, old: ast.stmt) -> ast.AST:
    """Give every node the transform created the original statement's position (tracebacks keep the user's
    lines; the original statement keeps its own positions)."""
    originals = {id(n) for n in ast.walk(old)}
    for node in ast.walk(new):
        if id(node) in originals or not isinstance(node, (ast.stmt, ast.expr, ast.excepthandler)):
            continue
        node.lineno, node.col_offset = old.lineno, old.col_offset
        node.end_lineno, node.end_col_offset = old.end_lineno, old.end_col_offset
    return new


# filename -> the try bodies of that file (first line, last line, handler type expressions; None: bare except)
PROTECTED: dict[str, list[tuple[int, int, list[str | None]]]] = {}


def guard_source(source: str | bytes, filename: str) -> types.CodeType:
    """Compile `source` with every simple statement guarded (SyntaxError propagates, as plain compile would)."""
    tree = ast.parse(source, filename)
    guard = _Guard()
    tree = guard.visit(tree)
    PROTECTED[filename] = guard.protected
    ast.fix_missing_locations(tree)
    return compile(tree, filename, "exec", dont_inherit=True)


def handled_by_program(exc: BaseException, frame: types.FrameType | None) -> bool:
    """Whether a try/except of the program around `frame` or a frame above it takes `exc`: then the program
    handles the error (a config file read with a default on FileNotFoundError) and it is not one."""
    while frame is not None:
        for first, last, types_ in PROTECTED.get(frame.f_code.co_filename, ()):
            if not first <= frame.f_lineno <= last:
                continue
            for t in types_:
                if t is None:
                    return True
                try:
                    caught = eval(t, frame.f_globals, frame.f_locals)  # noqa: S307 - the program's own except clause
                except Exception:  # noqa: BLE001 - an except clause that cannot be evaluated takes nothing here
                    continue
                try:
                    if isinstance(exc, caught):
                        return True
                except TypeError:
                    continue
        frame = frame.f_back
    return False


class _GuardedLoader(importlib.machinery.SourceFileLoader):
    def get_code(self, fullname: str) -> types.CodeType:  # no bytecode cache: the guarded code is not the source's
        path = self.get_filename(fullname)
        return guard_source(self.get_data(path), path)


class _GuardedFinder(importlib.abc.MetaPathFinder):
    """Finds modules as the path finder does; those under the project root (outside any site-packages) load
    guarded."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return spec
        origin = Path(spec.origin).resolve()
        if not origin.is_relative_to(self.root) or "site-packages" in origin.parts:
            return spec
        spec.loader = _GuardedLoader(fullname, spec.origin)
        return spec


def install(root: Path, record: Callable[[BaseException, list[traceback.FrameSummary]], None]) -> None:
    """Guard every module of `root` imported from now on; `record(exc, frames)` gets each error a guard catches
    with its whole stack (outermost first)."""
    seen: set[tuple] = set()

    def failed(exc: BaseException) -> bool:
        here = sys._getframe(1)  # the frame whose statement raised: its stack above, the traceback below
        if handled_by_program(exc, here.f_back):
            return True  # re-raised by the guard: the program's own handler takes it
        frames = traceback.extract_stack(here)[:-1] + traceback.extract_tb(exc.__traceback__)
        last = frames[-1] if frames else None
        key = (type(exc).__name__, str(exc)[:200], last.filename if last else "", last.lineno if last else 0)
        if key in seen or len(seen) >= MAX_RECORDED:
            return False
        seen.add(key)
        record(exc, frames)
        return False

    setattr(builtins, FAILED, failed)
    setattr(builtins, STUB, IacqaStub())
    sys.meta_path.insert(0, _GuardedFinder(root.resolve()))


def run_path(target: str) -> None:
    """runpy.run_path for a script, with the script itself guarded."""
    path = Path(target)
    code = guard_source(path.read_bytes(), str(path))
    main = types.ModuleType("__main__")
    main.__file__ = str(path)
    main.__builtins__ = builtins
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = main
    try:
        exec(code, main.__dict__)  # noqa: S102 - running the user's program is this module's purpose
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved

"""Static check of every name and keyword a CDK program takes from `aws_cdk` and `constructs`.

The installed aws-cdk-lib is the reference. It is our trusted dependency, so it is imported in this process, once
and only when a CDK project is checked: `import aws_cdk` loads the jsii assembly into a node child (measured here:
3.0 s, python +30 MB, node ~650 MB); each `aws_cdk.aws_*` submodule is another 0.1-0.4 s. Names are looked up with
`inspect.getattr_static`, never `getattr`, so a jsii static property (`Runtime.PYTHON_3_12`) is not evaluated in
node just to learn that it exists. Signatures come from `inspect.signature`: jsii generates real Python signatures
with keyword-only props for constructs, structs and static methods.

Only what is certain is reported: a name that the installed SDK lacks, a keyword that a signature without
`**kwargs` does not accept, a required keyword-only argument that a call without `**` splat leaves out, too many
positional arguments. Anything dynamic (values of variables the check cannot type, `*args`, `**kwargs`, alpha
modules that are separate packages) is left alone.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import inspect
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacqa.model import Finding, Location
from iacqa.rules.sdk.cdk import MissingRequiredArgument
from iacqa.rules.sdk.symbols import MissingSymbol, UnknownKeyword

ROOTS = ("aws_cdk", "constructs")
_MISSING = object()

# Confusions the SDK's own names do not suggest: CDK v1 idioms, other frameworks.
HINTS = {
    "core": "this is CDK v1; in v2 everything from aws_cdk.core is in `aws_cdk` itself (`import aws_cdk as cdk`; "
    "`cdk.Stack`, `cdk.Duration`) and Construct comes from `constructs`",
    "Construct": "`Construct` lives in the `constructs` package: `from constructs import Construct`",
    "FunctionCodeArgs": "Lambda code is `lambda_.Code.from_inline(src)` or `lambda_.Code.from_asset('dir')`",
    "StreamSpecification": "streams are a Table prop: `stream=dynamodb.StreamViewType.NEW_IMAGE`",
}


@dataclass
class ImportCost:
    """What importing aws-cdk-lib cost this process (reported by the front end)."""

    seconds: float = 0.0
    imported: bool = False


COST = ImportCost()


def available() -> bool:
    """Whether aws-cdk-lib can be imported (imports it once; later calls are free)."""
    return _root("aws_cdk") is not _MISSING


@lru_cache(maxsize=8)
def _root(name: str) -> Any:
    # jsii prints a large end-of-life banner for node 20 unless this is set (ENGINE_NOTES section 3).
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    start = time.monotonic()
    try:
        mod = importlib.import_module(name)
    except Exception:  # noqa: BLE001 - not installed, or a broken install: the front end says "unavailable"
        return _MISSING
    if name == "aws_cdk":
        COST.seconds, COST.imported = round(time.monotonic() - start, 2), True
    return mod


def _is_alpha(dotted: str) -> bool:
    # Experimental modules ship as separate packages (aws-cdk.aws-lambda-python-alpha): absent here is not wrong.
    return any(p.endswith("_alpha") for p in dotted.split("."))


@lru_cache(maxsize=8192)
def resolve(dotted: str) -> Any:
    """The SDK object for a dotted path, _MISSING when a part does not exist, None when it cannot be known."""
    parts = dotted.split(".")
    obj = _root(parts[0])
    if obj is _MISSING:
        return None
    path = parts[0]
    for p in parts[1:]:
        path = f"{path}.{p}"
        if inspect.ismodule(obj):
            nxt = inspect.getattr_static(obj, p, _MISSING)
            if nxt is _MISSING:
                try:
                    nxt = importlib.import_module(path)
                except ModuleNotFoundError as exc:
                    if exc.name != path:
                        return None  # the module exists but a dependency of it is missing: not the user's fault
                    return None if _is_alpha(path) else _MISSING
                except Exception:  # noqa: BLE001 - a module that fails to import is not a verdict on the name
                    return None
        elif inspect.isclass(obj):
            if any("__getattr__" in k.__dict__ for k in obj.__mro__ if k is not object):
                return None
            nxt = inspect.getattr_static(obj, p, _MISSING)
            if nxt is _MISSING:
                return _MISSING
        else:
            return None  # a value: its attributes are dynamic
        obj = nxt
    return obj


def _names(owner: Any) -> list[str]:
    try:
        if inspect.isclass(owner):
            return sorted({n for k in owner.__mro__ for n in vars(k) if not n.startswith("_")})
        return [n for n in dir(owner) if not n.startswith("_")]
    except Exception:  # noqa: BLE001
        return []


@lru_cache(maxsize=1)
def _class_index() -> dict[str, tuple[str, ...]]:
    """Class name -> the aws_cdk modules that define it, from the installed sources (regex, ~1 s, built on the first
    missing name only): the fix for `cloudwatch.SnsAction` is the module that really has SnsAction."""
    import re

    root = _root("aws_cdk")
    if root is _MISSING or not getattr(root, "__file__", None):
        return {}
    base = Path(root.__file__).parent
    pattern = re.compile(rb"^class ([A-Za-z]\w*)\(", re.M)
    index: dict[str, list[str]] = {}
    for init in [base / "__init__.py", *sorted(base.glob("*/__init__.py"))]:
        module = "aws_cdk" if init.parent == base else f"aws_cdk.{init.parent.name}"
        try:
            for name in pattern.findall(init.read_bytes()):
                index.setdefault(name.decode(), []).append(module)
        except OSError:
            continue
    return {k: tuple(v) for k, v in index.items()}


def suggest(dotted: str) -> str | None:
    """The fix for a missing name: a curated hint, the module that really defines it, else the closest names."""
    parent, _, name = dotted.rpartition(".")
    elsewhere = [m for m in _class_index().get(name, ()) if m != parent] if name[:1].isupper() else []
    if elsewhere:
        # The sibling module of the same service first (aws_lambda -> aws_lambda_destinations), then the rest.
        elsewhere.sort(key=lambda m: (not m.startswith(parent + "_"), m))
        mod = elsewhere[0]
        alias = mod.rsplit(".", 1)[-1]
        where = f"`{name}` is in {mod}" + (f" (`from aws_cdk import {alias}`; `{alias}.{name}`)"
                                           if mod != "aws_cdk" else f" (`cdk.{name}` / `from aws_cdk import {name}`)")
        return HINTS.get(name, where) if name in HINTS else where
    owner = resolve(parent) if parent else None
    close = difflib.get_close_matches(name, _names(owner), n=4, cutoff=0.6) if owner not in (None, _MISSING) else []
    if not close and owner is not None and inspect.isclass(owner):
        # Enum members and jsii constants are UPPER_CASE: compare case-insensitively too.
        upper = {n.upper(): n for n in _names(owner)}
        close = [upper[c] for c in difflib.get_close_matches(name.upper(), list(upper), n=4, cutoff=0.6)]
    parts = [HINTS[name]] if name in HINTS else []
    if close:
        parts.append(f"closest names in {parent}: " + ", ".join(close))
    return "; ".join(parts) or None


@dataclass(frozen=True)
class Callable_:
    """What a call target accepts."""

    qualname: str  # for messages: `Queue.__init__`, `Code.from_asset`
    positional: tuple[str, ...]  # positional-or-keyword parameter names, `self`/`cls` excluded
    required_positional: int
    keywords: frozenset[str]
    required_kwonly: tuple[str, ...]
    var_args: bool
    var_kw: bool
    counts_self: bool  # CPython counts self in "takes N positional arguments"


@lru_cache(maxsize=4096)
def _callable(dotted: str, owner_is_instance: bool = False) -> Callable_ | None:
    obj = resolve(dotted)
    if obj is None or obj is _MISSING:
        return None
    name = dotted.rsplit(".", 1)[-1]
    counts_self = True
    if inspect.isclass(obj):
        if issubclass(obj, BaseException) or "__init__" not in _mro_dict(obj):
            return None
        target = _mro_dict(obj)["__init__"]
        qual = f"{obj.__name__}.__init__"
        drop = 1
    else:
        parent = resolve(dotted.rpartition(".")[0])
        if isinstance(obj, classmethod):
            target, drop, qual = obj.__func__, 1, f"{getattr(parent, '__name__', '?')}.{name}"
        elif isinstance(obj, staticmethod):
            target, drop, qual, counts_self = obj.__func__, 0, f"{getattr(parent, '__name__', '?')}.{name}", False
        elif inspect.isfunction(obj):
            is_method = inspect.isclass(parent)
            if is_method and not owner_is_instance:
                return None  # unbound method called on the class: the first argument is the instance
            target, drop, qual = obj, 1 if is_method else 0, f"{getattr(parent, '__name__', '?')}.{name}"
            counts_self = is_method
        else:
            return None
    try:
        params = list(inspect.signature(target).parameters.values())[drop:]
    except (TypeError, ValueError):
        return None
    pos = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return Callable_(
        qualname=qual,
        positional=tuple(p.name for p in pos),
        required_positional=sum(1 for p in pos if p.default is p.empty),
        keywords=frozenset(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)),
        required_kwonly=tuple(p.name for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty),
        var_args=any(p.kind is p.VAR_POSITIONAL for p in params),
        var_kw=any(p.kind is p.VAR_KEYWORD for p in params),
        counts_self=counts_self,
    )


def _mro_dict(cls: type) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in reversed(cls.__mro__):
        out.update(vars(k))
    return out


def _sdk_class(dotted: str | None) -> type | None:
    if not dotted:
        return None
    obj = resolve(dotted)
    return obj if inspect.isclass(obj) else None


class _Types(ast.NodeVisitor):
    """Which local names and `self.x` attributes certainly hold an instance of one SDK class.

    A name counts only when every assignment to it in its function is a constructor call of the same SDK class and
    nothing else binds it (loops, with, augmented assignment, tuple targets, globals): otherwise it is dynamic."""

    def __init__(self, dotted_of: Any) -> None:
        self.dotted_of = dotted_of
        self.scopes: dict[int, dict[str, str | None]] = {}  # id(function node) -> name -> class path or None
        self.self_attrs: dict[int, dict[str, str | None]] = {}  # id(class node) -> attr -> class path or None
        self._func: list[ast.AST] = []
        self._cls: list[ast.ClassDef] = []

    def _bind(self, table: dict[str, str | None], key: str, cls: str | None) -> None:
        if key in table and table[key] != cls:
            table[key] = None
        else:
            table.setdefault(key, cls)

    def _ctor(self, value: ast.AST | None) -> str | None:
        if isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
            dotted = self.dotted_of(value.func)
            if dotted and _sdk_class(dotted) is not None:
                return dotted
        return None

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._cls.append(node)
        self.self_attrs.setdefault(id(node), {})
        self.generic_visit(node)
        self._cls.pop()

    def _visit_func(self, node: ast.AST) -> None:
        self._func.append(node)
        self.scopes.setdefault(id(node), {})
        for arg in ast.walk(node.args) if hasattr(node, "args") else []:  # type: ignore[attr-defined]
            if isinstance(arg, ast.arg):
                self.scopes[id(node)][arg.arg] = None
        self.generic_visit(node)
        self._func.pop()

    visit_FunctionDef = _visit_func
    visit_AsyncFunctionDef = _visit_func
    visit_Lambda = _visit_func

    def _store(self, target: ast.AST, cls: str | None) -> None:
        scope = self.scopes.get(id(self._func[-1])) if self._func else self.scopes.setdefault(0, {})
        if isinstance(target, ast.Name) and scope is not None:
            self._bind(scope, target.id, cls)
        elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
              and target.value.id == "self" and self._cls):
            self._bind(self.self_attrs[id(self._cls[-1])], target.attr, cls)
        elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
            for t in ast.walk(target):
                if isinstance(t, (ast.Name, ast.Attribute)) and t is not target:
                    self._store(t, None)

    def visit_Assign(self, node: ast.Assign) -> None:
        cls = self._ctor(node.value) if len(node.targets) == 1 else None
        for t in node.targets:
            self._store(t, cls)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._store(node.target, self._ctor(node.value))
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._store(node.target, None)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._store(node.target, None)
        self.generic_visit(node)

    def _visit_binding_targets(self, node: ast.AST) -> None:
        for t in [getattr(node, "target", None), *[i.optional_vars for i in getattr(node, "items", [])]]:
            if t is not None:
                self._store(t, None)
        self.generic_visit(node)

    visit_For = _visit_binding_targets
    visit_AsyncFor = _visit_binding_targets
    visit_With = _visit_binding_targets
    visit_AsyncWith = _visit_binding_targets
    visit_comprehension = _visit_binding_targets

    def visit_Global(self, node: ast.Global) -> None:
        for n in node.names:
            self._store(ast.Name(id=n), None)

    visit_Nonlocal = visit_Global


class _FileCheck(ast.NodeVisitor):
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.aliases: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.reported: set[tuple[str, int]] = set()
        self.types: _Types | None = None
        self._func: list[ast.AST] = []
        self._cls: list[ast.ClassDef] = []

    # -- imports ---------------------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if a.name.split(".")[0] not in ROOTS:
                continue
            if resolve(a.name) is _MISSING:
                self._missing(a.name, node.lineno, module=True)
                continue
            self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        mod = node.module or ""
        if node.level or mod.split(".")[0] not in ROOTS:
            return
        if resolve(mod) is _MISSING:
            self._missing(mod, node.lineno, module=True)
            return
        for a in node.names:
            if a.name == "*":
                continue
            dotted = f"{mod}.{a.name}"
            found = resolve(dotted)
            if found is _MISSING:
                self._missing(dotted, node.lineno, from_import=True)
            elif found is not None:
                self.aliases[a.asname or a.name] = dotted

    # -- scopes (for the types of local names) -----------------------------------------------------------------
    def _visit_func(self, node: ast.AST) -> None:
        self._func.append(node)
        self.generic_visit(node)
        self._func.pop()

    visit_FunctionDef = _visit_func
    visit_AsyncFunctionDef = _visit_func
    visit_Lambda = _visit_func

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._cls.append(node)
        self.generic_visit(node)
        self._cls.pop()

    # -- names -----------------------------------------------------------------------------------------------
    def dotted(self, node: ast.AST) -> str | None:
        """`sqs.Queue` -> `aws_cdk.aws_sqs.Queue` when the chain starts at an SDK alias."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases and not self._shadowed(node.id):
            return ".".join([self.aliases[node.id], *reversed(parts)])
        return None

    def _shadowed(self, name: str) -> bool:
        # A function parameter or local with the alias's name hides the import.
        if self.types is None:
            return False
        return any(name in self.types.scopes.get(id(f), {}) for f in self._func)

    def _instance_of(self, node: ast.AST) -> str | None:
        """The SDK class a local name / self attribute certainly holds."""
        if self.types is None:
            return None
        if isinstance(node, ast.Name) and self._func:
            return self.types.scopes.get(id(self._func[-1]), {}).get(node.id)
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
                and self._cls):
            return self.types.self_attrs.get(id(self._cls[-1]), {}).get(node.attr)
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Load):
            dotted = self.dotted(node)
            if dotted is not None:
                self._check_chain(dotted, node.lineno)
                return
            owner = self._instance_of(node.value)
            if owner is not None:
                self._check_instance_attr(owner, node)
        self.generic_visit(node)

    def _check_chain(self, dotted: str, line: int) -> None:
        # The first name that does not exist is the error; past a value (not a module or class) nothing is known.
        parts = dotted.split(".")
        for i in range(2, len(parts) + 1):
            prefix = ".".join(parts[:i])
            found = resolve(prefix)
            if found is _MISSING:
                self._missing(prefix, line)
                return
            if found is None or not (inspect.ismodule(found) or inspect.isclass(found)):
                return

    def _check_instance_attr(self, owner: str, node: ast.Attribute) -> None:
        cls = _sdk_class(owner)
        if cls is None or node.attr.startswith("__") or self._assigned_attr(node):
            return
        if any("__getattr__" in k.__dict__ for k in cls.__mro__ if k is not object):
            return
        if inspect.getattr_static(cls, node.attr, _MISSING) is _MISSING:
            self._missing(f"{owner}.{node.attr}", node.lineno, instance=True)

    def _assigned_attr(self, node: ast.Attribute) -> bool:
        # `queue.custom = 1` somewhere in the file makes `queue.custom` legitimate afterwards.
        return node.attr in self.stored_attrs

    stored_attrs: set[str] = set()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        dotted = self.dotted(func) if isinstance(func, (ast.Attribute, ast.Name)) else None
        spec = None
        if dotted is not None and resolve(dotted) not in (None, _MISSING):
            spec = _callable(dotted)
        elif isinstance(func, ast.Attribute):
            owner = self._instance_of(func.value)
            if owner is not None and resolve(f"{owner}.{func.attr}") not in (None, _MISSING):
                dotted = f"{owner}.{func.attr}"
                spec = _callable(dotted, owner_is_instance=True)
        if spec is not None and dotted is not None:
            self._check_args(node, dotted, spec)
        self.generic_visit(node)

    def _check_args(self, node: ast.Call, dotted: str, spec: Callable_) -> None:
        short = spec.qualname
        splat_kw = any(kw.arg is None for kw in node.keywords)
        splat_pos = any(isinstance(a, ast.Starred) for a in node.args)
        for kw in node.keywords:
            if kw.arg is None or spec.var_kw or kw.arg in spec.keywords:
                continue
            close = difflib.get_close_matches(kw.arg, sorted(spec.keywords), n=3, cutoff=0.5)
            self.findings.append(UnknownKeyword.finding(
                None, f"`{short.replace('.__init__', '')}` has no argument `{kw.arg}` in the installed aws-cdk-lib",
                location=Location(self.rel, kw.lineno), symbol=f"{dotted}({kw.arg}=)",
                error=f"TypeError: {short}() got an unexpected keyword argument '{kw.arg}'",
                fix=(f"did you mean {', '.join(close)}?" if close
                     else f"accepted arguments: {', '.join(sorted(spec.keywords)) or 'none'}")))
        if splat_pos:
            return
        given = len(node.args)
        if given > len(spec.positional) and not spec.var_args:
            extra = 1 if spec.counts_self else 0
            lo, hi = spec.required_positional + extra, len(spec.positional) + extra
            takes = f"{hi} positional argument{'s' if hi != 1 else ''}" if lo == hi else f"from {lo} to {hi} positional arguments"
            self.findings.append(MissingRequiredArgument.finding(
                None, f"`{short}` is given {given} positional arguments but takes at most {len(spec.positional)} "
                "(construct props are keyword-only in CDK Python)",
                location=Location(self.rel, node.lineno), symbol=dotted,
                error=f"TypeError: {short}() takes {takes} but {given + extra} were given",
                fix="pass props by keyword, e.g. " + ", ".join(
                    f"{n}=..." for n in sorted(spec.keywords - set(spec.positional))[:3])))
        if splat_kw:
            return
        passed = {kw.arg for kw in node.keywords} | set(spec.positional[:given])
        missing = [n for n in spec.required_kwonly if n not in passed]
        missing_pos = [n for n in spec.positional[: spec.required_positional] if n not in passed]
        for kind, names in (("keyword-only ", missing), ("positional ", missing_pos)):
            if not names:
                continue
            quoted = [f"'{n}'" for n in names]
            listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
            self.findings.append(MissingRequiredArgument.finding(
                None, f"`{short.replace('.__init__', '')}` requires {', '.join(names)}, which the call does not pass",
                location=Location(self.rel, node.lineno), symbol=dotted,
                error=f"TypeError: {short}() missing {len(names)} required {kind}argument"
                f"{'s' if len(names) > 1 else ''}: {listed}",
                fix=f"pass {', '.join(f'{n}=...' for n in names)}"))

    def _missing(self, dotted: str, line: int, module: bool = False, from_import: bool = False,
                 instance: bool = False) -> None:
        if (dotted, line) in self.reported:
            return
        self.reported.add((dotted, line))
        mod, _, name = dotted.rpartition(".")
        owner = resolve(mod) if mod else None
        if module and not from_import:
            error = f"ModuleNotFoundError: No module named '{dotted}'"
        elif from_import:
            error = f"ImportError: cannot import name '{name}' from '{mod}'"
        elif instance:
            error = f"AttributeError: '{mod.rsplit('.', 1)[-1]}' object has no attribute '{name}'"
        elif inspect.isclass(owner):
            error = f"AttributeError: type object '{owner.__name__}' has no attribute '{name}'"
        else:
            error = f"AttributeError: module '{mod}' has no attribute '{name}'"
        what = "method or property" if instance else "name"
        self.findings.append(MissingSymbol.finding(
            None, f"`{dotted}` does not exist in the installed aws-cdk-lib ({what}); the app fails here at synth",
            location=Location(self.rel, line), symbol=dotted, error=error, fix=suggest(dotted)))


def check_source(rel: str, source: str) -> list[Finding]:
    """Findings for one file's text (rel: its project-relative path, for locations)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []  # reported by the syntax stage
    checker = _FileCheck(rel)
    # Aliases first (imports may sit below their first use in a function body), then types, then the check.
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            _collect_alias(checker, node)
    types = _Types(checker.dotted)
    types.visit(tree)
    checker.types = types
    checker.stored_attrs = {n.attr for n in ast.walk(tree)
                            if isinstance(n, ast.Attribute) and isinstance(n.ctx, (ast.Store, ast.Del))}
    checker.aliases.clear()
    checker.visit(tree)
    return checker.findings


def _collect_alias(checker: _FileCheck, node: ast.Import | ast.ImportFrom) -> None:
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.name.split(".")[0] in ROOTS and resolve(a.name) not in (None, _MISSING):
                checker.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
    elif not node.level and (node.module or "").split(".")[0] in ROOTS:
        for a in node.names:
            dotted = f"{node.module}.{a.name}"
            if a.name != "*" and resolve(dotted) not in (None, _MISSING):
                checker.aliases[a.asname or a.name] = dotted


def check(root: Path, files: list[str]) -> list[Finding]:
    """SDK001/SDK002/CDK001 findings for the project's Python files (empty when aws-cdk-lib is not installed)."""
    if not available():
        return []
    out: list[Finding] = []
    for rel in files:
        if not rel.endswith(".py"):
            continue
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            continue
        if "aws_cdk" not in text and "constructs" not in text:
            continue  # Lambda handlers and helpers: nothing to check, and no parse cost
        out.extend(check_source(rel, text))
    return out

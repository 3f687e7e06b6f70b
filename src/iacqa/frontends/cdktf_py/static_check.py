"""CDKTF Python: check every name and keyword the program takes from the provider bindings, without importing them.

Importing `cdktf_cdktf_provider_aws` costs 14-17 s and ~1.2 GB (its `__init__` imports all 2,214 submodules and
starts jsii's node kernel), so the check reads the generated sources instead: for each module the program imports,
its classes and each class's `__init__` keyword names (one regex pass over that module's source, cached per
process). `cdktf` and `constructs` are indexed the same way, following base classes defined in the same module
(`Fn -> FnGenerated`) and class attributes (`AssetType.FILE`); without those two steps correct programs got false
alarms (ENGINE_NOTES §3). Unknown -> a finding with the error Python would raise; unresolvable -> silent.
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from iacqa.model import Finding, Location
from iacqa.rules.sdk.symbols import MissingSymbol, UnknownKeyword

PROVIDER = "cdktf_cdktf_provider_aws"
CHECKED = (PROVIDER, "cdktf", "constructs")
_CLASS = re.compile(r"^class (\w+)(?:\(([^)]*)\))?:", re.M)
_INIT = re.compile(r"^    def __init__\(\s*\n?(.*?)\) -> None:", re.M | re.S)
_PARAM = re.compile(r"^\s*(\w+)\s*:", re.M)
_MEMBER = re.compile(r"^    (?:def (\w+)\(|(\w+)\s*=)", re.M)
_TOP_DEF = re.compile(r"^def (\w+)\(", re.M)


@dataclass
class ClassInfo:
    name: str
    bases: list[str]
    params: set[str] | None  # keyword names of __init__ (None: no __init__ of its own, or **kwargs)
    members: set[str] = field(default_factory=set)


@dataclass
class ModuleInfo:
    name: str
    classes: dict[str, ClassInfo]
    names: set[str]  # every top-level name (classes, functions, re-exports in __all__)

    def cls(self, name: str) -> ClassInfo | None:
        return self.classes.get(name)

    def members(self, name: str, depth: int = 0) -> set[str]:
        """Members of a class, with those of same-module base classes."""
        c = self.classes.get(name)
        if c is None or depth > 8:
            return set()
        out = set(c.members)
        for b in c.bases:
            out |= self.members(b.split(".")[-1], depth + 1)
        return out

    def params(self, name: str, depth: int = 0) -> set[str] | None:
        c = self.classes.get(name)
        if c is None or depth > 8:
            return None
        if c.params is not None:
            return c.params
        for b in c.bases:
            p = self.params(b.split(".")[-1], depth + 1)
            if p is not None:
                return p
        return None


def _module_file(module: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


@lru_cache(maxsize=512)
def module_info(module: str) -> ModuleInfo | None:
    """Classes, their keyword names and members, read from the module's generated source (no import)."""
    if module == PROVIDER or not module.startswith(CHECKED):
        return None
    path = _module_file(module) if module in ("cdktf", "constructs") else _provider_module(module)
    if path is None:
        return None
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    starts = [(m.start(), m.group(1), m.group(2) or "") for m in _CLASS.finditer(text)]
    classes: dict[str, ClassInfo] = {}
    for i, (pos, name, bases) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        body = text[pos:end]
        init = _INIT.search(body)
        params: set[str] | None = None
        if init:
            sig = init.group(1)
            if "**" not in sig:
                params = {p for p in _PARAM.findall(sig) if p != "self"}
        base_names = [b.strip().split("=")[0].strip() for b in bases.split(",")
                      if b.strip() and "metaclass" not in b and "jsii_type" not in b]
        members = {a or b for a, b in _MEMBER.findall(body)}
        classes[name] = ClassInfo(name, base_names, params, members)
    names = set(classes) | set(_TOP_DEF.findall(text))
    all_m = re.search(r"^__all__ = \[(.*?)\]", text, re.M | re.S)
    if all_m:
        names |= set(re.findall(r'"(\w+)"', all_m.group(1)))
    names |= set(re.findall(r"^(\w+)\s*=", text, re.M))
    return ModuleInfo(module, classes, names)


def _provider_module(module: str) -> Path | None:
    base = _provider_root()
    if base is None:
        return None
    rel = module.split(".")[1:]
    path = base.joinpath(*rel, "__init__.py")
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _provider_root() -> Path | None:
    try:
        spec = importlib.util.find_spec(PROVIDER)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


@lru_cache(maxsize=1)
def provider_modules() -> frozenset[str]:
    root = _provider_root()
    if root is None:
        return frozenset()
    return frozenset(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def available() -> bool:
    return _provider_root() is not None and _module_file("cdktf") is not None


def _suggest(name: str, candidates: set[str] | frozenset[str]) -> str | None:
    """The closest real name: a longer name it abbreviates (`memory` -> `memory_size`), else difflib's best."""
    longer = sorted(c for c in candidates if c.startswith(name + "_") or c.startswith(name) and len(c) - len(name) <= 2)
    if len(longer) == 1:
        return longer[0]
    hits = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.75)
    return hits[0] if hits else None


class _Checker(ast.NodeVisitor):
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.out: list[Finding] = []
        self.bound: dict[str, tuple[str, str | None]] = {}  # local name -> (module, class or None for a module)

    def _loc(self, node: ast.AST) -> Location:
        return Location(self.rel, getattr(node, "lineno", None))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.startswith(CHECKED):
                self._check_module(alias.name, node)
                self.bound[alias.asname or alias.name.split(".")[0]] = (alias.name if alias.asname else
                                                                        alias.name.split(".")[0], None)

    def _check_module(self, module: str, node: ast.AST) -> bool:
        if module.startswith(PROVIDER + ".") and module.count(".") == 1:
            sub = module.split(".", 1)[1]
            if sub not in provider_modules():
                close = _suggest(sub, provider_modules())
                self.out.append(MissingSymbol.finding(
                    None, f"`{module}` is not a module of the installed cdktf AWS provider bindings",
                    location=self._loc(node), symbol=module,
                    error=f"ModuleNotFoundError: No module named '{module}'",
                    fix=f"import from {PROVIDER}.{close}" if close else "look the resource up in the provider's "
                    "module list (one module per Terraform resource type, without the aws_ prefix)",
                ).with_(stage="frontend"))
                return False
        return True

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        mod = node.module or ""
        if node.level or not mod.startswith(CHECKED):
            return
        if mod == PROVIDER:
            for alias in node.names:  # `from cdktf_cdktf_provider_aws import sqs_queue`
                if alias.name != "*" and alias.name not in provider_modules():
                    close = _suggest(alias.name, provider_modules())
                    self.out.append(MissingSymbol.finding(
                        None, f"`{alias.name}` is not a module of the installed cdktf AWS provider bindings",
                        location=self._loc(node), symbol=f"{mod}.{alias.name}",
                        error=f"ImportError: cannot import name '{alias.name}' from '{mod}'",
                        fix=f"use {close}" if close else None).with_(stage="frontend"))
                else:
                    self.bound[alias.asname or alias.name] = (f"{mod}.{alias.name}", None)
            return
        if not self._check_module(mod, node):
            return
        info = module_info(mod)
        if info is None:
            return
        for alias in node.names:
            if alias.name == "*":
                continue
            if alias.name not in info.names:
                close = _suggest(alias.name, info.names)
                self.out.append(MissingSymbol.finding(
                    None, f"`{alias.name}` does not exist in `{mod}`"
                    + (f" (did you mean `{close}`?)" if close else ""),
                    location=self._loc(node), symbol=f"{mod}.{alias.name}",
                    error=f"ImportError: cannot import name '{alias.name}' from '{mod}'",
                    fix=f"import {close}" if close else f"remove `{alias.name}`: `{mod}` has no such class; "
                    "configure it through the resource's own arguments",
                ).with_(stage="frontend"))
                continue
            self.bound[alias.asname or alias.name] = (mod, alias.name)

    def _resolve(self, node: ast.AST) -> tuple[str, str | None] | None:
        """A name or attribute chain -> (module, class) when it names something imported from a checked package."""
        if isinstance(node, ast.Name):
            return self.bound.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value)
            if base is None:
                return None
            mod, cls = base
            if cls is None:  # module.attr
                sub = f"{mod}.{node.attr}"
                if mod == PROVIDER:
                    return (sub, None) if node.attr in provider_modules() else None
                info = module_info(mod)
                if info is not None and node.attr in info.classes:
                    return mod, node.attr
            return None
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load):
            return
        base = self._resolve(node.value)
        if base is None:
            return
        mod, cls = base
        info = module_info(mod)
        if info is None:
            return
        if cls is None:
            if node.attr not in info.names and mod != PROVIDER:
                self._missing_attr(node, f"module '{mod}'", mod, node.attr, info.names)
            return
        members = info.members(cls)
        if members and node.attr not in members and not node.attr.startswith("_"):
            self._missing_attr(node, f"type object '{cls}'", f"{mod}.{cls}", node.attr, members)

    def _missing_attr(self, node: ast.AST, owner: str, prefix: str, attr: str, names: set[str]) -> None:
        close = _suggest(attr, names)
        self.out.append(MissingSymbol.finding(
            None, f"`{prefix}.{attr}` does not exist" + (f" (did you mean `{close}`?)" if close else ""),
            location=self._loc(node), symbol=f"{prefix}.{attr}",
            error=f"AttributeError: {owner} has no attribute '{attr}'",
            fix=f"use {close}" if close else None).with_(stage="frontend"))

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        target = self._resolve(node.func)
        if target is None or target[1] is None:
            return
        mod, cls = target
        info = module_info(mod)
        params = info.params(cls) if info else None
        if not params:
            return
        for kw in node.keywords:
            if kw.arg is None or kw.arg in params:
                continue
            close = _suggest(kw.arg, params)
            self.out.append(UnknownKeyword.finding(
                None, f"`{cls}` has no argument `{kw.arg}`" + (f" (did you mean `{close}`?)" if close else ""),
                location=Location(self.rel, kw.value.lineno if hasattr(kw.value, "lineno") else node.lineno),
                symbol=f"{mod}.{cls}({kw.arg}=)",
                error=f"TypeError: {cls}.__init__() got an unexpected keyword argument '{kw.arg}'",
                fix=f"{close}=" if close else f"remove `{kw.arg}=`; {cls} accepts: "
                + ", ".join(sorted(p for p in params if not p.startswith("id"))[:12]),
            ).with_(stage="frontend"))


def check_source(rel: str, source: str) -> list[Finding]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []  # reported as SYN002 by the syntax stage
    checker = _Checker(rel)
    checker.visit(tree)
    return checker.out


def check(root: Path, files: list[str]) -> list[Finding]:
    """Every Python file of the project that imports cdktf, constructs or the AWS provider bindings."""
    out: list[Finding] = []
    for rel in files:
        if not rel.endswith(".py") or rel.startswith(("tests/", "test/")):
            continue
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            continue
        if not re.search(r"^\s*(from|import)\s+(cdktf|constructs)", text, re.M):
            continue
        out.extend(check_source(rel, text))
    return out

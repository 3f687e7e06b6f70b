"""Static check of every name and keyword the program takes from `pulumi` and `pulumi_aws`.

The installed SDK is the reference: modules are imported (pulumi_aws loads submodules lazily, ~0.1 s each) and
signatures read with `inspect` (a resource's full argument list is its `_internal_init`). This runs in the worker,
which imports the SDK once anyway to fork the program runs.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import inspect
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacqa.model import Finding, Location
from iacqa.rules.sdk.symbols import MissingSymbol, PlainDictForArchive, UnknownKeyword

ROOTS = ("pulumi_aws", "pulumi")
# Well-known confusions with other frameworks: the fix the SDK's own names do not suggest.
HINTS = {
    "FunctionCodeArgs": "Lambda code is an archive in Pulumi: code=pulumi.AssetArchive({'index.py': "
    "pulumi.StringAsset(source)}) or code=pulumi.FileArchive('./path/to/dir')",
    "Code": "Lambda code is an archive in Pulumi: pulumi.AssetArchive / pulumi.FileArchive",
    "QueueRedrivePolicy": "redrive_policy is a JSON string: dlq.arn.apply(lambda arn: json.dumps("
    "{'deadLetterTargetArn': arn, 'maxReceiveCount': 3}))",
    "providers": "the AWS provider is pulumi_aws.Provider(...)",
    "logs": "CloudWatch Logs resources live in pulumi_aws.cloudwatch (LogGroup, LogStream, ...)",
}
_MISSING = object()


@lru_cache(maxsize=4096)
def _resolve(dotted: str) -> Any:
    """The SDK object for a dotted path, or _MISSING."""
    parts = dotted.split(".")
    try:
        obj: Any = importlib.import_module(parts[0])
    except ImportError:
        return _MISSING
    path = parts[0]
    for p in parts[1:]:
        path = f"{path}.{p}"
        if inspect.ismodule(obj):
            try:
                nxt = getattr(obj, p)
            except AttributeError:
                try:
                    nxt = importlib.import_module(path)
                except ImportError:
                    return _MISSING
            except Exception:  # noqa: BLE001 - a lazy import that fails means the name is unusable
                return _MISSING
        else:
            nxt = getattr(obj, p, _MISSING)
            if nxt is _MISSING:
                return _MISSING
        obj = nxt
    return obj


def _public_names(obj: Any) -> list[str]:
    try:
        return [n for n in dir(obj) if not n.startswith("_")]
    except Exception:  # noqa: BLE001
        return []


def suggest(symbol: str) -> str | None:
    """The fix for a name that does not exist: a curated hint, else the closest real names."""
    parent, _, name = symbol.rpartition(".")
    hint = HINTS.get(name)
    owner = _resolve(parent) if parent else _MISSING
    close = difflib.get_close_matches(name, _public_names(owner), n=4, cutoff=0.55) if owner is not _MISSING else []
    parts = []
    if hint:
        parts.append(hint)
    if close:
        parts.append("closest names in " + parent + ": " + ", ".join(close))
    return "; ".join(parts) or None


@lru_cache(maxsize=4096)
def _params(dotted: str) -> tuple[frozenset[str], bool] | None:
    """Accepted keyword names of a class or function, and whether it takes **kwargs."""
    obj = _resolve(dotted)
    if obj is _MISSING:
        return None
    target = getattr(obj, "_internal_init", None) if inspect.isclass(obj) else None
    if target is None:
        target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    names = frozenset(p.name for p in sig.parameters.values()
                      if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    var_kw = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    if inspect.isclass(obj) and hasattr(obj, "_internal_init"):
        var_kw = False  # resources: _internal_init lists every argument; the public **kwargs forwards to it
        names = names | {"opts", "resource_name", "args"}
    return names, var_kw


class _FileCheck(ast.NodeVisitor):
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.aliases: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.reported: set[tuple[str, int]] = set()

    # -- imports ---------------------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if a.name.split(".")[0] in ROOTS:
                if _resolve(a.name) is _MISSING:
                    self._missing(a.name, node.lineno, module=True)
                self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        mod = node.module or ""
        if node.level or mod.split(".")[0] not in ROOTS:
            return
        if _resolve(mod) is _MISSING:
            self._missing(mod, node.lineno, module=True)
            return
        for a in node.names:
            if a.name == "*":
                continue
            dotted = f"{mod}.{a.name}"
            if _resolve(dotted) is _MISSING:
                self._missing(dotted, node.lineno)
            else:
                self.aliases[a.asname or a.name] = dotted

    # -- names -----------------------------------------------------------------------------------------------
    def _dotted(self, node: ast.AST) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases:
            return ".".join([self.aliases[node.id], *reversed(parts)])
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = self._dotted(node)
        if dotted is None:
            self.generic_visit(node)
            return
        # Report the shortest prefix that is missing (the first name that does not exist).
        parts = dotted.split(".")
        for i in range(2, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if _resolve(prefix) is _MISSING:
                self._missing(prefix, node.lineno)
                break
            if not inspect.ismodule(_resolve(prefix)):
                break  # past modules we stop: attributes of classes/values are dynamic enough

    def visit_Call(self, node: ast.Call) -> None:
        dotted = self._dotted(node.func) if isinstance(node.func, (ast.Attribute, ast.Name)) else None
        if isinstance(node.func, ast.Name) and node.func.id in self.aliases:
            dotted = self.aliases[node.func.id]
        if dotted and dotted.startswith("pulumi_aws.") and _resolve(dotted) is not _MISSING:
            spec = _params(dotted)
            if spec is not None:
                names, var_kw = spec
                for kw in node.keywords:
                    if kw.arg is None or var_kw or kw.arg in names:
                        continue
                    close = difflib.get_close_matches(kw.arg, sorted(names), n=3, cutoff=0.5)
                    short = dotted.rsplit(".", 1)[-1]
                    self.findings.append(UnknownKeyword.finding(
                        None, f"`{short}` has no argument `{kw.arg}`", location=Location(self.rel, kw.lineno),
                        symbol=f"{dotted}({kw.arg}=)",
                        error=f"TypeError: {short}.{'_internal_init' if hasattr(_resolve(dotted), '_internal_init') else '__init__'}() "
                        f"got an unexpected keyword argument '{kw.arg}'",
                        fix=(f"did you mean {', '.join(close)}?" if close else f"see the arguments of {dotted}")))
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Dict) and dotted.endswith(("Function", "LayerVersion")):
                    self.findings.append(PlainDictForArchive.finding(
                        None, f"`code` of {dotted.rsplit('.', 1)[-1]} is a plain dict; the SDK requires an Archive",
                        location=Location(self.rel, kw.lineno), symbol=f"{dotted}(code=)",
                        error="TypeError: expected Archive", fix=HINTS["FunctionCodeArgs"]))
        self.generic_visit(node)

    def _missing(self, dotted: str, line: int, module: bool = False) -> None:
        if (dotted, line) in self.reported:
            return
        self.reported.add((dotted, line))
        mod, _, name = dotted.rpartition(".")
        error = (f"ModuleNotFoundError: No module named '{dotted}'" if module
                 else f"AttributeError: module '{mod}' has no attribute '{name}'"
                 if inspect.ismodule(_resolve(mod)) else f"AttributeError: '{mod}' has no attribute '{name}'")
        self.findings.append(MissingSymbol.finding(
            None, f"`{dotted}` does not exist in the installed SDK; the program fails here at synth",
            location=Location(self.rel, line), symbol=dotted, error=error, fix=suggest(dotted)))


def check_sdk_usage(root: Path, files: list[str]) -> list[Finding]:
    """Findings for every SDK name or keyword in the given project files that the installed SDK lacks."""
    try:
        importlib.import_module("pulumi_aws")
    except ImportError:
        return []
    out: list[Finding] = []
    for rel in files:
        try:
            tree = ast.parse((root / rel).read_text(errors="replace"))
        except (SyntaxError, ValueError, OSError):
            continue  # reported by the syntax stage
        checker = _FileCheck(rel)
        checker.visit(tree)
        out.extend(checker.findings)
    return out

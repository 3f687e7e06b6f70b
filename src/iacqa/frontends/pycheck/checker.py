"""The static check of one Python file against an SDK index: imports, attribute chains, calls.

What it reports, always with the error Python itself would raise at that line:
- `import m` / `from m import ...` of a module the SDK lacks (the first missing package of the path);
- `from m import A, B, C`: every name that `m` lacks, each its own finding;
- `alias.X.Y`: the first name of the chain that does not exist (module attributes, class attributes);
- `obj.attr` where `obj` certainly holds an SDK instance (see scopes.py) and its class has no such member;
- calls: unknown keywords, missing required arguments, too many positional arguments, where the index knows the
  signature and the call has no `*`/`**` splat that could supply them.
Names bound by a function parameter or local of the same name hide an import alias in that function.

Per-SDK adapters subclass `Checker` only to add their own value checks (`on_keyword`) or to attach extra data to
findings (`decorate`).
"""

from __future__ import annotations

import ast
from typing import Any

from iacqa.catalog.sdk import MissingRequiredArgument, MissingSymbol, UnknownKeyword
from iacqa.frontends.pycheck import errors
from iacqa.frontends.pycheck.index import Kind, SdkIndex, Signature
from iacqa.frontends.pycheck.scopes import MODULE_SCOPE, Bindings
from iacqa.frontends.pycheck.suggest import KEYWORD_CUTOFF, closest, confident
from iacqa.model import Finding, Location


def _short(sig: Signature) -> str:
    """How messages name a call target: the class for a constructor (`Queue`), else `Code.from_asset`."""
    owner, _, method = sig.qualname.rpartition(".")
    return owner if method in ("__init__", "_internal_init") and owner else sig.qualname


class Checker(ast.NodeVisitor):
    def __init__(self, index: SdkIndex, rel: str) -> None:
        self.index = index
        self.rel = rel
        self.aliases: dict[str, str] = {}  # local name -> dotted SDK path
        self.findings: list[Finding] = []
        self.bindings: Bindings | None = None
        self.stored_attrs: set[str] = set()
        self._reported: set[tuple[str, int | None]] = set()
        self._func: list[ast.AST] = []
        self._cls: list[ast.ClassDef] = []

    # -- entry ------------------------------------------------------------------------------------------------------
    def run(self, tree: ast.Module) -> list[Finding]:
        # Aliases first (an import may sit below its first use in a function body), then bindings, then the check.
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for local, dotted in self._bound(node):
                    self.aliases[local] = dotted
        self.bindings = Bindings(self._class_of)
        self.bindings.visit(tree)
        self.stored_attrs = {n.attr for n in ast.walk(tree)
                             if isinstance(n, ast.Attribute) and isinstance(n.ctx, (ast.Store, ast.Del))}
        self.visit(tree)
        return self.findings

    def _in_roots(self, module: str) -> bool:
        return module.split(".")[0] in self.index.roots

    def _bound(self, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
        """(local name, dotted path) pairs an import binds, for names the SDK has."""
        out = []
        if isinstance(node, ast.Import):
            for a in node.names:
                if self._in_roots(a.name) and self.index.kind(a.name) is Kind.MODULE:
                    out.append((a.asname, a.name) if a.asname else (a.name.split(".")[0], a.name.split(".")[0]))
        elif not node.level and node.module and self._in_roots(node.module):
            for a in node.names:
                dotted = f"{node.module}.{a.name}"
                if a.name != "*" and self.index.kind(dotted) not in (Kind.MISSING, Kind.UNKNOWN):
                    out.append((a.asname or a.name, dotted))
        return out

    # -- imports ------------------------------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if self._in_roots(a.name):
                self._check_module(a.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        mod = node.module or ""
        if node.level or not self._in_roots(mod) or not self._check_module(mod, node):
            return
        for a in node.names:
            dotted = f"{mod}.{a.name}"
            if a.name != "*" and self.index.kind(dotted) is Kind.MISSING:
                self.missing(dotted, node, errors.cannot_import(a.name, mod, self.index.source_file(mod)),
                             context="import", alias=a)

    def _check_module(self, module: str, node: ast.AST) -> bool:
        """Report the first package of `module` that does not exist; whether the module can be imported."""
        parts = module.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            kind = self.index.kind(prefix)
            if kind is Kind.MISSING:
                self.missing(prefix, node, errors.no_module(prefix), context="module")
                return False
            if kind is Kind.UNKNOWN:
                return False
        return True

    # -- scopes -------------------------------------------------------------------------------------------------------
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

    def _shadowed(self, name: str) -> bool:
        if self.bindings is None:
            return False
        return any(name in self.bindings.scopes.get(id(f), {}) for f in self._func)

    # -- names --------------------------------------------------------------------------------------------------------
    def dotted(self, node: ast.AST) -> str | None:
        """`sqs.Queue` -> `aws_cdk.aws_sqs.Queue` when the chain starts at an SDK alias that nothing hides."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases and not self._shadowed(node.id):
            return ".".join([self.aliases[node.id], *reversed(parts)])
        return None

    def _class_of(self, func: ast.AST) -> str | None:
        """The SDK class a constructor call `func(...)` builds (for the bindings table)."""
        dotted = self.dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        return dotted if dotted and self.index.kind(dotted) is Kind.CLASS else None

    def instance_of(self, node: ast.AST) -> str | None:
        """The SDK class a local name or `self.x` certainly holds."""
        if self.bindings is None or not self.index.track_instances:
            return None
        if isinstance(node, ast.Name):
            scope = id(self._func[-1]) if self._func else MODULE_SCOPE
            return self.bindings.scopes.get(scope, {}).get(node.id)
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
                and self._cls):
            return self.bindings.self_attrs.get(id(self._cls[-1]), {}).get(node.attr)
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Load):
            dotted = self.dotted(node)
            if dotted is not None:
                self._check_chain(dotted, node)
                return
            owner = self.instance_of(node.value)
            if owner is not None and not node.attr.startswith("_") and node.attr not in self.stored_attrs:
                if self.index.kind(f"{owner}.{node.attr}") is Kind.MISSING:
                    self.missing(f"{owner}.{node.attr}", node,
                                 errors.no_instance_attribute(owner.rsplit(".", 1)[-1], node.attr), context="instance")
        self.generic_visit(node)

    def _check_chain(self, dotted: str, node: ast.AST) -> None:
        # The first name that does not exist is the error; past a value nothing is known.
        parts = dotted.split(".")
        parent_kind = self.index.kind(parts[0])
        for i in range(2, len(parts) + 1):
            prefix = ".".join(parts[:i])
            kind = self.index.kind(prefix)
            if kind is Kind.MISSING:
                owner, name = prefix.rsplit(".", 1)
                error = ((self.index.class_attribute_error(owner, name)
                          or errors.no_class_attribute(owner.rsplit(".", 1)[-1], name)) if parent_kind is Kind.CLASS
                         else errors.no_module_attribute(owner, name))
                self.missing(prefix, node, error, context="attribute")
                return
            if kind not in (Kind.MODULE, Kind.CLASS):
                return
            parent_kind = kind

    # -- calls --------------------------------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        dotted = self.dotted(func) if isinstance(func, (ast.Attribute, ast.Name)) else None
        sig = None
        if dotted is not None and self.index.kind(dotted) not in (Kind.MISSING, Kind.UNKNOWN):
            sig = self.index.signature(dotted) if self.index.checks_calls(dotted) else None
        elif dotted is None and isinstance(func, ast.Attribute):
            owner = self.instance_of(func.value)
            target = f"{owner}.{func.attr}" if owner else None
            if target and self.index.kind(target) not in (Kind.MISSING, Kind.UNKNOWN) and self.index.checks_calls(target):
                dotted, sig = target, self.index.signature(target, instance=True)
        if sig is not None and dotted is not None:
            self.check_call(node, dotted, sig)
        self.generic_visit(node)

    def check_call(self, node: ast.Call, dotted: str, sig: Signature) -> None:
        short = _short(sig)
        meant: set[str] = set()  # what misspelt keywords stand for: not reported again as missing
        for kw in node.keywords:
            if kw.arg is None:
                continue
            if sig.var_kw or kw.arg in sig.keywords:
                self.on_keyword(node, dotted, kw)
                continue
            meant.update(self.unknown_keyword(dotted, sig, kw.arg, kw.value if hasattr(kw.value, "lineno") else node,
                                              name_node=kw, value=kw.value)[:1])
        if any(isinstance(a, ast.Starred) for a in node.args):
            return
        given = len(node.args)
        if given > len(sig.positional) and not sig.var_args:
            extra = 1 if sig.counts_self else 0
            self.emit(MissingRequiredArgument, "too-many-positional",
                      f"`{sig.qualname}` is given {given} positional arguments but takes at most "
                      f"{len(sig.positional)}" + (" (props are keyword-only)" if sig.required_kwonly or
                                                  sig.keywords - set(sig.positional) else ""),
                      node, symbol=dotted,
                      error=errors.too_many_positional(
                          sig.qualname, sig.required_positional + extra, len(sig.positional) + extra, given + extra,
                          sum(1 for kw in node.keywords if kw.arg in sig.keywords - set(sig.positional))),
                      fix="pass them by keyword, e.g. " + ", ".join(
                          f"{n}=..." for n in sorted(sig.keywords - set(sig.positional) - sig.hidden)[:3]))
        if any(kw.arg is None for kw in node.keywords):
            return
        passed = {kw.arg for kw in node.keywords} | set(sig.positional[:given]) | meant
        missing_kw = [n for n in sig.required_kwonly if n not in passed]
        missing_pos = [n for n in sig.positional[: sig.required_positional] if n not in passed]
        for kind, names in (("keyword-only", missing_kw), ("positional", missing_pos)):
            if names:
                self.emit(MissingRequiredArgument, "missing-argument",
                          f"`{short}` requires {', '.join(names)}, which the call does not pass", node,
                          symbol=dotted, error=errors.missing_arguments(sig.qualname, names, kind),
                          fix=f"pass {', '.join(f'{n}=...' for n in names)}")

    def on_keyword(self, call: ast.Call, dotted: str, kw: ast.keyword) -> None:
        """A keyword the target accepts: adapters check its value here."""

    # -- findings -----------------------------------------------------------------------------------------------------
    def unknown_keyword(self, dotted: str, sig: Signature, arg: str, at: ast.AST, *, name_node: ast.AST | None = None,
                        value: ast.AST | None = None, owner: str | None = None) -> list[str]:
        """Report a keyword the target does not accept; the names it most likely meant."""
        short = owner or _short(sig)
        accepted = sorted(sig.keywords - sig.hidden)
        close = closest(arg, accepted, owner=short, cutoff=KEYWORD_CUTOFF, n=3)
        self.emit(UnknownKeyword, "keyword",
                  f"`{short}` has no argument `{arg}` in the installed {self.index.label}"
                  + (f" (did you mean `{close[0]}`?)" if close else ""), at,
                  symbol=f"{dotted}({arg}=)", error=errors.unexpected_keyword(sig.qualname, arg),
                  fix=(f"{close[0]}=" if close and confident(arg, close[0])
                       else f"did you mean {', '.join(close)}?" if close
                       else f"remove `{arg}=`; accepted arguments: {', '.join(accepted[:14]) or 'none'}"),
                  context={"arg": arg, "close": close, "name_node": name_node, "value": value})
        return close

    def missing(self, dotted: str, node: ast.AST, error: str, *, context: str, alias: ast.alias | None = None) -> None:
        """A name the installed SDK lacks (reported once per name and line)."""
        line = getattr(node, "lineno", None)
        if (dotted, line) in self._reported:
            return
        self._reported.add((dotted, line))
        parent, _, name = dotted.rpartition(".")
        close = closest(name, self.index.names(parent)) if parent else []
        what = " (method or property)" if context == "instance" else ""
        hint = self.index.hints.get(name)
        elsewhere = self.index.elsewhere(name, parent) if parent else None
        fix_parts = [hint] if hint else []
        if elsewhere and not hint:
            fix_parts.append(elsewhere)
        if close and not elsewhere:
            fix_parts.append(f"closest names in {parent}: " + ", ".join(close))
        self.emit(MissingSymbol, context,
                  f"`{dotted}` does not exist in the installed {self.index.label}{what}"
                  + (f"; did you mean `{close[0]}`?" if close and not elsewhere else ""), node,
                  symbol=dotted, error=error, fix="; ".join(fix_parts) or None,
                  context={"close": close, "alias": alias, "name": name, "module": parent, "node": node,
                           "elsewhere": elsewhere})

    def emit(self, entry: Any, kind: str, message: str, node: ast.AST, *, context: dict[str, Any] | None = None,
             **fields: Any) -> None:
        fields = self.decorate(kind, fields, context or {})
        self.findings.append(entry.finding(message, location=Location(self.rel, getattr(node, "lineno", None)),
                                           **fields).with_(stage="frontend"))

    def decorate(self, kind: str, fields: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        """Adapters add to a finding's fields here (CDKTF: the source patch synth continues with)."""
        return fields

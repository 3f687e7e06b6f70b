"""Which local names hide an SDK alias, and which hold an SDK object for certain.

A name counts as holding an instance only when every assignment to it in its function is a constructor call of the
same SDK class and nothing else binds it (loops, with, augmented assignment, tuple targets, globals): otherwise it
is dynamic and left alone. The same table says which function parameters and locals shadow an import alias.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

MODULE_SCOPE = 0


class Bindings(ast.NodeVisitor):
    """scopes: id(function node) (or MODULE_SCOPE) -> local name -> SDK class path or None (bound to something
    else); self_attrs: id(class node) -> attribute -> SDK class path or None."""

    def __init__(self, class_of_call: Callable[[ast.AST], str | None]) -> None:
        self.class_of_call = class_of_call
        self.scopes: dict[int, dict[str, str | None]] = {MODULE_SCOPE: {}}
        self.self_attrs: dict[int, dict[str, str | None]] = {}
        self._func: list[ast.AST] = []
        self._cls: list[ast.ClassDef] = []

    @staticmethod
    def _bind(table: dict[str, str | None], key: str, cls: str | None) -> None:
        if key in table and table[key] != cls:
            table[key] = None
        else:
            table.setdefault(key, cls)

    def _ctor(self, value: ast.AST | None) -> str | None:
        if isinstance(value, ast.Call):
            return self.class_of_call(value.func)
        return None

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._cls.append(node)
        self.self_attrs.setdefault(id(node), {})
        self.generic_visit(node)
        self._cls.pop()

    def _visit_func(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self._func.append(node)
        scope = self.scopes.setdefault(id(node), {})
        for arg in ast.walk(node.args):
            if isinstance(arg, ast.arg):
                scope[arg.arg] = None
        self.generic_visit(node)
        self._func.pop()

    visit_FunctionDef = _visit_func
    visit_AsyncFunctionDef = _visit_func
    visit_Lambda = _visit_func

    def _store(self, target: ast.AST, cls: str | None) -> None:
        scope = self.scopes[id(self._func[-1])] if self._func else self.scopes[MODULE_SCOPE]
        if isinstance(target, ast.Name):
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

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._store(ast.Name(id=node.name), None)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for n in node.names:
            self._store(ast.Name(id=n), None)

    visit_Nonlocal = visit_Global

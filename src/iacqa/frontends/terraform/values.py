"""The values of the Terraform evaluator: what is unknown until apply, the error terraform would raise, and the
name scope an evaluation runs in.

The bottom of the evaluator's layering (model: parse trees -> values -> functions -> expressions -> config), so the
built-in functions and the expression evaluator share these types without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value known only after apply (or one this evaluator cannot compute)."""

    ref: str = ""

    def __str__(self) -> str:
        return "${" + self.ref + "}" if self.ref else "${unknown}"


class EvalError(Exception):
    """The expression is wrong in a way terraform itself would reject (bad function, type error)."""


def is_unknown(v: Any) -> bool:
    if isinstance(v, Unknown):
        return True
    if isinstance(v, dict):
        return any(is_unknown(x) for x in v.values())
    if isinstance(v, list):
        return any(is_unknown(x) for x in v)
    return False


def concrete(v: Any) -> Any:
    """Unknowns rendered as `${ref}` strings: what the graph stores for values known only after apply."""
    if isinstance(v, Unknown):
        return str(v)
    if isinstance(v, dict):
        return {k: concrete(x) for k, x in v.items()}
    if isinstance(v, list):
        return [concrete(x) for x in v]
    return v


class Scope:
    """Name resolution for one evaluation context. Subclasses resolve the module's own names."""

    def __init__(self, names: dict[str, Any] | None = None, parent: Scope | None = None) -> None:
        self.names = names or {}
        self.parent = parent

    def child(self, names: dict[str, Any]) -> Scope:
        return Scope(names, self)

    def root(self, name: str, steps: list[tuple[str, Any]]) -> tuple[Any, int]:
        """Resolve a traversal's root name; returns (value, number of steps consumed)."""
        if name in self.names:
            return self.names[name], 0
        if self.parent is not None:
            return self.parent.root(name, steps)
        return Unknown(name), 0

    def read_file(self, path: str) -> str | None:
        return self.parent.read_file(path) if self.parent is not None else None

    def read_bytes(self, path: str) -> bytes | None:
        return self.parent.read_bytes(path) if self.parent is not None else None

    def list_files(self, path: str, pattern: str) -> list[str]:
        return self.parent.list_files(path, pattern) if self.parent is not None else []

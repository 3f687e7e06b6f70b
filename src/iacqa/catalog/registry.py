"""One registry of finding ids: every module of iacqa.catalog is imported explicitly; a duplicate id fails.

Graph rules (iacqa.rules) register into the same registry when they are imported; the catalog cannot import them
(it is the layer below), so whoever needs the complete list with graph rules (the CLI, docs/rules.md) asks
`iacqa.rules.registry.catalog()`, which loads the rules first. Everything below the rules (front ends, linters,
emulator, tests stage, reports) sees the entries of the ids it can emit, and the graph rules that have run.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from iacqa.catalog.base import Entry, registered


@lru_cache(maxsize=1)
def _load() -> None:
    import iacqa.catalog as pkg

    for mod in pkgutil.iter_modules(pkg.__path__, prefix="iacqa.catalog."):
        importlib.import_module(mod.name)


def entries() -> dict[str, type[Entry]]:
    """Every registered id, sorted."""
    _load()
    return dict(sorted(registered().items()))


def get(rule_id: str) -> type[Entry] | None:
    """The entry of an id (case-insensitive), or None."""
    reg = entries()
    return reg.get(rule_id) or reg.get(rule_id.upper())

"""One explicit loader for graph rules: every module under iacqa.rules is imported, which registers each rule's
id in the catalog (a duplicate id fails there); `graph_rules()` is what the engine runs."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from iacqa.catalog import registry as catalog_registry
from iacqa.catalog.base import Entry
from iacqa.rules.base import Rule


def _walk(cls: type[Rule]) -> list[type[Rule]]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_walk(sub))
    return out


@lru_cache(maxsize=1)
def all_rules() -> dict[str, type[Rule]]:
    """Every graph rule (a Rule subclass with an id and its own `check`), by id."""
    import iacqa.rules as pkg

    for mod in pkgutil.walk_packages(pkg.__path__, prefix="iacqa.rules."):
        importlib.import_module(mod.name)
    rules = {cls.id: cls for cls in _walk(Rule) if cls.id and "check" in cls.__dict__}
    return dict(sorted(rules.items()))


def graph_rules() -> list[type[Rule]]:
    return list(all_rules().values())


def catalog() -> dict[str, type[Entry]]:
    """The whole catalog: the ids every stage emits and the graph rules, sorted by id."""
    all_rules()
    return catalog_registry.entries()


def get_rule(rule_id: str) -> type[Entry] | None:
    """The catalog entry of any id (graph rule or not), case-insensitive."""
    all_rules()
    return catalog_registry.get(rule_id)

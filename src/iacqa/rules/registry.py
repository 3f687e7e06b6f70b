"""One explicit loader: every Rule subclass with an id under iacqa.rules is registered; duplicate ids fail."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from iacqa.rules.base import Rule


class DuplicateRuleId(RuntimeError):
    pass


def _walk(cls: type[Rule]) -> list[type[Rule]]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_walk(sub))
    return out


@lru_cache(maxsize=1)
def all_rules() -> dict[str, type[Rule]]:
    import iacqa.rules as pkg

    for mod in pkgutil.walk_packages(pkg.__path__, prefix="iacqa.rules."):
        importlib.import_module(mod.name)
    registry: dict[str, type[Rule]] = {}
    for cls in _walk(Rule):
        if not cls.id:
            continue  # abstract helpers
        if cls.id in registry and registry[cls.id] is not cls:
            raise DuplicateRuleId(f"rule id {cls.id} is defined by {registry[cls.id].__name__} and {cls.__name__}")
        registry[cls.id] = cls
    return dict(sorted(registry.items()))


def get_rule(rule_id: str) -> type[Rule] | None:
    return all_rules().get(rule_id.upper()) or all_rules().get(rule_id)


def graph_rules() -> list[type[Rule]]:
    return [r for r in all_rules().values() if r.stage == "check"]

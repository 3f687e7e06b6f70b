"""`--select`/`--ignore` tokens: each names catalog ids, by category (`sdk-api`: every id of that category,
whatever its prefix) or by id prefix (`SDK`, `LNT-E5`, `HYG001`), case-insensitive. Applied by engine/selection.py
and checked against the catalog by config.py, which sits below the engine: hence here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from iacqa.model import Category


def _category(token: str) -> Category | None:
    try:
        return Category(token.strip().lower())
    except ValueError:
        return None


@dataclass(frozen=True)
class Selector:
    """One `--select`/`--ignore` token: a category or an id prefix."""

    text: str
    category: Category | None
    prefix: str

    @classmethod
    def parse(cls, token: str) -> Selector:
        token = token.strip()
        cat = _category(token)
        return cls(token, cat, "" if cat is not None else token.upper())

    def matches(self, rule_id: str, category: Category | None) -> bool:
        if self.category is not None:
            return category is self.category
        return rule_id.upper().startswith(self.prefix)


def parse(tokens: Iterable[str] | None) -> tuple[Selector, ...]:
    """The selectors of some tokens (blank ones dropped)."""
    return tuple(Selector.parse(t) for t in tokens or () if t and t.strip())


def unknown(selectors: Iterable[Selector], known_ids: Iterable[str]) -> list[str]:
    """Selectors that name no category and no id prefix in `known_ids` (a typo selects nothing silently).
    A selector longer than a known id counts as known when it extends it (`SEC-CKV_AWS_28` of `SEC-CKV`)."""
    ids = [i.upper() for i in known_ids]
    out = []
    for s in selectors:
        if s.category is None and not any(i.startswith(s.prefix) or s.prefix.startswith(i) for i in ids):
            out.append(s.text)
    return list(dict.fromkeys(out))


__all__ = ["Selector", "parse", "unknown"]

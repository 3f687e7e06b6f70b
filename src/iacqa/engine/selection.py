"""Which findings a run reports: `select`, `ignore` and per-file ignores, written once.

A selector is a category name (`sdk-api`, `lint`: every id of that category, whatever its prefix, so `sdk-api`
takes CDK001, CTF*, TFS*, SDK*...) or an id prefix (`SDK`, `LNT-E5`, `SEC-CKV`, `HYG001`), both case-insensitive.
No `select` means everything; `ignore` wins over `select` (as ruff's and flake8's do). Per-file ignores map a glob
over the project-relative path to selectors: `{"tests/**": ["LNT"], "*.yaml": ["hygiene"]}`. In a glob, `*` and `?`
stay inside one path segment and `**` spans any number of them; a glob without `/` matches the file's name at any
depth (`*.py`), and a glob that names a directory matches everything under it (`tests` as `tests/**`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from iacqa.catalog.selectors import Selector as _Selector
from iacqa.catalog.selectors import parse as _selectors
from iacqa.catalog.selectors import unknown as _unknown
from iacqa.model import Category, Finding


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """A glob over project-relative POSIX paths as a regular expression (see the module docstring)."""
    pat = pattern.strip().replace("\\", "/")
    while pat.startswith("./"):
        pat = pat[2:]
    pat = pat.strip("/") if pat not in ("/", "") else pat
    out, i = [], 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif pat[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pat[i] == "?":
            out.append("[^/]")
            i += 1
        elif pat[i] == "[" and "]" in pat[i + 2:]:
            j = pat.index("]", i + 2)
            body = pat[i + 1:j]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(pat[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def path_matches(pattern: str, path: str) -> bool:
    """Whether a per-file glob covers a project-relative path (or a directory that contains it)."""
    p = PurePosixPath(path.replace("\\", "/").removeprefix("./"))
    rx = _glob(pattern)
    if "/" not in pattern.strip().strip("/") and rx.match(p.name):
        return True
    candidates = [str(p), *(str(d) for d in p.parents if str(d) != ".")]
    return any(rx.match(c) for c in candidates)


@dataclass(frozen=True)
class Selection:
    """select / ignore / per-file ignores. `Selection(None, None, None)` reports everything."""

    select: tuple[_Selector, ...] = ()
    ignore: tuple[_Selector, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[_Selector, ...]], ...] = field(default=())

    def __init__(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
                 per_file_ignores: Mapping[str, Iterable[str]] | None = None) -> None:
        object.__setattr__(self, "select", _selectors(select))
        object.__setattr__(self, "ignore", _selectors(ignore))
        object.__setattr__(self, "per_file_ignores", tuple(
            (glob, _selectors(tokens)) for glob, tokens in (per_file_ignores or {}).items()))

    @property
    def everything(self) -> bool:
        """Nothing is filtered (the engine can skip the checks below)."""
        return not (self.select or self.ignore or self.per_file_ignores)

    def selects(self, rule_id: str, category: Category | None = None) -> bool:
        """Whether findings of this id are reported somewhere (per-file ignores aside): a rule that is not selected
        need not run at all."""
        if any(s.matches(rule_id, category) for s in self.ignore):
            return False
        return not self.select or any(s.matches(rule_id, category) for s in self.select)

    def allows(self, finding: Finding) -> bool:
        """Whether this finding is reported."""
        if not self.selects(finding.rule, finding.category):
            return False
        if finding.file and self.per_file_ignores:
            for glob, sels in self.per_file_ignores:
                if any(s.matches(finding.rule, finding.category) for s in sels) and path_matches(glob, finding.file):
                    return False
        return True

    def unknown(self, known_ids: Iterable[str]) -> list[str]:
        """Selectors that name no category and no id prefix in `known_ids` (a typo selects nothing silently).
        A selector longer than a known id counts as known when it extends it (`SEC-CKV_AWS_28` of `SEC-CKV`)."""
        return _unknown([*self.select, *self.ignore, *(s for _, group in self.per_file_ignores for s in group)],
                        known_ids)


__all__ = ["Selection", "path_matches"]

"""The one suggestion algorithm of the static checks: which real names a wrong one most likely meant."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from iacqa.knowledge.naming import snake

NAME_CUTOFF = 0.6
KEYWORD_CUTOFF = 0.5  # keywords are renamed more freely between SDKs and versions than class names


def closest(name: str, candidates: Iterable[str], owner: str = "", cutoff: float = NAME_CUTOFF,
            n: int = 4) -> list[str]:
    """Real names, best first: a name without a prefix repeating the owner (`subnet_group_name` on
    ElasticacheSubnetGroup -> `name`, a provider rename), the snake_case of a camelCase name, the one longer name it
    abbreviates (`memory` -> `memory_size`), then difflib's closest, then the same case-insensitively (enum members
    and jsii constants are UPPER_CASE)."""
    pool = sorted({c for c in candidates if c and c != name})
    if not pool:
        return []
    have = set(pool)
    out: list[str] = []
    owner_words = set(snake(owner).split("_")) if owner else set()
    parts = name.split("_")
    for i in range(1, len(parts)):
        rest = "_".join(parts[i:])
        if rest in have and owner_words and set(parts[:i]) <= owner_words:
            out.append(rest)
            break
    if snake(name) in have:
        out.append(snake(name))
    longer = [c for c in pool if c.startswith(name + "_") or (c.startswith(name) and len(c) - len(name) <= 2)]
    if len(longer) == 1:
        out.append(longer[0])
    out += difflib.get_close_matches(name, pool, n=n, cutoff=cutoff)
    if len(out) < n:
        upper = {c.upper(): c for c in pool}
        out += [upper[c] for c in difflib.get_close_matches(name.upper(), list(upper), n=n, cutoff=cutoff)]
    seen: list[str] = []
    for c in out:
        if c not in seen:
            seen.append(c)
    return seen[:n]


def confident(wrong: str, right: str) -> bool:
    """A rename sure enough to run the program with: a provider rename (`subnet_group_name` -> `name`), a jsii
    suffix (`S3BucketVersioning` -> `S3BucketVersioningA`), case or an abbreviation; not a mere lookalike."""
    return (wrong.endswith("_" + right) or right.startswith(wrong) or snake(wrong) == right
            or difflib.SequenceMatcher(None, wrong, right).ratio() >= 0.9)

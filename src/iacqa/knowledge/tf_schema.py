"""The Terraform AWS provider schema, offline: resources and data sources with their arguments, nested blocks and
exported attributes, per provider major version.

Why an index: `terraform validate` needs the provider binary, which cannot be downloaded on these machines. The
index (data/tf_aws_schema.json.gz) is built by scripts/build_tf_schema.py from the jsii assembly that cdktf
generated from the provider's own schema (hashicorp/aws 6.x) merged with `terraform providers schema -json` of a
local 5.x provider; `provenance` says which sources, versions and counts went in. Blocks are decoded lazily, per
resource type, so loading stays a single `json.loads`.
"""

from __future__ import annotations

import difflib
import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

DATA_FILE = "tf_aws_schema.json.gz"
KINDS = {"s": "string", "n": "number", "b": "bool", "l": "list", "m": "map", "o": "object", "a": "any"}


@dataclass(frozen=True)
class Argument:
    """A configurable argument: `kind` is string/number/bool/list/map/object/any."""

    name: str
    kind: str
    required_in: tuple[int, ...] = ()  # provider majors where it is required
    versions: tuple[int, ...] | None = None  # majors that have it; None = every indexed major

    def required(self, major: int | None = None) -> bool:
        """Required in `major`, or (major None) required in every indexed major that has it."""
        if major is None:
            return bool(self.required_in) and (self.versions is None or set(self.versions) <= set(self.required_in))
        return major in self.required_in


@dataclass(frozen=True)
class NestedBlock:
    """A nested block: `nesting` single/list/set/map; `attribute_syntax` when the provider declares it as an
    attribute of object type, so both `x { ... }` and `x = [...]` are accepted."""

    name: str
    nesting: str
    block: Block
    min_items: int = 0
    max_items: int | None = None
    versions: tuple[int, ...] | None = None
    attribute_syntax: bool = False


@dataclass
class Block:
    """One schema block (a resource, a data source or a nested block), decoded from the index on first use."""

    raw: dict[str, Any] = field(repr=False)
    versions: tuple[int, ...] | None = None  # for a resource type: the majors that have it
    majors: tuple[int, ...] = ()  # every major the index holds

    @cached_property
    def arguments(self) -> dict[str, Argument]:
        return {name: _argument(name, code, self.majors) for name, code in self.raw.get("a", {}).items()}

    @cached_property
    def blocks(self) -> dict[str, NestedBlock]:
        out = {}
        for name, nb in self.raw.get("b", {}).items():
            out[name] = NestedBlock(name, nb["n"], Block(nb.get("b", {}), None, self.majors), nb.get("min", 0), nb.get("max"),
                                    tuple(nb["v"]) if nb.get("v") else None, bool(nb.get("ab")))
        return out

    @cached_property
    def attributes(self) -> dict[str, tuple[int, ...] | None]:
        """Computed-only (exported) attributes -> the majors that have them (None = every indexed major)."""
        return {name: tuple(v) if v else None for name, v in self.raw.get("x", {}).items()}

    def names(self, major: int | None = None) -> set[str]:
        """Everything a reference `type.name.<x>` may read: arguments, blocks and exported attributes."""
        out = set()
        for name, v in [*((a.name, a.versions) for a in self.arguments.values()),
                        *((b.name, b.versions) for b in self.blocks.values()), *self.attributes.items()]:
            if major is None or v is None or major in v:
                out.add(name)
        return out


def _argument(name: str, code: str, majors: tuple[int, ...]) -> Argument:
    versions: tuple[int, ...] | None = None
    if "@" in code:
        code, v = code.split("@", 1)
        versions = tuple(int(x) for x in v.split(","))
    required: tuple[int, ...] = ()
    if "!" in code:
        code, r = code.split("!", 1)
        required = tuple(int(x) for x in r.split(",")) if r else (versions or majors)
    return Argument(name, KINDS.get(code, "any"), required, versions)


class TfSchema:
    """The whole index: `resource(tf_type)`, `data_source(tf_type)`, `provenance`, `majors`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self.provenance: dict[str, Any] = data.get("provenance", {})
        self.majors: tuple[int, ...] = tuple(self.provenance.get("majors", ()))
        self._cache: dict[tuple[str, str], Block | None] = {}

    def _get(self, section: str, tf_type: str) -> Block | None:
        key = (section, tf_type)
        if key not in self._cache:
            raw = self._data.get(section, {}).get(tf_type)
            self._cache[key] = Block(raw, tuple(raw["v"]) if raw.get("v") else None, self.majors) if raw is not None else None
        return self._cache[key]

    def resource(self, tf_type: str) -> Block | None:
        return self._get("resources", tf_type)

    def data_source(self, tf_type: str) -> Block | None:
        return self._get("data_sources", tf_type)

    def resource_types(self) -> list[str]:
        return list(self._data.get("resources", {}))

    def data_source_types(self) -> list[str]:
        return list(self._data.get("data_sources", {}))

    def provider_versions(self) -> dict[int, str]:
        """Major -> the exact provider release indexed for it ({5: "5.100.0", 6: "6.25.0"})."""
        out = {}
        for src in self.provenance.get("sources", []):
            version = str(src.get("provider_version", ""))
            if version[:1].isdigit():
                out[int(version.split(".")[0])] = version
        return out


@lru_cache(maxsize=1)
def load() -> TfSchema:
    """The shipped index (cached: one decompress + json.loads, about 0.2 s)."""
    raw = resources.files("iacqa.data").joinpath(DATA_FILE).read_bytes()
    return TfSchema(json.loads(gzip.decompress(raw)))


def terraform_suggestion(name: str, candidates: Iterable[str]) -> str | None:
    """What terraform itself appends as `Did you mean "x"?`: the first candidate (sorted) at Levenshtein distance
    below 3 (terraform's didyoumean.NameSuggestion), so error texts match the tool's own."""
    best: tuple[int, str] | None = None
    for cand in sorted(candidates):
        if abs(len(cand) - len(name)) >= 3:
            continue
        d = _levenshtein(name, cand)
        if d < 3 and (best is None or d < best[0]):
            best = (d, cand)
    return best[1] if best else None


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def suggest(name: str, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The closest candidate (difflib), for `Did you mean "x"?`; None when nothing is close."""
    candidates = list(candidates)
    hits = difflib.get_close_matches(name, candidates, n=1, cutoff=cutoff)
    if hits:
        return hits[0]
    if cutoff > 0.8:
        return None
    # a name that only misses or adds a word part (`queue_arn` for `arn`, `lambda_role` for `role`)
    parts = set(name.split("_"))
    near = [c for c in candidates if c in name.split("_") or set(c.split("_")) > parts]
    return min(near, key=len) if len(near) == 1 else None

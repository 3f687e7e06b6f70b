"""The knowledge base of AWS intents: what a prompt can ask for and how the resource graph shows it.

One YAML file per area (network, compute, serverless, ...) holds a list of concepts. A concept is data only:

- `id` (area.name, unique), `title`.
- `match`: regular expressions (case-insensitive), any of which names the intent in a sentence ("point-in-time
  recovery", "PITR"); `context`: expressions of which one must also appear in the sentence or in the headings
  above it (memory -> Lambda); `exclude`: expressions that veto the match.
- `param`: the value the requirement states, `{kind: size_mb | seconds | days | percent | count | cidr | ...}`
  (iacqa.requirements.params) with `required` (default true when the check uses `$n`/`$value`): without such a
  value in the sentence the concept does not apply.
- `check`: the graph predicate (iacqa.requirements.predicates: exists / all / none / count / values / covered).
  Or `offline: REASON` for intents that no graph can show (tests, documentation, RTO, CI behaviour).
- `negatable` (default true): a negation before the match ("no NAT", "without X") drops the concept;
  `universal` (default true): "all"/"every"/"each" in the sentence turns `exists ... where` into coverage.
- `supersedes`: ids of more general concepts this one replaces when both match a sentence.
- `fix`: what to change (`{n}` / `{value}` are the stated values).
- `samples`: fixtures, each `{text, met, not_met}` with graphs written as `{CFN type: properties | [properties]}`;
  the tests run every sample (adding a concept is a data change plus its samples).

`load()` reads and compiles all files once; iacqa.requirements.match.problems() lists what is malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Concept:
    id: str
    title: str
    match: tuple[re.Pattern[str], ...]
    context: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    avoid_context: tuple[re.Pattern[str], ...] = ()
    param: dict[str, Any] | None = None
    check: dict[str, Any] | None = None
    offline: str | None = None
    negatable: bool = True
    universal: bool = True
    supersedes: tuple[str, ...] = ()
    fix: str = ""
    samples: tuple[dict[str, Any], ...] = ()
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def matcher(self) -> re.Pattern[str]:
        """All `match` expressions as one: the leftmost hit of any of them."""
        return _joined(self.id, "match", self.match)

    @property
    def excluder(self) -> re.Pattern[str] | None:
        return _joined(self.id, "exclude", self.exclude) if self.exclude else None

    @property
    def contexter(self) -> re.Pattern[str] | None:
        return _joined(self.id, "context", self.context) if self.context else None

    @property
    def needles(self) -> tuple[str, ...] | None:
        """Lower-case words that every hit contains one of (a cheap test before the expressions run), or None."""
        if self.id not in _NEEDLES:
            out = []
            for p in self.match:
                lit = _required_literal(p.pattern)
                if lit is None:
                    _NEEDLES[self.id] = None
                    break
                out.append(lit)
            else:
                _NEEDLES[self.id] = tuple(out)
        return _NEEDLES[self.id]

    @property
    def needs_param(self) -> bool:
        if self.param is None:
            return False
        if "required" in self.param:
            return bool(self.param["required"])
        return "$" in repr(self.check)


_NEEDLES: dict[str, tuple[str, ...] | None] = {}


def _required_literal(pattern: str) -> str | None:
    """The longest run of literal characters at the top level of a regular expression (so every match contains
    it), lower-cased; None when there is none of 3 characters or more."""
    try:
        import re._parser as sre_parse  # Python >= 3.11
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]
    try:
        parsed = sre_parse.parse(pattern, re.I)
    except Exception:  # noqa: BLE001 - a pattern the parser rejects gets no prefilter
        return None
    best, run = "", ""
    for op, arg in parsed:
        if str(op) == "LITERAL":
            run += chr(arg)
            if len(run) > len(best):
                best = run
        else:
            run = ""
    best = best.strip().lower()
    return best if len(best) >= 3 else None


_JOINED: dict[tuple[str, str], re.Pattern[str]] = {}


def _joined(cid: str, kind: str, patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    key = (cid, kind)
    if key not in _JOINED:
        _JOINED[key] = re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.I)
    return _JOINED[key]


def _compile(patterns: Any, where: str, words: bool = False) -> tuple[re.Pattern[str], ...]:
    """Compile expressions; with `words`, a plain word ('RDS', 'DB') matches only at a word start."""
    if patterns is None:
        return ()
    if isinstance(patterns, str):
        patterns = [patterns]
    out = []
    for p in patterns:
        text = str(p)
        if words and re.fullmatch(r"[\w -]+", text):
            text = rf"\b(?:{text})"  # a word start: 'RDS' is not in 'standards', 'secret' is in 'Secrets'
        try:
            out.append(re.compile(text, re.I))
        except re.error as exc:
            raise ValueError(f"{where}: bad regular expression {p!r}: {exc}") from exc
    return tuple(out)


def _concept(entry: dict[str, Any], source: str) -> Concept:
    cid = str(entry.get("id", ""))
    where = f"{source}:{cid or '?'}"
    return Concept(
        id=cid,
        title=str(entry.get("title", cid)),
        match=_compile(entry.get("match"), where),
        context=_compile(entry.get("context"), where, words=True),
        exclude=_compile(entry.get("exclude"), where, words=True),
        avoid_context=_compile(entry.get("avoid_context"), where, words=True),
        param=entry.get("param"),
        check=entry.get("check"),
        offline=entry.get("offline"),
        negatable=bool(entry.get("negatable", entry.get("offline") is None)),
        universal=bool(entry.get("universal", True)),
        supersedes=tuple(entry.get("supersedes", ()) or ()),
        fix=str(entry.get("fix", "")),
        samples=tuple(entry.get("samples", ()) or ()),
        source=source,
        raw=entry,
    )


def files() -> list[Path]:
    return sorted(_DIR.glob("*.yaml"))


@lru_cache(maxsize=1)
def load() -> tuple[Concept, ...]:
    """Every concept of the knowledge base, in file order."""
    out: list[Concept] = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in files():
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or []
        if not isinstance(data, list):
            raise ValueError(f"{path.name}: a concept file is a list of concepts")
        out.extend(_concept(e, path.name) for e in data)
    return tuple(out)


def by_id() -> dict[str, Concept]:
    return {c.id: c for c in load()}

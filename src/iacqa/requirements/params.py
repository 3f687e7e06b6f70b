"""Values a requirement states, read from its text with their units: 512 MB, 15-second, 7 days, 70%, CIDRs...

Each kind returns every (position, value) it finds, in the unit the graph uses (MB, seconds, days, percent, ...),
so a concept takes the value nearest to the words that matched it. Words for small numbers ("seven days",
"two availability zones") count as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60,
          "ninety": 90, "single": 1, "a single": 1, "hundred": 100}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"


def _n(text: str) -> float:
    text = text.lower()
    return float(_WORDS[text]) if text in _WORDS else float(text)


def _clean(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


Found = list[tuple[int, object]]


def _size_mb(text: str) -> Found:
    """Megabytes; a size in GB also accepts the decimal reading and Lambda's old 3008 MB ceiling for "3GB"."""
    out: Found = []
    for m in re.finditer(_NUM + r"\s*-?\s*(mb|mib|megabytes?|gb|gib|gigabytes?)\b", text, re.I):
        n = _n(m.group(1))
        if m.group(2).lower().startswith("g"):
            readings = [_clean(n * 1024), _clean(n * 1000)] + ([3008] if n == 3 else [])
            out.append((m.start(), readings))
        else:
            out.append((m.start(), _clean(n)))
    return out


def _size_gb(text: str) -> Found:
    return [(m.start(), _clean(_n(m.group(1)))) for m in
            re.finditer(_NUM + r"\s*-?\s*(gb|gib|gigabytes?)\b", text, re.I)]


def _vcpu(text: str) -> Found:
    """CPU units as ECS counts them: 1 vCPU = 1024."""
    return [(m.start(), _clean(_n(m.group(1)) * 1024)) for m in
            re.finditer(_NUM + r"\s*-?\s*v?cpus?\b", text, re.I)]


def _seconds(text: str) -> Found:
    out: Found = []
    for m in re.finditer(_NUM + r"\s*-?\s*(seconds?|secs?|s\b|minutes?|mins?|hours?)", text, re.I):
        unit = m.group(2).lower()
        mult = 60 if unit.startswith("min") else 3600 if unit.startswith("hour") else 1
        out.append((m.start(), _clean(_n(m.group(1)) * mult)))
    return out


def _minutes(text: str) -> Found:
    out: Found = []
    for m in re.finditer(_NUM + r"\s*-?\s*(minutes?|mins?|seconds?|hours?)\b", text, re.I):
        unit = m.group(2).lower()
        v = _n(m.group(1))
        v = v / 60 if unit.startswith("sec") else v * 60 if unit.startswith("hour") else v
        out.append((m.start(), _clean(v)))
    return out


def _hours(text: str) -> Found:
    out: Found = []
    for m in re.finditer(_NUM + r"\s*-?\s*(hours?|hrs?|days?)\b", text, re.I):
        v = _n(m.group(1)) * (24 if m.group(2).lower().startswith("d") else 1)
        out.append((m.start(), _clean(v)))
    return out


def _days(text: str) -> Found:
    out: Found = []
    for m in re.finditer(_NUM + r"\s*-?\s*(days?|weeks?|months?|years?)\b", text, re.I):
        unit = m.group(2).lower()
        mult = 7 if unit.startswith("week") else 30 if unit.startswith("month") else 365 if unit.startswith("year") else 1
        out.append((m.start(), _clean(_n(m.group(1)) * mult)))
    return out


def _percent(text: str) -> Found:
    return [(m.start(), _clean(_n(m.group(1)))) for m in re.finditer(_NUM + r"\s*(%|percent\b)", text, re.I)]


def _count(text: str) -> Found:
    """A bare count: '3 availability zones', 'minimum 2 tasks', 'max 2 retries'."""
    out: Found = []
    for m in re.finditer(r"(?<![\w./-])" + _NUM + r"(?![\w./%-]|\s*(?:%|percent|mb|gb|seconds?|minutes?|days?|hours?)\b)",
                         text, re.I):
        out.append((m.start(), _clean(_n(m.group(1)))))
    return out


def _number(text: str) -> Found:
    return [(m.start(), _clean(float(m.group(1).replace(",", "")))) for m in
            re.finditer(r"(?<![\w./-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w/-]|\.\d)", text)]


def _cidr(text: str) -> Found:
    return [(m.start(), m.group(0)) for m in re.finditer(r"\b\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\b", text)]


def _instance_type(text: str) -> Found:
    """EC2 instance types (t3.micro, m5.large), without a db./cache. prefix."""
    return [(m.start(), m.group(1).lower()) for m in
            re.finditer(r"(?<![\w.])((?:[a-z]\d[a-z0-9-]*|[a-z]{1,3}\d[a-z]*)\.(?:nano|micro|small|medium|\d*x?large|metal))\b",
                        text, re.I)]


def _db_class(text: str) -> Found:
    out: Found = []
    for m in re.finditer(r"\b(db\.)?([a-z]\d[a-z0-9]*\.(?:micro|small|medium|\d*x?large))\b", text, re.I):
        out.append((m.start(), "db." + m.group(2).lower()))
    return out


def _cache_node(text: str) -> Found:
    return [(m.start(), "cache." + m.group(2).lower()) for m in
            re.finditer(r"\b(cache\.)([a-z]\d[a-z0-9]*\.(?:micro|small|medium|\d*x?large))\b", text, re.I)]


def _version(text: str) -> Found:
    return [(m.start(), m.group(1).rstrip(".x").rstrip(".")) for m in
            re.finditer(r"(?<![\w./])(\d+(?:\.\d+)*(?:\.x)?)(?![\w/%]|\.\d)", text)]


def _python(text: str) -> Found:
    return [(m.start(), f"python{m.group(1)}") for m in re.finditer(r"python\s*(3\.\d+)", text, re.I)]


def _nodejs(text: str) -> Found:
    return [(m.start(), f"nodejs{m.group(1)}.x") for m in re.finditer(r"node(?:\.?js)?\s*(\d+)", text, re.I)]


def _quoted(text: str) -> Found:
    """A literal written in quotes or backticks: `symbol`, '/health', "prod"."""
    return [(m.start(), m.group(2)) for m in re.finditer(r"([`'\"])([^`'\"\s][^`'\"]{0,60})\1", text)]


def _path(text: str) -> Found:
    return [(m.start(), m.group(1)) for m in re.finditer(r"(?<![\w:])(/[a-z0-9_{}./-]*[a-z0-9_}])", text, re.I)]


def _segment(text: str) -> Found:
    """The last segment of a URL path: `/webhooks/payment` -> payment (what an API resource's PathPart holds)."""
    return [(pos, str(v).rstrip("/").split("/")[-1]) for pos, v in _path(text) if str(v).strip("/")]


_NOT_TAG_KEYS = {"tags", "tag", "note", "example", "examples", "pattern", "format", "required", "output", "outputs",
                 "constraints", "requirements", "important", "critical", "mandatory", "compliance"}


def _tag_pairs(text: str) -> Found:
    """Tag keys: `Environment=staging`, 'Environment: Production', the words after "tags:" / "tagged with"."""
    out: Found = []
    for m in re.finditer(r"\b([A-Z][A-Za-z-]+|[a-z]+[A-Z][A-Za-z]*)\s*[=:]\s*['\"`]?[\w-]", text):
        if m.group(1).lower() not in _NOT_TAG_KEYS:
            out.append((m.start(), m.group(1)))
    for m in re.finditer(r"(?<![=:]\s)(?<![=:])[`'\"]([A-Za-z][\w-]{1,40})[`'\"]", text):
        if not re.search(r"[=:]\s*$", text[: m.start()]):
            out.append((m.start(), m.group(1)))
    for m in re.finditer(r"\b(Environment|Project|Owner|CostCenter|Cost-Center|ManagedBy|Team|Department|Service|"
                         r"Compliance|Application|Stage|Name|DR-Role|MigrationDate|MigrationPhase|Region)\b", text):
        out.append((m.start(), m.group(1)))
    return out


def _prefix(text: str) -> Found:
    """A name prefix: 'start with prod-', 'prefix ProdEnv', 'a Prod prefix', 'prefix `nova-`'."""
    out: Found = []
    for m in re.finditer(r"(?:start|begin)s? with (?:the )?(?:prefix )?[`'\"]?([A-Za-z][\w-]*)", text, re.I):
        out.append((m.start(), m.group(1)))
    for m in re.finditer(r"prefix(?:ed)?(?: with)? [`'\"]?([A-Za-z][\w-]*)", text, re.I):
        if m.group(1).lower() not in ("for", "with", "the", "of", "to", "and"):
            out.append((m.start(), m.group(1)))
    for m in re.finditer(r"\b(?:a|the|that) [`'\"]?([A-Za-z][\w-]*)[`'\"]? prefix\b", text, re.I):
        out.append((m.start(), m.group(1)))
    return out


def _country(text: str) -> Found:
    return [(m.start(), m.group(1)) for m in re.finditer(r"\(([A-Z]{2})\)", text)]


KINDS: dict[str, Callable[[str], Found]] = {
    "size_mb": _size_mb, "size_gb": _size_gb, "vcpu": _vcpu, "seconds": _seconds, "minutes": _minutes,
    "hours": _hours, "days": _days, "percent": _percent, "count": _count, "number": _number, "cidr": _cidr,
    "instance_type": _instance_type, "db_class": _db_class, "cache_node": _cache_node, "version": _version,
    "python": _python, "nodejs": _nodejs, "quoted": _quoted, "path": _path, "segment": _segment, "tag": _tag_pairs, "country": _country, "prefix": _prefix,
}


def find(kind: str, text: str) -> Found:
    """Every value of a kind in the text, with its position."""
    fn = KINDS.get(kind)
    if fn is None:
        raise KeyError(f"unknown parameter kind {kind!r}")
    seen: set[tuple[int, str]] = set()
    out: Found = []
    for pos, value in sorted(fn(text), key=lambda x: x[0]):
        key = (pos, repr(value))
        if key not in seen:
            seen.add(key)
            out.append((pos, value))
    return out


def nearest(found: Found, anchor: int, window: int = 120) -> object | None:
    """The value closest to a position (prefer the ones after it on ties), within a window of characters."""
    best = None
    best_d = window + 1
    for pos, value in found:
        d = abs(pos - anchor) - (0.5 if pos >= anchor else 0)
        if d < best_d:
            best, best_d = value, d
    return best

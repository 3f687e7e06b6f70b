"""Requirement -> concepts: which intents of the knowledge base a sentence names, with the values it states.

A concept applies to a sentence when one of its `match` expressions is found, one of its `context` expressions is
found in the sentence or in the headings above it, no `exclude` expression is found, the match is not negated
("no NAT gateway", "without public IPs") unless the concept is written for the negation, and the value it needs
(`param`) is stated. A more specific concept drops the general ones it `supersedes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from iacqa.knowledge.concepts import Concept, load
from iacqa.requirements import params as P
from iacqa.requirements.extract import Requirement

_NEGATION = re.compile(r"\b(no|not|never|without|avoid|don't|do not|instead of|rather than|cannot|can't|nor|"
                       r"forbidden|exclude|disabled?|skip|removes?|no need for|isn't|aren't)\b(?![- ]?(?:only|more|"
                       r"later|longer|less|fewer))[^,;.]{0,40}$", re.I)
_UNIVERSAL = re.compile(r"\b(all|every|each|both|any)\b(?!\s+(?:of\s+)?(?:the\s+)?(?:following|time|required|"
                        r"necessary|needed|other))", re.I)


_PURPOSE = re.compile(r"\bfor (the |an? |our |any |future )?([\w-]+ )?$|\blike (the )?$|\bsuch as (the )?$|"
                      r"\b(attachable|attached|associated|integrate[sd]?|connect(ed|s)?) (to|with) (an? |the )?$", re.I)


# A monitoring / configuration / audit verb and what it works on: "track configuration changes across our EC2,
# RDS, and S3 resources", "Monitor EC2 instances, RDS databases", "a Lambda function to validate EC2 instance
# tags". The services named after it are the scope of another service's job, not resources the prompt asks for.
_SCOPE_VERB = re.compile(
    r"\b(?:track(?:s|ed|ing)?|monitor(?:s|ed|ing)?|audit(?:s|ed|ing)?|evaluat(?:e|es|ed|ing)|assess(?:es|ed|ing)?|"
    r"scan(?:ned|ning)?|inspect(?:s|ed|ing)?|validat(?:e|es|ed|ing)|verif(?:y|ies|ied|ying)|detect(?:s|ed|ing)?|"
    r"watch(?:es|ed|ing)?|observ(?:e|es|ed|ing)|remediat(?:e|es|ed|ing)|"
    r"(?:configuration|config|compliance) (?:changes?|drift|status|evaluations?|checks?|rules?))\b"
    r"(?P<filler>(?:\s+(?:the|all|our|your|any|every|each|configuration|config|changes?|compliance|drift|health|"
    r"status|state|metrics?|usage|activity|encryption|settings|of|across|for|on|over))*)\s+", re.I)
_BARE = {"track", "monitor", "audit", "evaluate", "assess", "scan", "inspect", "validate", "verify", "detect", "watch",
         "observe", "remediate"}
_BARE_BEFORE = re.compile(r"(?:^|[,;:(\-–]|\b(?:to|that|which|and|or|must|should|shall|will|can|also|then|we|you|"
                          r"it|they|automatically|continuously|please))\s*$", re.I)
_PREPOSITION = re.compile(r"\b(?:of|across|for|on|over)\b", re.I)
# Where the scope ends: a clause break, a preposition that names the tool doing the job ("with CloudWatch"), or a
# list item that starts with another verb ("..., enforce compliance rules").
_SCOPE_END = re.compile(
    r"[.;:()]|\s[-–]\s|\b(?:with|using|via|through|into|by|so|that|which|while|when|where|from|to|in order)\b|"
    r",\s*(?:and\s+)?(?:enforce|send|store|create|deploy|configure|set|enable|provide|implement|ensure|use|add|"
    r"build|generate|notify|alert|trigger|publish|write|allow|restrict|apply|integrate|support|include|manage|"
    r"provision|establish|expose|return|run|invoke|process|handle|keep|maintain|retain|encrypt|replicate|route|"
    r"scale|deliver|stream|aggregate|report|raise|automatically)\b", re.I)


def scope_spans(text: str) -> list[tuple[int, int]]:
    """The spans of a sentence that name what a monitoring/config/audit verb works on (at most 100 characters).

    A noun reading is left alone: "monitoring and alarms", "monitoring dashboards" (an -ing word needs a
    preposition after it to take an object: "monitoring of", "tracking changes across"). The span is a short list:
    it stops at a comma followed by a long item ("..., CloudWatch dashboards showing real-time metrics")."""
    out = []
    for m in _SCOPE_VERB.finditer(text):
        start = m.end()
        if re.match(r"(?:and|or|&)\b|[,/]", text[start:], re.I):
            continue
        word = m.group(0).split()[0].lower()
        if word.endswith("ing") and not _PREPOSITION.search(m.group("filler") or ""):
            continue
        if word in _BARE and not _BARE_BEFORE.search(text[:m.start()]):
            continue  # "S3 audit logging", "the monitor": a noun or an adjective, not the imperative
        end_m = _SCOPE_END.search(text, start)
        end = min(end_m.start() if end_m else len(text), start + 100)
        for comma in re.finditer(",", text[start:end]):
            nxt = re.split(r",", text[start + comma.end():end], maxsplit=1)[0]
            words = re.sub(r"^\s*(?:and|or)\b", "", nxt, flags=re.I).split()
            if len(words) > 4:
                end = start + comma.start()
                break
        if end > start:
            out.append((start, end))
    return out


def _presence_only(c: Concept) -> bool:
    check = c.check or {}
    return "exists" in check and "where" not in check


@dataclass
class Match:
    """One concept named by one requirement, with the values it states."""

    concept: Concept
    requirement: Requirement
    start: int
    end: int
    params: dict[str, Any] = field(default_factory=dict)
    universal: bool = False

    @property
    def clause(self) -> str:
        """The part of the sentence around the match (between commas, semicolons and 'and')."""
        text = self.requirement.text
        lo = max((m.end() for m in re.finditer(r"[,;:]\s|\band\b", text[: self.start])), default=0)
        hi_m = re.search(r"[,;]\s|\band\b(?!\s+\d)", text[self.end:])
        hi = self.end + hi_m.start() if hi_m else len(text)
        clause = text[lo:hi].strip()
        return clause if len(clause) >= 12 else text


def _params(concept: Concept, req: Requirement, anchor: int, end: int) -> dict[str, Any] | None:
    spec = concept.param
    if not spec:
        return {}
    kind = spec["kind"]
    text = req.text
    found = P.find(kind, text)
    if spec.get("context_values") and not found:
        found = [(anchor, v) for _, v in P.find(kind, req.context)]
    out: dict[str, Any] = {"values": [v for _, v in found]}
    inside = [v for pos, v in found if anchor <= pos < end]
    value = inside[0] if inside else P.nearest(found, anchor, int(spec.get("window", 120)))
    if value is None:
        return None if concept.needs_param else out
    many = sorted({x for _, v in found for x in (v if isinstance(v, list) else [v])}, key=str)
    numeric = isinstance(value, (int, float)) or (isinstance(value, list) and all(
        isinstance(v, (int, float)) for v in value))
    name = spec.get("as", "n" if numeric else "value")
    if req.env_specific and len(many) > 1:
        out[name] = many  # dev/staging/prod sizes: the deployed one is any of them
    else:
        out[name] = value
    if name == "n":
        out["value"] = out["n"]
    return out


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 45):start]
    before = re.split(r"[,;.]|\band\b|\bbut\b", before)[-1]
    return bool(_NEGATION.search(before))


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[int]], list[int], tuple[Concept, ...]]:
    """Which concepts each required word admits: a sentence is matched only against the concepts whose words it
    contains (and the few without such words); substring tests are far cheaper than ~300 expressions."""
    concepts = load()
    by_needle: dict[str, list[int]] = {}
    always: list[int] = []
    for i, c in enumerate(concepts):
        if c.needles is None:
            always.append(i)
            continue
        for n in set(c.needles):
            by_needle.setdefault(n, []).append(i)
    return by_needle, always, concepts


def _candidates(text: str) -> list[Concept]:
    by_needle, always, concepts = _index()
    lower = text.lower()
    picked = set(always)
    for w in by_needle:
        if w in lower:
            picked.update(by_needle[w])
    return [concepts[i] for i in sorted(picked)]


def concepts_for(req: Requirement) -> list[Match]:
    """The concepts one requirement names, most specific first."""
    text = req.text
    found: list[Match] = []
    scopes = scope_spans(text)
    for c in _candidates(text):
        hit = c.matcher.search(text)
        if hit is None:
            continue
        ctx = c.contexter
        if ctx is not None and not (ctx.search(text) or ctx.search(req.context)):
            continue
        exc = c.excluder
        if exc is not None and exc.search(text):
            continue
        if c.avoid_context and any(p.search(req.context) for p in c.avoid_context) and not any(
                p.search(text) for p in c.context):
            continue
        if _presence_only(c) and _PURPOSE.search(text[max(0, hit.start() - 30):hit.start()]):
            continue  # "public subnets for load balancers": names what a subnet is for, not a load balancer
        if _presence_only(c) and any(lo <= hit.start() < hi for lo, hi in scopes):
            continue  # "track configuration changes across EC2, RDS": what Config watches, not an RDS to create
        if c.negatable and _negated(text, hit.start()):
            continue
        values = _params(c, req, hit.start(), hit.end())
        if values is not None:
            values["values"] = [x for v in values.get("values", []) for x in (v if isinstance(v, list) else [v])]
        if values is None:
            continue
        found.append(Match(c, req, hit.start(), hit.end(), values,
                           universal=c.universal and bool(_UNIVERSAL.search(text))))
    dropped = {s for m in found for s in m.concept.supersedes}
    return [m for m in found if m.concept.id not in dropped]


def problems() -> list[str]:
    """What is malformed in the knowledge base (empty when every concept is well formed)."""
    from iacqa.requirements.predicates import validate

    errors: list[str] = []
    seen: set[str] = set()
    concepts = load()
    ids = {c.id for c in concepts}
    for c in concepts:
        where = f"{c.source}:{c.id}"
        if not re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_.]+", c.id):
            errors.append(f"{where}: id must be area.name in lower case")
        if c.id in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(c.id)
        if not c.match:
            errors.append(f"{where}: no match patterns")
        if (c.check is None) == (c.offline is None):
            errors.append(f"{where}: exactly one of check / offline")
        if c.check is not None:
            errors += validate(c.check, where)
        if c.param is not None and c.param.get("kind") not in P.KINDS:
            errors.append(f"{where}: unknown param kind {c.param.get('kind')!r}")
        for s in c.supersedes:
            if s not in ids:
                errors.append(f"{where}: supersedes unknown concept {s}")
        if not c.samples:
            errors.append(f"{where}: no samples")
        for i, s in enumerate(c.samples):
            if not isinstance(s, dict) or "text" not in s:
                errors.append(f"{where}: sample {i} has no text")
            elif c.check is not None and ("met" not in s or "not_met" not in s):
                errors.append(f"{where}: sample {i} needs a met and a not_met graph")
    return errors

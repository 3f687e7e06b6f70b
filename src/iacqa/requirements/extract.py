"""Prompt -> requirements: the sentences and list items of a task prompt that ask for something.

Deterministic and offline: markdown structure (headings, lists, code fences) and wording decide. A sentence is a
requirement when it sits in a section that lists requirements (list items and numbered steps there count even
without a verb) or when it asks with a modal or an imperative (must, should, need, ensure, use, enable, configure,
create, ...). Background, examples and pitfall sections are skipped. Each requirement keeps its 1-based prompt
line, its section, how strongly it is asked (must / should / may) and whether it is conditional or depends on the
environment (dev/staging/prod), which later decides what can be checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MUST, SHOULD, MAY = "must", "should", "may"

# Sections that describe rather than ask (or show examples of what not to do).
_SKIP_SECTION = re.compile(
    r"\b(background|business (context|problem)|the challenge|overview|code examples?|correct .*\(cdk|"
    r"common (deployment failures|pitfalls)|pitfalls|important notes|trade-?offs|training quality|documentation "
    r"excellence|subject (areas|labels)|platform\s*(&|and)\s*language|task id|subtask|complexity|testing|tests|"
    r"test coverage|documentation|architecture documentation|security documentation|operational documentation|"
    r"deployment and troubleshooting|key benefits|rationale|wrong|example|expected output format|output format|"
    r"authoring requirements|what success looks like|integration testing outputs|code documentation|"
    r"file organization|project structure|environment setup|environment details|proposed statement)\b", re.I)
_OPTIONAL_SECTION = re.compile(r"\b(optional|enhancements?|if time permits|nice to have|future)\b", re.I)
_STRONG_SECTION = re.compile(r"\b(must|mandatory|critical|required|constraints?|non-negotiable|guardrails)\b", re.I)
_LIST_SECTION = re.compile(r"\b(requirements?|constraints?|components?|what (we|i) need|need(ed)?|deliver(ables?)?|"
                           r"what to (deliver|provision|build)|checklist|specifications?|configuration|features?|"
                           r"infrastructure|services|security|monitoring|networking|compute|storage|database|"
                           r"logging|alerting|layer|tier|success criteria|guardrails|standards)\b", re.I)

_LOW = re.compile(r"\b(optional(ly)?|if time permits|nice[- ]to[- ]have|could|would be (great|nice)|prefer(red|ably)?|"
                  r"may\b|might|consider|future enhancement|maybe|where (possible|applicable|appropriate|needed)|"
                  r"as needed|if (needed|required|possible|applicable)|ideally)\b", re.I)
_HIGH = re.compile(r"\b(must|required|requires?|mandatory|critical|non-negotiable|exactly|shall|always|never|"
                   r"do not|don't|forbidden|needs? to|has to|have to|is a must|only)\b", re.I)
_ASK = re.compile(
    r"\b(must|should|shall|needs?|required|requires?|ensure|make sure|has to|have to|mandatory|want|would like|"
    r"would be (great|nice|good)|nice[- ]to[- ]have|i'?d like|we'?d like|"
    r"expect(ed)?|include|enable|use|utili[sz]e|leverage|configure|create|deploy|set up|implement|provision|add|store|"
    r"tag|encrypt|restrict|allow|block|attach|expose|export|output|launch|spin up|build|define|apply|keep|limit|grant|"
    r"schedule|send|route|place|put|integrate|enforce|follow|support|protect|track|monitor|set|establish|"
    r"associate|allocate|generate|install|retain|run|accept|capture|collect|write|orchestrate|wire|give|"
    r"distribute|scale|replicate|span|spread|turn on|lock|install)\b", re.I)
_CONDITIONAL = re.compile(r"^(if|when|where|in case|unless|prefer|preferably|recommended)\b|\b(where|if|as) (needed|required|applicable|appropriate|necessary)\b|(assume|assuming) (it'?s|it is|they are)? ?provided|\bavailable for\b|\bif (you|it|they|the|a|an|any|task|needed|required|"
                          r"provided|enabled|set)\b|\bwhen (provided|enabled|set|required)\b|=\s*true\b", re.I)
_ENV_WORD = re.compile(r"\b(dev(elopment)?|staging|prod(uction)?|test(ing)?)\b(?!-)", re.I)
_ENV_ONLY = re.compile(r"\b(only (for|in|on) (the )?(dev|development|staging|prod|production)|"
                       r"only (dev|development|staging|prod|production)\b|"
                       r"(for|in) (the )?(dev|development|staging|prod|production)( environment)?( only)?\b|"
                       r"(dev|development|staging|prod|production)( environment)?\s*[:(]|per environment|"
                       r"environment-specific|environment specific|vary by environment|by environment|"
                       r"\b(production|prod|dev|development|staging) (uses|gets|has|runs|requires|only)\b|"
                       r"(dev|development|staging|prod|production)\s*\(|based on (the )?environment)", re.I)

# Sentences that describe the current or a later state rather than ask ("right now everything is in one AZ",
# "the next step is deploying the EC2 instances").
_DESCRIPTIVE = re.compile(r"^(correct|wrong|bad|good|example|examples|e\.g\.)\s*:|\b(right now|currently|current (setup|system|infrastructure|state)|was originally|"
                          r"at the moment|next step|in phase 2|phase 2|later on|in the future|future enhancement|"
                          r"the flow is|we're seeing|struggles?|has been (running|working)|have been running|"
                          r"already (exists?|deployed)|pre-existing|existing (VPC|ALB|Application Load Balancer|"
                          r"infrastructure|resources|subnets|secrets?))\b", re.I)

_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)]|[a-z][.)])\s+")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_BOLD_HEADING = re.compile(r"^\s*\*\*([^*]{2,80})\*\*:?\s*$")


@dataclass
class Requirement:
    """One sentence or list item of the prompt that asks for something."""

    text: str
    line: int  # 1-based line of the prompt
    section: str = ""
    strength: str = SHOULD  # must | should | may
    conditional: bool = False  # "if EnableRds=true, create ..."
    env_specific: bool = False  # "Multi-AZ only for production", "dev (256MB), prod (1024MB)"
    list_item: bool = False
    context: str = ""  # the headings and lead-in above it, for words like "Lambda" that the item leaves out
    id: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def _strip_md(text: str) -> str:
    text = re.sub(r"\*\*|__", "", text)
    text = re.sub(r"(?<!\w)[*_](\S[^*_]*\S|\S)[*_](?!\w)", r"\1", text)
    text = text.replace("\\_", "_")
    return " ".join(text.split())


def _sentences(text: str) -> list[str]:
    """Split a line into sentences, numbered inline steps ("must: 1. Set up ... 2. Create ...") and imperative
    items of inline lists ("[Configure X, Set up Y, Use Z]")."""
    text = text.strip().strip("[]")
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9`*\"'(])|\s(?=\d{1,2}\.\s+[A-Z])|;\s+|\s\|\s", text)
    out: list[str] = []
    for part in parts:
        for piece in re.split(r",\s+(?=(?:Set up|Configure|Implement|Use|Deploy|Create|Enable|Add|Establish|Ensure|"
                              r"Apply|Store|Tag|Restrict|Define|Build|Provision|Attach|Integrate|Enforce|Allow|"
                              r"Block)\b)", part):
            piece = re.sub(r"^\d{1,2}\.\s+", "", piece.strip())
            if len(piece) > 2:
                out.append(piece)
    return out


def _strength(text: str, section: str, lead: str) -> str:
    scope = f"{section} {lead}"
    if _LOW.search(text) or _OPTIONAL_SECTION.search(scope):
        # "must ... where applicable" stays a must; "optionally" alone is a wish.
        return MUST if re.search(r"\b(must|mandatory|required)\b", text, re.I) and not _OPTIONAL_SECTION.search(
            scope) and not re.search(r"\boptional", text, re.I) else MAY
    if _HIGH.search(text) or _STRONG_SECTION.search(scope):
        return MUST
    return SHOULD


def _is_heading_line(line: str, nxt: str) -> str | None:
    m = _HEADING.match(line)
    if m:
        return _strip_md(m.group(2)).strip(" #:")
    m = _BOLD_HEADING.match(line)
    if m:
        return _strip_md(m.group(1)).strip(" :")
    s = line.strip()
    # A short capitalised line without punctuation followed by text: a plain-text heading ("Lambda function").
    if (s and len(s.split()) <= 5 and s[0].isupper() and not re.search(r"[.,;!?]$", s) and nxt.strip()
            and not _LIST_ITEM.match(line) and ":" not in s[:-1]):
        return s.rstrip(":")
    return None


def extract(prompt: str) -> list[Requirement]:
    """Every requirement of a prompt, in order, with its prompt line."""
    lines = prompt.splitlines()
    out: list[Requirement] = []
    fence = False
    sections: dict[int, str] = {}
    lead = ""
    for idx, raw in enumerate(lines):
        lineno = idx + 1
        stripped = raw.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            fence = not fence
            continue
        if fence or not stripped or stripped in ("---", "***") or stripped.startswith(">") and "CRITICAL" in stripped:
            if not stripped:
                lead = lead if _LIST_ITEM.match(lines[idx + 1] if idx + 1 < len(lines) else "") else ""
            continue
        nxt = next((ln for ln in lines[idx + 1:] if ln.strip()), "")
        heading = _is_heading_line(raw, nxt)
        if heading is not None:
            m = _HEADING.match(raw)
            level = len(m.group(1)) if m else 7
            sections = {k: v for k, v in sections.items() if k < level}
            sections[level] = heading
            lead = ""
            continue
        section = " / ".join(v for _, v in sorted(sections.items()))
        if _SKIP_SECTION.search(section):
            continue
        is_item = bool(_LIST_ITEM.match(raw))
        if is_item and _BOLD_HEADING.match(_LIST_ITEM.sub("", raw, count=1)):
            level = 7
            sections = {k: v for k, v in sections.items() if k < level}
            sections[level] = _strip_md(_LIST_ITEM.sub("", raw, count=1)).strip(" :")
            lead = ""
            continue
        body = _strip_md(_LIST_ITEM.sub("", raw, count=1) if is_item else raw)
        body = body.lstrip("> ").strip()
        if not body:
            continue
        if body.endswith(":") and len(body) < 160:
            lead = body  # "The configuration must:", "Here's what we need:", "- Examples:"
            continue
        in_list_section = bool(_LIST_SECTION.search(section) or _LIST_SECTION.search(lead) or lead)
        inline_lead = ""
        for sentence in _sentences(body):
            plain = sentence.strip(" -*")
            if len(plain) < 4 or plain.endswith("?"):
                continue
            if plain.endswith(":") and len(plain) < 160:
                inline_lead = plain  # "The configuration must: 1. ... 2. ..."
                continue
            asks = bool(_ASK.search(plain))
            if not asks and not ((is_item or re.match(r"^\d+\.", raw.strip())) and in_list_section):
                continue
            if re.match(r"^(hey|hi|hello|thanks|thank you|let me know|cheers)\b", plain, re.I):
                continue
            if _DESCRIPTIVE.search(plain):
                continue
            options = bool(re.search(r"\d+\+|\b(such as|e\.g\.|for example|examples?|one of|any of)\b", lead, re.I)
                           or re.search(r"\b(etc\.?|e\.g\.)", plain, re.I))
            req = Requirement(
                text=plain, line=lineno, section=section, list_item=is_item,
                strength=_strength(plain, section, f"{lead} {inline_lead}"),
                conditional=bool(_CONDITIONAL.search(plain)) or options,
                env_specific=bool(_ENV_ONLY.search(plain)) or len({m.group(1).lower()[:3] for m in
                                                                   _ENV_WORD.finditer(plain)} - {"tes"}) >= 2,
                context=f"{section} {lead} {inline_lead}".strip(),
            )
            out.append(req)
    for i, r in enumerate(out, 1):
        r.id = f"R{i}"
    return out

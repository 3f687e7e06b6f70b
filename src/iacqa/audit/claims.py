"""A written failure analysis (lib/MODEL_FAILURES.md) split into claims: one per documented failure.

The analyses have no fixed form. Measured on the corpus, they come as numbered headings (`### 1. Title
(Category C - ...)`), numbered lists with a bold title (`1. **Title**`), bullets with a bold title under topic
headings (often generic checklists), or topic headings whose body lists the changes. The split, in this order:
1. numbered headings, when there are any, are the claims;
2. otherwise, in each section without sub-sections: its bold-titled items (bullets or numbers) are claims, else
   its numbered items, else the section itself (a heading with a body) is one claim.
Sections that do not document failures are skipped with everything under them: what the model got right,
summaries, training-value notes, lessons, recommendations, statistics ("What Went Right", "Summary", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```+|~~~+)\s*([A-Za-z0-9_+#.-]*)")
_NUMBERED_HEADING = re.compile(r"^(?:\*\*)?\s*(?:(?:issue|failure|fix|problem|error|bug|finding|item|defect)\s*#?\s*)?"
                               r"(\d+(?:\.\d+)*)\s*[.):\-–—]?\s+(.+)$", re.IGNORECASE)
_ITEM = re.compile(r"^(\s{0,3})(?:([-*+])|(\d+)[.)])\s+(.*)$")
_BOLD_START = re.compile(r"^\*\*(.+?)\*\*\s*[:.\-–—]?\s*(.*)$")
_SKIP_SECTION = re.compile(
    r"got right|went right|went well|did well|strength|positive|what worked|working correctly|correctly implement|"
    r"summary|conclusion|overview|introduction|training|lesson|learning|recommendation|takeaway|statistic|"
    r"timeline|root cause|successful|how the (?:provided )?solution|deliverable|consequence|next step|notes?$|"
    r"reference|validation result|test result|score|metric|executive|appendix|best practices followed|"
    r"acknowledg|verification|deployment (?:result|status|outcome)|final (?:state|status)|table of contents",
    re.IGNORECASE)
_FAILURE_WORDS = re.compile(r"\b(issue|fail|fix|error|problem|bug|defect|missing|wrong|incorrect|broken|gap)",
                            re.IGNORECASE)
_CATEGORY = re.compile(r"\bCategory\s*:?\s*([A-D])\b(?:\s*[-–—:]\s*([^)\n*]{1,60}))?", re.IGNORECASE)
_SEVERITY = re.compile(r"\*{0,2}(?:severity|impact level|priority)\*{0,2}\s*:?\s*\*{0,2}\s*(critical|high|medium|"
                       r"low|major|minor)\b", re.IGNORECASE)
_SEVERITY_WORD = re.compile(r"\b(critical|high|medium|low|major|minor)\b(?:\s*(?:severity|priority|impact))?",
                            re.IGNORECASE)


@dataclass
class Claim:
    index: int
    title: str
    category: str
    body: str
    line: int  # 1-based line of the claim in MODEL_FAILURES.md
    section: str = ""
    code: list[tuple[str, str]] = field(default_factory=list)  # (context label, code) of each fenced block


@dataclass
class _Section:
    level: int
    title: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text) of the body
    children: list[_Section] = field(default_factory=list)
    parent: _Section | None = None
    skipped: bool = False


def _clean_title(text: str) -> str:
    text = re.sub(r"\*\*|__|`", "", text).strip()
    text = re.sub(r"\s*\((?:category|severity|priority)[^)]*\)\s*$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^[\W_]+(?=\w)", "", text)  # emoji and punctuation before the words
    return text.strip(" :.-–—")[:160]


def _paren(title: str) -> str:
    """A trailing `(Category C - ...)` of a heading, which _clean_title drops and _category reads."""
    m = re.search(r"\((?:category|severity|priority)[^)]*\)\s*$", title, re.IGNORECASE)
    return m.group(0) if m else ""


def _sections(text: str) -> _Section:
    root = _Section(0, "", 0)
    cur = root
    fence = None
    for n, line in enumerate(text.splitlines(), 1):
        m = _FENCE.match(line)
        if m:
            fence = None if fence and m.group(1)[0] == fence else (fence or m.group(1)[0])
        h = _HEADING.match(line) if fence is None and not m else None
        if h:
            level = len(h.group(1))
            while cur.level >= level:
                cur = cur.parent or root
            sec = _Section(level, h.group(2).strip(), n, parent=cur)
            title = _clean_title(sec.title)
            # The document's own title never hides the document; a failure heading under a skipped one counts.
            sec.skipped = level > 1 and not _FAILURE_WORDS.search(title) and (
                cur.skipped or bool(_SKIP_SECTION.search(title)))
            cur.children.append(sec)
            cur = sec
        else:
            cur.lines.append((n, line))
    return root


def _walk(sec: _Section) -> list[_Section]:
    out = [sec]
    for c in sec.children:
        out.extend(_walk(c))
    return out


def _body(sec: _Section) -> str:
    """A section's text including its sub-sections."""
    parts = ["\n".join(t for _, t in sec.lines)]
    for c in sec.children:
        parts.append(f"{'#' * c.level} {c.title}\n{_body(c)}")
    return "\n".join(parts)


def code_blocks(body: str) -> list[tuple[str, str]]:
    """Fenced code blocks with the text just before each (which says whether it is the bad or the fixed code)."""
    out: list[tuple[str, str, int]] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        # what introduces the block: the text since the previous block, at most six lines back
        start = max(0, i - 6, out[-1][2] if out else 0)
        ctx = "\n".join(x.strip() for x in lines[start:i] if x.strip())[-400:]
        j = i + 1
        while j < len(lines) and not (lines[j].strip().startswith(m.group(1)[0] * 3)):
            j += 1
        out.append((ctx, "\n".join(lines[i + 1:j]), j + 1))
        i = j + 1
    return [(c, code) for c, code, _ in out]


def _category(title: str, body: str, section: str) -> str:
    for text in (title, body[:600]):
        m = _CATEGORY.search(text)
        if m:
            return f"Category {m.group(1).upper()}" + (f" - {m.group(2).strip()}" if m.group(2) else "")
    m = _SEVERITY.search(body[:800]) or _SEVERITY_WORD.search(title)
    if m:
        return m.group(1).lower()
    return _clean_title(section)


def _items(sec: _Section) -> list[tuple[int, str, str, bool]]:
    """Top-level list items of a section body: (line, title, text, bold title?). Items indented deeper than the
    shallowest ones (sub-points such as `   - **Lesson**: ...`) belong to the item above them."""
    lines = sec.lines
    fence = None
    marks: list[tuple[int, int]] = []  # (index in lines, indent) of item lines outside code
    for k, (_, line) in enumerate(lines):
        m = _FENCE.match(line)
        if m:
            fence = None if fence and m.group(1)[0] == fence else (fence or m.group(1)[0])
            continue
        im = _ITEM.match(line) if fence is None else None
        if im:
            marks.append((k, len(im.group(1))))
    if not marks:
        return []
    top = min(ind for _, ind in marks)
    starts = [k for k, ind in marks if ind == top]
    out = []
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=False):
        n, first = lines[a]
        content = _ITEM.match(first).group(4).strip()  # type: ignore[union-attr]
        bm = _BOLD_START.match(content)
        title = bm.group(1) if bm else re.split(r"(?<=[.:;])\s", content, maxsplit=1)[0]
        body = "\n".join([content, *(t for _, t in lines[a + 1:b])])
        out.append((n, _clean_title(title), body, bool(bm)))
    return out


def _numbered_items(sec: _Section) -> list[tuple[int, str, str, bool]]:
    out = []
    for n, line in sec.lines:
        im = _ITEM.match(line)
        if im and im.group(3):
            content = im.group(4).strip()
            out.append((n, _clean_title(re.split(r"(?<=[.:;])\s", content, maxsplit=1)[0]), content, False))
    return out


def split_claims(text: str) -> list[Claim]:
    """The claims of a failure analysis, numbered from 1 in document order."""
    root = _sections(text)
    every = [s for s in _walk(root) if s is not root]
    raw: list[tuple[int, str, str, str]] = []  # (line, title, body, section)
    numbered = [s for s in every if not s.skipped and s.level >= 2 and _NUMBERED_HEADING.match(_clean_title(s.title))]
    if numbered:
        for s in numbered:
            m = _NUMBERED_HEADING.match(_clean_title(s.title))
            raw.append((s.line, s.title if not m else f"{m.group(2)} {_paren(s.title)}", _body(s),
                        s.parent.title if s.parent else ""))
    else:
        for s in [root, *every]:
            if s.skipped:
                continue
            items = _items(s)
            bold = [i for i in items if i[3]]
            plain_numbered = _numbered_items(s)
            if bold:  # bold-titled items count wherever they are (a preamble before the first heading too)
                raw.extend((n, t, body, s.title) for n, t, body, _ in bold)
            elif s.children:
                continue
            elif len(plain_numbered) >= 2:
                raw.extend((n, t, body, s.title) for n, t, body, _ in plain_numbered)
            elif s is not root and s.level >= 2 and "".join(t for _, t in s.lines).strip():
                raw.append((s.line, s.title, _body(s), s.parent.title if s.parent else ""))
    claims = []
    for i, (line, title, body, section) in enumerate(sorted(raw, key=lambda r: r[0]), 1):
        t = _clean_title(title)
        claims.append(Claim(i, t, _category(title, body, section), body, line, _clean_title(section),
                            code_blocks(body)))
    return claims

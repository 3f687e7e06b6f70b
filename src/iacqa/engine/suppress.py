"""Inline suppressions: `# iacqa: ignore[ID,...] reason` in a project file.

Syntax (ruff's `# noqa: X` and checkov's `#checkov:skip=X:reason` in one form):

    handler = aws.lambda_.Function("h", reserved_concurrent_executions=500)  # iacqa: ignore[QTA001] quota raised
    # iacqa: ignore[LNT, HYG001] generated file, names come from the caller
    resource "aws_sqs_queue" "q" {            // iacqa: ignore[SEC] internal queue
    Timeout: 900   # iacqa: ignore[LIM001] reason text

- The comment starts with `#` (Python, HCL, YAML, shell, TOML) or `//` (HCL, TypeScript/JavaScript).
- `ID,...` are selectors as in `--select`/`--ignore`: a full id (`LIM001`), an id prefix (`LNT`), or a category
  (`sdk-api`). Separators: commas and/or spaces.
- The reason is the rest of the line; it becomes `Finding.suppressed` (JSON `suppressed`, SARIF `suppressions`).
  Without a reason the finding is still suppressed, with the text "no reason given".
- A trailing comment covers findings on its own line; a comment alone on its line covers the next line (the
  statement under it). A finding that groups several lines of one file (lint: one finding per code and file) is
  suppressed when every one of its lines is covered; otherwise it stays for the lines that are not.
- A comment in a response `.md` code block is in the materialized project file, so it works the same for
  `--response model|ideal`, and the finding keeps its `md_line`.

A suppressed finding stays in the report, marked; it does not count for `--fail-on`, the verdict or the totals.
A directive that suppresses nothing is itself reported (HYG100, low, hygiene: like ruff's RUF100 unused-noqa), but
only when iacqa could have produced a matching finding: every id the selector names belongs to a stage that ran to
the end in this analysis. A selector that matches no iacqa id at all (a typo, a removed id) is always reported;
checkov's ids (`SEC-CKV_AWS_18`) count as decidable when the security stage ran checkov.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from iacqa.catalog.suppression import UnusedSuppression
from iacqa.engine.selection import Selection
from iacqa.model import Category, Finding, Location

# Searched anywhere in a line, without tokenizing each language: a `# iacqa: ignore[...]` written inside a string
# literal would be taken for a comment. Rare, and such a false match can only hide findings of the ids it names on
# that line.
_DIRECTIVE = re.compile(r"(?P<marker>#|//)\s*iacqa\s*:\s*ignore\s*\[(?P<ids>[^\]]*)\]\s*(?P<reason>.*)$",
                        re.IGNORECASE)
_SELECTOR = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# Files where `//` starts a comment too (Terraform accepts `#`, `//` and `/* */`).
_SLASH_COMMENTS = (".tf", ".tfvars", ".hcl", ".ts", ".tsx", ".js", ".mjs", ".cjs", ".json5")
# Files that cannot hold comments (JSON): scanning them would only find text inside strings.
_NO_COMMENTS = (".json",)
NO_REASON = "no reason given"


@dataclass(frozen=True)
class Directive:
    """One `iacqa: ignore[...]` comment."""

    file: str  # project-relative path
    line: int  # where the comment is
    covers: int  # the line whose findings it suppresses
    selectors: tuple[str, ...]
    reason: str
    text: str  # the comment as written, for messages
    bad: tuple[str, ...] = field(default=())  # selectors that are not ids, prefixes or categories

    @property
    def justification(self) -> str:
        return self.reason or NO_REASON


def parse_line(text: str, suffix: str = ".py") -> tuple[tuple[str, ...], str, str, bool, tuple[str, ...]] | None:
    """(selectors, reason, comment, alone on its line, invalid selectors) of a directive in one line, or None."""
    m = _DIRECTIVE.search(text)
    if not m:
        return None
    if m.group("marker") == "//" and not suffix.endswith(_SLASH_COMMENTS):
        return None
    raw = [s for s in re.split(r"[\s,]+", m.group("ids")) if s]
    good = tuple(s for s in raw if _SELECTOR.match(s))
    bad = tuple(s for s in raw if not _SELECTOR.match(s))
    alone = not text[: m.start()].strip()
    return good, m.group("reason").strip(), text[m.start():].strip(), alone, bad


def scan(root: Path, files: Iterable[str]) -> list[Directive]:
    """Every directive in the project's files (paths relative to `root`)."""
    out: list[Directive] = []
    for rel in files:
        suffix = Path(rel).suffix.lower()
        if suffix in _NO_COMMENTS:
            continue
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            continue
        if "iacqa" not in text.lower():
            continue  # cheap pre-filter: most files have no directive
        for n, line in enumerate(text.splitlines(), 1):
            parsed = parse_line(line, suffix)
            if parsed is None:
                continue
            selectors, reason, comment, alone, bad = parsed
            out.append(Directive(rel, n, n + 1 if alone else n, selectors, reason, comment, bad))
    return out


def matches(selectors: tuple[str, ...], finding: Finding) -> bool:
    """The selectors name the finding, as `--select` would: its category, its id, or a prefix of its id."""
    return bool(selectors) and Selection(select=selectors).selects(finding.rule, finding.category)


@dataclass
class Outcome:
    findings: list[Finding]  # the input, with `suppressed` set where a directive matched
    unused: list[Directive]  # directives that suppressed nothing and could have


def apply(findings: list[Finding], directives: list[Directive],
          decidable: Callable[[str], bool] = lambda s: True) -> Outcome:
    """Mark the findings each directive covers; list the directives that suppressed nothing.

    `decidable(selector)` says whether this analysis could have produced a finding the selector names (the stages
    that emit it ran); a directive is reported unused only when all its selectors are decidable.
    """
    by_place: dict[tuple[str, int], list[Directive]] = {}
    for d in directives:
        by_place.setdefault((d.file, d.covers), []).append(d)
        if d.covers != d.line:  # an own-line comment also covers itself (a finding pointing at the comment line)
            by_place.setdefault((d.file, d.line), []).append(d)
    used: set[Directive] = set()
    out: list[Finding] = []
    for f in findings:
        if f.suppressed or not f.file or not f.line:
            out.append(f)
            continue
        occurrences = _occurrences(f)
        hits = {}
        for line in occurrences:
            hit = next((d for d in by_place.get((f.file, line), ()) if matches(d.selectors, f)), None)
            if hit is not None:
                hits[line] = hit
        used.update(hits.values())
        if not hits:
            out.append(f)
        elif len(hits) == len(occurrences):
            out.append(f.with_(suppressed=hits[occurrences[0]].justification))
        else:  # some occurrences of a grouped finding are suppressed: it stays, for the others only
            out.append(_without(f, [line for line in occurrences if line not in hits], sorted(hits)))
    unused = [d for d in directives if d not in used and (d.bad or all(decidable(s) for s in d.selectors))]
    return Outcome(out, unused)





# A finding that stands for several lines of one file (the lint adapter groups one code per file) lists them in
# extra["lines"], and its message ends with "(and N more in this file: lines a, b)".
_MORE = re.compile(r" \(and \d+ more in this file: lines [^)]*\)$")


def _occurrences(f: Finding) -> list[int]:
    lines = f.extra.get("lines") if isinstance(f.extra, dict) else None
    if isinstance(lines, list) and lines and all(isinstance(x, int) for x in lines) and f.line in lines:
        return list(lines)
    return [f.line] if f.line else []


def _without(f: Finding, left: list[int], suppressed: list[int]) -> Finding:
    """A grouped finding for its unsuppressed lines only (first line, count, message tail follow)."""
    message = _MORE.sub("", f.message)
    if len(left) > 1:
        message += f" (and {len(left) - 1} more in this file: lines {', '.join(map(str, left[1:12]))}" + (
            ", ..." if len(left) > 12 else "") + ")"
    extra = {**f.extra, "lines": left, "count": len(left), "suppressed_lines": suppressed}
    return f.with_(line=left[0], message=message, extra=extra, snippet=f.snippet if left[0] == f.line else None,
                   md_line=f.md_line if left[0] == f.line else None)


# Statuses after which a stage has looked at everything it could: "skipped" means there was nothing to look at
# (no Lambda code, no tests), except for security, where it means checkov was not requested.
_COMPLETE = frozenset({"ok", "failed", "skipped"})
# Rule.stage (the emitter) -> the pipeline stage record that says whether it ran; None: always runs.
_EMITTER_STAGE = {"ingest": None, "engine": None, "frontend": "graph", "check": "check", "lint": "lint",
                  "security": "security", "emulate": "emulate", "tests": "tests"}


def decidable_in(stages: dict[str, str]) -> Callable[[str], bool]:
    """A `decidable` for `apply`, from the status of each pipeline stage of this analysis (name -> status)."""
    emitters = _emitters()

    def ran(emitter: str) -> bool:
        stage = _EMITTER_STAGE.get(emitter, emitter)
        if stage is None:
            return True
        status = stages.get(stage)
        return status in ("ok", "failed") if stage == "security" else status in _COMPLETE

    def decidable(selector: str) -> bool:
        sel = Selection(select=[selector])
        # Ids the selector names; a catalog id that the selector extends stands for a family of external ids
        # (SEC-CKV for checkov's SEC-CKV_AWS_18).
        named = [emitter for rid, category, emitter in emitters
                 if sel.selects(rid, category) or selector.upper().startswith(rid.upper())]
        # A selector that names nothing iacqa emits is useless whatever ran: always decidable (reported).
        return all(ran(e) for e in named)

    return decidable


def _emitters() -> list[tuple[str, Category, str]]:
    """(id, category, emitting stage) of every finding id iacqa has."""
    from iacqa.rules.registry import catalog

    return [(rid, entry.category, entry.stage) for rid, entry in catalog().items()]


def unused_finding(d: Directive) -> Finding:
    """The HYG100 finding for a directive that suppressed nothing."""
    if d.bad:
        why = f"{', '.join(map(repr, d.bad))} {'is' if len(d.bad) == 1 else 'are'} not a rule id, id prefix or category"
    elif not d.selectors:
        why = "it names no id"
    else:
        place = f"line {d.covers}" if d.covers == d.line else f"line {d.line} or the line under it ({d.covers})"
        why = f"no {', '.join(d.selectors)} finding on {place}"
    return UnusedSuppression.finding(
        f"`{d.text}` suppresses nothing: {why}", location=Location(d.file, d.line),
        fix="remove the comment, or name the id of the finding on that line (`iacqa analyze --no-suppress` "
            "lists them)", symbol=",".join(d.selectors) or None)


__all__ = ["NO_REASON", "Directive", "Outcome", "apply", "decidable_in", "matches", "parse_line", "scan",
           "unused_finding"]

"""Does a claim of the failure analysis hold? Each claim is checked against the texts of MODEL_RESPONSE.md and
IDEAL_RESPONSE.md (what the analysis quotes or names must be there) and against iacqa's own findings on the MODEL
response (which of them confirm it).

Probes: the claim's code blocks and inline code, and the code-like words of its prose (`force_destroy`,
`nodejs16.x`, `iam:PassRole`, quoted values), each sorted to the side it describes: the failure (what MODEL
has: "Problem", "Before", "Erroneous code from MODEL_RESPONSE", "X instead of Y": X) or the fix (what IDEAL has:
"Fix", "After", "HOW WE FIXED IT", "changed from X to Y": Y). For a claim about something missing ("Missing
PassRole permission", "No DLQ"), what it names belongs to the fix side: finding it in MODEL contradicts the claim.

Status:
- present: failure-side code or a named value is in MODEL_RESPONSE.md;
- fixed-in-ideal: nothing of the failure side is in MODEL, but fix-side code is in IDEAL_RESPONSE.md and not in
  MODEL (the analysis describes a real change);
- absent: the claim quotes or names, as the failure, something checkable and none of it is in MODEL: a generic
  checklist item, another turn's code, a different response;
- not-checkable: nothing quoted or named that a text can show (architecture advice, deploy-time events), or only
  the fix is quoted and it is already in MODEL (a fix by deletion cannot be told from a claim that does not hold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from iacqa.audit.claims import Claim

_FIX_CTX = re.compile(r"\b(after|ideal|fix|fixed|fixes|correct|corrected|correction|solution|should|updated|added|"
                      r"good|resolution|proper|now|replace|replaced|remediat|recommended|instead|implemented|"
                      r"resolved|expected|removed|changed)", re.IGNORECASE)
_ISSUE_CTX = re.compile(r"\b(before|model|original|erroneous|incorrect|wrong|problem|issue|bad|broken|failing|"
                        r"faulty|error|invalid|actual)", re.IGNORECASE)
_FIX_LINE = re.compile(r"^\W*(our (?:solution|fix|approach)|expected|desired|fix|fixed|fixes|solution|resolution|after|ideal|correct|corrected|correction|how we "
                       r"fixed|changed|updated|added|remediation|recommend|should|resolved|the fix|we )",
                       re.IGNORECASE)
_ISSUE_LINE = re.compile(r"^\W*(problem|issue|before|model|actual|observed|impact|error|erroneous|symptom|current|"
                         r"failure|"
                         r"root cause|what was wrong|original)", re.IGNORECASE)
_WHERE_LINE = re.compile(r"^\W*(location|locations|file|files|where|path|lines?|affected (?:files?|resources?)|"
                         r"resource|component|module|method|function)\s*:", re.IGNORECASE)
_MISSING_TITLE = re.compile(r"^\W*(missing|no|lack|lacks|lacking|absent|add|added|adding|without|not|insufficient|"
                            r"incomplete|omitted|undefined)\b", re.IGNORECASE)
_SPAN = re.compile(r"`([^`\n]{2,200})`")
_WORDISH = re.compile(r"(?<![\w`./:-])([A-Za-z][\w-]*(?:[.:/][\w*-]+)+|[A-Za-z0-9]+_[A-Za-z0-9_]+)(?![\w`])")
_QUOTED = re.compile(r"[\"“']([A-Za-z0-9][^\"”'\n]{2,60})[\"”']")
_FROM_TO = re.compile(r"\bfrom\s+(`[^`]+`|\S+)\s+to\s+(`[^`]+`|\S+)", re.IGNORECASE)
_INSTEAD = re.compile(r"(`[^`]+`|\S+)\s*\)?\s+instead of\s+(`[^`]+`|\S+)", re.IGNORECASE)
_NOT_PROBES = re.compile(r"^(MODEL_RESPONSE|IDEAL_RESPONSE|MODEL_FAILURES|PROMPT)(\.md)?$|^https?:|\.md$|^e\.g|"
                         r"^(CI/CD|I/O|N/A|and/or|read/write|on/off|yes/no|TCP/IP)$|"
                         r"^i\.e|^etc\.|^vs\.|^[\d.]+$|^(true|false|none|null|yes|no|and|or|the)$", re.IGNORECASE)
_SOURCE_PATH = re.compile(r"^[\w./-]+\.(py|ts|js|tf|json|yaml|yml|txt)$")
_COMMENT = re.compile(r"\s+(#|//)\s.*$|^\s*(#|//).*$")

KEYWORDS: dict[str, str] = {
    "iam-missing": r"permission|\biam\b|polic|access ?denied|passrole|not authori[sz]ed|role",
    "iam-broad": r"wildcard|least.privilege|over-?permissive|broad|\"\*\"|'\*'|`\*`|resource: ?\*",
    "security": r"encrypt|\bkms\b|public|logging|retention|\btls\b|\bssl\b|secret|password|tracing|x-ray",
    "hygiene": r"suffix|naming|hard-?coded|retain|deletion|destroy|removal|teardown|name conflict|unique",
    "aws-limit": r"invalid|limit|range|maximum|minimum|runtime|deprecated|version|not (available|supported)|value",
    "aws-quota": r"concurrency|quota|reserved",
    "sdk-api": r"import|attribute|argument|parameter|keyword|does not exist|not exist|typeerror|\bapi\b|module|"
               r"class|property|construct|unsupported",
    "syntax": r"syntax|parse|compile|indent",
    "packaging": r"\bzip\b|packag|handler|asset|code path|archive|bundle",
    "wiring": r"visibility|stream|fifo|depend|circular|reference|event source|trigger|integration|wiring",
    "runtime-error": r"runtime error|exception|crash|decimal|float|keyerror|json|serializ|handler",
    "tests-missing": r"\btests?\b|coverage",
    "tests-broken": r"\btests?\b",
    "tests-coverage": r"coverage",
    "tests-integration": r"integration test|\btests?\b",
    "lint": r"lint|style|format|line too long|pylint|flake|eslint|unused|f-string",
    "requirement": r"output|export|requirement|prompt",
    "docs": r"readme|documentation|\bdocs?\b",
}


@dataclass
class Probe:
    text: str
    side: str  # issue | fix | unknown
    kind: str  # code | token
    block: int = -1  # which code block of the claim (code probes)


@dataclass
class Verdict:
    status: str
    evidence: str
    model_lines: list[int] = field(default_factory=list)  # lines of MODEL_RESPONSE.md that hold the claim
    tokens: list[str] = field(default_factory=list)  # the values the claim names


def _norm(line: str) -> str:
    line = _COMMENT.sub("", line)
    return " ".join(line.replace("'", '"').split())


class Text:
    """A response's text, searchable by normalized code line (indentation, quotes and trailing comments ignored)."""

    def __init__(self, text: str | None) -> None:
        self.raw = text or ""
        self.lines = [_norm(x) for x in self.raw.splitlines()]
        self.raw_lines = self.raw.splitlines()
        # for values quoted in prose: spacing and markdown emphasis ignored (**Resource Count:** 22 resources)
        self.squashed = [" ".join(re.sub(r"\*\*|__", "", x).split()) for x in self.raw_lines]

    def find_code(self, line: str) -> int | None:
        n = _norm(line)
        if not n:
            return None
        for i, x in enumerate(self.lines, 1):
            if n in x:
                return i
        return None

    def find_token(self, token: str) -> int | None:
        token = " ".join(token.split())  # `alarm_actions = []` matches `alarm_actions       = []`
        pat = re.compile(r"(?<![\w])" + re.escape(token) + r"(?![\w])") if re.match(r"\w", token[-1]) and \
            re.match(r"\w", token[0]) else re.compile(re.escape(token))
        for i, x in enumerate(self.squashed, 1):
            if pat.search(x):
                return i
        q = token.replace("'", '"')
        if q != token:
            for i, x in enumerate(self.squashed, 1):
                if q in x.replace("'", '"'):
                    return i
        if re.search(r"\$?\{[^{}]+\}", token):
            # Prose writes an interpolation by its meaning (`payment_transactions_{environment}`) where the code
            # has `{self.environment}` or `${props.env}`: a braced part matches any interpolation.
            parts = re.split(r"\$?\{[^{}]+\}", token)
            loose = re.compile(r"\$?\{[^{}]+\}".join(re.escape(p) for p in parts))
            for i, x in enumerate(self.squashed, 1):
                if loose.search(x):
                    return i
        return None


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _distinctive(name: str) -> bool:
    """A name that identifies code (serverSideEncryptionConfiguration, force_destroy), not an everyday word."""
    return len(name) >= 6 and ("_" in name.strip("_") or bool(re.search(r"[a-z][A-Z]", name)) or len(name) >= 12)


def _significant(line: str) -> bool:
    n = _norm(line)
    return len(n) >= 10 and bool(re.search(r"[A-Za-z]", n)) and not re.fullmatch(r"[\W_]+", n)


def _side_of_context(ctx: str) -> str:
    """Which side a code block shows, from the text that introduces it: the nearest line that says so decides
    ("**IDEAL_RESPONSE Fix**:" right above the block wins over "MODEL_RESPONSE Issue" three lines up)."""
    lines = [x for x in ctx.splitlines() if x.strip()]
    for k in range(len(lines) - 1, -1, -1):  # a label ("**Fix Applied**:", "Before:") outranks a sentence
        plain = re.sub(r"[*_`#>]", "", lines[k]).strip()
        if plain.endswith(":") and len(plain.split()) <= 5:
            side = _side_of_text(plain)
            if side != "unknown":
                return side
    for k in range(len(lines) - 1, -1, -1):
        side = _side_of_text(lines[k])
        if side != "unknown":
            return side
    return _side_of_text(" ".join(lines))


def _side_of_text(ctx: str) -> str:
    fix, issue = len(_FIX_CTX.findall(ctx)), len(_ISSUE_CTX.findall(ctx))
    if re.search(r"\b(erroneous|before|from MODEL_RESPONSE|MODEL_RESPONSE\.md|model response|original)\b", ctx,
                 re.IGNORECASE):
        issue += 2
    if re.search(r"\b(after|how we fixed|ideal|corrected|fixed code|solution)\b", ctx, re.IGNORECASE):
        fix += 2
    return "fix" if fix > issue else "issue" if issue > fix else "unknown"


def _token_ok(tok: str) -> bool:
    tok = tok.strip()
    if len(tok) < 3 or _NOT_PROBES.search(tok):
        return False
    if re.fullmatch(r"[A-Za-z]+(/[A-Za-z]+)+", tok):
        return False  # "Cost/Security/Performance", "dev/staging/prod": prose, not a value
    if _SOURCE_PATH.match(tok) and "/" in tok or tok.endswith((".py", ".ts", ".tf")) and " " not in tok:
        return False  # a file the analysis points at, not what is in it
    return bool(re.search(r"[^A-Za-z ]", tok)) or bool(re.search(r"[a-z][A-Z]", tok)) or len(tok) >= 8


_OUTPUT_START = re.compile(r"^\W*(error|traceback|exception|warning|fatal|failed|stack trace|\[error\]|panic)\b",
                           re.IGNORECASE)
_OUTPUT_CTX = re.compile(r"\b(error message|error output|output|logs?|message|stack trace|traceback|console|stderr|"
                         r"stdout|error)\s*:?\s*$", re.IGNORECASE)
_PROSE_LINE = re.compile(r"^\s*[A-Z][\w ()/-]{1,30}:\s+\S+(\s+\S+){3,}")


def _prose_like(code: str) -> bool:
    """A fenced block of sentences (`Error: Security group allows SSH from 0.0.0.0/0`), not of code."""
    lines = [x for x in code.splitlines() if x.strip()]
    if lines and _OUTPUT_START.match(lines[0]):
        return True  # an error message or log quoted in a fence: what AWS said, not code to find in the response
    return bool(lines) and sum(1 for x in lines if _PROSE_LINE.match(x)) * 10 >= 6 * len(lines)


def probes(claim: Claim) -> list[Probe]:
    """The checkable things a claim quotes or names, each with the side it belongs to."""
    out: list[Probe] = []
    missing = bool(_MISSING_TITLE.search(claim.title))
    prose_blocks = []
    for b, (ctx, code) in enumerate(claim.code):
        last = re.sub(r"[*_`#>]", "", (ctx.splitlines() or [""])[-1]).strip()
        if _prose_like(code) or _OUTPUT_CTX.search(last):
            prose_blocks.append(code)  # "Error: ... / Impact: ... / Fix Applied: ..." fenced as code: read as text
            continue
        side = _side_of_context(ctx)
        for line in code.splitlines():
            if _significant(line):
                out.append(Probe(line, side, "code", b))
    prose = re.sub(r"```.*?(```|$)", "", claim.body, flags=re.DOTALL) + "\n" + "\n".join(prose_blocks)
    side = "issue"
    seen: set[str] = set()
    for line in [claim.title, *prose.splitlines()]:
        line = re.sub(r"\*\*|__|~~", "", line)  # emphasis markers are not part of any quoted value
        if _WHERE_LINE.match(line):
            continue  # "Location: `_create_api_gateway()` method" says where, not what
        if _FIX_LINE.search(line):
            side = "fix"
        elif _ISSUE_LINE.search(line):
            side = "issue"
        pinned: dict[str, str] = {}
        for a, b in _FROM_TO.findall(line):
            pinned[a.strip("`")] = "issue"
            pinned[b.strip("`").rstrip(".,;")] = "fix"
        for a, b in _INSTEAD.findall(line):
            pinned[a.strip("`")] = "fix"
            pinned[b.strip("`").rstrip(".,;)")] = "issue"
        words = _SPAN.findall(line) + _QUOTED.findall(_SPAN.sub("", line)) + _WORDISH.findall(_SPAN.sub("", line))
        for w in words:
            w = w.strip().rstrip(".,;:)")
            if w in seen or not _token_ok(w):
                continue
            seen.add(w)
            s = pinned.get(w, side)
            if missing and s == "issue" and w not in pinned:
                s = "fix"  # "Missing X": X should be in IDEAL, not in MODEL
            out.append(Probe(w, s, "token"))
    return out


def verify(claim: Claim, model: Text, ideal: Text) -> Verdict:
    """The claim's status against the two responses, with the evidence a reader can check."""
    ps = probes(claim)
    v = _verify(claim, ps, model, ideal)
    v.tokens = [p.text for p in ps if p.kind == "token"]
    return v


def _verify(claim: Claim, ps: list[Probe], model: Text, ideal: Text) -> Verdict:
    if not ps:
        return Verdict("not-checkable", "the claim quotes no code and names no resource, property or value")
    issue_hits: list[tuple[str, int]] = []
    fix_new: list[tuple[str, int]] = []
    fix_old: list[tuple[str, int]] = []
    fix_old_tokens: list[tuple[str, int]] = []  # a name alone: present somewhere is not present where meant
    checked_issue: list[str] = []
    # code blocks: judged per block side, by the share of their lines found
    blocks: dict[int, list[Probe]] = {}
    for p in ps:
        if p.kind == "code":
            blocks.setdefault(p.block, []).append(p)
    for lines in blocks.values():
        side = lines[0].side
        in_model = [(p.text, model.find_code(p.text)) for p in lines]
        found = [(t, n) for t, n in in_model if n]
        if side in ("issue", "unknown") and found and len(found) * 2 >= len(lines):
            issue_hits.append((f"{len(found)} of {len(lines)} quoted code lines", found[0][1]))
            continue
        if side == "issue":
            # An abbreviated quote (`versioning: { enabled: true },`, `{ ... }`) does not match line by line; the
            # distinctive names it uses still say whether it is this response's code.
            names = sorted({n for p in lines for n in _IDENT.findall(p.text) if _distinctive(n)})
            at = [(n, model.find_token(n)) for n in names]
            hit = [(n, k) for n, k in at if k]
            if len(names) >= 2 and len(hit) * 10 >= 6 * len(names):
                issue_hits.append((f"the names of the quoted code ({', '.join(n for n, _ in hit[:4])})", hit[0][1]))
                continue
            checked_issue.append(f"{len(lines)} quoted code lines")
        new = [(p.text, ideal.find_code(p.text)) for p in lines if not model.find_code(p.text)]
        new = [(t, n) for t, n in new if n]
        if new and side == "issue" and len(new) * 2 >= len(lines):
            # Quoted under "Actual"/"Current" but it is the ideal's code, not MODEL's: the analysis compares the
            # final code with the response, so the difference it describes is real (a fix in the ideal).
            fix_new.append((f"{len(new)} of {len(lines)} quoted lines are the ideal response's code, e.g. "
                            f"`{_norm(new[0][0])[:80]}`", new[0][1]))
            checked_issue.pop()
        elif new and side in ("fix", "unknown"):
            fix_new.append((f"{len(new)} of {len(lines)} lines of the fixed code, e.g. `{_norm(new[0][0])[:80]}`",
                            new[0][1]))
        elif side == "fix" and found and len(found) == len(lines):
            fix_old.append((f"all {len(lines)} lines of the 'fixed' code", found[0][1]))
    for p in ps:
        if p.kind != "token":
            continue
        m = model.find_token(p.text)
        if p.side == "issue":
            if m:
                issue_hits.append((f"`{p.text}`", m))
            elif (i := ideal.find_token(p.text)) and _distinctive(p.text):
                # Named as the failure but only the ideal has it (a test or resource the final code added)
                fix_new.append((f"`{p.text}`", i))
            else:
                checked_issue.append(f"`{p.text}`")
        else:
            i = ideal.find_token(p.text)
            if i and not m:
                fix_new.append((f"`{p.text}`", i))
            elif m and not i:
                issue_hits.append((f"`{p.text}` (changed by the ideal response)", m))
            elif m and _MISSING_TITLE.search(claim.title):
                fix_old_tokens.append((f"`{p.text}`", m))
    if issue_hits:
        what = ", ".join(f"{t} (MODEL_RESPONSE.md:{n})" for t, n in issue_hits[:3])
        return Verdict("present", f"in the response: {what}", sorted({n for _, n in issue_hits}))
    if fix_new:
        what = ", ".join(f"{t} (IDEAL_RESPONSE.md:{n})" for t, n in fix_new[:3])
        return Verdict("fixed-in-ideal", f"not in MODEL_RESPONSE.md, added by the ideal response: {what}")
    if checked_issue:
        return Verdict("absent", "none of " + ", ".join(checked_issue[:5]) + " is in MODEL_RESPONSE.md")
    if fix_old:
        # The "fixed" code is already in the response: the fix may be a deletion around unchanged lines, or the
        # claim may not hold; the text cannot tell which.
        what = ", ".join(f"{t} (MODEL_RESPONSE.md:{n})" for t, n in fix_old[:3])
        return Verdict("not-checkable", f"the code the claim gives as the fix is already in the response ({what}): "
                       "a fix by deletion, or a claim that does not hold")
    if fix_old_tokens:
        what = ", ".join(f"{t} (MODEL_RESPONSE.md:{n})" for t, n in fix_old_tokens[:3])
        return Verdict("not-checkable", f"what the claim says is missing is named in the response ({what}); "
                       "whether it is missing where the claim means cannot be told from the text")
    return Verdict("not-checkable", "what the claim names (" + ", ".join(f"`{p.text}`" for p in ps[:4])
                   + ") is in neither response")


def _names(f: dict[str, Any]) -> list[str]:
    """Words that name a finding's subject as a user would write it (resource short name, attribute, symbol)."""
    out = []
    extra = f.get("extra") or {}
    # a grouped finding (HYG001 per file, TFS013 per call) names every resource/argument it stands for
    for res in [f.get("resource"), *(extra.get("resources") or []), *(extra.get("arguments") or [])]:
        res = str(res or "")
        if res:
            out.append(res.split(".")[-1].split("/")[-1])
    for key in ("attribute", "symbol"):
        v = str(f.get(key) or "")
        if v:
            out.append(v.split(".")[-1])
    return [w for w in out if len(w) >= 4]


def _mentions(text: str, word: str) -> bool:
    forms = {word, word.replace("_", ""), re.sub(r"(?<!^)(?=[A-Z])", "_", word).lower()}
    low = text.lower()
    return any(re.search(r"(?<![a-z0-9])" + re.escape(w.lower()) + r"(?![a-z0-9])", low) for w in forms if w)


_STOP = {"the", "and", "for", "with", "without", "not", "from", "that", "this", "are", "has", "have", "its", "into",
         "missing", "wrong", "incorrect", "invalid", "issue", "issues", "failure", "failures", "error", "errors",
         "resource", "resources", "configuration", "config", "aws", "does", "exist", "lambda", "function"}


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z0-9]+", text.lower()) if len(w) >= 4 and w not in _STOP}


def confirms(f: dict[str, Any], claim: Claim, verdict: Verdict) -> bool:
    """Whether a finding of iacqa on the MODEL response is the failure the claim describes."""
    text = f"{claim.title}\n{claim.body}"
    kw = KEYWORDS.get(str(f.get("category")), "")
    keyword = bool(kw and re.search(kw, text, re.IGNORECASE))
    md_line = f.get("md_line")
    if keyword and md_line and any(abs(int(md_line) - n) <= 1 for n in verdict.model_lines):
        return True  # the finding points at the very line the claim quotes, and speaks of the same kind of failure
    said = f"{f.get('message') or ''} {f.get('error') or ''}"
    if keyword and any(len(t) >= 5 and t in said for t in verdict.tokens):
        return True  # the finding's message names the value the claim quotes (`function.zip`, `nodejs16.x`)
    if keyword and len(_content_words(claim.title) & _content_words(str(f.get("title") or ""))) >= 2:
        return True  # "Missing Environment Suffix" and HYG001 "... without the environment suffix"
    res = str(f.get("resource") or "")
    res_hit = bool(res) and _mentions(text, res.split(".")[-1].split("/")[-1]) and len(res.split(".")[-1]) >= 4
    subj = [str(f.get(k)).split(".")[-1] for k in ("attribute", "symbol") if f.get(k)]
    subj_hit = any(len(s) >= 4 and _mentions(text, s) for s in subj)
    # A plain word ("runtime", "policy", "name") in prose says nothing; a property name does (billing_mode).
    distinctive = any(_mentions(text, s) and (len(s) >= 10 or "_" in s or re.search(r"[a-z][A-Z]", s))
                      for s in subj)
    return (subj_hit and res_hit) or (distinctive and keyword) or (res_hit and keyword)


def mentioned(f: dict[str, Any], document: str) -> bool:
    """Whether the analysis names a finding's subject anywhere (for the missed-blockers list)."""
    names = _names(f)
    return len(names) >= 2 and all(_mentions(document, n) for n in names[:2])

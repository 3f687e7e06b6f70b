"""HYG011: names and tags computed from the clock or a random generator each time the program runs."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from iacqa.model import Category, Finding, Location, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import tree
from iacqa.rules.hygiene._text import code_lines, text_sources

# Calls whose value differs on every synth/plan, per language. Terraform's timestamp()/uuid() are evaluated at
# plan time (plantimestamp() too), the others when the program runs.
_CALLS = {
    "js": re.compile(r"\bDate\.now\(\)|\bnew Date\(\)|\bMath\.random\(\)|\b(?:crypto\.)?randomUUID\(\)|\buuid(?:v4)?\(\)"
                     r"|\bFn\.(?:timestamp|uuid)\(\)"),
    "py": re.compile(r"\b(?:datetime\.)?(?:datetime|date)\.(?:now|utcnow|today)\(|\btime\.time(?:_ns)?\(\)"
                     r"|\buuid\.uuid[14]\(\)|\brandom\.(?:randint|random|choice|choices)\(|\bFn\.(?:timestamp|uuid)\(\)"),
    "hcl": re.compile(r"\b(?:timestamp|plantimestamp|uuid)\(\)"),
}
_LANG = {".ts": "js", ".js": "js", ".mjs": "js", ".py": "py", ".tf": "hcl"}
# A file that is Lambda code (runs at invocation, not at synth): its clock reads are fine.
_HANDLER = re.compile(r"exports\.handler\b|export\s+(?:const|async\s+function|function)\s+handler\b"
                      r"|^def\s+(?:lambda_)?handler\s*\(|^def\s+\w+\s*\(\s*event\s*,\s*context\b", re.M)
# Directories that hold function code by convention (read only when the graph cannot say which files are code).
_CODE_DIRS = {"lambda", "lambdas", "functions", "handlers", "lambda_functions", "lambda-functions", "runtime"}
_NAME_KEY = re.compile(r"(?:^|_)name$|Name$|^bucket(?:_?prefix)?$|[iI]dentifier$|^(?:name_?)?prefix$", re.I)
_KEY = re.compile(r"""(?:^|[\s{(,])\[?["'`]?([A-Za-z_][\w-]*)["'`]?\]?\s*(?::|=(?!=))\s*[^:=]*$""")
_ASSIGN = {
    "js": re.compile(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*[^=]"),
    "py": re.compile(r"^\s*([A-Za-z_]\w*)\s*(?::[^=]+)?=\s*[^=]"),
    "hcl": re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=\s*[^=]"),
}


@dataclass(frozen=True)
class _Use:
    file: str
    line: int
    key: str | None  # the attribute the value is written to
    outer: str | None  # the key of the enclosing block/object (`tags`, `common_tags`)
    call: str


def _mask_js(text: str) -> str:
    """The JS/TS text with the characters of string literals (and of template-literal text, `${...}` kept) blanked,
    so a clock read inside inline Lambda code (a string) is not taken for one the program makes."""
    out = list(text)
    i, n = 0, len(text)
    stack: list[str] = []  # "`" while in template text, "{" for a `${` expression (braces counted)
    depth: list[int] = []
    while i < n:
        ch = text[i]
        if stack and stack[-1] == "`":
            if ch == "\\":
                out[i] = " "
                if i + 1 < n and text[i + 1] != "\n":
                    out[i + 1] = " "
                i += 2
                continue
            if ch == "`":
                stack.pop()
            elif text.startswith("${", i):
                stack.append("{")
                depth.append(0)
                i += 2
                continue
            elif ch != "\n":
                out[i] = " "
            i += 1
            continue
        if ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                if text[j] == "\\":
                    out[j] = " "
                    j += 1
                out[j] = " " if j < n and text[j] != "\n" else out[j] if j < n else ""
                j += 1
            i = j + 1
            continue
        if ch == "`":
            stack.append("`")
        elif stack and stack[-1] == "{":
            if ch == "{":
                depth[-1] += 1
            elif ch == "}":
                if depth[-1] == 0:
                    stack.pop()
                    depth.pop()
                else:
                    depth[-1] -= 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
            continue
        i += 1
    return "".join(out)


def _mask_py(ctx: RuleContext, file: str) -> list[str]:
    """The Python lines with comments removed and the plain string literals that hold code (inline Lambda code)
    blanked; f-strings are kept, their `{...}` parts run at program time."""
    lines = [text for _, text in code_lines(ctx, file)]
    mod = tree(ctx, file)
    if mod is None:
        return lines
    in_f = {id(v) for node in ast.walk(mod) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(mod):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in in_f \
                or not (_CALLS["py"].search(node.value) or _HANDLER.search(node.value)):
            continue  # only strings that hold code are blanked: dict keys stay readable
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        for j in range(first, min(last, len(lines) - 1) + 1):
            a = node.col_offset if j == first else 0
            b = node.end_col_offset if j == last and node.end_col_offset is not None else len(lines[j])
            lines[j] = lines[j][:a] + " " * max(0, min(b, len(lines[j])) - a) + lines[j][b:]
    return lines


def _lines(ctx: RuleContext, file: str, lang: str) -> list[str]:
    if lang == "js":
        return _mask_js("\n".join(ctx.lines(file))).split("\n")
    if lang == "py":
        return _mask_py(ctx, file)
    return [text for _, text in code_lines(ctx, file)]


def _outer_key(lines: list[str], idx: int, col: int) -> str | None:
    """The key of the innermost object/block that encloses lines[idx][:col] (brace counting upward)."""
    depth = 0
    for j in range(idx, -1, -1):
        text = lines[j][:col] if j == idx else lines[j]
        for k in range(len(text) - 1, -1, -1):
            c = text[k]
            if c in "})]":
                depth += 1
            elif c in "{([":
                if depth == 0:
                    m = _KEY.search(text[:k] + " =")
                    head = re.search(r"([A-Za-z_][\w-]*)\s*(?:[:=]\s*)?(?:merge\()?\s*$", text[:k])
                    return (m.group(1) if m else None) or (head.group(1) if head else None)
                depth -= 1
    return None


class NondeterministicValue(Rule):
    """A name or tag computed from the clock or a random generator, so it changes on every synth or plan.

    What it finds: `Date.now()`, `new Date()`, `Math.random()`, `randomUUID()` (TypeScript/JavaScript),
    `datetime.now()`, `time.time()`, `uuid.uuid4()`, `random.*` (Python) and Terraform `timestamp()`/`uuid()` (HCL,
    CDKTF `Fn.timestamp()`) written into a physical name (`bucketName`, `name`, `function_name`, a Pulumi resource
    name or CDK construct id) or into tags, directly or through one variable/local. Lambda code (files with a
    `handler`, strings holding inline code) is not read: a clock read at invocation time is fine.
    Why it breaks: the value is different on every `cdk synth`, `pulumi up` or `terraform plan`. A name that changes
    replaces the resource on every deployment (a new bucket, table or function each time; the old one is deleted,
    or fails to delete when it holds data), and the program is no longer deterministic (CDK best practice). Tags
    from `timestamp()` never converge: every plan shows a change (perpetual diff), and with `tags_all` the AWS
    provider can fail with "Provider produced inconsistent final plan".
    Bad: ``bucketName: `${env}-data-${Date.now()}` ``; `CreatedAt = timestamp()` in `common_tags`.
    Good: names from the environment suffix (`f"data-{env}"`) or left to the tool's autonaming; a creation date
    from `time_static` (Terraform) or set once in config; `lifecycle { ignore_changes = [tags["CreatedAt"]] }`.
    What AWS says: nothing; each deployment replaces the resource (names) or updates its tags (perpetual diff).
    References: https://docs.aws.amazon.com/cdk/v2/guide/best-practices.html#best-practices-apps,
    https://developer.hashicorp.com/terraform/language/functions/timestamp
    """

    id = "HYG011"
    category = Category.HYGIENE
    severity = Severity.HIGH
    title = "name or tag changes on every synth/plan"
    docs_url = "https://developer.hashicorp.com/terraform/language/functions/timestamp"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        code_files = {loc.file for art in ctx.graph.code.values() for loc in art.origin.values() if loc.file}
        seen: set[tuple[str, int]] = set()
        hcl_text = "\n".join("\n".join(ctx.lines(f)) for f in text_sources(ctx) if f.endswith(".tf"))
        for file in text_sources(ctx):
            lang = next((v for k, v in _LANG.items() if file.endswith(k)), None)
            if lang is None or file in code_files or _CODE_DIRS & set(Path(file).parts[:-1]):
                continue
            lines = _lines(ctx, file, lang)
            if _HANDLER.search("\n".join(lines)):  # on the masked text: inline code in a string does not count
                continue
            for use in self._uses(file, lang, lines, hcl_text):
                if (use.file, use.line) in seen:
                    continue
                seen.add((use.file, use.line))
                f = self._finding(use)
                if f is not None:
                    yield f

    def _uses(self, file: str, lang: str, lines: list[str], hcl_text: str) -> Iterator[_Use]:
        for i, text in enumerate(lines):
            for m in _CALLS[lang].finditer(text):
                key, outer = self._context(lines, i, m.start(), lang)
                if key and not _NAME_KEY.search(key) and not _tagged(key, outer):
                    # assigned to a variable/local: follow it one step to where it is written
                    var = _ASSIGN[lang].match(text) if lang != "js" else _ASSIGN[lang].search(text[:m.start()])
                    if var and var.group(1) == key:
                        yield from self._follow(file, lang, lines, i, key, outer, m.group(0), hcl_text)
                        continue
                yield _Use(file, i + 1, key, outer, m.group(0))

    def _follow(self, file: str, lang: str, lines: list[str], decl: int, var: str,
                outer: str | None, call: str, hcl_text: str) -> Iterator[_Use]:
        if lang == "hcl":
            if outer in ("locals",) and re.search(rf"\blocal\.{re.escape(var)}\b", hcl_text):
                yield _Use(file, decl + 1, var, None, call)  # the local itself, judged by its name
            return
        ref = re.compile(rf"(?<![\w.$]){re.escape(var)}\b")
        for j, text in enumerate(lines):
            if j == decl:
                continue
            for m in ref.finditer(text):
                key, out = self._context(lines, j, m.start(), lang)
                if key and (_NAME_KEY.search(key) or _tagged(key, out)):
                    yield _Use(file, j + 1, key, out, f"{var} ({call} at line {decl + 1})")

    @staticmethod
    def _context(lines: list[str], i: int, col: int, lang: str) -> tuple[str | None, str | None]:
        before = lines[i][:col]
        m = _KEY.search(before)
        key = m.group(1) if m else None
        if key is None and re.search(r"\bnew\s+[\w.]+\(\s*(?:this\s*,\s*)?[`'\"]?[^,]*$|^\s*\w[\w.]*\.[A-Z]\w*\(\s*f?[\"']",
                                     before):
            key = "<resource name>"
        outer = _outer_key(lines, i, col)
        if outer is None and re.search(r"\btags\s*[:=]", before, re.I):  # tags = merge(local.x, { K = ... })
            outer = "tags"
        return key, outer

    def _finding(self, use: _Use) -> Finding | None:
        loc = Location(use.file, use.line)
        if use.key and _tagged(use.key, use.outer):
            return self.finding(
                f"tag {use.key} is set from {use.call}: its value changes on every plan/deploy, so the resources "
                "carrying it never converge (perpetual diff)", location=loc, severity=Severity.LOW,
                error="nothing at deploy; every plan/preview shows a tag update (Terraform may fail with "
                "\"Provider produced inconsistent final plan\" on tags_all)",
                fix="a fixed value (config, `time_static` in Terraform), or lifecycle ignore_changes on that tag")
        if use.key and "snapshot" in use.key.lower():
            return None  # a final snapshot name is meant to be unique; changing it replaces nothing
        if use.key and (use.key == "<resource name>" or _NAME_KEY.search(use.key)):
            what = "the resource name/construct id" if use.key == "<resource name>" else use.key
            return self.finding(
                f"{what} is built from {use.call}: it is different on every synth/deploy, so every deployment "
                "replaces the resource (a new one is created and the old one deleted, or left behind when it holds "
                "data)", location=loc,
                error="nothing at deploy; each deployment replaces the resource (delete fails on a non-empty bucket)",
                fix="build names from the environment suffix (or let the tool generate them); never from the clock "
                "or a random value at program time")
        return None


def _tagged(key: str | None, outer: str | None) -> bool:
    return bool(outer and "tag" in outer.lower()) or bool(key and "tag" in key.lower())

"""The source text behind a resource: its constructor call's line span and the string literals of a file.

Front ends give concrete values, with identifiers the mocks made up (account 123456789012, region us-east-1), so a
value in the graph cannot say whether the user wrote it. The text can: these helpers let rules look at what was
written (string literals, f-string parts, never comments or docstrings) and point at the exact line.
Shared by the hygiene (HYG*), iam-broad (IAM*) and security (SEC*) rules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from iacqa.model import Location, Resource
from iacqa.rules.context import RuleContext


@dataclass(frozen=True)
class Literal:
    """A piece of string text written in the source: a literal or the constant part of an f-string."""

    line: int  # first line of the piece
    text: str
    fstring: bool = False

    def line_of(self, offset: int) -> int:
        """The line of a character offset inside the text (triple-quoted strings span lines)."""
        return self.line + self.text.count("\n", 0, offset)


@lru_cache(maxsize=256)
def _parse(path: str, mtime: float) -> ast.Module | None:
    try:
        return ast.parse(Path(path).read_text(errors="replace"))
    except (SyntaxError, ValueError, OSError):
        return None


def tree(ctx: RuleContext, file: str | None) -> ast.Module | None:
    if not file or ctx.root is None:
        return None
    path = ctx.root / file
    try:
        return _parse(str(path), path.stat().st_mtime)
    except OSError:
        return None


def _docstrings(mod: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(mod):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def literals(ctx: RuleContext, file: str | None, start: int = 1, end: int | None = None) -> list[Literal]:
    """String literals (and f-string constant parts) written between lines start..end, docstrings excluded."""
    mod = tree(ctx, file)
    if mod is None:
        return []
    skip = _docstrings(mod)
    in_fstring: set[int] = set()
    for node in ast.walk(mod):
        if isinstance(node, ast.JoinedStr):
            in_fstring.update(id(v) for v in node.values)
    out = []
    for node in ast.walk(mod):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
            continue
        line = node.lineno
        if line < start or (end is not None and line > end):
            continue
        out.append(Literal(line, node.value, id(node) in in_fstring))
    out.sort(key=lambda x: x.line)
    return out


def call_span(ctx: RuleContext, resource: Resource) -> tuple[str | None, int, int]:
    """(file, first line, last line) of the constructor call that declared the resource."""
    loc = resource.location
    if not loc.file or not loc.line:
        return loc.file, 0, -1
    mod = tree(ctx, loc.file)
    if mod is None:
        return loc.file, loc.line, loc.line
    best: ast.Call | None = None
    for node in ast.walk(mod):
        if isinstance(node, ast.Call) and node.lineno == loc.line:
            if best is None or (node.end_lineno or 0) > (best.end_lineno or 0):
                best = node
    if best is None:
        return loc.file, loc.line, loc.line
    return loc.file, best.lineno, best.end_lineno or best.lineno


def declaration_span(ctx: RuleContext, resource: Resource) -> tuple[str | None, int, int]:
    """(file, first line, last line) of the resource's declaration: its constructor call in a program, else (a
    template or .tf file, where call_span knows only the first line) up to the next resource of the same file."""
    file, start, end = call_span(ctx, resource)
    if file and start and not file.endswith(".py"):
        later = [r.location.line for r in ctx.graph if r.location.file == file and (r.location.line or 0) > start]
        end = min(later) - 1 if later else len(ctx.lines(file))
    return file, start, end


def search(ctx: RuleContext, file: str | None, pattern: re.Pattern[str], start: int = 1,
           end: int | None = None) -> Iterator[tuple[int, re.Match[str], Literal]]:
    """Matches of `pattern` inside the string literals of a file (line of each match)."""
    for lit in literals(ctx, file, start, end):
        for m in pattern.finditer(lit.text):
            yield lit.line_of(m.start()), m, lit


def source_lines(ctx: RuleContext, file: str | None, pattern: re.Pattern[str], start: int = 1,
                 end: int | None = None) -> list[int]:
    """Lines (raw text, comments stripped) between start..end matching `pattern`."""
    out = []
    lines = ctx.lines(file)
    last = len(lines) if end is None else min(end, len(lines))
    for i in range(max(1, start), last + 1):
        text = _strip_comment(lines[i - 1])
        if pattern.search(text):
            out.append(i)
    return out


def _strip_comment(line: str) -> str:
    quote: str | None = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def find_in_span(ctx: RuleContext, resource: Resource, pattern: re.Pattern[str], nth: int = 0) -> Location | None:
    """The line of the nth match of `pattern` in the resource's call (the last match when there are fewer); else
    the only match in the file; else None."""
    file, start, end = call_span(ctx, resource)
    if not file:
        return None
    hits = source_lines(ctx, file, pattern, start, end) if end >= start else []
    if hits:
        return Location(file, hits[min(nth, len(hits) - 1)])
    hits = source_lines(ctx, file, pattern)
    if len(hits) == 1:
        return Location(file, hits[0])
    return None


def locate_in_span(ctx: RuleContext, resource: Resource, pattern: re.Pattern[str], attribute: str | None = None,
                   nth: int = 0) -> Location:
    """`find_in_span`, falling back to the line of the attribute (or of the resource)."""
    return find_in_span(ctx, resource, pattern, nth) or resource.location_of(attribute)


def project_files(ctx: RuleContext) -> list[str]:
    """The project files that declare resources, and the files of Lambda code (directories, not packages)."""
    files = {r.location.file for r in ctx.graph if r.location.file}
    for art in ctx.graph.code.values():
        for loc in art.origin.values():
            if loc.file and loc.file.endswith(".py"):
                files.add(loc.file)
    return sorted(f for f in files if f.endswith(".py") and not Path(f).is_absolute())


def resource_at(ctx: RuleContext, file: str, line: int) -> Resource | None:
    """The resource whose constructor call spans file:line (the innermost one)."""
    best: tuple[int, Resource] | None = None
    for r in ctx.graph:
        if r.location.file != file:
            continue
        f, start, end = call_span(ctx, r)
        if start <= line <= end and (best is None or end - start < best[0]):
            best = (end - start, r)
    return best[1] if best else None

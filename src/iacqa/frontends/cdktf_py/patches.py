"""Source replacements that let CDKTF synth continue past a static error the way its finding fixes it.

Replacements are (line, col, end_line, end_col, text) with 1-based lines and UTF-8 byte columns as `ast` gives them.
`text` is the new text, `DELETE` (remove the span and the comma after it) or `keep:` + the span of an inner node
whose text replaces the whole span (unwrapping `[x]` into `x`).
"""

from __future__ import annotations

import ast
import re

DELETE = "\0delete"  # replacement marker: remove the span and the comma after it


def span(node: ast.AST, text: str | None, inner: ast.AST | None = None) -> tuple[int, int, int, int, str]:
    """A source replacement (1-based lines, UTF-8 byte columns as ast gives them); `inner`: keep that node's text."""
    if inner is not None:
        return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, "\0keep:" + ",".join(
            map(str, (inner.lineno, inner.col_offset, inner.end_lineno, inner.end_col_offset))))
    return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, text or "")


def apply_continuations(text: str, patches: list[tuple[int, int, int, int, str]]) -> str | None:
    """The source with the findings' replacements applied (line count unchanged where possible, so tracebacks
    and findings of the synth keep the user's line numbers); None when replacements overlap."""
    data = text.encode()
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def off(line: int, col: int) -> int:
        return starts[line - 1] + col

    edits: list[tuple[int, int, bytes]] = []
    for line, col, end_line, end_col, repl in patches:
        a, b = off(line, col), off(end_line, end_col)
        if repl == DELETE:
            rest = re.match(rb"\s*,", data[b:])
            b += rest.end() if rest else 0
            new = b""
        elif repl.startswith("\0keep:"):
            il, ic, iel, iec = map(int, repl[6:].split(","))
            new = data[off(il, ic):off(iel, iec)]
        else:
            new = repl.encode()
        gap = data[a:b].count(b"\n")  # keep every later line where it was
        edits.append((a, b, new + b"\n" * max(0, gap - new.count(b"\n"))))
    edits.sort(reverse=True)
    for earlier, later in zip(edits[1:], edits, strict=False):
        if earlier[1] > later[0]:
            return None
    for a, b, new in edits:
        data = data[:a] + new + data[b:]
    return data.decode(errors="replace")

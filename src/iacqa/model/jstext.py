"""JavaScript/TypeScript source text: where its string literals and comments are, without a parser.

Why hand-written: iacqa reads TS/JS sources in Python (rules asking "is this value written in the code?", the tsc
front end writing a stand-in for a file that does not parse), where the TypeScript compiler is a Node process
away and absent when the Node toolchain is not installed. The lexical grammar needed to tell code from strings and
comments is small: `//` and `/* */` comments, '...' and "..." strings, `...` templates whose `${...}` parts are code
again (nested to any depth), and regular-expression literals (told from division by the token before the `/`,
as the ECMAScript grammar does). Shared by the TS front ends and the rules, so it lives in the stdlib-only layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A `/` after one of these (or at the start) begins a regular expression, not a division.
_REGEX_AFTER_CHARS = set("(,=:[!&|?{};+-*%<>~^")
_REGEX_AFTER_WORDS = {"return", "typeof", "case", "in", "of", "delete", "void", "throw", "new", "instanceof",
                      "yield", "await", "else", "do"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@dataclass(frozen=True)
class StringLiteral:
    """A string written in the source: its cooked value, 1-based line, and the span of its quotes in the text.

    `template` is true for `...` literals; `parts` holds a template's constant pieces when it has `${}`
    substitutions (value is then the pieces joined with nothing between them, and `whole` is false)."""

    value: str
    line: int
    start: int
    end: int
    template: bool = False
    whole: bool = True
    pieces: tuple[tuple[int, int], ...] = ()  # offsets of the text between the quotes (a template's constant parts)


@dataclass(frozen=True)
class Comment:
    start: int
    end: int
    line: int


def _cook(raw: str) -> str:
    """The value of a literal's body: the escapes JavaScript defines (line continuations removed)."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch != "\\" or i + 1 >= len(raw):
            out.append(ch)
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt in _ESCAPES and not (nxt == "0" and i + 2 < len(raw) and raw[i + 2].isdigit()):
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", raw[i + 2:i + 4]):
            out.append(chr(int(raw[i + 2:i + 4], 16)))
            i += 4
        elif nxt == "u" and raw[i + 2:i + 3] == "{":
            close = raw.find("}", i + 3)
            try:
                out.append(chr(int(raw[i + 3:close], 16)))
                i = close + 1
            except ValueError:
                out.append(nxt)
                i += 2
        elif nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", raw[i + 2:i + 6]):
            out.append(chr(int(raw[i + 2:i + 6], 16)))
            i += 6
        elif nxt == "\r" and raw[i + 2:i + 3] == "\n":
            i += 3
        elif nxt in "\n\r\u2028\u2029":
            i += 2
        else:
            out.append(nxt)
            i += 2
    return "".join(out)


def _regex_allowed(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    if j < 0:
        return True
    ch = text[j]
    if ch in _REGEX_AFTER_CHARS:
        return not (ch in "+-" and j > 0 and text[j - 1] == ch)  # `i++ / 2` is a division
    if ch.isalnum() or ch in "_$":
        k = j
        while k >= 0 and (text[k].isalnum() or text[k] in "_$"):
            k -= 1
        return text[k + 1:j + 1] in _REGEX_AFTER_WORDS
    return False


def _skip_regex(text: str, i: int) -> int | None:
    """End (exclusive) of the regular expression starting at text[i] == '/', or None if it is not one."""
    j = i + 1
    in_class = False
    while j < len(text):
        ch = text[j]
        if ch in "\n\r":
            return None
        if ch == "\\":
            j += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "/":
            j += 1
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1  # flags
            return j
        j += 1
    return None


def scan(text: str) -> tuple[list[StringLiteral], list[Comment]]:
    """Every string literal and comment of a JS/TS source, in order. An unterminated string or comment ends at the
    end of its line (strings) or of the text (comments, templates), as a truncated response does."""
    strings: list[StringLiteral] = []
    comments: list[Comment] = []
    n = len(text)
    i = 0
    line = 1
    # Each open template on the stack: (start offset, line, constant pieces so far, brace depth of its `${}`).
    stack: list[list] = []
    while i < n:
        ch = text[i]
        if stack and stack[-1][3] == 0 and ch == "}":
            i = _template_body(text, i + 1, stack, strings)  # back inside the template after `${...}`
            line = text.count("\n", 0, i) + 1
            continue
        if ch == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            comments.append(Comment(i, end, line))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            comments.append(Comment(i, end, line))
            line += text.count("\n", i, end)
            i = end
        elif ch in "'\"":
            j = i + 1
            while j < n and text[j] != ch and text[j] not in "\n\r":
                j += 2 if text[j] == "\\" else 1
            j = min(j, n)
            strings.append(StringLiteral(_cook(text[i + 1:j]), line, i, min(j + 1, n), pieces=((i + 1, j),)))
            line += text.count("\n", i, j)  # line continuations
            i = j + 1 if j < n and text[j] == ch else j
        elif ch == "`":
            stack.append([i, line, [], 0])
            i = _template_body(text, i + 1, stack, strings)
            line = text.count("\n", 0, i) + 1
        elif ch == "/" and _regex_allowed(text, i):
            end = _skip_regex(text, i)
            i = end if end is not None else i + 1
        else:
            if stack and ch == "{":
                stack[-1][3] += 1
            elif stack and ch == "}":
                stack[-1][3] -= 1
            i += 1
    while stack:  # unterminated templates: keep what was read
        start, tline, parts, _ = stack.pop()
        strings.append(_template(text, start, n, tline, parts, whole=False))
    strings.sort(key=lambda s: s.start)
    return strings, comments


def _template_body(text: str, i: int, stack: list[list], strings: list[StringLiteral]) -> int:
    """Read template characters from i up to the closing backtick (the literal is recorded) or a `${` (code again,
    the template stays on the stack); returns where scanning resumes."""
    top = stack[-1]
    j = i
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "`":
            top[2].append((i, j))
            stack.pop()
            strings.append(_template(text, top[0], j + 1, top[1], top[2], whole=len(top[2]) == 1))
            return j + 1
        if text.startswith("${", j):
            top[2].append((i, j))
            top[3] = 0
            return j + 2
        j += 1
    top[2].append((i, len(text)))
    return len(text)


def _template(text: str, start: int, end: int, line: int, pieces: list[tuple[int, int]], whole: bool) -> StringLiteral:
    return StringLiteral("".join(_cook(text[a:b]) for a, b in pieces), line, start, end, True, whole, tuple(pieces))


def mask(text: str) -> str:
    """The text with comments and the contents of string literals blanked (newlines, quotes and the code of `${}`
    substitutions kept), so a regular expression over it sees only code, at the same offsets and lines."""
    strings, comments = scan(text)
    chars = list(text)
    spans = [(c.start, c.end) for c in comments] + [p for s in strings for p in s.pieces]
    for start, end in spans:
        for k in range(start, min(end, len(chars))):
            if chars[k] not in "\n\r":
                chars[k] = " "
    return "".join(chars)


__all__ = ["Comment", "StringLiteral", "mask", "scan"]

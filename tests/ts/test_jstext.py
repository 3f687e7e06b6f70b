"""model/jstext.py: string literals and comments of TS/JS source, without the compiler."""

from __future__ import annotations

from iacqa.model.jstext import mask, scan

SOURCE = r"""// a 'comment' with "quotes"
const a = 'ChangeMe#2024$Secure!'; /* block "x"
  'y' */ const b = "d\"q\x41\u0042";
const t = `host-${env}-${ `in${x}` }-end`;
const r = /ab'c/g; const d = x / 2 / y;
const u = `plain
two`;
const s = 'unterminated
const z = "ok";
"""


def test_strings_with_their_lines_and_values() -> None:
    strings, comments = scan(SOURCE)
    got = [(s.line, s.value, s.whole) for s in strings]
    assert got == [
        (2, "ChangeMe#2024$Secure!", True),
        (3, 'd"qAB', True),
        (4, "host---end", False),  # computed: its constant parts only, not whole
        (4, "in", False),
        (6, "plain\ntwo", True),
        (8, "unterminated", True),  # ends at the end of its line, as a truncated response does
        (9, "ok", True),
    ]
    assert [c.line for c in comments] == [1, 2]


def test_nothing_from_comments_or_regular_expressions() -> None:
    values = {s.value for s in scan(SOURCE)[0]}
    assert "y" not in values and "x" not in values and "quotes" not in values
    assert not any("c/g" in v for v in values)  # /ab'c/g is a regex, not the start of a string


def test_mask_keeps_code_and_positions() -> None:
    masked = mask(SOURCE)
    assert len(masked) == len(SOURCE) and masked.count("\n") == SOURCE.count("\n")
    assert "comment" not in masked and "ChangeMe" not in masked
    assert "${env}" in masked and "const d = x / 2 / y;" in masked  # substitutions and divisions are code


def test_unterminated_comment_swallows_the_rest() -> None:
    strings, comments = scan("const a = 'x';\n/* never closed\nconst b = 'hidden';\n")
    assert [s.value for s in strings] == ["x"] and len(comments) == 1

"""A stand-in for a TypeScript file that does not parse, so tsc type-checks every other file of the project.

Why: tsc reports no semantic diagnostic at all while any file of the program has a syntax error, and a file
that does not parse is still loaded when another file imports it (tsconfig `exclude` does not stop that: the
entry `bin/tap.ts` imports `lib/tap-stack.ts`). For a second run, the broken file is replaced by a module that
- keeps the file's own import declarations that end before its first syntax error, on their original lines,
  so their errors (`AwsProvider` imported from the package root: TS2724) are reported where they are written;
- exports every name the file exports, typed `any` (value and type), so the files importing it compile against
  it without errors that are only echoes of the broken file.
"""

from __future__ import annotations

import re

from iacqa.model.jstext import mask

_SPEC = r"""(['"])[^'"\n]*\1"""
_IMPORTS = [re.compile(p, re.M) for p in (
    r"^[ \t]*import\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\*\s*as\s+[\w$]+|\{[^{}]*\})?\s*from\s*" + _SPEC + r"[ \t]*;?",
    r"^[ \t]*import\s*" + _SPEC + r"[ \t]*;?",
    r"^[ \t]*import\s+[\w$]+\s*=\s*require\s*\(\s*" + _SPEC + r"\s*\)[ \t]*;?",
    r"^[ \t]*export\s+(?:type\s+)?(?:\*(?:\s*as\s+[\w$]+)?|\{[^{}]*\})\s*from\s*" + _SPEC + r"[ \t]*;?",
)]
_DECL = re.compile(r"^[ \t]*export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?"
                   r"(?:class|interface|type|enum|const\s+enum|function\s*\*?|const|let|var|namespace|module)\s+"
                   r"([A-Za-z_$][\w$]*)", re.M)
_DESTRUCTURED = re.compile(r"^[ \t]*export\s+(?:const|let|var)\s*\{([^{}]*)\}", re.M)
_LIST = re.compile(r"^[ \t]*export\s+(?:type\s+)?\{([^{}]*)\}(?!\s*from)", re.M)
_DEFAULT = re.compile(r"^[ \t]*export\s+default\b", re.M)
_BOUND = re.compile(r"(?:\bas\s+|[{,]\s*|import\s+(?:type\s+)?)([A-Za-z_$][\w$]*)\s*(?=[,}]|\s+from|\s*=)")
# What an import declaration itself can be wrong about: the module or the names it asks for.
IMPORT_CODES = {1192, 2305, 2306, 2307, 2459, 2460, 2497, 2613, 2614, 2694, 2724}


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def imports(text: str, before_line: int) -> list[tuple[int, int]]:
    """Offsets of the complete import/re-export declarations that end before line `before_line`."""
    code = mask(text)
    spans = [(m.start(), m.end()) for rx in _IMPORTS for m in rx.finditer(code)]
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if _line_of(text, end) >= before_line or (out and start < out[-1][1]):
            continue
        out.append((start, end))
    return out


def exported_names(text: str) -> tuple[list[str], bool]:
    """Names the module exports (declarations and `export { a as b }` lists), and whether it has a default."""
    code = mask(text)
    names = [m.group(1) for m in _DECL.finditer(code)]
    for rx in (_DESTRUCTURED, _LIST):
        for m in rx.finditer(code):
            for item in m.group(1).split(","):
                words = item.replace(":", " as ").split()
                words = [w for w in words if w != "type"]
                if words and re.fullmatch(r"[A-Za-z_$][\w$]*", words[-1]):
                    names.append(words[-1])
    default = bool(_DEFAULT.search(code))
    return list(dict.fromkeys(n for n in names if n != "default")), default


def stand_in(text: str, first_error_line: int, keep_imports: bool = True) -> str:
    """The replacement text: the kept imports at their lines, blank lines elsewhere, then the `any` exports."""
    kept = imports(text, first_error_line) if keep_imports else []
    chars = ["\n" if c == "\n" else " " for c in text]
    bound: set[str] = set()
    for start, end in kept:
        chars[start:end] = text[start:end]
        bound.update(_BOUND.findall(mask(text[start:end])))
    body = "".join(chars).rstrip() + "\n"
    names, default = exported_names(text)
    decls = ["// iacqa: stand-in for a file that does not parse; its exports are typed any"]
    for name in names:
        if name in bound:
            continue  # re-exported import: declaring it again would conflict with the import
        decls.append(f"export declare const {name}: any;")
        decls.append(f"export type {name}<A = any, B = any, C = any, D = any> = any;")
    if default:
        decls.append("declare const __iacqa_default: any;\nexport default __iacqa_default;")
    if not names and not default:
        decls.append("export {};")
    return body + "\n".join(decls) + "\n"


__all__ = ["IMPORT_CODES", "exported_names", "imports", "stand_in"]

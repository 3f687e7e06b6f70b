"""What the user wrote, on every platform: the project's IaC source files and the string values written in them.

`_source` reads Python (AST literals); the rules of this family also look at HCL, TypeScript/JavaScript and YAML/JSON,
which iacqa does not parse into trees here, so string values are taken by a tokenizer-light scan: quoted strings
on lines with their comments removed (YAML: plain scalars after `key:` too). Test files, generated directories
and package manifests are not read: what tests or tooling contain is not what the stack deploys.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import literals, project_files

SUFFIXES = (".py", ".ts", ".js", ".mjs", ".tf", ".tfvars", ".hcl", ".yaml", ".yml", ".json")
# Directories that hold tests, dependencies, generated code or synth output: never the user's stack definition.
_SKIP_DIRS = {"node_modules", ".venv", "venv", "cdk.out", "cdktf.out", ".gen", "imports", "__pycache__", "tests",
              "test", "__tests__", "coverage", "cfn-outputs", ".git", "dist", "build", ".terraform", ".pulumi"}
_SKIP_FILES = {"package.json", "package-lock.json", "tsconfig.json", "cdk.json", "cdktf.json", "metadata.json",
               "cdk.context.json", ".eslintrc.json", "jest.config.js", "babel.config.js", "eslint.config.js"}
_MAX_FILES = 400
_MAX_BYTES = 2_000_000

_QUOTED = re.compile(r"""(["'`])((?:\\.|(?!\1)[^\\\n])*)\1""")
_YAML_PLAIN = re.compile(r"""^\s*(?:-\s+)?[\w.:/-]+\s*:\s+([^\s"'#&*!|>{\[][^#]*?)\s*$|^\s*-\s+([^\s"'#&*!|>{\[][^#:]*?)\s*$""")


@dataclass(frozen=True)
class Written:
    """A string value written in a source file, with its line."""

    file: str
    line: int
    text: str


def text_sources(ctx: RuleContext) -> list[str]:
    """Project-relative paths of the files that define the stack (any platform), tests and tooling excluded."""
    if ctx.root is None or not ctx.root.is_dir():
        return []
    out: set[str] = set(project_files(ctx))
    for r in ctx.graph:
        f = r.location.file
        if f and not Path(f).is_absolute() and f.endswith(SUFFIXES):
            out.add(f)
    count = 0
    for path in sorted(ctx.root.rglob("*")):
        if count >= _MAX_FILES:
            break
        try:
            rel = path.relative_to(ctx.root)
        except ValueError:
            continue
        if any(part in _SKIP_DIRS or part.startswith(".") and part not in (".",) for part in rel.parts[:-1]):
            continue
        if path.name in _SKIP_FILES or not path.name.endswith(SUFFIXES) or _is_test(path.name):
            continue
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_BYTES:
                continue
        except OSError:
            continue
        out.add(rel.as_posix())
        count += 1
    return sorted(f for f in out if not _is_test(Path(f).name))


def _is_test(name: str) -> bool:
    return bool(re.match(r"^(test_.*\.py|.*_test\.py|.*\.(test|spec)\.[jt]s|conftest\.py)$", name))


def strings(ctx: RuleContext, file: str) -> Iterator[Written]:
    """String values written in `file`: Python literals (docstrings excluded), else quoted strings (and YAML plain
    scalars) on lines with comments removed."""
    if file.endswith(".py"):
        for lit in literals(ctx, file):
            for i, part in enumerate(lit.text.split("\n")):
                yield Written(file, lit.line + i, part)
        return
    yaml = file.endswith((".yaml", ".yml"))
    for no, line in code_lines(ctx, file):
        for m in _QUOTED.finditer(line):
            yield Written(file, no, m.group(2))
        if yaml:
            m = _YAML_PLAIN.match(line)
            if m:
                yield Written(file, no, (m.group(1) or m.group(2) or "").strip())


def strip_comments(line: str, in_block: bool = False, hash_comments: bool = True,
                   slash_comments: bool = True) -> tuple[str, bool]:
    """The line without `#`, `//` and `/* */` comments (quotes respected); whether a block comment stays open."""
    out = []
    quote: str | None = None
    i = 0
    while i < len(line):
        ch = line[i]
        if in_block:
            if line.startswith("*/", i):
                in_block = False
                i += 2
                continue
            i += 1
            continue
        if quote:
            out.append(ch)
            if ch == "\\" and i + 1 < len(line):
                out.append(line[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = None
            i += 1
            continue
        if ch in "\"'`":
            quote = ch
        elif hash_comments and ch == "#":
            break
        elif slash_comments and line.startswith("//", i):
            break
        elif slash_comments and line.startswith("/*", i):
            in_block = True
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out), in_block


def code_lines(ctx: RuleContext, file: str) -> Iterator[tuple[int, str]]:
    """(line number, text without comments) of a source file."""
    block = False
    hashes = file.endswith((".py", ".tf", ".tfvars", ".hcl", ".yaml", ".yml"))
    slashes = file.endswith((".ts", ".js", ".mjs", ".tf", ".tfvars", ".hcl"))
    for no, raw in enumerate(ctx.lines(file), 1):
        line, block = strip_comments(raw, block, hash_comments=hashes, slash_comments=slashes)
        yield no, line

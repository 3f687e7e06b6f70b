"""Whole-project repairs for the keep-going runs: the classes of error that stop a Pulumi program before its first
resource, fixed in every file at once (one run per class instead of one run per failing line).

- a file that does not compile: a body line that lost its indentation (`expected an indented block`) is indented
  like the body under it; a Markdown escape left in code (`"=" \\* 50`) is unescaped on its line; a file that stops mid-statement (the response was cut off) keeps its statements up to
  the last complete one;
- imports that cannot work as written: a relative import beyond the top-level package (`from ..utils import x`
  in a module run as a top-level one) becomes the absolute import of the same project file; an import of a project
  directory from the wrong root (`from infrastructure.x` for lib/infrastructure/x.py) names it from the root; an
  import of a module the response never provides binds stand-ins for its names, and says so when it happens;
- a well-known name used without its import (`List`, `pulumi`, `ResourceOptions`): provided to the run.

Every edit keeps the file's line numbers, so findings of the later runs point at the user's own lines. Only
applied after the program raised: a working program never runs on a repaired copy.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

from iacqa.frontends.cdk_py.continuation import STUB
from iacqa.frontends.cdktf_py.patches import apply_continuations, span

# Names programs use without importing them, and where they come from (module[:attribute]).
KNOWN_NAMES = {
    **{n: f"typing:{n}" for n in ("Any", "Dict", "List", "Optional", "Union", "Tuple", "Set", "Sequence",
                                   "Mapping", "Callable", "Iterable")},
    **{n: n for n in ("json", "os", "sys", "re", "base64", "hashlib", "pulumi", "ipaddress", "datetime")},
    "aws": "pulumi_aws",
    **{n: f"pulumi:{n}" for n in ("ResourceOptions", "ComponentResource", "Output", "Config", "Input",
                                   "InvokeOptions", "AssetArchive", "FileArchive", "StringAsset", "FileAsset")},
    "dataclass": "dataclasses:dataclass",
}

_TRUNCATED = re.compile(r"was never closed|unexpected EOF|unterminated triple-quoted|expected an indented block")


def fix_syntax(text: str, errors: list[tuple[int, str, str]] | None = None) -> str | None:
    """The source made to compile by same-line fixes, or None when it compiles already or cannot be fixed.
    `errors` receives (line, message, text) of each syntax error fixed, in order."""
    try:
        ast.parse(text)
        return None
    except (SyntaxError, ValueError):
        pass
    lines = text.split("\n")
    seen: list[tuple[int, str, str]] = []
    for _ in range(40):
        try:
            ast.parse("\n".join(lines))
            if errors is not None:
                errors.extend(seen)
            return "\n".join(lines)
        except SyntaxError as exc:
            fixed = _reindent(lines, exc) or _unescape(lines, exc) or _truncate(lines, exc)
            if fixed is None:
                return None
            seen.append((exc.lineno or 0, exc.msg or "", (exc.text or "").rstrip()))
            lines = fixed
        except ValueError:
            return None
    return None


def _reindent(lines: list[str], exc: SyntaxError) -> list[str] | None:
    """`def f():` followed by a body line at the header's indentation: indent it like the body lines under it."""
    m = re.search(r"expected an indented block after .* on line (\d+)", exc.msg or "")
    if not m or not exc.lineno or exc.lineno > len(lines):
        return None
    header = lines[int(m.group(1)) - 1]
    base = len(header) - len(header.lstrip())
    want = next((len(ln) - len(ln.lstrip()) for ln in lines[exc.lineno:exc.lineno + 40]
                 if ln.strip() and len(ln) - len(ln.lstrip()) > base), base + 4)
    bad = lines[exc.lineno - 1]
    if not bad.strip() or len(bad) - len(bad.lstrip()) >= want:
        return None
    return [*lines[:exc.lineno - 1], " " * want + bad.lstrip(), *lines[exc.lineno:]]


def _unescape(lines: list[str], exc: SyntaxError) -> list[str] | None:
    """`print("=" \\* 50)`: a Markdown escape (`\\*`, `\\_`) left in code copied out of rendered Markdown."""
    if "after line continuation character" not in (exc.msg or "") or not exc.lineno or exc.lineno > len(lines):
        return None
    bad = lines[exc.lineno - 1]
    fixed = re.sub(r"\\([*_#`\[\]<>])", r"\1", bad)
    return [*lines[:exc.lineno - 1], fixed, *lines[exc.lineno:]] if fixed != bad else None


def _truncate(lines: list[str], exc: SyntaxError) -> list[str] | None:
    """A file cut off mid-statement: its longest prefix that compiles (what the response did finish)."""
    if not _TRUNCATED.search(exc.msg or ""):
        return None
    last = max((i for i, ln in enumerate(lines) if ln.strip()), default=0)
    # the error has to reach the end of the file: an unclosed bracket or string opens a statement that never ends
    if "never closed" not in (exc.msg or "") and "unterminated" not in (exc.msg or "") \
            and (exc.lineno or 0) < last - 1:
        return None
    for k in range(min(len(lines), last + 1) - 1, 0, -1):
        try:
            ast.parse("\n".join(lines[:k]))
        except SyntaxError:
            continue
        return lines[:k] if any(ln.strip() for ln in lines[:k]) else None
    return None


def _module_file(base: Path, dotted: str) -> bool:
    p = base / Path(*dotted.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file() or p.is_dir()


def _installed(top: str) -> bool:
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _project_name(root: Path, rel: str, node: ast.ImportFrom | ast.Import, dotted: str,
                  search: list[Path]) -> str | None:
    """The module as the run can import it: itself when it resolves from a path the run searches, the same file
    named from the project root (a relative import beyond the top package; a project directory named from the
    wrong root), or None when the project does not have it."""
    if isinstance(node, ast.ImportFrom) and node.level:
        base = (root / rel).parent
        for _ in range(node.level - 1):
            base = base.parent
        target = base / Path(*dotted.split(".")) if dotted else base
        try:
            rel_target = target.resolve().relative_to(root.resolve())
        except ValueError:
            return None
        name = ".".join(rel_target.parts)
        return name if name and _module_file(root, name) else None
    if any(_module_file(b, dotted) for b in search):
        return dotted
    first = dotted.split(".")[0]
    hits = sorted(p for p in root.rglob(first) if p.is_dir() and "site-packages" not in p.parts
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))
    hits += sorted(p.with_suffix("") for p in root.rglob(first + ".py") if "site-packages" not in p.parts)
    names = [".".join((*hit.parent.relative_to(root).parts, dotted)) for hit in hits]
    # the package is in the project under another root: the module itself there, else (a module the response
    # never wrote) named under that package, so the error the run reports names what is missing
    return next((n for n in names if _module_file(root, n)), names[0] if len(names) == 1 else None)


def fix_imports(root: Path, rel: str, tree: ast.Module, search: list[Path]) -> list[tuple] | None:
    """Edits for the module-level imports of `rel` that cannot work as written (see the module docstring)."""
    edits = []
    for node in ast.walk(tree):
        if node not in tree.body and isinstance(node, ast.ImportFrom) and node.level:
            # inside a function (`from ..config import x` at call time): named from the root, not guarded (an
            # exec there would not bind the function's locals)
            name = _project_name(root, rel, node, node.module or "", search)
            if name is not None:
                edits.append(span(node, f"from {name} import {', '.join(_alias(a) for a in node.names)}"))
    for node in tree.body:
        if not isinstance(node, ast.Import | ast.ImportFrom) or any(a.name == "*" for a in node.names):
            continue
        if isinstance(node, ast.ImportFrom):
            dotted = node.module or ""
            if not node.level and (dotted.split(".")[0] == "__future__" or _installed(dotted.split(".")[0])):
                continue
            name = _project_name(root, rel, node, dotted, search)
            if name is not None and not node.level and name == dotted:
                # resolves as written; a name it imports may still be missing (a response's half-written module)
                edits.append(span(node, _guarded([f"from {name} import {_alias(a)}" for a in node.names],
                                                 [a.asname or a.name for a in node.names], rel, node.lineno)))
                continue
            stmts = [f"from {name} import {_alias(a)}" if name is not None
                     else f"from {'.' * node.level}{dotted} import {_alias(a)}" for a in node.names]
            edits.append(span(node, _guarded(stmts, [a.asname or a.name for a in node.names], rel, node.lineno)))
        else:
            todo = [a for a in node.names if not _installed(a.name.split(".")[0])
                    and _project_name(root, rel, node, a.name, search) in (None, a.name)]
            if len(todo) != len(node.names):
                continue
            edits.append(span(node, _guarded([f"import {_alias(a)}" for a in node.names],
                                             [a.asname or a.name.split(".")[0] for a in node.names], rel,
                                             node.lineno)))
    return edits


def _alias(a: ast.alias) -> str:
    return a.name + (f" as {a.asname}" if a.asname else "")


def _guarded(stmts: list[str], bound: list[str], rel: str, line: int) -> str:
    """One line importing each name on its own: a name that cannot be imported is bound to a stand-in, and the
    run is told (`__iacqa_import_failed__`, set by the harness) so the error is still reported."""
    blocks = [f"try:\n    {s}\nexcept ImportError as _e:\n    {b} = {STUB}\n"
              f"    __import__('builtins').__dict__.get('__iacqa_import_failed__', lambda *a: None)({rel!r}, {line}, _e)\n"
              for s, b in zip(stmts, bound, strict=True)]
    return f"exec({''.join(blocks)!r})"


def free_known_names(text: str) -> set[str]:
    """Well-known names the module reads but never binds (a missing `from typing import List`)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    bound: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return {n for n in loaded - bound if n in KNOWN_NAMES}


def repair(root: Path, files: list[str], search: list[Path], imports: bool,
           syntax_errors: list[tuple[str, int, str, str]] | None = None) -> dict[str, str]:
    """{relative path: repaired source} over the project's Python files (tests excluded): syntax always, imports
    when `imports` (the program failed on one). `syntax_errors` receives (file, line, message, text) of each
    syntax error fixed (one run then reports them all)."""
    out: dict[str, str] = {}
    for rel in files:
        if not rel.endswith(".py") or rel.startswith("tests/"):
            continue
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            continue
        errors: list[tuple[int, str, str]] = []
        new = fix_syntax(text, errors)
        text = new if new is not None else text
        if syntax_errors is not None:
            syntax_errors.extend((rel, *e) for e in errors)
        if imports:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError):
                tree = None
            edits = fix_imports(root, rel, tree, search) if tree is not None else None
            if edits:
                patched = apply_continuations(text, edits)
                if patched is not None:
                    try:
                        ast.parse(patched)
                        text, new = patched, patched
                    except SyntaxError:
                        pass
        if new is not None:
            out[rel] = text
    return out

"""SDK007 for Pulumi TypeScript/JavaScript programs: uses of deprecated @pulumi/aws APIs, read from the `@deprecated`
JSDoc of the declaration files of the @pulumi/aws the Node toolchain installed (the one tsc checks the program
against).

The index (built once per @pulumi/aws version, cached under $XDG_CACHE_HOME/iacqa/ with the CDK index's format):
- `export declare class BucketV2` under a `@deprecated` doc -> the type `aws.s3.BucketV2`;
- a `@deprecated` property of `export interface BucketArgs` -> a deprecated key of the args object of the class
  whose constructor takes `BucketArgs` (`new aws.s3.Bucket("x", { versioning: ... })`);
- a `@deprecated` property of a class (outputs) -> the member `aws.s3.Bucket.websiteEndpoint` (kept in the index;
  not reported: members of instances need the type checker's types, which this scan does not have).
The program side reuses the CDK TypeScript scan (frontends/cdk_ts/deprecated.py): the file's import/require
bindings of `@pulumi/aws` (`* as aws`, `{ s3 }`, `@pulumi/aws/s3`), dotted names in the source with comments,
strings and imports blanked, and the located `new X('name', {...})` calls of the sites scan with their keys' lines.
Nested args (a key inside a nested object) are not resolved.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from iacqa.catalog.sdk import DeprecatedPulumiApi
from iacqa.frontends.cdk_py.deprecations import Deprecation, DeprecationIndex, _from, _store
from iacqa.frontends.cdk_ts.deprecated import _CHAIN, _line_of, bindings, blank
from iacqa.model import Finding, Location

PACKAGE = "@pulumi/aws"
ROOT = "aws"
INDEX_FORMAT = 1

_DOC = re.compile(r"/\*\*(.*?)\*/", re.S)
# The tag starts a doc line (`* @deprecated text`); a mention in prose is not the tag.
_DEPRECATED = re.compile(r"(?:\A|\n)[ \t]*\*?[ \t]*@deprecated\b[ \t]*(.*?)(?=\n[ \t]*\*?[ \t]*@\w|\Z)", re.S)
_CONTAINER = re.compile(r"^export\s+(?:declare\s+)?(?:abstract\s+)?(class|interface)\s+([A-Za-z_$][\w$]*)")
_FUNCTION = re.compile(r"^export\s+declare\s+function\s+([A-Za-z_$][\w$]*)")
_MEMBER = re.compile(r"^\s+(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*:")
_CTOR = re.compile(r"^\s+constructor\(\s*name:\s*string,\s*args\??:\s*([A-Za-z_$][\w$]*)")


def module_prefix(module: str) -> str | None:
    """`@pulumi/aws` -> `aws`; `@pulumi/aws/s3` -> `aws.s3`; other packages -> None."""
    if module == PACKAGE:
        return ROOT
    if module.startswith(f"{PACKAGE}/"):
        sub = module[len(PACKAGE) + 1:].split("/")[0]
        return f"{ROOT}.{sub}" if sub not in ("types", "utilities") else None
    return None


def _clean(text: str) -> str:
    return " ".join(line.strip().lstrip("*").strip() for line in text.splitlines()).strip()


def index_file(text: str, module: str, out: DeprecationIndex) -> None:
    """Add one declaration file's deprecations (`module`: its index path, `aws.s3`)."""
    notes: dict[tuple[str, str], int] = {(n.ref, n.text): i for i, n in enumerate(out.notes)}

    def note(ref: str, msg: str) -> int:
        key = (ref, msg)
        if key not in notes:
            notes[key] = len(out.notes)
            out.notes.append(Deprecation(*key))
        return notes[key]

    container: str | None = None
    pending: str | None = None  # the text of a @deprecated doc not yet attached to a declaration
    args_of: dict[str, str] = {}  # class -> the interface its constructor takes
    props: dict[str, dict[str, int]] = {}  # class or interface -> deprecated property -> note
    kinds: dict[str, str] = {}  # container -> "class" / "interface"
    pos = 0
    docs = {m.end(): m.group(1) for m in _DOC.finditer(text)}
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        stripped = line.strip()
        if stripped.startswith(("/**", "*")):
            continue  # a doc comment's own lines: the comment is read whole, by its end offset
        doc = _doc_before(text, start, docs)
        if doc is not None:
            m = _DEPRECATED.search(doc)
            pending = _clean(m.group(1)) if m else None
        if not stripped:
            continue
        c = _CONTAINER.match(line)
        if c:
            container = c.group(2)
            kinds[container] = c.group(1)
            if pending is not None and c.group(1) == "class":
                path = f"{module}.{container}"
                out.symbols[path] = note(path, pending)
                out.types.add(path)
            pending = None
            continue
        f = _FUNCTION.match(line)
        if f:
            if pending is not None:
                path = f"{module}.{f.group(1)}"
                out.symbols[path] = note(path, pending)
            pending = None
            continue
        if line.startswith("}"):
            container, pending = None, None
            continue
        if container is None:
            pending = None
            continue
        ctor = _CTOR.match(line)
        if ctor:
            args_of[container] = ctor.group(1)
        mem = _MEMBER.match(line)
        if mem and pending is not None:
            props.setdefault(container, {})[mem.group(1)] = note(f"{module}.{container}#{mem.group(1)}", pending)
        pending = None
    for name, keys in props.items():
        if kinds.get(name) == "interface":  # an args (or result) interface: its keys are what programs write
            out.keywords.setdefault(f"{module}.{name}", {}).update(keys)
        for key, i in keys.items():
            out.symbols.setdefault(f"{module}.{name}.{key}", i)
    for cls, args in args_of.items():
        if args in props:
            out.keywords.setdefault(f"{module}.{cls}", {}).update(props[args])


def _doc_before(text: str, start: int, docs: dict[int, str]) -> str | None:
    """The doc comment that ends right before the line at `start` (only whitespace between)."""
    end = start - 1
    while end >= 0 and text[end] in " \t\r\n":
        end -= 1
    return docs.get(end + 1)


def build(pkg: Path) -> DeprecationIndex:
    """The index of the @pulumi/aws package directory `pkg` (only declaration files that say `@deprecated`)."""
    out = DeprecationIndex(version=version_of(pkg))
    for path in sorted(pkg.rglob("*.d.ts")):
        rel = path.relative_to(pkg)
        if rel.parts[0] in ("types", "node_modules") or len(rel.parts) > 2:
            continue
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        if "@deprecated" in text:
            index_file(text, ".".join([ROOT, *rel.parent.parts]), out)
    return out


def version_of(pkg: Path) -> str:
    try:
        return str(json.loads((pkg / "package.json").read_text()).get("version", "")) or "unknown"
    except (OSError, ValueError):
        return "unknown"


def _cache_file(version: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iacqa"
    return base / f"pulumi-aws-ts-deprecations-{version}-f{INDEX_FORMAT}.json"


def load(pkg: Path, *, use_cache: bool = True) -> DeprecationIndex | None:
    """The index of the @pulumi/aws at `pkg`, from the cache when it holds this version. None without a package."""
    start = time.monotonic()
    if not (pkg / "package.json").is_file():
        return None
    cache = _cache_file(version_of(pkg))
    if use_cache:
        try:
            index = _from(json.loads(cache.read_text()))
            index.load_seconds, index.source = round(time.monotonic() - start, 3), "cache"
            return index
        except (OSError, ValueError, KeyError, TypeError):
            pass
    index = build(pkg)
    if use_cache:
        _store(cache, index)
    index.load_seconds, index.source = round(time.monotonic() - start, 3), "declarations"
    return index


def toolchain_index() -> DeprecationIndex | None:
    """The index of the Node toolchain's @pulumi/aws (None without the toolchain or the package)."""
    from iacqa.toolchain import node as toolchain

    tc = toolchain.find()
    return load(tc.node_modules / PACKAGE) if tc is not None else None


# -- the program ------------------------------------------------------------------------------------------------------
def check(root: Path, records: list[dict], files: list[str], index: DeprecationIndex | None = None) -> list[Finding]:
    """SDK007 findings for the project's TS/JS files (records: the sites scan of those files)."""
    index = index if index is not None else toolchain_index()
    if index is None:
        return []
    found: dict[tuple[str, int], list[tuple[Deprecation, str, str, str]]] = {}  # (file, line) -> note, symbol, ...
    by_file: dict[str, dict[str, str]] = {}
    for rel in files:
        if not rel.endswith((".ts", ".mts", ".cts", ".js", ".mjs", ".cjs")) or rel.endswith(".d.ts"):
            continue
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            continue
        binds = by_file[rel] = bindings(text, module_prefix)
        if binds:
            _types(index, rel, blank(text), binds, found)
    for rec in records:
        cls = _resolve(rec.get("cls", ""), by_file.get(rec.get("file", "")) or {})
        if cls is None or cls in index.types:
            continue  # a deprecated class is reported once, as a name, not per key
        for key, (line, *_rest) in (rec.get("keys") or {}).items():
            note = index.keyword(cls, key)
            if note is not None:
                _add(found, rec["file"], line, note, f"{cls}({key})",
                     f"`{cls.rsplit('.', 1)[-1]}` arg `{key}`", key)
    return [_finding(index, file, line, items) for (file, line), items in sorted(found.items())]


def _resolve(dotted: str, binds: dict[str, str]) -> str | None:
    parts = [p for p in re.split(r"\s*\??\.\s*", dotted.strip()) if p]
    if not parts or parts[0] not in binds:
        return None
    return ".".join([binds[parts[0]], *parts[1:]])


def _types(index: DeprecationIndex, rel: str, code: str, binds: dict[str, str],
           found: dict[tuple[str, int], list[tuple[Deprecation, str, str, str]]]) -> None:
    """Deprecated classes named in code (`new aws.s3.BucketV2(`, `s3.BucketVersioningV2`, a named import's use)."""
    starts = [0] + [m.end() for m in re.finditer("\n", code)]
    for m in _CHAIN.finditer(code):
        full = _resolve(m.group(0), binds) if m.group(1) in binds else None
        if full is None:
            continue
        parts = full.split(".")
        for i in range(2, len(parts) + 1):
            path = ".".join(parts[:i])
            if path in index.types:
                note = index.symbol(path)
                assert note is not None
                _add(found, rel, _line_of(starts, m.start()), note, path, f"`{path}`", None)
                break


def _add(found: dict[tuple[str, int], list[tuple[Deprecation, str, str, str]]], file: str, line: int,
         note: Deprecation, symbol: str, what: str, key: str | None) -> None:
    items = found.setdefault((file, line), [])
    if all(s != symbol for _n, s, _w, _k in items):
        items.append((note, symbol, what, key or ""))


def _finding(index: DeprecationIndex, file: str, line: int, items: list[tuple[Deprecation, str, str, str]]) -> Finding:
    """Several deprecations on one line are one change: one finding, the others appended."""
    version = index.version
    parts = [f"{what} is deprecated as of @pulumi/aws {version}: {note.text}" for note, _s, what, _k in items]
    first_note, symbol, _what, _key = items[0]
    f = DeprecatedPulumiApi.finding(
        "; also ".join(parts), location=Location(file, line), symbol=symbol,
        error="\n".join(f"warning: {k or s.rsplit('.', 1)[-1]} is deprecated: {n.text}" for n, s, _w, k in items),
        fix="; ".join(f"@pulumi/aws says: {n.text}" for n, _s, _w, _k in items),
        evidence=f"the @deprecated JSDoc of the Node toolchain's @pulumi/aws {version} ({first_note.ref}; tsc and "
        "@typescript-eslint/no-deprecated report the same tag)")
    if len(items) > 1:
        f = f.with_(extra={**f.extra, "also": [s for _n, s, _w, _k in items[1:]]})
    return f

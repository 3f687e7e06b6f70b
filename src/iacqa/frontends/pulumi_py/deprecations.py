"""The deprecated APIs of the installed pulumi_aws, read from its generated Python sources.

The authority is the SDK's own code: pulumi's code generator writes every deprecation of the provider schema into
the package, in three shapes (pulumi_aws/s3/bucket_v2.py, s3/bucket.py):
- a deprecated resource: `warnings.warn("s3.BucketV2 has been deprecated in favor of s3.Bucket",
  DeprecationWarning)` as the first statement of the class body (and `pulumi.log.warn("BucketV2 is deprecated:
  ...")` in `_internal_init`);
- a deprecated input: in the `__init__` of the `XxxArgs` class (and of nested input classes, functions),
  `if versioning is not None: warnings.warn("versioning is deprecated. Use the s3.BucketVersioning resource
  instead.", DeprecationWarning)`; the resource `Xxx` takes the same keywords as `XxxArgs`;
- a deprecated output: `@_utilities.deprecated("name is deprecated. Use region instead.")` on the property getter
  (resource outputs, `GetRegionResult.name`).
Only the few files that contain a marker are parsed (92 of 3141 in pulumi-aws 7.51; the build takes ~5 s, see
bench/pulumi_deprecations.py), once per installed version: the index is cached under $XDG_CACHE_HOME/iacqa/ with
the CDK index's format and writer (cdk_py/deprecations.py) and later loads in milliseconds.

Index keys are the dotted paths the shared Python check resolves program names to (`pulumi_aws.s3.BucketV2`,
re-exported by the package `__init__` from `s3/bucket_v2.py`): `symbols` holds deprecated classes (also in `types`)
and members (`pulumi_aws.s3.Bucket.website_endpoint`), and results of functions as `pulumi_aws.get_region().name`;
`keywords` maps a class or function to its deprecated keyword arguments.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import time
from functools import lru_cache
from pathlib import Path

from iacqa.frontends.cdk_py.deprecations import Deprecation, DeprecationIndex, _from, _store

ROOT = "pulumi_aws"
INDEX_FORMAT = 1  # bump when build() changes what it records
_MARKERS = (b"DeprecationWarning", b"_utilities.deprecated")
_BIG = 1_000_000  # bytes: above this, only the marked top-level definitions are parsed


def package_dir() -> Path | None:
    """The installed pulumi_aws package directory, found without importing it."""
    try:
        spec = importlib.util.find_spec(ROOT)
    except (ImportError, ValueError):
        return None
    for base in (spec.submodule_search_locations or []) if spec else []:
        return Path(base)
    return None


def version_of(pkg: Path) -> str:
    """The distribution version (pulumi_aws-7.51.1.dist-info next to the package)."""
    for info in sorted(pkg.parent.glob("pulumi_aws-*.dist-info")):
        return info.name.removeprefix("pulumi_aws-").removesuffix(".dist-info")
    return "unknown"


def _str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _warning(stmt: ast.stmt) -> str | None:
    """The text of `warnings.warn("...", DeprecationWarning)` (the statement itself), else None."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "warn"
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "warnings" and call.args):
        return None
    kind = call.args[1] if len(call.args) > 1 else None
    return _str(call.args[0]) if isinstance(kind, ast.Name) and kind.id == "DeprecationWarning" else None


def _decorator_text(fn: ast.FunctionDef) -> str | None:
    """The text of `@_utilities.deprecated("...")` on a function or property getter."""
    for d in fn.decorator_list:
        if (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "deprecated"
                and d.args):
            return _str(d.args[0])
    return None


def _guarded_args(fn: ast.FunctionDef) -> dict[str, str]:
    """Keyword -> text for every `if <arg> is not None: warnings.warn("...", DeprecationWarning)` in the body."""
    params = {a.arg for a in [*fn.args.args, *fn.args.kwonlyargs]}
    out: dict[str, str] = {}
    for node in ast.walk(fn):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
                and isinstance(node.test.left, ast.Name) and node.test.left.id in params
                and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.IsNot)):
            continue
        for stmt in node.body:
            text = _warning(stmt)
            if text is not None:
                out.setdefault(node.test.left.id, text)
    return out


def _names_in(annotation: ast.AST | None) -> list[str]:
    """Class names in a return annotation (`AwaitableGetRegionResult`, `pulumi.Output[GetRegionResult]`)."""
    if annotation is None:
        return []
    return [n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)] + \
        [n.value for n in ast.walk(annotation) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def module_of(rel: Path) -> str:
    """`s3/bucket_v2.py` -> `pulumi_aws.s3` (the package `__init__` re-exports every module's names)."""
    return ".".join([ROOT, *rel.parent.parts])


def index_module(tree: ast.Module, module: str, out: DeprecationIndex) -> None:
    """Add one generated module's deprecations to the index."""
    notes: dict[tuple[str, str], int] = {(n.ref, n.text): i for i, n in enumerate(out.notes)}

    def note(ref: str, text: str) -> int:
        key = (ref, " ".join(text.split()))
        if key not in notes:
            notes[key] = len(out.notes)
            out.notes.append(Deprecation(*key))
        return notes[key]

    classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}
    members: dict[str, dict[str, str]] = {}  # class -> deprecated member -> text (own)
    args: dict[str, dict[str, str]] = {}  # class or function -> deprecated keyword -> text
    for name, cls in classes.items():
        if name.startswith("_"):
            continue  # _XxxState: the inputs of Xxx.get(), not a name programs use
        for stmt in cls.body[:3]:
            text = _warning(stmt)
            if text is not None:
                out.symbols[f"{module}.{name}"] = note(f"{module}.{name}", text)
                out.types.add(f"{module}.{name}")
                break
        for fn in cls.body:
            if not isinstance(fn, ast.FunctionDef):
                continue
            text = _decorator_text(fn)
            if text is not None:
                members.setdefault(name, {})[fn.name] = text
            if fn.name == "__init__":
                args.setdefault(name, {}).update(_guarded_args(fn))
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef) and not fn.name.startswith("_"):
            text = _decorator_text(fn)
            if text is not None:
                out.symbols[f"{module}.{fn.name}"] = note(f"{module}.{fn.name}", text)
            guarded = _guarded_args(fn)
            if guarded:
                args[fn.name] = guarded
            # `get_region()` / `get_region_output()`: the deprecated members of the result class it returns
            for result in _names_in(fn.returns):
                for member, text in _all_members(result, classes, members).items():
                    out.symbols[f"{module}.{fn.name}().{member}"] = note(f"{module}.{result}.{member}", text)
    for name, cls in classes.items():
        if name.startswith("_"):
            continue
        for member, text in _all_members(name, classes, members).items():
            out.symbols[f"{module}.{name}.{member}"] = note(f"{module}.{name}.{member}", text)
        own = dict(args.get(name, {}))
        if any(isinstance(f, ast.FunctionDef) and f.name == "_internal_init" for f in cls.body):
            own = {**args.get(f"{name}Args", {}), **own}  # a resource takes its Args class's keywords
        if own:
            out.keywords[f"{module}.{name}"] = {k: note(f"{module}.{name}({k}=)", t) for k, t in sorted(own.items())}
    for fn_name, guarded in args.items():
        if fn_name not in classes:
            out.keywords[f"{module}.{fn_name}"] = {k: note(f"{module}.{fn_name}({k}=)", t)
                                                   for k, t in sorted(guarded.items())}


def _all_members(name: str, classes: dict[str, ast.ClassDef], members: dict[str, dict[str, str]],
                 seen: frozenset[str] = frozenset()) -> dict[str, str]:
    """A class's deprecated members, own and from its bases in the same module (AwaitableGetRegionResult)."""
    cls = classes.get(name)
    if cls is None or name in seen:
        return {}
    found: dict[str, str] = {}
    for base in cls.bases:
        if isinstance(base, ast.Name):
            found.update(_all_members(base.id, classes, members, seen | {name}))
    found.update(members.get(name, {}))
    return found


def build(pkg: Path) -> DeprecationIndex:
    """The index of the pulumi_aws package at `pkg` (only files with a deprecation marker are parsed)."""
    out = DeprecationIndex(version=version_of(pkg))
    for path in sorted(pkg.rglob("*.py")):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not any(m in data for m in _MARKERS):
            continue
        tree = _parse(data)
        if tree is not None:
            index_module(tree, module_of(path.relative_to(pkg)), out)
    return out


_TOP = re.compile(rb"(?m)^(?=@|class |def )")


def _parse(data: bytes) -> ast.Module | None:
    """The module's AST; for the big nested-type modules (wafv2/_inputs.py is 20 MB, 2.5 s to parse) only the
    top-level classes and functions that hold a marker (measured here: the build goes from 13 s to 5 s, the same index)."""
    if len(data) > _BIG:
        kept = [c for c in _TOP.split(data) if any(m in c for m in _MARKERS) and c.startswith((b"class ", b"def "))]
        try:
            return ast.parse(b"\n".join(kept))
        except (SyntaxError, ValueError):
            pass  # a chunk cut where the generator wrote something else: parse it whole
    try:
        return ast.parse(data)
    except (SyntaxError, ValueError):
        return None


def _cache_file(version: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iacqa"
    return base / f"pulumi-aws-py-deprecations-{version}-f{INDEX_FORMAT}.json"


def load(pkg: Path | None = None, *, use_cache: bool = True) -> DeprecationIndex | None:
    """The index for the installed pulumi_aws (or the package at `pkg`): from the cache when it holds this version,
    else built from the sources and cached. None when pulumi_aws is not installed."""
    start = time.monotonic()
    pkg = pkg or package_dir()
    if pkg is None or not pkg.is_dir():
        return None
    cache = _cache_file(version_of(pkg))
    if use_cache:
        try:
            index = _from(json.loads(cache.read_text()))
            index.load_seconds, index.source = round(time.monotonic() - start, 3), "cache"
            return index
        except (OSError, ValueError, KeyError, TypeError):
            pass  # absent or unreadable: build it
    index = build(pkg)
    if use_cache:
        _store(cache, index)
    index.load_seconds, index.source = round(time.monotonic() - start, 3), "sources"
    return index


@lru_cache(maxsize=1)
def installed() -> DeprecationIndex | None:
    """The installed pulumi_aws's index, loaded once per process."""
    return load()

"""The deprecated APIs of the installed aws-cdk-lib, read from its jsii assembly, under their Python names.

The authority is the assembly aws-cdk-lib ships (`aws_cdk/_jsii/aws-cdk-lib@<version>.jsii.tgz`, member
`package/.jsii.gz`): every type, property, method and enum member carries `docs.deprecated` when it is deprecated,
the same text jsii prints at synth (`[WARNING] aws-cdk-lib.aws_lambda.FunctionOptions#logRetention is deprecated, and
will be removed in the next major release.`). Reading it costs seconds (37 MB tgz, 8.6 MB gzip, 120 MB of JSON:
measured 4-6 s on this machine), so only the deprecated entries are kept, mapped to the names Python code uses, in
a small index cached under $XDG_CACHE_HOME/iacqa/ keyed by the aws-cdk-lib version; later processes load that in
milliseconds (bench/cdk_deprecations.py prints both figures).

Python names follow jsii-pacmak's rules: members and struct properties snake_case (`pointInTimeRecovery` ->
`point_in_time_recovery`), a trailing `_` on Python keywords (`lambda_`), constants (static readonly) upper-cased
(`PYTHON_3_7`), enum members unchanged; submodules by their `targets.python.module` (`aws_cdk.aws_dynamodb`). A
class whose initializer or method ends with a struct takes that struct's properties as keyword arguments, so a
deprecated struct property is a deprecated keyword of every such call (`dynamodb.Table(point_in_time_recovery=)`).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import keyword
import os
import re
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from iacqa.knowledge.naming import snake

INDEX_FORMAT = 3  # bump when build() changes what it records
ROOT_MODULE = "aws_cdk"


@dataclass(frozen=True)
class Deprecation:
    """One deprecated jsii element: `ref` as jsii names it (`aws-cdk-lib.aws_lambda.Runtime#PYTHON_3_7`) and the
    deprecation text of the assembly."""

    ref: str
    text: str


@dataclass
class DeprecationIndex:
    """symbols: Python dotted path of a deprecated type or member (members also under every subclass) -> note;
    types: the subset of symbols that are types; keywords: Python call target (class, struct, method) -> keyword ->
    note; modules: the Python submodules of aws-cdk-lib (to tell a graduated alpha module)."""

    version: str
    notes: list[Deprecation] = field(default_factory=list)
    symbols: dict[str, int] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)
    keywords: dict[str, dict[str, int]] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)
    # note -> (Python name, Python type) of the property its text says to use instead, when the same struct has it
    replacements: dict[int, tuple[str, str]] = field(default_factory=dict)
    load_seconds: float = 0.0
    source: str = ""  # "cache" or "assembly"

    def symbol(self, dotted: str) -> Deprecation | None:
        i = self.symbols.get(dotted)
        return self.notes[i] if i is not None else None

    def keyword(self, target: str, arg: str) -> Deprecation | None:
        i = self.keywords.get(target, {}).get(arg)
        return self.notes[i] if i is not None else None

    def replacement_of(self, note: Deprecation) -> tuple[str, str] | None:
        """(Python keyword, Python type) that replaces a deprecated struct property, when the assembly has it."""
        try:
            return self.replacements.get(self.notes.index(note))
        except ValueError:
            return None


# -- names ------------------------------------------------------------------------------------------------------------
def python_name(jsii_name: str, *, constant: bool = False) -> str:
    """The Python name jsii-pacmak gives a property, method or parameter: snake_case, upper-cased again for
    constants (so a digit before a capital splits even there: `ANTHROPIC_CLAUDE_V2_0_100K` ->
    `ANTHROPIC_CLAUDE_V2_0_100_K`), a trailing `_` on Python keywords."""
    lead = len(jsii_name) - len(jsii_name.lstrip("_"))
    name = "_" * lead + snake(jsii_name[lead:])
    if constant:
        name = name.upper()
    return name + "_" if keyword.iskeyword(name) or name in ("self", "async", "await") else name


def python_path(fqn: str, submodules: dict[str, str]) -> str | None:
    """`aws-cdk-lib.aws_dynamodb.TableProps` -> `aws_cdk.aws_dynamodb.TableProps` (nested types keep their outer
    class: `aws_cdk.aws_s3.CfnBucket.RuleProperty`); None for types of other assemblies."""
    assembly, _, rest = fqn.partition(".")
    if assembly != "aws-cdk-lib" or not rest:
        return None
    parts = fqn.split(".")
    for i in range(len(parts) - 1, 1, -1):
        mod = submodules.get(".".join(parts[:i]))
        if mod:
            return ".".join([mod, *parts[i:]])
    return f"{ROOT_MODULE}.{rest}"


_LINK = re.compile(r"\{@link\s+([^}|\s]+)\s*(?:\|[^}]*)?\}")
_MEMBER = re.compile(r"\b([A-Z]\w*)\.([a-z][a-z0-9]*[A-Z]\w*)")  # unticked `DefinitionBody.fromChainable()`
_TICKED = re.compile(r"`+([A-Za-z_][\w.]*)`*")  # the assembly has unbalanced ticks (`contributorInsightsSpecification)


def pythonize(text: str) -> str:
    """The deprecation text with the names it quotes in Python spelling: `` `logGroup` `` -> `` `log_group` ``,
    `{@link LinuxBuildImage.STANDARD_7_0 }` -> `` `LinuxBuildImage.STANDARD_7_0` ``, `DefinitionBody.fromChainable()`
    -> `DefinitionBody.from_chainable()`; class names and constants unchanged."""
    def one(name: str) -> str:
        parts = name.split(".")
        return ".".join(p if p[:1].isupper() else python_name(p) for p in parts)

    text = _LINK.sub(lambda m: f"`{one(m.group(1))}`", text)
    text = _TICKED.sub(lambda m: f"`{one(m.group(1))}`", text)
    return _MEMBER.sub(lambda m: f"{m.group(1)}.{python_name(m.group(2))}", text)


_USE = re.compile(r"\b[Uu]se\s+`([A-Za-z_][\w.]*)|\b[Uu]se\s+([a-z][A-Za-z0-9]*[A-Z]\w*)\b")


def replacement(text: str) -> str | None:
    """The jsii name the deprecation text says to use instead (`use `logGroup` instead` -> `logGroup`;
    `Use ipAddresses instead` -> `ipAddresses`), or None when it names none."""
    m = _USE.search(_LINK.sub(lambda x: f"`{x.group(1)}`", text))
    return (m.group(1) or m.group(2)) if m else None


# -- the assembly -----------------------------------------------------------------------------------------------------
def assembly_path() -> Path | None:
    """The installed aws-cdk-lib's jsii tarball, found without importing aws_cdk."""
    try:
        spec = importlib.util.find_spec(ROOT_MODULE)
    except (ImportError, ValueError):
        return None
    for base in (spec.submodule_search_locations or []) if spec else []:
        found = sorted(Path(base, "_jsii").glob("aws-cdk-lib@*.jsii.tgz"))
        if found:
            return found[-1]
    return None


def read_assembly(tgz: Path) -> dict[str, Any]:
    """The assembly JSON: `package/.jsii` is a redirect to `package/.jsii.gz` in current releases, the assembly
    itself in older ones; the tar is streamed and left as soon as it is read."""
    members: dict[str, bytes] = {}
    with tarfile.open(tgz, mode="r|gz") as tar:
        for m in tar:
            if m.name in ("package/.jsii", "package/.jsii.gz"):
                fh = tar.extractfile(m)
                if fh is not None:
                    members[m.name] = fh.read()
                if "package/.jsii" in members:
                    head = json.loads(members["package/.jsii"])
                    if head.get("schema") != "jsii/file-redirect":
                        return head
                    if "package/.jsii.gz" in members:
                        break
    return json.loads(gzip.decompress(members["package/.jsii.gz"]))


def read_package(pkg: Path) -> dict[str, Any]:
    """The assembly of an npm package directory (node_modules/aws-cdk-lib): `.jsii`, or the `.jsii.gz` its
    file-redirect names."""
    head = json.loads((pkg / ".jsii").read_text())
    if head.get("schema") == "jsii/file-redirect":
        return json.loads(gzip.decompress((pkg / head.get("filename", ".jsii.gz")).read_bytes()))
    return head


def load_package(pkg: Path, *, use_cache: bool = True) -> DeprecationIndex | None:
    """The index of the aws-cdk-lib npm package at `pkg`, under jsii (TypeScript) names, cached like `load`'s.
    None when it has no readable assembly."""
    start = time.monotonic()
    try:
        version = str(json.loads((pkg / "package.json").read_text()).get("version", ""))
    except (OSError, ValueError):
        return None
    cache = _cache_file(f"{version}-jsii")
    if use_cache:
        try:
            index = _from(json.loads(cache.read_text()))
            index.load_seconds, index.source = round(time.monotonic() - start, 3), "cache"
            return index
        except (OSError, ValueError, KeyError, TypeError):
            pass
    try:
        index = build(read_package(pkg), names="jsii")
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None
    if use_cache:
        _store(cache, index)
    index.load_seconds, index.source = round(time.monotonic() - start, 3), "assembly"
    return index


def build(asm: dict[str, Any], names: str = "python") -> DeprecationIndex:
    """The deprecated elements of an assembly under their Python names, or with `names="jsii"` under the names
    TypeScript/JavaScript code uses (jsii's own: `aws-cdk-lib.aws_dynamodb.Table`, `pointInTimeRecovery`,
    `Runtime.PYTHON_3_7`; the CDK TS front end's check, frontends/cdk_ts/deprecated.py)."""
    types: dict[str, dict[str, Any]] = asm.get("types") or {}
    submodules = {k: (v.get("targets") or {}).get("python", {}).get("module")
                  for k, v in (asm.get("submodules") or {}).items()}
    submodules = {k: v for k, v in submodules.items() if v}
    jsii = names == "jsii"
    if jsii:
        submodules = {k: k for k in submodules}

    def pname(name: str, *, constant: bool = False) -> str:
        return name if jsii else python_name(name, constant=constant)

    def ppath(fqn: str, subs: dict[str, str]) -> str | None:
        return (fqn if fqn.startswith("aws-cdk-lib.") else None) if jsii else python_path(fqn, subs)

    out = DeprecationIndex(version=str(asm.get("version", "")), modules=set(submodules.values()))
    note_ids: dict[tuple[str, str], int] = {}

    def note(ref: str, docs: dict[str, Any]) -> int:
        key = (ref, " ".join(str(docs["deprecated"]).split()))
        if key not in note_ids:
            note_ids[key] = len(out.notes)
            out.notes.append(Deprecation(*key))
        return note_ids[key]

    def deprecated(el: dict[str, Any]) -> bool:
        return "deprecated" in (el.get("docs") or {})

    py = {fqn: ppath(fqn, submodules) for fqn in types}

    def type_name(ref: dict[str, Any]) -> str:
        if "fqn" in ref:
            return ppath(ref["fqn"], submodules) or ref["fqn"]
        return {"string": "str", "number": "int | float", "boolean": "bool"}.get(ref.get("primitive", ""), "")

    # Struct properties, over the struct's base interfaces: struct fqn -> {python keyword: note}.
    @cache
    def all_props(fqn: str) -> tuple[tuple[str, dict[str, Any]], ...]:
        t = types.get(fqn) or {}
        found: dict[str, dict[str, Any]] = {}
        for base in t.get("interfaces") or []:
            found.update(all_props(base))
        for p in t.get("properties") or []:
            found[p["name"]] = {**p, "declared_in": fqn}
        return tuple(found.items())

    @cache
    def struct_props(fqn: str) -> tuple[tuple[str, int], ...]:
        props = dict(all_props(fqn))
        found: dict[str, int] = {}
        for name, p in props.items():
            if not deprecated(p):
                continue
            i = found[pname(name)] = note(f"{p['declared_in']}#{name}", p["docs"])
            new = replacement(p["docs"]["deprecated"])
            if new in props and not deprecated(props[new]):
                out.replacements[i] = (pname(new), type_name(props[new].get("type") or {}))
        return tuple(sorted(found.items()))

    def struct_of(callable_: dict[str, Any] | None) -> str | None:
        """The struct whose properties become keyword arguments: the last parameter's type, when a datatype."""
        params = (callable_ or {}).get("parameters") or []
        fqn = (params[-1].get("type") or {}).get("fqn") if params else None
        return fqn if fqn and (types.get(fqn) or {}).get("datatype") else None

    # Class members, own and inherited (Python finds static and instance members through the MRO).
    def chain(fqn: str) -> list[dict[str, Any]]:
        seen: list[str] = []
        out_: list[dict[str, Any]] = []
        while fqn and fqn in types and fqn not in seen:
            seen.append(fqn)
            out_.append(types[fqn])
            fqn = types[fqn].get("base") or ""
        return out_

    for fqn, t in types.items():
        path = py[fqn]
        if path is None:
            continue
        if deprecated(t):
            out.symbols[path] = note(fqn, t["docs"])
            out.types.add(path)
        if t.get("kind") == "enum":
            for m in t.get("members") or []:
                if deprecated(m):
                    out.symbols[f"{path}.{m['name']}"] = note(f"{fqn}#{m['name']}", m["docs"])
            continue
        if t.get("kind") == "interface":
            if t.get("datatype"):
                props = dict(struct_props(fqn))
                if props:
                    out.keywords[path] = props
            continue
        init = struct_of(t.get("initializer"))
        if init and struct_props(init):
            out.keywords[path] = dict(struct_props(init))
        for owner in reversed(chain(fqn)):  # the subclass's own declaration wins
            owner_fqn = owner["fqn"]
            for p in owner.get("properties") or []:
                name = pname(p["name"], constant=bool(p.get("const")))
                if p.get("protected"):
                    continue
                if deprecated(p):
                    out.symbols[f"{path}.{name}"] = note(f"{owner_fqn}#{p['name']}", p["docs"])
                else:
                    out.symbols.pop(f"{path}.{name}", None)
            for m in owner.get("methods") or []:
                if m.get("protected"):
                    continue
                name = pname(m["name"])
                if deprecated(m):
                    out.symbols[f"{path}.{name}"] = note(f"{owner_fqn}#{m['name']}", m["docs"])
                else:
                    out.symbols.pop(f"{path}.{name}", None)
                struct = struct_of(m)
                if struct and struct_props(struct):
                    out.keywords[f"{path}.{name}"] = dict(struct_props(struct))
    return out


# -- the cache --------------------------------------------------------------------------------------------------------
def _cache_file(version: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iacqa"
    return base / f"cdk-deprecations-{version}-f{INDEX_FORMAT}.json"


def _dump(index: DeprecationIndex) -> dict[str, Any]:
    return {"version": index.version, "notes": [[n.ref, n.text] for n in index.notes], "symbols": index.symbols,
            "types": sorted(index.types), "keywords": index.keywords, "modules": sorted(index.modules),
            "replacements": {str(k): list(v) for k, v in index.replacements.items()}}


def _from(data: dict[str, Any]) -> DeprecationIndex:
    return DeprecationIndex(version=data["version"], notes=[Deprecation(r, t) for r, t in data["notes"]],
                            symbols=dict(data["symbols"]), types=set(data["types"]),
                            keywords={k: dict(v) for k, v in data["keywords"].items()},
                            modules=set(data["modules"]),
                            replacements={int(k): (v[0], v[1]) for k, v in data["replacements"].items()})


def _version_of(tgz: Path) -> str:
    return tgz.name.split("@", 1)[1].removesuffix(".jsii.tgz")


def load(tgz: Path | None = None, *, use_cache: bool = True) -> DeprecationIndex | None:
    """The index for the installed aws-cdk-lib (or the given tarball): from the cache when it holds this version,
    else built from the assembly and cached. None when there is no assembly or it cannot be read."""
    start = time.monotonic()
    tgz = tgz or assembly_path()
    if tgz is None:
        return None
    cache = _cache_file(_version_of(tgz))
    if use_cache:
        try:
            index = _from(json.loads(cache.read_text()))
            index.load_seconds, index.source = round(time.monotonic() - start, 3), "cache"
            return index
        except (OSError, ValueError, KeyError, TypeError):
            pass  # absent or unreadable: build it
    try:
        index = build(read_assembly(tgz))
    except (OSError, ValueError, KeyError, TypeError, tarfile.TarError, EOFError):
        return None
    if use_cache:
        _store(cache, index)
    index.load_seconds, index.source = round(time.monotonic() - start, 3), "assembly"
    return index


def _store(cache: Path, index: DeprecationIndex) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(_dump(index), fh, separators=(",", ":"))
        os.replace(tmp, cache)  # atomic: parallel workers race harmlessly
    except OSError:
        pass  # a read-only cache only costs the build next time


@lru_cache(maxsize=1)
def installed() -> DeprecationIndex | None:
    """The installed aws-cdk-lib's index, loaded once per process."""
    return load()

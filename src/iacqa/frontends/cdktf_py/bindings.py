"""The CDKTF bindings as an index, read from their generated sources without importing them.

Importing `cdktf_cdktf_provider_aws` costs 14-17 s and ~1.2 GB (its `__init__` imports all 2,214 submodules and
starts jsii's node kernel), so the sources are read instead: for each module the program imports, its classes and
each class's `__init__` keyword names (one regex pass over that module's source, cached per process and on disk).
`cdktf` and `constructs` are indexed the same way, following base classes defined in the same module
(`Fn -> FnGenerated`) and class attributes (`AssetType.FILE`); without those two steps correct programs got false
alarms (ENGINE_NOTES §3).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROVIDER = "cdktf_cdktf_provider_aws"
CHECKED = (PROVIDER, "cdktf", "constructs")
_CLASS = re.compile(r"^class (\w+)(?:\(([^)]*)\))?:", re.M)
_INIT = re.compile(r"^    def __init__\(\s*\n?(.*?)\) -> None:", re.M | re.S)
_MEMBER = re.compile(r"^    (?:def (\w+)\(|(\w+)\s*=)", re.M)
_TOP_DEF = re.compile(r"^def (\w+)\(", re.M)
_ALIAS = re.compile(r"^import ([\w.]+) as (\w+)$", re.M)
_JSII_TYPE = re.compile(r'jsii_type="([^"]+)"')
_NAME_MAP = re.compile(r'"(\w+)": "(\w+)"')
# Bases that add no attributes a program would read from the class object (so the members stay checkable).
_PLAIN_BASES = {"enum.Enum", "typing_extensions.Protocol", "object", "builtins.object", "abc.ABC"}

# A keyword's accepted shape, read from its annotation: struct classes taken as one value, struct classes taken
# as a list, and whether anything looser (a free-form mapping, Any) is accepted too.
Shape = tuple[tuple[str, ...], tuple[str, ...], bool]


@dataclass
class ClassInfo:
    name: str
    bases: list[str]
    params: set[str] | None  # keyword names of __init__ (None: no __init__ of its own, or **kwargs)
    members: set[str] = field(default_factory=set)
    shapes: dict[str, Shape] = field(default_factory=dict)  # only keywords whose type names a struct class
    required: set[str] = field(default_factory=set)  # keyword-only parameters without a default
    optional: set[str] = field(default_factory=set)  # parameters typed typing.Optional[...]
    jsii: str | None = None  # the jsii type name (`@cdktf/provider-aws.dynamodbTable.DynamodbTable`)
    jsii_names: dict[str, str] = field(default_factory=dict)  # struct field: python name -> jsii name
    # keywords typed only with scalars (no token type): the names typeguard prints, e.g. ["str", "NoneType"]
    scalars: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ModuleInfo:
    name: str
    classes: dict[str, ClassInfo]
    names: set[str]  # every top-level name (classes, functions, re-exports in __all__)
    aliases: dict[str, str] = field(default_factory=dict)  # `_cdktf_9a9027ec` -> `cdktf`

    def cls(self, name: str) -> ClassInfo | None:
        return self.classes.get(name)

    def members(self, name: str, depth: int = 0) -> set[str] | None:
        """Members of a class with those of its base classes (same module or another checked one); None when a
        base cannot be read, so the caller stays silent instead of guessing."""
        c = self.classes.get(name)
        if c is None or depth > 8:
            return None
        out = set(c.members)
        for b in c.bases:
            if b in _PLAIN_BASES:
                continue
            owner, _, bname = b.rpartition(".")
            info: ModuleInfo | None = self
            if owner:
                target = self.aliases.get(owner, owner)
                info = module_info(target) if target.startswith(CHECKED) else None
            more = info.members(bname, depth + 1) if info is not None else None
            if more is None:
                return None
            out |= more
        return out

    def params(self, name: str, depth: int = 0) -> set[str] | None:
        c = self.classes.get(name)
        if c is None or depth > 8:
            return None
        if c.params is not None:
            return c.params
        for b in c.bases:
            if "." in b:
                return None  # __init__ inherited from another module: not read, so not judged
            p = self.params(b, depth + 1)
            if p is not None:
                return p
        return None

    def is_struct(self, name: str) -> bool:
        """A jsii struct (data type): keyword-only fields, no construct scope."""
        c = self.classes.get(name)
        return c is not None and c.params is not None and "scope" not in c.params and not c.bases


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _dotted(node.value) + "." + node.attr
    return ""


def _shape(ann: ast.AST | None, local: set[str]) -> Shape | None:
    """(single structs, listed structs, loose) of an annotation such as
    `typing.Optional[typing.Union[IResolvable, typing.Sequence[typing.Union["Rule", typing.Dict[str, Any]]]]]`."""
    single: list[str] = []
    listed: list[str] = []
    loose = False

    def walk(node: ast.AST, in_seq: bool) -> None:
        nonlocal loose
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in local:
                (listed if in_seq else single).append(node.value)
            return
        if isinstance(node, ast.Name):
            if node.id in local:
                (listed if in_seq else single).append(node.id)
            return
        if isinstance(node, ast.Attribute):
            if _dotted(node) in ("typing.Any",) and not in_seq:
                loose = True
            return
        if isinstance(node, ast.Subscript):
            head = _dotted(node.value).rsplit(".", 1)[-1]
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if head in ("Optional", "Union"):
                structs = [a for a in args if isinstance(a, ast.Constant | ast.Name) and _local(a, local)]
                for a in args:
                    if head == "Union" and structs and isinstance(a, ast.Subscript) and \
                            _dotted(a.value).endswith("Dict"):
                        continue  # `Union["Struct", Dict[str, Any]]`: the dict form of that struct
                    walk(a, in_seq)
            elif head in ("Sequence", "List"):
                for a in args:
                    walk(a, True)
                if not in_seq and not listed:
                    loose = True  # a list of scalars or maps: nothing to judge
            elif head in ("Mapping", "Dict") and not in_seq:
                loose = True

    if ann is None:
        return None
    walk(ann, False)
    if not single and not listed:
        return None
    return tuple(single), tuple(listed), loose


_SCALARS = {"builtins.str": ["str"], "builtins.bool": ["bool"], "jsii.Number": ["int", "float"],
            "builtins.int": ["int"], "builtins.float": ["float"]}


def _scalars(ann: ast.AST | None) -> list[str] | None:
    """typeguard's names for an annotation made of scalars only (`typing.Optional[builtins.str]` -> str, NoneType);
    None when it admits anything else (a token type such as IResolvable, a list, a struct): then it is not judged."""
    if ann is None:
        return None
    if isinstance(ann, ast.Subscript) and _dotted(ann.value).rsplit(".", 1)[-1] in ("Optional", "Union"):
        args = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
        out: list[str] = []
        for a in args:
            sub = _scalars(a)
            if sub is None:
                return None
            out += [x for x in sub if x not in out and x != "NoneType"]
        return out + (["NoneType"] if _dotted(ann.value).endswith("Optional") else [])
    return _SCALARS.get(_dotted(ann))


def _local(node: ast.AST, local: set[str]) -> bool:
    name = node.value if isinstance(node, ast.Constant) else getattr(node, "id", None)
    return isinstance(name, str) and name in local


def _parse_module(module: str, text: str) -> ModuleInfo:
    starts = [(m.start(), m.group(1), m.group(2) or "") for m in _CLASS.finditer(text)]
    local = {name for _, name, _ in starts}
    classes: dict[str, ClassInfo] = {}
    prev_start = 0
    for i, (pos, name, bases) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        body = text[pos:end]
        # struct classes carry `@jsii.data_type(jsii_type=..., name_mapping=...)` just above their line
        decorator = text[prev_start:pos]
        prev_start = pos
        cls = ClassInfo(name, [b.strip() for b in bases.split(",") if b.strip() and "=" not in b], None,
                        {a or b for a, b in _MEMBER.findall(body)})
        jt = _JSII_TYPE.search(bases) or (_JSII_TYPE.search(decorator[decorator.rfind("@jsii.data_type"):])
                                          if "@jsii.data_type" in decorator else None)
        cls.jsii = jt.group(1) if jt else None
        if "@jsii.data_type" in decorator:
            cls.jsii_names = dict(_NAME_MAP.findall(decorator[decorator.rfind("@jsii.data_type"):]))
        init = _INIT.search(body)
        if init:
            try:
                fn = ast.parse(f"def __init__({init.group(1)}): pass").body[0]
            except SyntaxError:
                fn = None
            if isinstance(fn, ast.FunctionDef) and fn.args.kwarg is None:
                a = fn.args
                named = [x for x in a.posonlyargs + a.args + a.kwonlyargs if x.arg != "self"]
                cls.params = {x.arg for x in named}
                cls.required = {x.arg for x, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is None}
                for x in named:
                    if x.annotation is not None and _dotted(getattr(x.annotation, "value", x.annotation)) \
                            .endswith("Optional"):
                        cls.optional.add(x.arg)
                    kinds = _scalars(x.annotation)
                    if kinds:
                        cls.scalars[x.arg] = kinds
                    shape = _shape(x.annotation, local)
                    if shape is not None:
                        cls.shapes[x.arg] = shape
        classes[name] = cls
    names = set(classes) | set(_TOP_DEF.findall(text))
    all_m = re.search(r"^__all__ = \[(.*?)\]", text, re.M | re.S)
    if all_m:
        names |= set(re.findall(r'"(\w+)"', all_m.group(1)))
    names |= set(re.findall(r"^(\w+)\s*=", text, re.M))
    aliases = {alias: mod for mod, alias in _ALIAS.findall(text)}
    return ModuleInfo(module, classes, names, aliases)


def _module_file(module: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


@lru_cache(maxsize=512)
def module_info(module: str) -> ModuleInfo | None:
    """Classes, their keyword names and members, read from the module's generated source (no import).

    Parsed once per process, and kept on disk per installed package version: most modules parse in 10-70 ms, but
    the largest (lexv2_models_intent, 17 MB of source) takes 0.7 s, more than a whole task's check should."""
    if module == PROVIDER or not module.startswith(CHECKED):
        return None
    path = _module_file(module) if module in ("cdktf", "constructs") else _provider_module(module)
    if path is None:
        return None
    cached = _cache_file(module, path)
    if cached is not None:
        info = _load(cached, module)
        if info is not None:
            return info
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    info = _parse_module(module, text)
    if cached is not None:
        _store(cached, info)
    return info


INDEX_FORMAT = 2  # bump when _parse_module changes what it records


def _cache_file(module: str, source: Path) -> Path | None:
    """$XDG_CACHE_HOME/iacqa/cdktf-index/<package>-<version>-<source size>/<module>.json"""
    dist = {"cdktf": "cdktf", "constructs": "constructs"}.get(module.split(".")[0], "cdktf-cdktf-provider-aws")
    try:
        from importlib.metadata import version

        ver = version(dist)
        size = source.stat().st_size
    except Exception:  # noqa: BLE001 - no metadata or no file: parse without a cache
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iacqa" / "cdktf-index"
    return base / f"{dist}-{ver}-f{INDEX_FORMAT}" / f"{module}-{size}.json"


def _load(path: Path, module: str) -> ModuleInfo | None:
    try:
        data = json.loads(path.read_text())
        classes = {
            name: ClassInfo(name, c["bases"], set(c["params"]) if c["params"] is not None else None,
                            set(c["members"]), {k: (tuple(v[0]), tuple(v[1]), bool(v[2]))
                                                for k, v in c["shapes"].items()},
                            set(c["required"]), set(c["optional"]), c["jsii"], c["jsii_names"], c["scalars"])
            for name, c in data["classes"].items()}
        return ModuleInfo(module, classes, set(data["names"]), data["aliases"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None  # absent or unreadable: parse again


def _store(path: Path, info: ModuleInfo) -> None:
    data = {"names": sorted(info.names), "aliases": info.aliases, "classes": {
        c.name: {"bases": c.bases, "params": sorted(c.params) if c.params is not None else None,
                 "members": sorted(c.members), "shapes": {k: [list(v[0]), list(v[1]), v[2]] for k, v in
                                                          c.shapes.items()},
                 "required": sorted(c.required), "optional": sorted(c.optional), "jsii": c.jsii,
                 "jsii_names": c.jsii_names, "scalars": c.scalars} for c in info.classes.values()}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, separators=(",", ":"))
        os.replace(tmp, path)  # atomic: parallel workers race harmlessly
    except OSError:
        pass  # a read-only cache only costs the parse next time


def _provider_module(module: str) -> Path | None:
    base = _provider_root()
    if base is None:
        return None
    rel = module.split(".")[1:]
    path = base.joinpath(*rel, "__init__.py")
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _provider_root() -> Path | None:
    try:
        spec = importlib.util.find_spec(PROVIDER)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


@lru_cache(maxsize=1)
def provider_modules() -> frozenset[str]:
    root = _provider_root()
    if root is None:
        return frozenset()
    return frozenset(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def available() -> bool:
    return _provider_root() is not None and _module_file("cdktf") is not None


META = {"scope", "id_", "connection", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioners"}


@lru_cache(maxsize=1)
def provider_version() -> str:
    try:
        from importlib.metadata import version

        return version("cdktf-cdktf-provider-aws")
    except Exception:  # noqa: BLE001 - metadata missing or broken: the message just omits the version
        return "?"

"""CDKTF Python: check every name and keyword the program takes from the provider bindings, without importing them.

Importing `cdktf_cdktf_provider_aws` costs 14-17 s and ~1.2 GB (its `__init__` imports all 2,214 submodules and
starts jsii's node kernel), so the check reads the generated sources instead: for each module the program imports,
its classes and each class's `__init__` keyword names (one regex pass over that module's source, cached per
process). `cdktf` and `constructs` are indexed the same way, following base classes defined in the same module
(`Fn -> FnGenerated`) and class attributes (`AssetType.FILE`); without those two steps correct programs got false
alarms (ENGINE_NOTES §3). Unknown -> a finding with the error Python would raise; unresolvable -> silent.
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from iacqa.model import Finding, Location, Severity
from iacqa.rules.sdk.cdktf import BlockShapeMismatch, DroppedStructKey, WrongLiteralType
from iacqa.rules.sdk.symbols import MissingSymbol, UnknownKeyword

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


def _suggest(name: str, candidates: set[str] | frozenset[str], owner: str = "") -> str | None:
    """The closest real name: the name without a prefix repeating the class (`subnet_group_name` on
    ElasticacheSubnetGroup -> `name`, a provider rename), a longer name it abbreviates (`memory` -> `memory_size`),
    the snake_case of a camelCase name, else difflib's best."""
    owner_words = set(_snake(owner).split("_")) if owner else set()
    parts = name.split("_")
    for i in range(1, len(parts)):
        rest = "_".join(parts[i:])
        if rest in candidates and owner_words and set(parts[:i]) <= owner_words:
            return rest
    if _snake(name) in candidates:
        return _snake(name)
    longer = sorted(c for c in candidates if c.startswith(name + "_") or c.startswith(name) and len(c) - len(name) <= 2)
    if len(longer) == 1:
        return longer[0]
    hits = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.75)
    return hits[0] if hits else None


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


META = {"scope", "id_", "connection", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioners"}


@lru_cache(maxsize=1)
def provider_version() -> str:
    try:
        from importlib.metadata import version

        return version("cdktf-cdktf-provider-aws")
    except Exception:  # noqa: BLE001 - metadata missing or broken: the message just omits the version
        return "?"


_DELETE = "\0delete"  # replacement marker: remove the span and the comma after it


def _span(node: ast.AST, text: str | None, inner: ast.AST | None = None) -> tuple[int, int, int, int, str]:
    """A source replacement (1-based lines, UTF-8 byte columns as ast gives them); `inner`: keep that node's text."""
    if inner is not None:
        return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, "\0keep:" + ",".join(
            map(str, (inner.lineno, inner.col_offset, inner.end_lineno, inner.end_col_offset))))
    return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, text or "")


def _confident(wrong: str, right: str) -> bool:
    """A rename sure enough to run the program with: a provider rename (`subnet_group_name` -> `name`), a jsii
    suffix (`S3BucketVersioning` -> `S3BucketVersioningA`), case or an abbreviation; not a mere lookalike."""
    return (wrong.endswith("_" + right) or right.startswith(wrong) or _snake(wrong) == right
            or difflib.SequenceMatcher(None, wrong, right).ratio() >= 0.9)


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
        if repl == _DELETE:
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


class _Checker(ast.NodeVisitor):
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.out: list[Finding] = []
        self.bound: dict[str, tuple[str, str | None]] = {}  # local name -> (module, class or None for a module)

    def _loc(self, node: ast.AST) -> Location:
        return Location(self.rel, getattr(node, "lineno", None))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.startswith(CHECKED):
                self._check_module(alias.name, node)
                self.bound[alias.asname or alias.name.split(".")[0]] = (alias.name if alias.asname else
                                                                        alias.name.split(".")[0], None)

    def _check_module(self, module: str, node: ast.AST) -> bool:
        if module.startswith(PROVIDER + ".") and module.count(".") == 1:
            sub = module.split(".", 1)[1]
            if sub not in provider_modules():
                close = _suggest(sub, provider_modules())
                self.out.append(MissingSymbol.finding(
                    None, f"`{module}` is not a module of the installed cdktf AWS provider bindings "
                    f"(cdktf-cdktf-provider-aws {provider_version()})",
                    location=self._loc(node), symbol=module,
                    error=f"ModuleNotFoundError: No module named '{module}'",
                    fix=f"import from {PROVIDER}.{close}" if close else "look the resource up in the provider's "
                    "module list (one module per Terraform resource type, without the aws_ prefix)",
                ).with_(stage="frontend"))
                return False
        return True

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        mod = node.module or ""
        if node.level or not mod.startswith(CHECKED):
            return
        if mod == PROVIDER:
            for alias in node.names:  # `from cdktf_cdktf_provider_aws import sqs_queue`
                if alias.name != "*" and alias.name not in provider_modules():
                    close = _suggest(alias.name, provider_modules())
                    self.out.append(MissingSymbol.finding(
                        None, f"`{alias.name}` is not a module of the installed cdktf AWS provider bindings "
                        f"(cdktf-cdktf-provider-aws {provider_version()})",
                        location=self._loc(node), symbol=f"{mod}.{alias.name}",
                        error=f"ImportError: cannot import name '{alias.name}' from '{mod}'",
                        fix=f"use {close}" if close else None).with_(stage="frontend"))
                else:
                    self.bound[alias.asname or alias.name] = (f"{mod}.{alias.name}", None)
            return
        if not self._check_module(mod, node):
            return
        info = module_info(mod)
        if info is None:
            return
        version = f" (cdktf-cdktf-provider-aws {provider_version()})" if mod.startswith(PROVIDER) else ""
        for alias in node.names:
            if alias.name == "*":
                continue
            if alias.name not in info.names:
                close = _suggest(alias.name, info.names)
                self.out.append(MissingSymbol.finding(
                    None, f"`{alias.name}` does not exist in `{mod}`{version}"
                    + (f" (did you mean `{close}`?)" if close else ""),
                    location=self._loc(node), symbol=f"{mod}.{alias.name}",
                    error=f"ImportError: cannot import name '{alias.name}' from '{mod}'",
                    fix=f"import {close}" if close else f"remove `{alias.name}`: `{mod}` has no such class; "
                    "configure it through the resource's own arguments",
                    continue_with=[_span(alias, f"{close} as {alias.asname or alias.name}")] if close and
                    _confident(alias.name, close) else None,
                ).with_(stage="frontend"))
                continue
            self.bound[alias.asname or alias.name] = (mod, alias.name)

    def _resolve(self, node: ast.AST) -> tuple[str, str | None] | None:
        """A name or attribute chain -> (module, class) when it names something imported from a checked package."""
        if isinstance(node, ast.Name):
            return self.bound.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value)
            if base is None:
                return None
            mod, cls = base
            if cls is None:  # module.attr
                sub = f"{mod}.{node.attr}"
                if mod == PROVIDER:
                    return (sub, None) if node.attr in provider_modules() else None
                info = module_info(mod)
                if info is not None and node.attr in info.classes:
                    return mod, node.attr
            return None
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load):
            return
        base = self._resolve(node.value)
        if base is None:
            return
        mod, cls = base
        info = module_info(mod)
        if info is None:
            return
        if cls is None:
            if node.attr not in info.names and mod != PROVIDER:
                self._missing_attr(node, f"module '{mod}'", mod, node.attr, info.names)
            return
        members = info.members(cls)
        if members and node.attr not in members and not node.attr.startswith("_"):
            self._missing_attr(node, f"type object '{cls}'", f"{mod}.{cls}", node.attr, members)

    def _missing_attr(self, node: ast.AST, owner: str, prefix: str, attr: str, names: set[str]) -> None:
        close = _suggest(attr, names)
        fix = f"use {close}" if close else None
        if prefix == "cdktf.Fn" and attr.startswith("data"):
            # `Fn.data("aws_caller_identity")`, `Fn.data_aws_caller_identity`: data sources are provider classes
            source = attr.removeprefix("data").strip("_") or "aws_caller_identity"
            source = source if source.startswith("aws_") else "aws_" + source
            mod = f"data_{source}"
            if mod not in provider_modules():
                mod, source = "data_aws_caller_identity", "aws_caller_identity"
            cls = "Data" + "".join(p[:1].upper() + p[1:] for p in source.split("_"))
            fix = (f"Terraform data sources are classes of the provider bindings, not Fn functions: "
                   f"`from {PROVIDER}.{mod} import {cls}`, then `{cls}(self, \"current\")` and read its attributes "
                   f"(e.g. `.account_id`)")
            close = None
        self.out.append(MissingSymbol.finding(
            None, f"`{prefix}.{attr}` does not exist" + (f" (did you mean `{close}`?)" if close else ""),
            location=self._loc(node), symbol=f"{prefix}.{attr}",
            error=f"AttributeError: {owner} has no attribute '{attr}'", fix=fix).with_(stage="frontend"))

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        target = self._resolve(node.func)
        if target is None or target[1] is None:
            return
        mod, cls = target
        info = module_info(mod)
        params = info.params(cls) if info else None
        if info is None or params is None:
            return
        for kw in node.keywords:
            if kw.arg is None:
                continue
            if kw.arg in params:
                self._value(info, cls, kw.arg, kw.value, mapped=False)
                continue
            self._unknown_keyword(mod, cls, kw.arg, params, kw.value if hasattr(kw.value, "lineno") else node,
                                  (kw, kw.value))

    def _unknown_keyword(self, mod: str, cls: str, arg: str, params: set[str], at: ast.AST,
                         item: tuple[ast.AST, ast.AST] | None = None) -> None:
        close = _suggest(arg, params, owner=cls)
        patch = None
        if item is not None:  # continue with the renamed keyword when the rename is sure, else without it
            name_node, value = item
            if close and _confident(arg, close):
                patch = [_span(name_node, repr(close)) if isinstance(name_node, ast.Constant) else
                         (name_node.lineno, name_node.col_offset, name_node.lineno,
                          name_node.col_offset + len(arg.encode()), close)]
            else:
                patch = [(name_node.lineno, name_node.col_offset, value.end_lineno, value.end_col_offset, _DELETE)]
        self.out.append(UnknownKeyword.finding(
            None, f"`{cls}` has no argument `{arg}`" + (f" (did you mean `{close}`?)" if close else ""),
            location=self._loc(at), symbol=f"{mod}.{cls}({arg}=)",
            error=f"TypeError: {cls}.__init__() got an unexpected keyword argument '{arg}'",
            fix=f"{close}=" if close else f"remove `{arg}=`; {cls} accepts: "
            + ", ".join(sorted(p for p in params if p not in META)[:14]), continue_with=patch,
        ).with_(stage="frontend"))

    # -- nested blocks: list or single, and the keys of plain dicts (verified against real synths) ----------------
    def _struct_call(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Call):
            target = self._resolve(node.func)
            if target is not None and target[1] is not None:
                return target[1]
        return None

    def _value(self, info: ModuleInfo, cls: str, arg: str, value: ast.AST, *, mapped: bool) -> None:
        """Check the value given for `cls.arg`. `mapped`: the value sits inside a dict that jsii receives as a plain
        map (a dict in a list of blocks), where keys are matched by their jsii (camelCase) names."""
        if isinstance(value, ast.IfExp):  # `[...] if provisioned else [...]`: both branches can run
            self._value(info, cls, arg, value.body, mapped=mapped)
            self._value(info, cls, arg, value.orelse, mapped=mapped)
            return
        c = info.cls(cls)
        if c is not None and not mapped and arg in c.scalars:
            self._scalar(info, cls, arg, value, c.scalars[arg])
        shape = c.shapes.get(arg) if c else None
        if shape is None or shape[2]:
            return
        single, listed, _ = shape
        is_list = isinstance(value, ast.List | ast.Tuple | ast.ListComp)
        is_one = isinstance(value, ast.Dict) or (self._struct_call(value) in single + listed
                                                 if self._struct_call(value) else False)
        if is_list and single and not listed:
            struct = single[0]
            accepted = f"{info.name}.{struct}, Dict[str, Any]" + (", NoneType" if arg in c.optional else "")
            self.out.append(BlockShapeMismatch.finding(
                None, f"`{arg}` of `{cls}` is a single `{struct}` block, not a list",
                location=self._loc(value), symbol=f"{info.name}.{cls}({arg}=)",
                error=(f"TypeError: type of argument {arg} must be one of ({accepted}); got list instead"
                       if not mapped else f"jsii: Key '{_camel(arg)}': Unable to deserialize value as "
                       f"{(info.cls(struct).jsii if info.cls(struct) else struct)}: the value is an array"),
                fix=f"pass one block: {arg}={struct}(...) without the list brackets",
                continue_with=[_span(value, None, inner=value.elts[0])] if isinstance(value, ast.List | ast.Tuple)
                and len(value.elts) == 1 else None).with_(stage="frontend"))
            return
        if is_one and listed and not single:
            struct = listed[0]
            jsii = (info.cls(struct).jsii if info.cls(struct) else None) or struct
            self.out.append(BlockShapeMismatch.finding(
                None, f"`{arg}` of `{cls}` takes a list of `{struct}` blocks; a single block is given",
                location=self._loc(value), symbol=f"{info.name}.{cls}({arg}=)",
                error=f"jsii SerializationError: Key '{_camel(arg)}': Unable to deserialize value as "
                      f"cdktf.IResolvable | array<{jsii}> | undefined ... Value is not an array",
                fix=f"wrap it in a list: {arg}=[{struct}(...)]",
                continue_with=[(value.lineno, value.col_offset, value.lineno, value.col_offset, "["),
                               (value.end_lineno, value.end_col_offset, value.end_lineno, value.end_col_offset, "]")],
            ).with_(stage="frontend"))
            if isinstance(value, ast.Dict):
                self._dict(info, struct, value, mapped=True)
            return
        if is_list and listed:
            for elt in getattr(value, "elts", []):
                if isinstance(elt, ast.Dict):
                    self._dict(info, listed[0], elt, mapped=True)
        elif isinstance(value, ast.Dict) and single:
            self._dict(info, single[0], value, mapped=mapped)

    def _scalar(self, info: ModuleInfo, cls: str, arg: str, value: ast.AST, kinds: list[str]) -> None:
        """A literal of a type the generated `__init__`'s typeguard check rejects (`True` for `Optional[str]`)."""
        if isinstance(value, ast.Constant) and value.value is not None and not isinstance(value.value, bytes):
            got = type(value.value).__name__
        elif isinstance(value, ast.JoinedStr):
            got = "str"
        elif isinstance(value, ast.List | ast.ListComp):
            got = "list"
        elif isinstance(value, ast.Dict):
            got = "dict"
        else:
            return
        ok = got in kinds or (got == "bool" and ("int" in kinds or "float" in kinds)) or (
            got == "int" and "float" in kinds)
        if ok:
            return
        want = f"must be one of ({', '.join(kinds)})" if len(kinds) > 1 else f"must be {kinds[0]}"
        hint = {"str": f'"{str(value.value).lower()}"' if got == "bool" else f'"{value.value}"'
                if isinstance(value, ast.Constant) else "a string"}.get(kinds[0], kinds[0])
        self.out.append(WrongLiteralType.finding(
            None, f"`{arg}` of `{cls}` is typed {' | '.join(k for k in kinds if k != 'NoneType')} in the "
            f"bindings (cdktf-cdktf-provider-aws {provider_version()}); {'an' if got == 'int' else 'a'} {got} is given",
            location=self._loc(value), symbol=f"{info.name}.{cls}({arg}=)",
            error=f"TypeError: type of argument {arg} {want}; got {got} instead",
            fix=f"{arg}={hint}",
            continue_with=[_span(value, hint)] if kinds[0] == "str" and isinstance(value, ast.Constant) else None,
        ).with_(stage="frontend"))

    def _dict(self, info: ModuleInfo, struct: str, node: ast.Dict, *, mapped: bool) -> None:
        """Keys of a dict given for a struct. Outside a list the bindings call `Struct(**d)` (unknown key ->
        TypeError); inside a list jsii gets a map and silently drops keys that are not jsii names (measured)."""
        s = info.cls(struct)
        params = info.params(struct)
        if s is None or params is None:
            return
        keys = [k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None for k in node.keys]
        if any(k is None for k in keys):
            return  # `**spread` or computed keys: the key set is unknown
        if not mapped:
            for key, val in zip(keys, node.values, strict=True):
                if key not in params:
                    self._unknown_keyword(info.name, struct, key, params, val,
                                          (node.keys[keys.index(key)], val))
                else:
                    self._value(info, struct, key, val, mapped=False)
            return
        jsii_names = {p: s.jsii_names.get(p) or _camel(p) for p in params}
        by_jsii = {j: p for p, j in jsii_names.items()}
        present = {by_jsii[k] for k in keys if k in by_jsii}
        missing = sorted(s.required - present)
        for key, val in zip(keys, node.values, strict=True):
            if key in by_jsii:
                self._value(info, struct, by_jsii[key], val, mapped=True)
                continue
            if _snake(key) in missing:
                continue  # reported once below, as the synth error it causes
            right = jsii_names.get(key) or jsii_names.get(_suggest(key, params) or "")
            self.out.append(DroppedStructKey.finding(
                None, f"key `{key}` in a dict for `{struct}` is not a jsii property name: cdktf drops it, so the "
                "setting never reaches Terraform" + (f" (jsii expects `{right}`)" if right else ""),
                location=self._loc(val), symbol=f"{info.name}.{struct}[{key!r}]",
                error=f"no error: synth succeeds and the block in cdk.tf.json lacks `{_snake(key)}`",
                fix=f"use the struct class: {struct}({_snake(key) if _snake(key) in params else '...'}=...)"
                + (f", or the key \"{right}\"" if right else "")).with_(stage="frontend"))
        if missing:
            names = ", ".join(f"'{jsii_names[m]}'" for m in missing)
            renames = {_snake(k): kn for k, kn in zip(keys, node.keys, strict=True) if _snake(k) in missing}
            self.out.append(DroppedStructKey.finding(
                None, f"a dict for `{struct}` lacks the required propert{'y' if len(missing) == 1 else 'ies'} "
                f"{names} (jsii matches camelCase names, not snake_case)", severity=Severity.CRITICAL,
                location=self._loc(node), symbol=f"{info.name}.{struct}",
                error=f"RuntimeError: ... Missing required properties for {s.jsii or struct}: {names}",
                fix=f"use the struct class {struct}({', '.join(m + '=...' for m in missing)})",
                continue_with=[_span(kn, repr(jsii_names[m])) for m, kn in renames.items()]
                if set(renames) == set(missing) else None).with_(stage="frontend"))


def check_source(rel: str, source: str) -> list[Finding]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []  # reported as SYN002 by the syntax stage
    checker = _Checker(rel)
    checker.visit(tree)
    return checker.out


def check(root: Path, files: list[str]) -> list[Finding]:
    """Every Python file of the project that imports cdktf, constructs or the AWS provider bindings."""
    out: list[Finding] = []
    for rel in files:
        if not rel.endswith(".py") or rel.startswith(("tests/", "test/")):
            continue
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            continue
        if not re.search(r"^\s*(from|import)\s+(cdktf|constructs)", text, re.M):
            continue
        out.extend(check_source(rel, text))
    return out

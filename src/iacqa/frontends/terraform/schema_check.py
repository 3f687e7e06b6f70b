"""What `terraform validate` would say about a configuration, offline, from the AWS provider schema index.

Input is a Terraform configuration in JSON-configuration shape (python-hcl2 `load` with stripped quotes, or
cdk.tf.json): `{"resource": {type: {name: body}}, "data": {...}, "output": {...}, "locals": {...}, ...}`. In
bodies from HCL, nested blocks are lists of dicts and `x = { ... }` is a dict, so a block written as an argument
(and the reverse) can be told apart; in JSON syntax a block may be written as an object, so that distinction is
only drawn for HCL files (the locator says which file a body came from).

Findings use terraform's own diagnostics (summary: detail) as `error`, and the provider release the name was
checked against. Version aware: `provider_major` is the AWS provider major the configuration pins; None means
no constraint, so names are judged against every indexed major (and names only older majors have are reported
at lower severity: `terraform init` would install the newest provider).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from iacqa.catalog.terraform import (
    MissingRequiredArgument,
    ProviderVersionMismatch,
    TooManyBlocks,
    UndeclaredResource,
    UnknownResourceType,
    UnsupportedArgument,
    UnsupportedAttribute,
    UnsupportedBlock,
)
from iacqa.knowledge.tf_schema import Block, TfSchema, load, suggest, terraform_suggestion
from iacqa.model import Finding, Location, Severity

Locator = Callable[[tuple[str, ...]], "Location | None"]

# Meta-arguments terraform itself handles (never in a provider schema).
RESOURCE_META = {"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection", "dynamic"}
DATA_META = {"count", "for_each", "depends_on", "lifecycle", "provider", "dynamic"}
# Attributes every resource instance answers to, whatever its schema.
ALWAYS_ATTRS = {"id"}
# A reference `[data.]type.name[index][.attr]`, not preceded by a name character or a dot (var.x.aws_y).
_REF = re.compile(r"(?<![\w.\-])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)"
                  r"(\[[^\]]*\]|\.\d+|\.\*)?(?:\.([A-Za-z_][\w-]*))?")
_KEYWORDS = {"var", "local", "module", "each", "count", "path", "self", "terraform", "data"}


@dataclass
class _Ctx:
    schema: TfSchema
    locate: Locator
    major: int | None  # the major judged against (None: every indexed major)
    pinned: int | None  # what the configuration pins, as given
    findings: list[Finding] = field(default_factory=list)
    type_hints: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # per unknown type

    def where(self, path: tuple[str, ...]) -> Location | None:
        try:
            return self.locate(path)
        except Exception:  # noqa: BLE001 - a broken locator must not lose the finding
            return None

    def release(self, major: int | None = None) -> str:
        """`hashicorp/aws 6.25.0` or, judging the union, `hashicorp/aws 5.100.0 and 6.25.0`."""
        versions = self.schema.provider_versions()
        if major is not None or self.major is not None:
            m = major if major is not None else self.major
            return f"hashicorp/aws {versions.get(m, f'{m}.x')}"
        return "hashicorp/aws " + " and ".join(versions[m] for m in sorted(versions))

    def add(self, rule: Any, path: tuple[str, ...], message: str, *, error: str, fix: str,
            attribute: str | None = None, severity: Severity | None = None, **extra: Any) -> None:
        loc = self.where(path) or Location()
        if path[0] in ("resource", "data"):
            resource = ".".join(path[1:3]) if path[0] == "resource" else ".".join(path[:3])
        else:
            resource = ".".join(path[:2]) if len(path) >= 2 else None
        f = rule.finding(message, location=loc, error=error, fix=fix, severity=severity, **extra)
        self.findings.append(f.with_(resource=resource,
                                     resource_type=path[1] if len(path) >= 2 and path[0] in ("resource", "data")
                                     else None, attribute=attribute))


def _judged_major(schema: TfSchema, pinned: int | None) -> int | None:
    if pinned is None or not schema.majors:
        return None
    if pinned in schema.majors:
        return pinned
    # 4.x code is judged against the oldest indexed major, 7.x against the newest: the closest real schema.
    return min(schema.majors) if pinned < min(schema.majors) else max(schema.majors)


def _items(value: Any) -> list[dict[str, Any]]:
    """A nested block value as a list of bodies (python-hcl2 gives lists of dicts, JSON syntax a dict or list)."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def _is_block_syntax(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _has(versions: tuple[int, ...] | None, major: int | None) -> bool:
    return versions is None or major is None or major in versions


def check(config: dict[str, Any], locate: Locator | None = None, provider_major: int | None = None
          ) -> list[Finding]:
    """Check resources, data sources and references of one module against the AWS provider schema."""
    if not isinstance(config, dict):
        return []
    schema = load()
    ctx = _Ctx(schema, locate or (lambda _path: None), _judged_major(schema, provider_major), provider_major)
    declared: dict[str, set[tuple[str, str]]] = {"resource": set(), "data": set()}
    for kind in ("resource", "data"):
        for tf_type, named in _typed(config.get(kind)):
            for name, bodies in named.items():
                declared[kind].add((tf_type, name))
                blk = _type_schema(ctx, kind, tf_type, name)
                if blk is None:
                    continue
                for body in _items(bodies):
                    loc = ctx.where((kind, tf_type, name))
                    json_syntax = bool(loc and loc.file and loc.file.endswith(".json"))
                    _check_body(ctx, blk, body, (kind, tf_type, name), RESOURCE_META if kind == "resource"
                                else DATA_META, json_syntax)
    _check_references(ctx, config, declared)
    return ctx.findings


def _typed(section: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(type, {name: body}) pairs; python-hcl2 may give a section as a list of one-key dicts."""
    parts = section if isinstance(section, list) else [section]
    for part in parts:
        if not isinstance(part, dict):
            continue
        for tf_type, named in part.items():
            for n in (named if isinstance(named, list) else [named]):
                if isinstance(n, dict):
                    yield tf_type, n


def _provider_of(tf_type: str) -> str:
    return tf_type.split("_", 1)[0]


def _type_schema(ctx: _Ctx, kind: str, tf_type: str, name: str) -> Block | None:
    """The schema of an AWS type, or None (other providers are not indexed; unknown types are reported)."""
    if _provider_of(tf_type) != "aws":
        return None
    blk = ctx.schema.resource(tf_type) if kind == "resource" else ctx.schema.data_source(tf_type)
    what = "resource type" if kind == "resource" else "data source"
    path = (kind, tf_type, name)
    if blk is None:
        pool = ctx.schema.resource_types() if kind == "resource" else ctx.schema.data_source_types()
        if kind + tf_type not in ctx.type_hints:  # ~40 ms per scan of 1,600 names: once per type
            ctx.type_hints[kind + tf_type] = (suggest(tf_type, pool, cutoff=0.85),  # only near typos
                                              terraform_suggestion(tf_type, pool))
        near, tf_near = ctx.type_hints[kind + tf_type]
        other = ctx.schema.data_source(tf_type) if kind == "resource" else ctx.schema.resource(tf_type)
        hint = (f'; "{tf_type}" is a {"data source" if kind == "resource" else "resource type"}: declare it with '
                f'`{"data" if kind == "resource" else "resource"} "{tf_type}"`' if other is not None else "")
        ctx.add(UnknownResourceType, path, f'{ctx.release()} has no {what} "{tf_type}"{hint}',
                error=f'Error: Invalid {"resource type" if kind == "resource" else "data source"}: The provider '
                      f'hashicorp/aws does not support {what} "{tf_type}".'
                      + (f' Did you mean "{tf_near}"?' if tf_near else ""),
                fix=f'use "{near}"' if near else "use a type from the AWS provider documentation",
                symbol=tf_type)
        return None
    if not _has(blk.versions, ctx.major) or (ctx.major is None and blk.versions
                                             and max(ctx.schema.majors) not in blk.versions):
        _version_finding(ctx, path, f'{what} "{tf_type}"', blk.versions or (), None,
                         error=f'Error: Invalid {what}: The provider hashicorp/aws does not support {what} '
                               f'"{tf_type}".')
        return None
    return blk


def _version_finding(ctx: _Ctx, path: tuple[str, ...], what: str, have: tuple[int, ...], attribute: str | None,
                     *, error: str) -> None:
    versions = ctx.schema.provider_versions()
    have_txt = " and ".join(f"{m}.x ({versions.get(m, '?')})" for m in have) or "no indexed version"
    if ctx.major is not None:
        judged = f"{ctx.major}.x ({versions.get(ctx.major, '?')})"
        message = f"{what} exists in hashicorp/aws {have_txt} but not in {judged}, which the configuration pins"
        severity = None
    else:
        newest = max(ctx.schema.majors)
        judged = f"{newest}.x ({versions.get(newest, '?')})"
        message = (f"{what} exists in hashicorp/aws {have_txt} but not in {judged}; the configuration has no "
                   "version constraint, so `terraform init` installs the newest provider")
        severity = Severity.MEDIUM
    ctx.add(ProviderVersionMismatch, path, message, error=error, attribute=attribute, severity=severity,
            fix=f'pin the provider to the major that has it (version = "~> {max(have)}.0") or use the '
                f"{judged.split(' ')[0]} equivalent" if have else "remove it")


def _check_body(ctx: _Ctx, blk: Block, body: dict[str, Any], path: tuple[str, ...], meta: set[str],
                json_syntax: bool) -> None:
    present: set[str] = set()
    for key, value in body.items():
        if key.startswith("//"):
            continue  # JSON-syntax comment
        if key in meta:
            if key == "dynamic":
                present |= _check_dynamic(ctx, blk, value, path, json_syntax)
            continue
        present.add(key)
        if key in blk.arguments:
            arg = blk.arguments[key]
            if not _has(arg.versions, ctx.major) or (ctx.major is None and arg.versions
                                                     and max(ctx.schema.majors) not in arg.versions):
                _version_finding(ctx, path + (key,), f'argument "{key}" of {path[1]}', arg.versions or (), key,
                                 error=f'Error: Unsupported argument: An argument named "{key}" is not expected '
                                       "here.")
            elif not json_syntax and arg.kind in ("map", "string", "number", "bool") and _is_block_syntax(value):
                ctx.add(UnsupportedBlock, path + (key,), f'"{key}" of {path[1]} is an argument ({arg.kind}), '
                        "written as a block", attribute=key,
                        error=f'Error: Unsupported block type: Blocks of type "{key}" are not expected here. Did '
                              f'you mean to define argument "{key}"? If so, use the equals sign to assign it a '
                              "value.",
                        fix=f"write `{key} = {{ ... }}`" if arg.kind == "map" else f"write `{key} = ...`")
            continue
        if key in blk.blocks:
            nb = blk.blocks[key]
            if not _has(nb.versions, ctx.major) or (ctx.major is None and nb.versions
                                                    and max(ctx.schema.majors) not in nb.versions):
                _version_finding(ctx, path + (key,), f'block "{key}" of {path[1]}', nb.versions or (), key,
                                 error=f'Error: Unsupported block type: Blocks of type "{key}" are not expected '
                                       "here.")
                continue
            if not json_syntax and not nb.attribute_syntax and not _is_block_syntax(value):
                ctx.add(UnsupportedArgument, path + (key,), f'"{key}" of {path[1]} is a nested block, written as '
                        "an argument", attribute=key,
                        error=f'Error: Unsupported argument: An argument named "{key}" is not expected here. Did '
                              f'you mean to define a block of type "{key}"?',
                        fix=f"write `{key} {{ ... }}` without the equals sign")
                continue
            items = _items(value)
            if nb.max_items and len(items) > nb.max_items and _is_block_syntax(value):
                ctx.add(TooManyBlocks, path + (key,), f'{len(items)} "{key}" blocks in {path[1]}, the schema allows '
                        f"{nb.max_items}", attribute=key,
                        error=f'Error: Too many {key} blocks: No more than {nb.max_items} "{key}" blocks are '
                              "allowed",
                        fix=f"merge them into {nb.max_items} block")
            for item in items:
                _check_body(ctx, nb.block, item, path + (key,), {"dynamic"}, json_syntax)
            continue
        _unknown(ctx, blk, key, value, path, json_syntax)
    _check_required(ctx, blk, present, path)


def _unknown(ctx: _Ctx, blk: Block, key: str, value: Any, path: tuple[str, ...], json_syntax: bool) -> None:
    where = path[1] if len(path) == 3 else f'{path[1]} block "{path[-1]}"'
    as_block = not json_syntax and _is_block_syntax(value)
    pool = list(blk.blocks) if as_block else [*blk.arguments, *blk.blocks]
    pool = [n for n in pool if _named_in(blk, n, ctx.major)]
    near = suggest(key, pool)
    tf_near = terraform_suggestion(key, pool)
    hint = f' Did you mean "{tf_near}"?' if tf_near else ""
    if as_block:
        ctx.add(UnsupportedBlock, path + (key,), f'{where} has no block "{key}" in {ctx.release()}', attribute=key,
                error=f'Error: Unsupported block type: Blocks of type "{key}" are not expected here.{hint}',
                fix=f'use "{near}"' if near else f"remove the block (see the {path[1]} documentation)")
    else:
        ctx.add(UnsupportedArgument, path + (key,), f'{where} has no argument "{key}" in {ctx.release()}',
                attribute=key,
                error=f'Error: Unsupported argument: An argument named "{key}" is not expected here.{hint}',
                fix=f'use "{near}"' if near else f"remove the argument (see the {path[1]} documentation)")


def _named_in(blk: Block, name: str, major: int | None) -> bool:
    item = blk.arguments.get(name) or blk.blocks.get(name)
    return item is not None and _has(item.versions, major)


def _check_dynamic(ctx: _Ctx, blk: Block, value: Any, path: tuple[str, ...], json_syntax: bool) -> set[str]:
    """`dynamic "x" { for_each = ... content { ... } }`: x must be a block; its content is checked as one."""
    labels: set[str] = set()
    for entry in _items(value):
        for label, spec_value in entry.items():
            labels.add(label)
            specs = _items(spec_value)
            nb = blk.blocks.get(label)
            if nb is None:
                arg = blk.arguments.get(label)
                near = suggest(label, blk.blocks)
                tf_near = terraform_suggestion(label, blk.blocks)
                extra = (f' Did you mean to define argument "{label}"? If so, use the equals sign to assign it a '
                         "value.") if arg else (f' Did you mean "{tf_near}"?' if tf_near else "")
                ctx.add(UnsupportedBlock, path + (label,), f'dynamic "{label}": {path[1]} has no block "{label}" '
                        f"in {ctx.release()}", attribute=label,
                        error=f'Error: Unsupported block type: Blocks of type "{label}" are not expected here.{extra}',
                        fix=f'use "{near}"' if near and not arg else "generate it with a for expression instead "
                        "of a dynamic block" if arg else "remove the dynamic block")
                continue
            for spec in specs:
                for content in _items(spec.get("content")):
                    _check_body(ctx, nb.block, content, path + (label,), {"dynamic"}, json_syntax)
    return labels


def _check_required(ctx: _Ctx, blk: Block, present: set[str], path: tuple[str, ...]) -> None:
    newest = max(ctx.schema.majors) if ctx.schema.majors else None
    for name, arg in blk.arguments.items():
        if name in present:
            continue
        judge = ctx.major if ctx.major is not None else newest
        required = arg.required(judge) if ctx.major is not None else (arg.required() and _has(arg.versions, newest))
        if required:
            ctx.add(MissingRequiredArgument, path, f'{path[1] if len(path) == 3 else path[-1]} needs "{name}" '
                    f"({ctx.release()})", attribute=name,
                    error=f'Error: Missing required argument: The argument "{name}" is required, but no definition '
                          "was found.",
                    fix=f"set `{name}` ({arg.kind})")
    for name, nb in blk.blocks.items():
        if name in present or not nb.min_items or nb.attribute_syntax or not _has(nb.versions, ctx.major):
            continue
        ctx.add(MissingRequiredArgument, path, f'{path[1] if len(path) == 3 else path[-1]} needs at least '
                f'{nb.min_items} "{name}" block ({ctx.release()})', attribute=name,
                error=f'Error: Insufficient {name} blocks: At least {nb.min_items} "{name}" blocks are required.',
                fix=f"add a `{name} {{ ... }}` block")


# -- references ---------------------------------------------------------------------------------------------------
def _strings(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every string under a body with the locator path of the argument holding it (dynamic/content folded the
    way the locator indexes them)."""
    if isinstance(value, str):
        if "${" in value:
            yield path, value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, path)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k in ("dynamic", "content"):
                yield from _strings(v, path)
            else:
                yield from _strings(v, path + (str(k),))


def _expressions(text: str) -> Iterator[str]:
    """The `${...}` parts of a template string, nested braces kept together."""
    i = 0
    while True:
        start = text.find("${", i)
        if start < 0:
            return
        depth, j = 0, start + 1
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        yield text[start + 2:j]
        i = j + 1


def _scopes(config: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    for kind in ("resource", "data"):
        for tf_type, named in _typed(config.get(kind)):
            for name, body in named.items():
                yield (kind, tf_type, name), body
    for kind in ("output", "module", "provider", "variable"):
        section = config.get(kind)
        for part in (section if isinstance(section, list) else [section]):
            if isinstance(part, dict):
                for name, body in part.items():
                    yield (kind, name), body
    locals_ = config.get("locals")
    for part in (locals_ if isinstance(locals_, list) else [locals_]):
        if isinstance(part, dict):
            yield ("locals",), part


def _check_references(ctx: _Ctx, config: dict[str, Any], declared: dict[str, set[tuple[str, str]]]) -> None:
    declared_types = {t for t, _ in declared["resource"]}
    seen: set[tuple[tuple[str, ...], str]] = set()
    for scope, body in _scopes(config):
        for path, text in _strings(body, scope):
            for expr in _expressions(text):
                for m in _REF.finditer(expr):
                    is_data, tf_type, name, _index, attr = m.groups()
                    if tf_type in _KEYWORDS or (not is_data and tf_type not in declared_types
                                                and (_provider_of(tf_type) != "aws"
                                                     or ctx.schema.resource(tf_type) is None)):
                        continue  # not a resource reference (for-expression variables, other providers' names)
                    key = (path, m.group(0))
                    if key in seen:
                        continue
                    seen.add(key)
                    _reference(ctx, path, "data" if is_data else "resource", tf_type, name, attr, declared)


def _attr_path(path: tuple[str, ...]) -> str | None:
    """The argument holding a reference, dotted below its block (`environment.variables.QUEUE`)."""
    start = 3 if path[0] in ("resource", "data") else 2
    return ".".join(path[start:]) or None


def _reference(ctx: _Ctx, path: tuple[str, ...], kind: str, tf_type: str, name: str, attr: str | None,
               declared: dict[str, set[tuple[str, str]]]) -> None:
    ref = f"{'data.' if kind == 'data' else ''}{tf_type}.{name}"
    if (tf_type, name) not in declared[kind]:
        names = [n for t, n in declared[kind] if t == tf_type]
        near = suggest(name, names)
        what = "managed resource" if kind == "resource" else "data resource"
        tf_near = terraform_suggestion(name, names)
        ctx.add(UndeclaredResource, path, f"{ref} is referenced but not declared in this module",
                attribute=_attr_path(path), symbol=ref,
                error=f'Error: Reference to undeclared resource: A {what} "{tf_type}" "{name}" has not been '
                      "declared in the root module." + (f' Did you mean "{tf_near}"?' if tf_near else ""),
                fix=f'refer to "{tf_type}.{near}"' if near else f'declare `{kind} "{tf_type}" "{name}"` or '
                    "refer to one that exists")
        return
    if attr is None or attr in ALWAYS_ATTRS or _provider_of(tf_type) != "aws":
        return
    blk = ctx.schema.resource(tf_type) if kind == "resource" else ctx.schema.data_source(tf_type)
    if blk is None:
        return  # the declaration is reported as an unknown type
    if attr in blk.names(ctx.major):
        return
    if attr in blk.names(None):
        have = tuple(m for m in ctx.schema.majors if attr in blk.names(m))
        _version_finding(ctx, path, f'attribute "{attr}" of {tf_type} (read as {ref}.{attr})', have, _attr_path(path),
                         error=f'Error: Unsupported attribute: This object has no argument, nested block, or '
                               f'exported attribute named "{attr}".')
        return
    near = suggest(attr, blk.names(ctx.major))
    tf_near = terraform_suggestion(attr, blk.names(ctx.major))
    ctx.add(UnsupportedAttribute, path, f'{ref}.{attr}: {tf_type} has no attribute "{attr}" in {ctx.release()}',
            attribute=_attr_path(path), symbol=f"{ref}.{attr}",
            error=f'Error: Unsupported attribute: This object has no argument, nested block, or exported attribute '
                  f'named "{attr}".' + (f' Did you mean "{tf_near}"?' if tf_near else ""),
            fix=f"use {ref}.{near}" if near else f"use an attribute that {tf_type} exports")

"""What a Terraform configuration refers to, checked on the blocks as written (TFS016, TFS017).

- TFS016: `module.<name>.<output>` where the module's source is a local directory whose files declare no such
  output (`terraform validate`: Unsupported attribute). References are read from the expression trees, so only real
  traversals count (text in a string is not a reference).
- TFS017: variables, locals and data sources that no expression of their own module reads. Here a mention anywhere
  in an expression's text counts as a use (strings included), so a use is never missed: a false "unused" would be
  worse than a missed one.

A module directory with a file that does not parse is not judged (its outputs or uses may be in that file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark import Token, Tree

from iacqa.catalog.terraform_references import UndeclaredModuleOutput, UnusedDeclaration
from iacqa.frontends.terraform.model import Attr, Block, Body, JsonExpr, Module, norm_path
from iacqa.model import Finding, Location

_INDEX = "[]"
# Data sources read for their side effect: archive_file writes the zip a function's `filename` names as a literal
# path, external runs a program. Never "unused" even when no expression reads them.
_SIDE_EFFECT_DATA = frozenset({"archive_file", "external"})
# Variables the TAP scaffold's provider.tf reads (region and default tags). A root module without any provider
# block is deployed with that file beside it, so these are not judged there.
_SCAFFOLD_PROVIDER_VARS = frozenset({"aws_region", "region", "environment_suffix", "repository", "commit_author",
                                     "pr_number", "team"})
_JSON_MODULE_REF = re.compile(r"\bmodule\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([A-Za-z_][\w-]*)")
_INTERPOLATION = re.compile(r"\$\{(.*?)\}", re.S)


def reference_findings(module: Module, children: list[Module]) -> list[Finding]:
    """TFS016 and TFS017 for a root module and the local modules it loaded."""
    by_dir = {m.dir: m for m in children}
    out: list[Finding] = []
    for m in [module, *children]:
        for check in (lambda m=m: _module_outputs(m, by_dir), lambda m=m: _unused(m, m is module)):
            try:
                out.extend(check())
            except Exception:  # noqa: BLE001 - a shape these checks do not know must never stop the front end
                continue
    return out


# -- traversals ---------------------------------------------------------------------------------------------------
def _ident(node: Any) -> str | None:
    if isinstance(node, Token):
        return str(node)
    if isinstance(node, Tree) and node.data == "identifier" and node.children:
        return str(node.children[0])
    return None


def _chain(node: Any) -> tuple[list[str], int | None] | None:
    """`module.x.y[0].z` -> (["module", "x", "y", "[]", "z"], line of the last name); None if the expression does
    not start with a name."""
    if not isinstance(node, Tree):
        return None
    if node.data == "expr_term" and len(node.children) == 1:
        child = node.children[0]
        name = _ident(child)
        if name is not None:
            tok = child if isinstance(child, Token) else child.children[0]
            return [name], getattr(tok, "line", None)
        return _chain(child)
    if node.data == "get_attr_expr_term" and len(node.children) == 2:
        base = _chain(node.children[0])
        get_attr = node.children[1]
        if base is None or not isinstance(get_attr, Tree):
            return None
        ident = next((c for c in get_attr.children if _ident(c) not in (None, ".")), None)
        if ident is None:
            return None
        tok = ident if isinstance(ident, Token) else ident.children[0]
        return [*base[0], _ident(ident) or ""], getattr(tok, "line", None) or base[1]
    if node.data == "index_expr_term" and node.children:
        base = _chain(node.children[0])
        return None if base is None else ([*base[0], _INDEX], base[1])
    return None


def _traversals(tree: Any) -> Iterator[tuple[list[str], int | None]]:
    """Every maximal traversal in an expression tree (a chain is not repeated for each of its prefixes)."""
    if not isinstance(tree, Tree):
        return
    if tree.data in ("get_attr_expr_term", "index_expr_term"):
        hit = _chain(tree)
        if hit is not None:
            yield hit
        # the base is part of this chain; only look for other expressions inside (index keys)
        for child in tree.children[1:]:
            yield from _traversals(child)
        inner = tree.children[0]
        while isinstance(inner, Tree) and inner.data == "expr_term" and len(inner.children) == 1 \
                and isinstance(inner.children[0], Tree) and inner.children[0].data in ("get_attr_expr_term",
                                                                                       "index_expr_term"):
            inner = inner.children[0]
            for child in inner.children[1:]:
                yield from _traversals(child)
            inner = inner.children[0]
        return
    for child in tree.children:
        yield from _traversals(child)


def _attrs(body: Body) -> Iterator[Attr]:
    yield from body.attributes.values()
    for b in body.blocks:
        yield from _attrs(b.body)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _text(attr: Attr) -> str:
    """Everything an attribute's expression says, as text (the whole value for the JSON syntax)."""
    if isinstance(attr.expr, JsonExpr):
        return "\n".join(_strings(attr.expr.value))
    return attr.text or ""


# -- TFS016 -------------------------------------------------------------------------------------------------------
def _module_refs(module: Module) -> Iterator[tuple[str, str, Location]]:
    """(module name, output name, where) of every `module.<name>.<output>` in the module's expressions."""
    for block in module.blocks:
        for attr in _attrs(block.body):
            if isinstance(attr.expr, JsonExpr):
                for s in _strings(attr.expr.value):
                    for inner in _INTERPOLATION.findall(s):
                        for m in _JSON_MODULE_REF.finditer(inner):
                            yield m.group(1), m.group(2), Location(attr.file, attr.line)
                continue
            for names, line in _traversals(attr.expr):
                if len(names) < 3 or names[0] != "module" or names[1] == _INDEX:
                    continue
                rest = names[2:]
                while rest and rest[0] == _INDEX:  # module.x[0].out, module.x["k"].out (count / for_each)
                    rest = rest[1:]
                if rest:
                    yield names[1], rest[0], Location(attr.file, line or attr.line)


def _literal(attr: Attr | None) -> Any:
    if attr is None:
        return None
    if isinstance(attr.expr, JsonExpr):
        return attr.expr.value
    text = (attr.text or "").strip()
    if len(text) >= 2 and text[0] == text[-1] == '"' and "${" not in text:
        return text[1:-1]
    return None


def _module_outputs(module: Module, by_dir: dict[str, Module]) -> Iterator[Finding]:
    if module.errors:
        return
    calls: dict[str, tuple[Block, str, Module]] = {}
    for call in module.of("module"):
        source = _literal(call.body.attributes.get("source"))
        if not call.labels or not isinstance(source, str) or not source.startswith(("./", "../")):
            continue
        child = by_dir.get(norm_path(f"{module.dir}/{source}"))
        if child is None or child.errors or not child.blocks:
            continue
        calls[call.labels[0]] = (call, source, child)
    if not calls:
        return
    missing: dict[tuple[str, str], list[Location]] = {}
    for name, output, loc in _module_refs(module):
        if name not in calls:
            continue
        _call, _source, child = calls[name]
        if output in {b.labels[0] for b in child.of("output") if b.labels}:
            continue
        missing.setdefault((name, output), []).append(loc)
    bare: dict[str, list[tuple[str, Location]]] = {}  # calls of modules without any output: grouped per call
    for (name, output), locs in missing.items():
        if not calls[name][2].of("output"):
            bare.setdefault(name, []).extend((output, loc) for loc in locs)
    yield from _without_outputs(bare, calls)
    for (name, output), locs in missing.items():
        _call, source, child = calls[name]
        if name in bare:
            continue
        declared = sorted(b.labels[0] for b in child.of("output") if b.labels)
        first = locs[0]
        lines = sorted({loc.line for loc in locs if loc.line and loc.file == first.file})
        shown = ", ".join(declared[:12]) + (" ..." if len(declared) > 12 else "")
        yield UndeclaredModuleOutput.finding(
            f"module.{name}.{output} is read{f' {len(locs)} times' if len(locs) > 1 else ''}, but {source} "
            f"declares no output \"{output}\" (its outputs: {shown or 'none'})",
            location=first, symbol=f"module.{name}.{output}",
            error=f'Error: Unsupported attribute: This object does not have an attribute named "{output}".',
            fix=f"add output \"{output}\" {{ value = ... }} to {source}, or read one of its outputs"
            + (f" ({shown})" if shown else ""), module=name, output=output, lines=lines,
        ).with_(stage="frontend")


def _without_outputs(bare: dict[str, list[tuple[str, Location]]],
                     calls: dict[str, tuple[Block, str, Module]]) -> Iterator[Finding]:
    """A module that declares no output at all while the caller reads several: its outputs.tf is not in the
    project (a response that shows only a module's main.tf). One finding per call, every output and line listed,
    as TFS013 does for a module without variables."""
    for name, reads in bare.items():
        _call, source, _child = calls[name]
        reads.sort(key=lambda r: (r[1].file or "", r[1].line or 0))
        outputs = sorted({o for o, _l in reads})
        first = reads[0][1]
        shown = ", ".join(outputs[:8]) + (", ..." if len(outputs) > 8 else "")
        yield UndeclaredModuleOutput.finding(
            f"module.{name} reads {len(outputs)} output(s) ({shown}) but {source} declares no output at all: its "
            "outputs.tf is not in the project", location=first, symbol=f"module.{name}",
            error=f'Error: Unsupported attribute: This object does not have an attribute named "{reads[0][0]}".',
            fix=f"ship {source}/outputs.tf declaring {shown}", module=name, outputs=outputs,
            lines=sorted({loc.line for _o, loc in reads if loc.line and loc.file == first.file}),
        ).with_(stage="frontend")


# -- TFS017 -------------------------------------------------------------------------------------------------------
def _declarations(module: Module, root: bool) -> Iterator[tuple[str, str, Location, Block]]:
    """(kind, reference text, where, declaring block) for variables, locals and top-level data sources."""
    scaffold = root and not module.of("provider")
    for b in module.blocks:
        if b.type == "variable" and b.labels:
            if scaffold and b.labels[0] in _SCAFFOLD_PROVIDER_VARS:
                continue
            yield "variable", f"var.{b.labels[0]}", Location(b.file, b.line), b
        elif b.type == "data" and len(b.labels) >= 2 and b.labels[0] not in _SIDE_EFFECT_DATA:
            yield "data source", f"data.{b.labels[0]}.{b.labels[1]}", Location(b.file, b.line), b
        elif b.type == "locals":
            for name, a in b.body.attributes.items():
                yield "local", f"local.{name}", Location(a.file, a.line), b


def _block_texts(module: Module) -> list[tuple[Block, list[tuple[str, str]]]]:
    """Per top-level block: (attribute name, expression text) of every attribute, nested blocks included."""
    return [(b, [(a.name, _text(a)) for a in _attrs(b.body)]) for b in module.blocks]


def _unused(module: Module, root: bool = False) -> Iterator[Finding]:
    if module.errors:
        return
    texts = _block_texts(module)
    unused: list[tuple[str, str, Location]] = []
    for kind, ref, loc, decl in _declarations(module, root):
        pattern = re.compile(re.escape(ref).replace(r"\.", r"\s*\.\s*") + r"(?![\w-])")
        used = False
        for block, attrs in texts:
            for name, text in attrs:
                if block is decl and (kind != "local" or f"local.{name}" == ref):
                    continue  # a variable's own validation, a local's own value: not a use
                if pattern.search(text):
                    used = True
                    break
            if used:
                break
        if not used:
            unused.append((kind, ref, loc))
    by_file: dict[str | None, list[tuple[str, str, Location]]] = {}
    for item in unused:
        by_file.setdefault(item[2].file, []).append(item)
    for file, items in by_file.items():
        items.sort(key=lambda i: i[2].line or 0)
        listed = ", ".join(f"{ref} (line {loc.line})" if loc.line else ref for _k, ref, loc in items[:12])
        more = f" and {len(items) - 12} more" if len(items) > 12 else ""
        kinds = sorted({k for k, _r, _l in items})
        first = items[0]
        yield UnusedDeclaration.finding(
            f"{file or module.dir}: {len(items)} {'/'.join(kinds)} declaration(s) nothing in {module.dir}/ reads: "
            f"{listed}{more}", location=first[2], symbol=first[1],
            error=f"nothing at deploy; tflint (terraform_unused_declarations): {_tflint(first[0], first[1])}",
            fix="use each of them where it was meant to apply, or delete it",
            names=[r for _k, r, _l in items], lines=[loc.line for _k, _r, loc in items if loc.line],
        ).with_(stage="frontend")


def _tflint(kind: str, ref: str) -> str:
    """tflint's message for one unused declaration."""
    parts = ref.split(".")
    if kind == "variable":
        return f'variable "{parts[1]}" is declared but not used'
    if kind == "data source":
        return f'data "{parts[1]}" "{parts[2]}" is declared but not used'
    return f"local.{parts[1]} is declared but not used"

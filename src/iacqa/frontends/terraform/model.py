"""A Terraform configuration as blocks, attributes and unevaluated expressions, with source lines.

Two inputs give the same model: HCL files (parsed by python-hcl2's lark grammar, so expressions stay trees with
line numbers) and Terraform's JSON configuration syntax (what cdktf writes to cdk.tf.json), whose `${...}`
strings are parsed by the same grammar when evaluated (config.to_config renders the model in the JSON-configuration
shape that python-hcl2's own `load` gives).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lark import Token, Tree

from iacqa.model import Location

META_ARGS = {"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"}


@dataclass
class JsonExpr:
    """A value from the JSON syntax: strings are templates, objects and arrays hold more values."""

    value: Any


@dataclass
class Attr:
    name: str
    expr: Tree | JsonExpr
    file: str | None = None
    line: int | None = None
    text: str = ""  # the expression as written (for messages and the name-only config)


@dataclass
class Body:
    attributes: dict[str, Attr] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Block:
    type: str
    labels: list[str]
    body: Body
    file: str | None = None
    line: int | None = None
    end_line: int | None = None

    def location(self) -> Location:
        return Location(self.file, self.line, self.end_line)


@dataclass
class Module:
    """The blocks of one module directory (all its .tf files)."""

    dir: str  # project-relative directory ("lib", "lib/modules/queue"); "." for the root
    blocks: list[Block] = field(default_factory=list)
    errors: list[tuple[str, int | None, str]] = field(default_factory=list)  # (file, line, message)

    def of(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]


def norm_path(path: str) -> str:
    """A module directory path as Terraform keys it: `./a/../modules/x/` -> `modules/x` (`.` for the root); a `..`
    that climbs above the root is kept."""
    parts: list[str] = []
    for p in path.split("/"):
        if p in ("", "."):
            continue
        if p == ".." and parts and parts[-1] != "..":
            parts.pop()
        else:
            parts.append(p)
    return "/".join(parts) or "."


class ParseError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


# -- HCL ---------------------------------------------------------------------------------------------------------
def _name(node: Any) -> str:
    """A block type/label or attribute name: identifier, keyword or quoted string."""
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        return "".join(str(p.children[0]) for p in node.children if isinstance(p, Tree) and p.data == "string_part"
                       and p.children and isinstance(p.children[0], Token))
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, Token)))


def _body(tree: Tree, file: str, text: str) -> Body:
    body = Body()
    for child in tree.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = _name(child.children[0])
            expr = child.children[-1]
            src = text[expr.meta.start_pos:expr.meta.end_pos] if not expr.meta.empty else ""
            body.attributes[name] = Attr(name, expr, file, child.meta.line, src)
        elif child.data == "block":
            parts = [c for c in child.children if isinstance(c, Tree) and c.data in ("identifier", "string",
                                                                                     "keyword", "literal_value")]
            inner = next(c for c in child.children if isinstance(c, Tree) and c.data == "body")
            names = [_name(p) for p in parts]
            body.blocks.append(Block(names[0], names[1:], _body(inner, file, text), file, child.meta.line,
                                     child.meta.end_line))
    return body


def parse_hcl(text: str, file: str) -> Body:
    """One .tf file. Raises ParseError with the line the parser stopped at."""
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text if text.endswith("\n") else text + "\n")
    except UnexpectedInput as exc:
        raise ParseError(str(exc).strip().splitlines()[0], getattr(exc, "line", None)) from None
    except (LarkError, RecursionError, ValueError) as exc:
        raise ParseError(f"{type(exc).__name__}: {exc}".splitlines()[0], None) from None
    return _body(tree.children[0], file, text)


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> Tree:
    """An expression given as text (`var.x`, the inside of a JSON `${...}`)."""
    import hcl2

    tree = hcl2.parses_to_tree(f"x = {text}\n")
    attr = next(c for c in tree.children[0].children if isinstance(c, Tree) and c.data == "attribute")
    return attr.children[-1]


def hcl_string(text: str) -> str:
    """A Python string as an HCL quoted-string literal that keeps `${...}` interpolation live."""
    return json.dumps(text).replace("%{", "%%{") if "%{" in text and "${" not in text else json.dumps(text)


@lru_cache(maxsize=4096)
def parse_template(text: str) -> Tree:
    """A template string (JSON syntax value or heredoc body) as an HCL string expression."""
    return parse_expression(hcl_string(text))


# -- JSON syntax (cdk.tf.json, *.tf.json) -------------------------------------------------------------------------
def _json_body(obj: dict[str, Any], file: str | None, locate: Callable[[tuple[str, ...]], Location | None] | None,
               path: tuple[str, ...]) -> Body:
    body = Body()
    for key, value in obj.items():
        if key.startswith("//"):
            continue
        loc = locate(path + (key,)) if locate else None
        body.attributes[key] = Attr(key, JsonExpr(value), loc.file if loc else file, loc.line if loc else None,
                                    json.dumps(value)[:200])
    return body


def module_from_json(config: dict[str, Any], dir_: str = ".", file: str | None = None,
                     locate: Callable[[tuple[str, ...]], Location | None] | None = None) -> Module:
    """Terraform's JSON configuration syntax -> Module (resources, data, variables, locals, outputs, modules)."""
    mod = Module(dir_)
    for kind in ("resource", "data"):
        for rtype, named in (config.get(kind) or {}).items():
            for name, body in (named or {}).items():
                if not isinstance(body, dict):
                    continue
                loc = locate((kind, rtype, name)) if locate else None
                mod.blocks.append(Block(kind, [rtype, name], _json_body(body, file, locate, (kind, rtype, name)),
                                        loc.file if loc else file, loc.line if loc else None))
    for kind in ("variable", "output", "module", "provider"):
        for name, body in (config.get(kind) or {}).items():
            if isinstance(body, list):  # providers may be a list of aliased configurations
                body = body[0] if body and isinstance(body[0], dict) else {}
            if isinstance(body, dict):
                mod.blocks.append(Block(kind, [name], _json_body(body, file, locate, (kind, name)), file, None))
    locals_ = config.get("locals") or {}
    if isinstance(locals_, dict) and locals_:
        mod.blocks.append(Block("locals", [], _json_body(locals_, file, locate, ("locals",)), file, None))
    tf = config.get("terraform")
    if isinstance(tf, dict):
        mod.blocks.append(Block("terraform", [], _json_body(tf, file, locate, ("terraform",)), file, None))
    return mod


def locator(module: Module) -> Callable[[tuple[str, ...]], Location | None]:
    """Path such as ("resource", "aws_sqs_queue", "q", "redrive_policy") -> where it is written."""
    index: dict[tuple[str, ...], Location] = {}

    def walk(body: Body, prefix: tuple[str, ...]) -> None:
        for name, a in body.attributes.items():
            index.setdefault(prefix + (name,), Location(a.file, a.line))
        for b in body.blocks:
            key = prefix + ((b.labels[0],) if b.type == "dynamic" and b.labels else (b.type,))
            index.setdefault(key, Location(b.file, b.line, b.end_line))
            inner = next((c.body for c in b.body.blocks if c.type == "content"), None) if b.type == "dynamic" else None
            walk(inner or b.body, key)

    for b in module.blocks:
        key = (b.type, *b.labels)
        index.setdefault(key, Location(b.file, b.line, b.end_line))
        walk(b.body, key)

    def locate(path: tuple[str, ...]) -> Location | None:
        parts = tuple(p for p in path if not str(p).isdigit())
        for i in range(len(parts), 0, -1):
            hit = index.get(parts[:i])
            if hit is not None:
                return hit
        return None

    return locate

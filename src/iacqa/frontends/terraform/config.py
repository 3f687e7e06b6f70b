"""A Terraform module in the JSON-configuration shape that python-hcl2's own `load` gives, for checks that only need
names (the provider schema check): attributes as literals or `${text}`, nested blocks as lists of dicts.

Above the evaluator (it renders constant expressions with it), so the model module stays free of it.
"""

from __future__ import annotations

from typing import Any

from lark import Tree

from iacqa.frontends.terraform.expressions import literal
from iacqa.frontends.terraform.model import Body, JsonExpr, Module


def _literal(expr: Tree | JsonExpr, text: str) -> Any:
    if isinstance(expr, JsonExpr):
        return expr.value
    try:
        return literal(expr, text)
    except Exception:  # noqa: BLE001 - anything not a plain literal is kept as its source text
        return "${" + text + "}"


def body_dict(body: Body) -> dict[str, Any]:
    """A body in python-hcl2 `load` shape: attributes as literals or `${text}`, nested blocks as lists of dicts."""
    out: dict[str, Any] = {name: _literal(a.expr, a.text) for name, a in body.attributes.items()}
    for b in body.blocks:
        if b.type == "dynamic" and b.labels:
            out.setdefault("dynamic", []).append({b.labels[0]: body_dict(b.body)})
        else:
            out.setdefault(b.type, []).append(body_dict(b.body))
    return out


def to_config(module: Module) -> dict[str, Any]:
    """The module in JSON-configuration shape (resources and data sources by type and name)."""
    cfg: dict[str, Any] = {}
    for b in module.blocks:
        if b.type in ("resource", "data") and len(b.labels) >= 2:
            cfg.setdefault(b.type, {}).setdefault(b.labels[0], {})[b.labels[1]] = body_dict(b.body)
        elif b.type in ("variable", "output", "module", "provider") and b.labels:
            cfg.setdefault(b.type, {})[b.labels[0]] = body_dict(b.body)
        elif b.type in ("locals", "terraform"):
            cfg.setdefault(b.type, {}).update(body_dict(b.body))
    return cfg

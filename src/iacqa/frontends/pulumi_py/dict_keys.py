"""Keys of plain dicts passed where pulumi-aws takes an input type (`deployment_configuration={...}`).

pulumi-aws accepts either `XArgs(...)` or a dict shaped like the `XArgsDict` TypedDict for every nested input. A
misspelt keyword of `XArgs(...)` fails at once (SDK002); a misspelt dict key does not: the SDK passes it on under
its own name, so the setting never reaches AWS as written. The TypedDicts are the SDK's own reference for the keys:
read from the installed package with `typing` (no hand list), following nested dicts and lists of dicts.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from functools import lru_cache
from typing import Any

from iacqa.frontends.pycheck.suggest import closest
from iacqa.knowledge.naming import snake

_ARGS_DICT = re.compile(r"ForwardRef\('(?:inputs\.)?(\w+ArgsDict)'\)")


@lru_cache(maxsize=2048)
def _typed_dict(module: str, name: str) -> type | None:
    mod = sys.modules.get(module)
    cls = getattr(mod, name, None) if mod is not None else None
    return cls if isinstance(cls, type) and hasattr(cls, "__optional_keys__") else None


def _dict_type(annotation: Any, module: str) -> type | None:
    """The `XArgsDict` an annotation allows (searched in the resource module's `_inputs`)."""
    m = _ARGS_DICT.search(repr(annotation))
    if not m:
        return None
    return _typed_dict(f"{module}._inputs", m.group(1)) or _typed_dict(module, m.group(1))


def _fields(td: type) -> frozenset[str]:
    return frozenset(td.__required_keys__ | td.__optional_keys__)


def keyword_dict_type(resource_cls: Any, keyword: str) -> type | None:
    """The TypedDict of `keyword` of a pulumi-aws resource class, if its input is a nested input type."""
    init = getattr(resource_cls, "_internal_init", None)
    try:
        param = inspect.signature(init).parameters.get(keyword) if init is not None else None
    except (TypeError, ValueError):
        return None
    if param is None:
        return None
    return _dict_type(param.annotation, resource_cls.__module__.rsplit(".", 1)[0])


def unknown_keys(td: type, node: ast.AST, path: str) -> list[tuple[ast.AST, str, str, list[str]]]:
    """(key node, dotted path, the TypedDict's name, close names) for each literal key that `td` lacks, in `node`
    (a dict literal, or a list of them) and in the dicts nested in it."""
    out: list[tuple[ast.AST, str, str, list[str]]] = []
    items = node.elts if isinstance(node, ast.List | ast.Tuple) else [node]
    module = td.__module__.rsplit(".", 1)[0]
    fields = _fields(td)
    hints = getattr(td, "__annotations__", {})
    for item in items:
        if not isinstance(item, ast.Dict):
            continue
        for k, v in zip(item.keys, item.values, strict=False):
            if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
                continue  # **spread or a computed key: not judged
            if k.value not in fields and snake(k.value) not in fields:
                # the wire name (`assignPublicIp`) is what the SDK sends for a snake_case key: accepted as well
                out.append((k, f"{path}.{k.value}", td.__name__, closest(k.value, sorted(fields))))
                continue
            inner = _dict_type(hints.get(k.value if k.value in fields else snake(k.value)), module)
            if inner is not None and isinstance(v, ast.Dict | ast.List | ast.Tuple):
                out.extend(unknown_keys(inner, v, f"{path}.{k.value}"))
    return out

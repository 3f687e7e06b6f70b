"""YAML and JSON from untrusted input, with limits: iacqa reads them in its own process.

A YAML alias bomb ("billion laughs") is small on disk and parses into shared references, but whatever walks the
result afterwards (json.dumps of a Pulumi config value, a Terraform yamldecode result) expands it exponentially:
6 GB of RAM for a 1 KB Pulumi.<stack>.yaml. `load_yaml` measures the expanded size of the composed node graph
(memoized, so the measurement itself stays linear in the file) and refuses past `max_nodes`, refuses more than
`max_aliases` alias uses and texts over `max_bytes`. `load_json` has the size limit and a nesting limit.
"""

from __future__ import annotations

import json
from typing import Any

MAX_BYTES = 20 * 2**20
MAX_NODES = 1_000_000
MAX_ALIASES = 10_000
MAX_DEPTH = 200


class LoadLimit(ValueError):
    """The document exceeds a safety limit (size, aliases, expanded size, depth)."""


def _check_size(text: str | bytes, max_bytes: int) -> None:
    if len(text) > max_bytes:
        raise LoadLimit(f"the document is {len(text)} bytes, over the {max_bytes}-byte limit")


def load_yaml(text: str | bytes, *, max_bytes: int = MAX_BYTES, max_nodes: int = MAX_NODES,
              max_aliases: int = MAX_ALIASES) -> Any:
    """yaml.safe_load with limits; raises LoadLimit past them (yaml.YAMLError for invalid YAML)."""
    import yaml

    _check_size(text, max_bytes)
    loader = yaml.SafeLoader(text)
    try:
        aliases = 0
        # Count alias uses while composing: the composer resolves each alias to the anchored node.
        orig_compose_node = loader.compose_node

        def compose_node(parent: Any, index: Any) -> Any:
            nonlocal aliases
            if loader.check_event(yaml.AliasEvent):
                aliases += 1
                if aliases > max_aliases:
                    raise LoadLimit(f"more than {max_aliases} YAML aliases")
            return orig_compose_node(parent, index)

        loader.compose_node = compose_node  # type: ignore[method-assign]
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, max_nodes)
        if size > max_nodes:
            raise LoadLimit(f"the document expands to more than {max_nodes} values (YAML aliases: an alias bomb?)")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(root: Any, limit: int) -> int:
    """Number of values the document has once every alias is expanded; memoized per node, iterative."""
    import yaml

    memo: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in memo:
            continue
        if isinstance(node, yaml.ScalarNode):
            memo[key] = 1
            continue
        children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else list(node.value)
        if not done:
            if key in on_path:  # a recursive structure (an alias inside its own anchor) never ends
                raise LoadLimit("a YAML alias refers to the node that contains it")
            on_path.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in memo)
            continue
        on_path.discard(key)
        memo[key] = min(limit + 1, 1 + sum(memo.get(id(c), 1) for c in children))
    return memo[id(root)]


def load_json(text: str | bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads with a size limit and a nesting limit (deep nesting costs recursion in every later walk)."""
    _check_size(text, max_bytes)
    s = text.decode(errors="replace") if isinstance(text, bytes) else text
    depth = best = 0
    in_str = esc = False
    for ch in s:  # a linear pre-scan: json.loads itself would hit RecursionError on deep input
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
            if best > max_depth:
                raise LoadLimit(f"JSON nested deeper than {max_depth} levels")
        elif ch in "]}":
            depth -= 1
    return json.loads(s)

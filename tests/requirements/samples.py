"""Build small graphs from the compact sample form of the concept knowledge base: {CFN type: props | [props]}."""

from __future__ import annotations

from typing import Any

from iacqa.model import Location, Resource, ResourceGraph


def graph_of(spec: dict[str, Any] | None, platform: str = "cfn") -> ResourceGraph:
    graph = ResourceGraph(platform=platform)
    for cfn_type, props in (spec or {}).items():
        items = props if isinstance(props, list) else [props]
        short = cfn_type.split("::")[-1]
        for i, p in enumerate(items, 1):
            rid = f"{short}{i}"
            graph.add(Resource(id=rid, type=cfn_type, native_type=cfn_type, properties=dict(p or {}),
                               location=Location("lib/tap_stack.py", i),
                               outputs={"Arn": f"arn:aws:test:us-east-1:123456789012:{short.lower()}/{rid}",
                                        "Name": rid}))
    return graph

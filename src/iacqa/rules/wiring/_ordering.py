"""What orders one resource after another at deploy, and which lambda permissions grant a service principal.

Not a rule module: it defines no Rule subclass. Shared by WIR015 (S3 notifications) and WIR016 (Lambda targets of
a load balancer): both need "the grant is in place before the resource that makes AWS check it".

CloudFormation, Terraform and Pulumi create resources in parallel unless one refers to the other (a `Ref`/`GetAtt`,
an attribute reference, an `Output` passed as input) or an explicit `DependsOn`/`depends_on` orders them. The graph
keeps explicit dependencies as ids and references as resolved values, so "B is ordered after A" is: A is in the
closure of B's explicit dependencies and of the resources B's property values name. The reading is generous on
purpose (a value that names a resource counts as a reference, a `depends_on` on a Pulumi component counts for
its children, a Terraform `depends_on` on a module or a counted resource counts for every instance): a missing
edge would turn working code into a finding, an extra one only hides a finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from iacqa.knowledge.iam import action_matches, resource_matches
from iacqa.model import Resource, ResourceGraph
from iacqa.rules.leaves import leaves
from iacqa.rules.wiring._native import unknown_value

PERMISSION = "AWS::Lambda::Permission"


class Ordering:
    """Dependency closure over one graph (indexes built once: `ResourceGraph.resolve` rebuilds its own per call)."""

    def __init__(self, graph: ResourceGraph) -> None:
        self.graph = graph
        self._by_value: dict[str, set[str]] = {}
        for r in graph:
            for value in r.outputs.values():
                if isinstance(value, str) and len(value) > 2:
                    self._by_value.setdefault(value, set()).add(r.id)
        self._children: dict[str, list[str]] = {}
        for r in graph:
            if r.parent:
                self._children.setdefault(r.parent, []).append(r.id)
        self._direct: dict[str, set[str]] = {}

    def _explicit(self, dep: str) -> set[str]:
        """Graph ids an explicit dependency entry stands for."""
        dep = dep.strip().removeprefix("${").removesuffix("}")
        out = {dep} if dep in self.graph.resources else set()
        out |= {rid for rid in self.graph.resources if rid.startswith((dep + "[", dep + "."))}
        todo = [dep]
        while todo:  # a Pulumi component: what it creates (children, grandchildren)
            for child in self._children.get(todo.pop(), []):
                if child not in out:
                    out.add(child)
                    todo.append(child)
        return out

    def direct(self, r: Resource) -> set[str]:
        """Ids `r` waits for: its explicit dependencies and every resource one of its values names."""
        if r.id in self._direct:
            return self._direct[r.id]
        out: set[str] = set()
        for dep in r.depends_on:
            out |= self._explicit(str(dep))
        for tree in (r.properties, r.native_properties):
            for _, value in leaves(tree, json_strings=True):
                if isinstance(value, str):
                    out |= self._by_value.get(value, set())
        out.discard(r.id)
        self._direct[r.id] = out
        return out

    def after(self, r: Resource, targets: Iterable[str]) -> bool:
        """Whether `r` is created after one of `targets` (ids)."""
        wanted = set(targets)
        seen: set[str] = set()
        todo = [r.id]
        while todo:
            rid = todo.pop()
            res = self.graph.resources.get(rid)
            if res is None:
                continue
            for dep in self.direct(res):
                if dep in wanted:
                    return True
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return False


def permissions_for(graph: ResourceGraph, fn: Resource, principal: str, source_arn: Any = None
                    ) -> tuple[list[Resource], bool]:
    """(lambda permissions that let `principal` invoke `fn` from `source_arn`, uncertain).

    `uncertain` is True when some permission for the principal holds a value that is not known before deploy
    (function, principal, action or source): it may be the grant, so neither "missing" nor "unordered" can be
    claimed. A permission on an alias or version of the function counts as a grant."""
    found: list[Resource] = []
    uncertain = False
    for perm in graph.of_type(PERMISSION):
        who = perm.get("Principal")
        if not isinstance(who, str) or unknown_value(who):
            uncertain = True
            continue
        if who not in (principal, "*"):
            continue
        name = perm.get("FunctionName")
        action = perm.get("Action")
        source = perm.get("SourceArn")
        if any(unknown_value(v) for v in (name, action, source)) or not isinstance(name, str):
            uncertain = True
            continue
        if graph.function_for(name) is not fn:
            continue
        if isinstance(action, str) and not action_matches(action, "lambda:InvokeFunction"):
            continue
        if (isinstance(source, str) and source and isinstance(source_arn, str) and not unknown_value(source_arn)
                and not resource_matches(source, source_arn)):
            continue
        found.append(perm)
    return found, uncertain


def declared_way(res: Resource) -> str:
    """`DependsOn` / `depends_on` / `opts=ResourceOptions(depends_on=...)` in the resource's own vocabulary."""
    if res.native_type.startswith("AWS::") or res.native_type.startswith("Custom::"):
        return "DependsOn"
    if res.native_type.startswith("aws:"):
        return "opts=ResourceOptions(depends_on=[...])"
    return "depends_on"

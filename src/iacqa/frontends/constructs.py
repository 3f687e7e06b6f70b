"""Where a construct (CDK, CDKTF) is declared in the Python source.

Synthesized output (cdk.tf.json, CloudFormation templates) names each resource by its construct path
(`TapStack/webhook-dlq`), not by a source line. The construct id is the second positional argument of the
constructor call (`SqsQueue(self, "webhook-dlq", ...)`), so an AST scan of the project's Python files maps ids
back to file:line, and the call's keywords to the lines they are written on.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from iacqa.frontends.pysource import walk_kwargs
from iacqa.model import Location

SKIP_DIRS = {"site-packages", "__pycache__", ".venv", "node_modules", "cdktf.out", "cdk.out", ".gen"}


@dataclass
class ConstructSite:
    construct_id: str  # the literal id, f-string parts joined with "*" where the value is not known statically
    cls: str  # the constructor name as written (`SqsQueue`, `sqs.Queue`)
    location: Location
    keywords: dict[str, Location] = field(default_factory=dict)  # native snake_case path -> line

    def matches(self, construct_id: str) -> bool:
        if self.construct_id == "\0":
            return False
        if "*" not in self.construct_id:
            return self.construct_id == construct_id
        parts = self.construct_id.split("*")
        if not (construct_id.startswith(parts[0]) and construct_id.endswith(parts[-1])):
            return False
        pos = len(parts[0])
        for part in parts[1:-1]:
            pos = construct_id.find(part, pos)
            if pos < 0:
                return False
            pos += len(part)
        return True


def _id_pattern(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "*"
                       for v in node.values)
    return None


def _callee(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _callee(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    return ""


def construct_sites(root: Path, files: list[str] | None = None) -> list[ConstructSite]:
    """Every `Cls(scope, "id", ...)` call in the project's Python files, in file and line order."""
    paths = [root / f for f in files] if files is not None else sorted(root.rglob("*.py"))
    out: list[ConstructSite] = []
    for path in paths:
        if path.suffix != ".py" or any(p in SKIP_DIRS for p in path.parts):
            continue
        try:
            tree = ast.parse(path.read_text(errors="replace"))
        except (SyntaxError, ValueError, OSError):
            continue
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            cid = _id_pattern(node.args[1])
            if not cid:
                if not isinstance(node.args[1], ast.Name):
                    continue
                cid = "\0"  # the id is a variable: the call can still be found by its class
            site = ConstructSite(cid, _callee(node.func), Location(rel, node.lineno, node.end_lineno))
            walk_kwargs(node, "", rel, site.keywords)
            out.append(site)
    out.sort(key=lambda s: (s.location.file or "", s.location.line or 0))
    return out


def find_site(sites: list[ConstructSite], construct_path: str, cls_hint: str | None = None,
              last_only: bool = False) -> ConstructSite | None:
    """The declaration of the last segment of a construct path (`Stack/queue/Resource` -> `queue`).

    CDK L2 constructs put the CloudFormation resource under `<id>/Resource`, so trailing `Resource`/`Default`
    segments are skipped. Exact ids beat f-string patterns; among equals the class hint decides. With `last_only`,
    enclosing constructs are not tried (a resource whose id is a variable is not located at its stack's call)."""
    segments = [s for s in construct_path.split("/") if s]
    while segments and segments[-1] in ("Resource", "Default"):
        segments.pop()
    for seg in reversed(segments[-1:] if last_only else segments):
        exact = [s for s in sites if s.construct_id == seg]
        cands = exact or [s for s in sites if "*" in s.construct_id and s.matches(seg)]
        if cands:
            if cls_hint and len(cands) > 1:
                hinted = [s for s in cands if s.cls.rsplit(".", 1)[-1] == cls_hint]
                cands = hinted or cands
            return cands[0]
    return None

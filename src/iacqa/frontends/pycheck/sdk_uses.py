"""Each use of an SDK name in code that runs, for checks that judge uses one by one: the deprecated-API checks of
the Pulumi (SDK007) and CDK (CDK003) Python front ends.

The shared Checker resolves names through the program's import aliases (unless a local hides them) and knows which
locals certainly hold an SDK object; UseChecker walks the program with those answers and asks its notes (a
lookup such as the deprecation index: `symbol(path)`, `keyword(target, arg)`) about:
- every SDK path a name or attribute chain spells (`aws.s3.BucketV2`, `lambda_.Runtime.PYTHON_3_7`, a name
  imported from the SDK): its prefixes from `root.module` on, the first noted one is reported (one per chain);
- every member of a local that certainly holds an SDK object (`fn.metric_all_errors`): `<class path>.<member>`;
- every keyword of a call whose target is an SDK path (and, with `instance_calls`, a method of such a local),
  unless the subclass leaves the target's keywords alone (`judges_keywords`: its class is reported already).
Type annotations are not uses (nothing of them runs). A noted use is reported once per path and line;
`one_per_line` then merges a rule's findings on one line (the pipeline keeps one sdk-api finding per id and line).
"""

from __future__ import annotations

import ast
from typing import Any, ClassVar, Protocol

from iacqa.frontends.pycheck.checker import Checker
from iacqa.frontends.pycheck.index import SdkIndex
from iacqa.model import Finding


class Notes(Protocol):
    """What a check knows of SDK paths (frontends/cdk_py/deprecations.py's DeprecationIndex, for both SDKs)."""

    def symbol(self, dotted: str) -> Any | None: ...

    def keyword(self, target: str, arg: str) -> Any | None: ...


def prefixes(dotted: str) -> list[str]:
    """`aws_cdk.aws_lambda.Runtime.PYTHON_3_7` -> `aws_cdk.aws_lambda`, `aws_cdk.aws_lambda.Runtime`, the whole."""
    parts = dotted.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts) + 1)]


def annotation_nodes(tree: ast.AST) -> set[int]:
    """ids of every node inside a type annotation (argument, return and variable annotations)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        notes: list[ast.expr | None] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            notes = [node.returns, *(a.annotation for a in ast.walk(node.args) if isinstance(a, ast.arg))]
        elif isinstance(node, ast.AnnAssign):
            notes = [node.annotation]
        for n in notes:
            if n is not None:
                out.update(id(x) for x in ast.walk(n))
    return out


class UseChecker(Checker):
    """The shared check plus one walk over SDK uses; subclasses report the noted ones (the hooks below).

    Cooperative: a front end's own checker may come after it in the bases (`class C(UseChecker, PulumiChecker)`).
    """

    member_contexts: ClassVar[tuple[type[ast.expr_context], ...]] = (ast.Load,)  # which member uses count
    instance_calls: ClassVar[bool] = False  # keywords of methods called on a local holding an SDK object

    def __init__(self, index: SdkIndex, rel: str, notes: Notes | None) -> None:
        super().__init__(index, rel)
        self.notes = notes  # None: only the shared check runs (no index installed)
        self.annotations: set[int] = set()
        self._seen: set[tuple[str, int | None]] = set()

    # -- hooks --------------------------------------------------------------------------------------------------------
    def judges_keywords(self, target: str) -> bool:
        """Whether the keywords of a call of `target` are looked at."""
        return True

    def report_use(self, note: Any, node: ast.AST, dotted: str) -> None:
        """A noted path or member, first use on this line."""

    def report_keyword(self, note: Any, kw: ast.keyword, target: str) -> None:
        """A noted keyword, first use on this line."""

    def other_keyword(self, kw: ast.keyword, target: str) -> None:
        """A keyword with no note (or one reported on this line already): e.g. look into its value."""

    def other_attribute(self, node: ast.Attribute) -> None:
        """An attribute use (of a member context) on something that is neither an SDK path nor a tracked local."""

    # -- the walk -----------------------------------------------------------------------------------------------------
    def run(self, tree: ast.Module) -> list[Finding]:
        self.annotations = annotation_nodes(tree)
        return super().run(tree)

    def once(self, key: str, line: int | None) -> bool:
        """True the first time `key` is seen on `line`."""
        if (key, line) in self._seen:
            return False
        self._seen.add((key, line))
        return True

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self.notes is not None and id(node) not in self.annotations:
            dotted = self.dotted(node)
            if dotted is not None:
                self._chain(dotted, node)
            elif isinstance(node.ctx, self.member_contexts):
                owner = self.instance_of(node.value)
                if owner is not None:
                    self._symbol(f"{owner}.{node.attr}", node)
                else:
                    self.other_attribute(node)
        super().visit_Attribute(node)

    def visit_Name(self, node: ast.Name) -> None:
        if (self.notes is not None and isinstance(node.ctx, ast.Load) and id(node) not in self.annotations
                and node.id in self.aliases and not self._shadowed(node.id)):
            self._chain(self.aliases[node.id], node)
        self.generic_visit(node)

    def _chain(self, dotted: str, node: ast.AST) -> None:
        """The first noted prefix along `root.module.Type.MEMBER` (one finding per chain)."""
        for prefix in prefixes(dotted):
            if self._symbol(prefix, node):
                return

    def _symbol(self, dotted: str, node: ast.AST) -> bool:
        """Report a noted path (once per line); whether it is noted."""
        note = self.notes.symbol(dotted) if self.notes is not None else None
        if note is None:
            return False
        if self.once(dotted, getattr(node, "lineno", None)):
            self.report_use(note, node, dotted)
        return True

    def visit_Call(self, node: ast.Call) -> None:
        if self.notes is not None and node.keywords:
            target = self.call_target(node.func)
            if target is not None and self.judges_keywords(target):
                for kw in node.keywords:
                    if not kw.arg:
                        continue  # `**spread`
                    note = self.notes.keyword(target, kw.arg)
                    if note is not None and self.once(f"{target}({kw.arg}=)", kw.lineno):
                        self.report_keyword(note, kw, target)
                    else:
                        self.other_keyword(kw, target)
        super().visit_Call(node)

    def call_target(self, func: ast.AST) -> str | None:
        """The SDK path a call calls: a name or chain through an alias, or (instance_calls) a tracked local's
        method."""
        if isinstance(func, (ast.Name, ast.Attribute)):
            dotted = self.dotted(func)
            if dotted is not None:
                return dotted
        if self.instance_calls and isinstance(func, ast.Attribute):
            owner = self.instance_of(func.value)
            return f"{owner}.{func.attr}" if owner else None
        return None


def one_per_line(findings: list[Finding], rule: str) -> list[Finding]:
    """Several findings of `rule` on one line become one: the first, with the others' messages, fixes, errors and
    symbols appended (`health_check=HealthCheck.elb(...)` is one change); other findings pass unchanged."""
    first: dict[int | None, int] = {}
    out: list[Finding] = []
    for f in findings:
        if f.rule != rule:
            out.append(f)
            continue
        if f.line not in first:
            first[f.line] = len(out)
            out.append(f)
            continue
        i = first[f.line]
        kept = out[i]
        out[i] = kept.with_(message=f"{kept.message}; also {f.message}", fix=f"{kept.fix}; {f.fix}",
                            error=f"{kept.error}\n{f.error}",
                            extra={**kept.extra, "also": [*kept.extra.get("also", []), f.symbol]})
    return out

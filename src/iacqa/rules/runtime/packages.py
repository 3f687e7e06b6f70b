"""PKG001 over the graph: a Lambda function whose code path does not exist (the emulator reports the rest)."""

from __future__ import annotations

from collections.abc import Iterator

from iacqa.catalog.runtime import CodePackageMissing
from iacqa.model import Finding
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext


class CodePackageMissingRule(CodePackageMissing, Rule):
    # The id, metadata and documentation are the catalog entry's: the emulator emits the same id.
    resource_types = ("AWS::Lambda::Function",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for fn in self.resources(ctx):
            f = self.missing(ctx.graph, fn, ctx.root)
            if f is not None:
                yield f

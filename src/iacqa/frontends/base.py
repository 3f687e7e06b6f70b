"""The one interface every platform front end implements: a project in, a ResourceGraph out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from iacqa.model import Finding, Options, ResourceGraph


@dataclass
class FrontendResult:
    graph: ResourceGraph
    findings: list[Finding] = field(default_factory=list)
    status: str = "ok"  # ok | failed (program error, graph partial) | unavailable (SDK missing) | error
    detail: str = ""


class Frontend(Protocol):
    platform: str

    def build(self, project: object, options: Options) -> FrontendResult: ...  # tests may pass a mapping

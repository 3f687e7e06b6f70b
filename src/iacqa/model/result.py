"""The result of analyzing one task: what every report format is a pure function of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iacqa.model.findings import Finding, Severity


@dataclass
class StageResult:
    name: str  # ingest | graph | check | lint | security | emulate | tests
    status: str  # ok | failed | skipped | error | unavailable
    seconds: float = 0.0
    detail: str = ""
    log_tail: str = ""  # what children and libraries printed during the stage (never iacqa's stdout)


@dataclass
class TaskInfo:
    path: str
    platform: str = ""  # pulumi | cdktf | tf | cdk | cfn
    language: str = ""  # py | hcl | yaml | json | ts
    response: str = "code"  # model | ideal | code
    response_file: str | None = None
    project_dir: str | None = None  # where the project was materialized
    files: list[str] = field(default_factory=list)


@dataclass
class TaskResult:
    task: TaskInfo
    stages: list[StageResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    graph: dict[str, Any] = field(default_factory=dict)  # summary: resources by type, unchecked types, outputs
    flows: list[dict[str, Any]] = field(default_factory=list)  # emulator traces
    error: str | None = None  # set when the input itself was unusable (exit code 2)
    isolation: str = ""  # namespaces | process: how foreign code was sandboxed for this task
    profile: dict[str, Any] = field(default_factory=dict)  # the precision profile that ran, why, what it left out
    # The prompt's requirements checked on the graph (iacqa.requirements): id, text, line, status, evidence, concept
    requirements: list[dict[str, Any]] = field(default_factory=list)
    requirements_coverage: dict[str, Any] = field(default_factory=dict)  # met / checkable over distinct asks

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.active_findings if f.blocking]

    @property
    def deployable(self) -> bool:
        return not self.blockers

    def count_by_severity(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.active_findings:
            out[f.severity.value] += 1
        return out

    def count_by_category(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.active_findings:
            out[f.category.value] = out.get(f.category.value, 0) + 1
        return dict(sorted(out.items()))

    def worst_at_least(self, threshold: Severity) -> bool:
        return any(f.severity.rank >= threshold.rank for f in self.active_findings)

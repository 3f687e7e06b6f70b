"""Core records shared by every stage. Standard library only."""

from iacqa.model.findings import (
    BLOCKING_CATEGORIES,
    Category,
    Finding,
    Location,
    Severity,
)
from iacqa.model.graph import CodeArtifact, Resource, ResourceGraph
from iacqa.model.options import Options
from iacqa.model.result import StageResult, TaskInfo, TaskResult

__all__ = [
    "BLOCKING_CATEGORIES",
    "Category",
    "CodeArtifact",
    "Finding",
    "Location",
    "Options",
    "Resource",
    "ResourceGraph",
    "Severity",
    "StageResult",
    "TaskInfo",
    "TaskResult",
]

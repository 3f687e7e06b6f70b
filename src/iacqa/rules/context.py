"""What a rule may read: the graph, the project's files and the run's options. Nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.model import ResourceGraph


@dataclass
class RuleContext:
    graph: ResourceGraph
    root: Path | None = None  # the materialized project directory
    platform: str = ""
    md_starts: dict[str, int] = field(default_factory=dict)  # project file -> md line of its first line
    options: dict[str, Any] = field(default_factory=dict)
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)

    def lines(self, file: str | None) -> list[str]:
        if not file or self.root is None:
            return []
        if file not in self._lines:
            try:
                self._lines[file] = (self.root / file).read_text(errors="replace").splitlines()
            except OSError:
                self._lines[file] = []
        return self._lines[file]

    def md_line(self, file: str | None, line: int | None) -> int | None:
        if file is None or line is None or file not in self.md_starts:
            return None
        return self.md_starts[file] + line - 1

    def snippet(self, file: str | None, line: int | None, context: int = 0) -> str | None:
        lines = self.lines(file)
        if not line or not lines or line > len(lines):
            return None
        lo, hi = max(1, line - context), min(len(lines), line + context)
        return "\n".join(lines[lo - 1 : hi])

"""What a rule may read: the graph, the project's files and the run's options. Nothing else.

A rule does not compute `.md` lines or snippets: the pipeline attaches them to every finding (pipeline.locate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.model import Finding, Options, ResourceGraph


@dataclass
class RuleContext:
    graph: ResourceGraph
    root: Path | None = None  # the materialized project directory
    platform: str = ""
    md_starts: dict[str, int] = field(default_factory=dict)  # project file -> md line of its first line
    options: Options = field(default_factory=Options)  # read by attribute: ctx.options.quota_profile
    graph_status: str | None = None  # how the graph stage ended (ok | failed | ...); None when it did not run
    entry: str | None = None  # the program's entry file, when the front end found one
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.options = Options.of(self.options)  # tests and older callers pass a mapping of Options fields

    def option(self, name: str, default: Any = None) -> Any:
        """`options.<name>`, or `default` when it is unset (None); prefer the attribute where the name is fixed."""
        value = getattr(self.options, name)
        return default if value is None else value

    def lines(self, file: str | None) -> list[str]:
        if not file or self.root is None:
            return []
        if file not in self._lines:
            try:
                self._lines[file] = (self.root / file).read_text(errors="replace").splitlines()
            except OSError:
                self._lines[file] = []
        return self._lines[file]

    def on_unknown_inputs(self, finding: Finding) -> bool:
        """A finding that judges a resource by inputs the program never resolved: ResourceGraph.on_unknown_inputs."""
        return self.graph.on_unknown_inputs(finding)

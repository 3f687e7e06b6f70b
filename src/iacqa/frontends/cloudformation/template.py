"""Read a CloudFormation template with cfn-lint's own decoder: intrinsic functions in both forms and positions.

cfn-lint's decoder is the reference reader for templates (short tags such as `!GetAtt A.B` become
`{"Fn::GetAtt": ["A", "B"]}`, duplicate keys and bad YAML/JSON come back as matches with lines), so iacqa uses it
rather than a YAML loader with hand-written tag constructors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.model import Location

Locator = Callable[[tuple[str, ...]], Location | None]


@dataclass
class LoadedTemplate:
    template: dict[str, Any] | None
    file: str  # project-relative
    errors: list[tuple[int | None, str]] = field(default_factory=list)  # (line, message) from the decoder
    positions: dict[tuple[str, ...], Location] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Any]:
        """`template, positions = load_template(path)` works too (None and {} when the file does not decode)."""
        return iter((self.template, self.positions))

    def locate(self, path: tuple[str, ...]) -> Location | None:
        """Location of a key path such as ("Resources", "Queue", "Properties", "RedrivePolicy"); list indexes are
        skipped and a path without its own mark falls back to its nearest ancestor."""
        parts = tuple(p for p in path if not str(p).isdigit())
        for i in range(len(parts), 0, -1):
            hit = self.positions.get(parts[:i])
            if hit is not None:
                return hit
        return None


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    line = getattr(mark, "line", None)
    return line + 1 if isinstance(line, int) else None


def _index(node: Any, prefix: tuple[str, ...], file: str, out: dict[tuple[str, ...], Location], depth: int = 0) -> None:
    """Key path -> line of the key, for every mapping key in the template."""
    if depth > 40:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            line = _line(key) or _line(value)
            path = prefix + (str(key),)
            if line is not None:
                out.setdefault(path, Location(file, line))
            _index(value, path, file, out, depth + 1)
    elif isinstance(node, list):
        for item in node:
            _index(item, prefix, file, out, depth + 1)


def load_template(path: Path, root: Path | None = None) -> LoadedTemplate:
    """Decode one template file; errors (bad YAML/JSON, not a mapping) are returned, never raised.

    Locations are relative to `root` (the project), or to the template's directory when no root is given."""
    from cfnlint.decode import decode

    root = root if root is not None else path.parent
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        template, matches = decode(str(path))
    except Exception as exc:  # noqa: BLE001 - the decoder on hostile input: report, do not crash
        return LoadedTemplate(None, rel, [(None, f"{type(exc).__name__}: {exc}")])
    errors = [(getattr(m, "linenumber", None), str(getattr(m, "message", m))) for m in matches or []]
    if template is None or not isinstance(template, dict):
        return LoadedTemplate(None, rel, errors or [(1, "the file is not a template (no top-level mapping)")])
    loaded = LoadedTemplate(template, rel, errors)
    _index(template, (), rel, loaded.positions)
    return loaded


def is_template(text: str) -> bool:
    """A YAML/JSON file that is a CloudFormation template (not a config file that happens to be YAML)."""
    head = text[:20000]
    return "AWSTemplateFormatVersion" in head or (
        "Resources" in head and ("Type: AWS::" in head or '"Type": "AWS::' in head or "Type: 'AWS::" in head
                                 or '"Type":"AWS::' in head))

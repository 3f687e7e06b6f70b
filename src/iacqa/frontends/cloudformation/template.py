"""Read a CloudFormation template with cfn-lint's own decoder: intrinsic functions in both forms and positions.

cfn-lint's decoder is the reference reader for templates (short tags such as `!GetAtt A.B` become
`{"Fn::GetAtt": ["A", "B"]}`, duplicate keys and bad YAML/JSON come back as matches with lines), so iacqa uses it
rather than a YAML loader with hand-written tag constructors.
"""

from __future__ import annotations

import re
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
    large = _load_large(path, rel)
    if large is not None:
        return large
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


_SECTIONS = re.compile(r"""^["']?(AWSTemplateFormatVersion|Description|Metadata|Parameters|Rules|Mappings|"""
                       r"""Conditions|Transform|Resources|Outputs|Globals)["']?\s*:""")


def load_prefix(path: Path, root: Path, line: int | None) -> LoadedTemplate | None:
    """The template above a parse error at `line` when the lines from there on are prose written at column 0
    (a response's "Key Features:" notes pasted inside the fence after Outputs): CloudFormation would reject the
    file, and that is reported, but the template the prose follows is still checked. None when the prefix is not
    a template with resources of its own."""
    try:
        lines = path.read_text(errors="replace").split("\n")
    except OSError:
        return None
    if not line or not 1 < line <= len(lines):
        return None
    cut = line - 1
    while cut > 0 and lines[cut - 1].strip() and not lines[cut - 1][:1].isspace() \
            and not _SECTIONS.match(lines[cut - 1]) and not lines[cut - 1].startswith(("}", "]", "-", "#")):
        cut -= 1  # back to where the prose starts ("Key Features and Compliance:" reads as a key of its own)
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    import tempfile

    with tempfile.TemporaryDirectory(prefix="iacqa-cfn-prefix-") as tmp:
        copy = Path(tmp) / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text("\n".join(lines[:cut]) + "\n")
        loaded = load_template(copy, Path(tmp))
    if loaded.template is None or loaded.errors or not isinstance(loaded.template.get("Resources"), dict) \
            or not loaded.template["Resources"]:
        return None
    return loaded


LARGE = 500  # resources: past the per-stack quota, cfn-lint's decoder (quadratic in a mapping's keys) is skipped
_TYPE_LINE = re.compile(r"""["']?\bType["']?\s*:\s*["']?AWS::""")


def _load_large(path: Path, rel: str) -> LoadedTemplate | None:
    """A template with more than LARGE resources, decoded in linear time (cfn-lint's decoders check duplicate keys
    with a scan per key: 2k/20k resources take 5/200 s). Positions: the line of each resource's logical id only.
    None for ordinary templates (cfn-lint's decoder, with every position, is used)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    if len(_TYPE_LINE.findall(text)) <= LARGE:
        return None
    from iacqa.sandbox.safeload import load_json

    try:
        if text.lstrip().startswith("{"):
            template = load_json(text)
        else:
            import yaml

            class _CfnLoader(yaml.SafeLoader):
                pass

            def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
                if isinstance(node, yaml.ScalarNode):
                    value: Any = loader.construct_scalar(node)
                elif isinstance(node, yaml.SequenceNode):
                    value = loader.construct_sequence(node, deep=True)
                else:
                    value = loader.construct_mapping(node, deep=True)
                if suffix == "GetAtt" and isinstance(value, str):
                    value = value.split(".", 1)
                return {suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}": value}

            _CfnLoader.add_multi_constructor("!", _tag)
            template = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    except Exception as exc:  # noqa: BLE001 - hostile input (LoadLimit included): report, do not crash
        return LoadedTemplate(None, rel, [(None, f"{type(exc).__name__}: {exc}")])
    if not isinstance(template, dict):
        return LoadedTemplate(None, rel, [(1, "the file is not a template (no top-level mapping)")])
    loaded = LoadedTemplate(template, rel, [])
    names = set((template.get("Resources") or {}) if isinstance(template.get("Resources"), dict) else ())
    key = re.compile(r"""^\s*["']?([A-Za-z0-9]+)["']?\s*:""")
    for i, line in enumerate(text.splitlines(), 1):
        m = key.match(line)
        if m and m.group(1) in names and ("Resources", m.group(1)) not in loaded.positions:
            loaded.positions[("Resources", m.group(1))] = Location(rel, i)
        elif m and m.group(1) == "Resources" and ("Resources",) not in loaded.positions:
            loaded.positions[("Resources",)] = Location(rel, i)
    return loaded


def is_template(text: str) -> bool:
    """A YAML/JSON file that is a CloudFormation template (not a config file that happens to be YAML)."""
    head = text[:20000]
    return "AWSTemplateFormatVersion" in head or (
        "Resources" in head and ("Type: AWS::" in head or '"Type": "AWS::' in head or "Type: 'AWS::" in head
                                 or '"Type":"AWS::' in head))

"""Read a Terraform module directory: every .tf file parsed, *.tf.json files read, variable files found."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from iacqa.frontends.terraform.expressions import EvalError, Evaluator, Scope
from iacqa.frontends.terraform.model import Block, Module, ParseError, module_from_json, parse_hcl


def load_module_dir(root: Path, rel_dir: str) -> Module:
    """All `*.tf` and `*.tf.json` files of one directory (not recursive: that is how terraform reads a module)."""
    mod = Module(rel_dir)
    d = root / rel_dir if rel_dir != "." else root
    for path in sorted(d.glob("*.tf")):
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(errors="replace")
        except OSError as exc:
            mod.errors.append((rel, None, f"cannot read: {exc}"))
            continue
        try:
            body = parse_hcl(normalize_heredocs(text), rel)
        except ParseError as exc:
            # One bad block must not drop every resource of the file: the others are read one by one.
            saved, total = salvage(text, rel)
            note = f" ({len(saved)} of {total} top-level blocks of this file were read on their own)" if total else ""
            mod.errors.append((rel, exc.line, str(exc) + note))
            mod.blocks.extend(saved)
            continue
        mod.blocks.extend(_top_blocks(body, rel))
    for path in sorted(d.glob("*.tf.json")):
        rel = path.relative_to(root).as_posix()
        try:
            mod.blocks.extend(module_from_json(json.loads(path.read_text()), rel_dir, rel).blocks)
        except (OSError, ValueError) as exc:
            mod.errors.append((rel, getattr(exc, "lineno", None), f"invalid JSON: {exc}"))
    return mod


_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_][A-Za-z0-9_-]*)\s*$")


def normalize_heredocs(text: str) -> str:
    """Heredoc closing markers as Terraform's scanner reads them: trailing whitespace after the marker is ignored
    by Terraform but rejected by python-hcl2, so it is removed (same lines, same line numbers)."""
    lines = text.split("\n")
    marker: str | None = None
    changed = False
    for i, line in enumerate(lines):
        if marker is None:
            m = _HEREDOC.search(line.rstrip())
            marker = m.group(1) if m else None
        elif line.strip() == marker:
            if line != line.rstrip():
                lines[i] = line.rstrip()
                changed = True
            marker = None
    return "\n".join(lines) if changed else text


def salvage(text: str, file: str) -> tuple[list[Block], int]:
    """The top-level blocks of a file that does not parse as a whole, each parsed on its own at its own line
    numbers; returns (blocks read, top-level blocks found)."""
    lines = normalize_heredocs(text).split("\n")
    inside = _heredoc_lines(lines)  # a user_data script's `function retry {` ... `}` is not a block
    starts = [i for i, line in enumerate(lines) if i not in inside
              and re.match(r"^[A-Za-z_][\w-]*(\s+(\"[^\"]*\"|[\w-]+))*\s*\{", line)]
    out: list[Block] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        chunk = "\n" * start + "\n".join(lines[start:end])
        try:
            out.extend(parse_hcl(chunk, file).blocks)
            continue
        except ParseError:
            pass
        # prose after the block ("Now let's set up the KMS key:", a reasoning trace pasted as the file) fails the
        # chunk, not the block: retry up to each closing brace in column 0, the end of a block as written
        for stop in (i for i in range(start, end) if lines[i].rstrip() == "}" and i not in inside):
            try:
                out.extend(parse_hcl("\n" * start + "\n".join(lines[start:stop + 1]), file).blocks)
                break
            except ParseError:
                continue
    return out, len(starts)


def _heredoc_lines(lines: list[str]) -> set[int]:
    """Indices of the lines inside heredocs (their body and closing marker). A heredoc that is never closed (a
    misspelt marker) claims nothing: the blocks after it are still read on their own."""
    out: set[int] = set()
    pending: set[int] = set()
    marker: str | None = None
    for i, line in enumerate(lines):
        if marker is None:
            m = _HEREDOC.search(line.rstrip())
            marker = m.group(1) if m else None
        else:
            pending.add(i)
            if line.strip() == marker:
                out |= pending
                pending, marker = set(), None
    return out


def _top_blocks(body: Any, file: str) -> list[Block]:
    return list(body.blocks)


def tfvars(root: Path, rel_dir: str) -> dict[str, Any]:
    """terraform.tfvars, terraform.tfvars.json and *.auto.tfvars(.json), in terraform's order."""
    d = root / rel_dir if rel_dir != "." else root
    files = [d / "terraform.tfvars", d / "terraform.tfvars.json", *sorted(d.glob("*.auto.tfvars")),
             *sorted(d.glob("*.auto.tfvars.json"))]
    others = [f for f in sorted(d.glob("*.tfvars")) if f not in files]
    if len(others) == 1 and not any(f.is_file() for f in files):
        files = others  # one environment file (dev.tfvars): what `-var-file` would be given
    out: dict[str, Any] = {}
    for f in files:
        if not f.is_file():
            continue
        try:
            if f.suffix == ".json":
                out.update(json.loads(f.read_text()))
                continue
            body = parse_hcl(f.read_text(errors="replace"), f.name)
        except (OSError, ValueError, ParseError):
            continue
        ev = Evaluator(Scope())
        for name, a in body.attributes.items():
            try:
                out[name] = ev.eval(a.expr)
            except EvalError:
                continue
    return out

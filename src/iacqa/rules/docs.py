"""docs/rules.md is generated from the catalog (graph rules included): the docstrings are the documentation, and
every id links to the file that emits it with the stage that emits it."""

from __future__ import annotations

from pathlib import Path

from iacqa.catalog.base import Entry
from iacqa.rules.registry import catalog

PACKAGE = Path(__file__).resolve().parents[1]  # src/iacqa


def source_file(module: str) -> str:
    """The repository path of a dotted module name: `src/iacqa/frontends/terraform/schema_check.py`."""
    rel = Path(*module.split(".")[1:])
    path = rel.with_suffix(".py") if (PACKAGE / rel.with_suffix(".py")).exists() else rel / "__init__.py"
    return f"src/iacqa/{path.as_posix()}"


def _emitters(entry: type[Entry]) -> str:
    return ", ".join(f"[{source_file(m).removeprefix('src/iacqa/')}](../{source_file(m)})" for m in entry.emitted_by())


def rules_markdown() -> str:
    entries = catalog()
    graph = sum(1 for e in entries.values() if e.stage == "check")
    out = ["# iacqa finding ids", "",
           "Generated from the catalog by `iacqa rules --markdown > docs/rules.md`; do not edit by hand.", "",
           f"{len(entries)} ids. `stage` is the pipeline stage that emits the id: `check` ids ({graph}) are graph "
           "rules run by the engine (src/iacqa/rules/) or cfn-lint over the graph; the others are emitted by ingest, "
           "the front ends, the linters, the emulator, the tests stage or iacqa itself, and documented in "
           "src/iacqa/catalog/. `--select`/`--ignore` take an id prefix or a category.", "",
           "| id | category | severity | stage | emitted by | title |", "|---|---|---|---|---|---|"]
    for e in entries.values():
        out.append(f"| [{e.id}](#{e.id.lower()}) | {e.category.value} | {e.severity.value} | {e.stage} | "
                   f"{_emitters(e)} | {e.title} |")
    for e in entries.values():
        out += ["", f"## {e.id}", "", f"**{e.title}** — category `{e.category.value}`, severity `{e.severity.value}`, "
                f"stage `{e.stage}`, emitted by {_emitters(e)}", "", e.documentation()]
    return "\n".join(out) + "\n"

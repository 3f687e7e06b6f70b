"""A response's Pulumi.yaml naming an entry point it does not ship is a packaging finding (PKG003)."""

from __future__ import annotations

from pathlib import Path

from iacqa.ingest.task import load

PROGRAM = "import pulumi\n\npulumi.export('x', 1)\n"


def _response(tmp_path: Path, main: str) -> Path:
    md = tmp_path / "MODEL_RESPONSE.md"
    md.write_text(f"## Pulumi.yaml\n```yaml\nname: orders\nruntime: python\nmain: {main}\n```\n\n"
                  f"## __main__.py\n```python\n{PROGRAM}```\n")
    return md


def test_missing_main_is_reported_and_the_shipped_entry_is_used(tmp_path: Path) -> None:
    proj = load(_response(tmp_path, "app.py"), workdir=tmp_path / "p")
    pkg = [f for f in proj.findings if f.rule == "PKG003"]
    assert len(pkg) == 1 and pkg[0].file == "Pulumi.yaml" and pkg[0].line == 3
    assert proj.entry == "__main__.py"


def test_existing_main_is_clean(tmp_path: Path) -> None:
    proj = load(_response(tmp_path, "__main__.py"), workdir=tmp_path / "p")
    assert not [f for f in proj.findings if f.rule == "PKG003"]
    assert proj.entry == "__main__.py"

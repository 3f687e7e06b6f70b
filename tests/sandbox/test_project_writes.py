"""A program may write inside its own project (integration outputs at `lib/../cfn-outputs/flat-outputs.json`, as
TAP stacks do), never outside it: under namespaces the child sees its copy at the project's path, and the guard
must judge paths as the child sees them (cdktf-py Pr6649's class: the write was refused as "outside the project").
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from iacqa.sandbox import safe_env
from tests.sandbox.conftest import unchanged

pytestmark = pytest.mark.slow

WRITER = """
import json, os

OUT = os.path.join(os.path.dirname(__file__), "..", "cfn-outputs")


def write_outputs(decoy):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "flat-outputs.json"), "w", encoding="utf-8") as fh:
        json.dump({"BucketName": "b"}, fh)
    try:
        open(decoy, "w").write("pwned")
    except OSError:
        pass
"""


def _project(root: Path, decoy: Path) -> Path:
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "__init__.py").write_text("")
    (root / "lib" / "writer.py").write_text(textwrap.dedent(WRITER))
    (root / "app.py").write_text(f"from lib.writer import write_outputs\n\nwrite_outputs({str(decoy)!r})\n")
    return root


def test_an_app_writes_inside_its_project_and_nowhere_else(isolation: str, tmp_path: Path,
                                                          decoys: dict[str, Path]) -> None:
    """The CDK/CDKTF synth path (frontends/app_run.py)."""
    from iacqa.frontends.app_run import run_app

    root = _project(tmp_path / "proj", decoys["decoy.txt"])
    work = tmp_path / "work"
    work.mkdir()
    out = run_app(root, str(root), "path", "app.py", safe_env(work / "home"), work, 60, 1024)
    assert out.status == "ok", (out.stdout, out.stderr, out.events)
    blocked = [e for e in out.events if e.get("kind", "").startswith("blocked")]
    assert [e["path"] for e in blocked] in ([], [str(decoys["decoy.txt"])]), blocked  # namespaces: not even there
    assert not [e for e in out.events if e.get("kind") == "exception"], out.events
    assert unchanged(decoys)
    if isolation == "namespaces":  # the app worked on a copy shown at the project's path
        assert not (root / "cfn-outputs").exists()


def test_a_pulumi_program_writes_inside_its_project(isolation: str, tmp_path: Path,
                                                    decoys: dict[str, Path]) -> None:
    """The run_python path (the Pulumi front end's harness)."""
    pytest.importorskip("pulumi_aws")
    from iacqa.pipeline import analyze

    root = _project(tmp_path / "proj", decoys["decoy.txt"])
    (root / "Pulumi.yaml").write_text("name: TapStack\nruntime: python\nmain: tap.py\n")
    (root / "tap.py").write_text("import pulumi_aws as aws\nfrom lib.writer import write_outputs\n\n"
                                 f"write_outputs({str(decoys['decoy.txt'])!r})\naws.s3.Bucket('b')\n")
    result = analyze(root, stages=("graph",))
    graph = next(s for s in result.stages if s.name == "graph")
    assert graph.status == "ok", (graph.detail, [(f.rule, f.message) for f in result.findings])
    assert not [f for f in result.findings if "sandbox" in f.message], [f.message for f in result.findings]
    assert unchanged(decoys)
    assert not (root / "cfn-outputs").exists()  # the program worked on a copy
    json.dumps(graph.detail)

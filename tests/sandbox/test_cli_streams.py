"""What the command line promises around the sandbox: stdout carries only the report (what the program prints is
in the stage's log_tail), and --isolation strict refuses with exit 2 and one line where namespaces are missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pulumi_aws")
IACQA = [sys.executable, "-m", "iacqa"]


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: TapStack\nruntime: python\nmain: tap.py\n")
    (root / "tap.py").write_text("import sys\nimport pulumi\nimport pulumi_aws as aws\n"
                                 "print('GARBAGE-ON-STDOUT ' * 3)\nsys.stderr.write('GARBAGE-ON-STDERR\\n')\n"
                                 "aws.s3.Bucket('b')\n")
    return root


@pytest.mark.slow
def test_stdout_is_only_the_report(tmp_path: Path) -> None:
    p = subprocess.run([*IACQA, "analyze", str(_project(tmp_path)), "--format", "json", "--stages", "graph"],
                       capture_output=True, text=True, timeout=300)
    data = json.loads(p.stdout)  # parseable: nothing the program printed is in it
    assert not any(ln.lstrip().startswith("GARBAGE") for ln in p.stdout.splitlines())
    graph = next(s for s in data["stages"] if s["name"] == "graph")
    assert "GARBAGE-ON-STDOUT" in graph["log_tail"] and "GARBAGE-ON-STDERR" in graph["log_tail"]
    assert data["isolation"] in ("namespaces", "process")


def test_strict_without_namespaces_is_exit_2_one_line(tmp_path: Path) -> None:
    p = subprocess.run([*IACQA, "analyze", str(_project(tmp_path)), "--stages", "graph", "--isolation", "strict"],
                       capture_output=True, text=True, timeout=120, env={"PATH": str(tmp_path), "HOME": str(tmp_path)})
    assert p.returncode == 2, p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "strict" in lines[0] and "bubblewrap" in lines[0]
    assert p.stdout == ""


def test_text_report_warns_once_under_the_fallback() -> None:
    from iacqa.model import StageResult, TaskInfo, TaskResult
    from iacqa.report import json_report
    from iacqa.report.text import to_text

    for iso, n in (("process", 1), ("namespaces", 0)):
        r = TaskResult(task=TaskInfo(path="t"), stages=[StageResult("graph", "ok", 1.0, "x")], isolation=iso)
        assert sum("warning: no namespaces" in ln for ln in to_text(r).splitlines()) == n
        assert json_report.to_json(r)["isolation"] == iso

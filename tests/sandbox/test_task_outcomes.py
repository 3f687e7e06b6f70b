"""Hostile tasks through the whole pipeline, judged by what the user sees: the finding, the exit of iacqa, nothing
changed outside the project, nothing left running, Ctrl-C honoured."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iacqa.pipeline import analyze
from tests.sandbox.conftest import unchanged

pytest.importorskip("pulumi_aws")


def _pulumi_task(root: Path, program: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: TapStack\nruntime: python\nmain: tap.py\n")
    (root / "tap.py").write_text("import pulumi  # noqa: F401\n" + program)
    return root


def _rules(result) -> set[str]:  # noqa: ANN001
    return {f.rule for f in result.findings}


@pytest.mark.slow
@pytest.mark.parametrize("code", ["os._exit(3)", "os._exit(4)", "os._exit(0)", "os.kill(os.getpid(), 9)"])
def test_program_ending_the_process_is_a_finding(isolation: str, tmp_path: Path, code: str) -> None:
    root = _pulumi_task(tmp_path / "t", "import os\nimport pulumi_aws as aws\naws.s3.Bucket('b')\n" + code + "\n")
    result = analyze(root, stages=("graph",))
    assert "SBX003" in _rules(result), [(f.rule, f.message) for f in result.findings]
    assert not result.deployable
    assert result.isolation == isolation


@pytest.mark.slow
def test_program_writes_and_decoys(isolation: str, tmp_path: Path, decoys: dict[str, Path]) -> None:
    d, v = decoys["decoy.txt"], decoys["victim.txt"]
    prog = f"""
import os, shutil, subprocess
import pulumi_aws as aws
for f in (lambda: open({str(d)!r}, "w").write("pwned"), lambda: os.unlink({str(v)!r}),
          lambda: shutil.rmtree({str(d.parent)!r}), lambda: open("in-project.txt", "w").write("ok")):
    try:
        f()
    except OSError:
        pass
aws.s3.Bucket("b")
"""
    root = _pulumi_task(tmp_path / "t", prog)
    result = analyze(root, stages=("graph",))
    assert unchanged(decoys)
    assert not (root / "in-project.txt").exists()  # the program worked on a copy
    assert next(s for s in result.stages if s.name == "graph").status == "ok"


def _response_task(tmp_path: Path, body: str) -> Path:
    task = tmp_path / "task"
    (task / "lib").mkdir(parents=True)
    (task / "metadata.json").write_text(json.dumps({"platform": "pulumi", "language": "py"}))
    (task / "lib" / "MODEL_RESPONSE.md").write_text(body)
    return task


@pytest.mark.parametrize("label", [
    "lib/../../../../../../{out}/pwned.py",
    "lib\\..\\..\\..\\..\\..\\..\\{out}\\pwned.py",
    "tests/../../../../../../../{out}/pwned.py",
])
def test_response_path_traversal_is_a_finding(tmp_path: Path, label: str) -> None:
    out = tmp_path / "outside"
    out.mkdir()
    lbl = label.format(out=str(out).lstrip("/"))
    task = _response_task(tmp_path, f"## File: {lbl}\n\n```python\nprint('pwned')\n```\n\n"
                                    "## File: lib/tap_stack.py\n\n```python\nx = 1\n```\n")
    result = analyze(task, response="model", stages=("syntax",))
    assert not list(out.iterdir())
    assert "SYN005" in _rules(result), [(f.rule, f.message) for f in result.findings]


def test_file_and_directory_clash_is_a_finding(tmp_path: Path) -> None:
    task = _response_task(tmp_path, "## File: lib/a.py\n\n```python\nx = 1\n```\n\n"
                                    "## File: lib/a.py/b.py\n\n```python\ny = 2\n```\n")
    result = analyze(task, response="model", stages=("syntax",))
    assert "SYN007" in _rules(result)


def test_symlinked_scaffold_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    marker = outside / "ran"
    (outside / "tap.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    task = _response_task(tmp_path, "## File: lib/tap_stack.py\n\n```python\nx = 1\n```\n")
    os.symlink(outside / "tap.py", task / "tap.py")
    result = analyze(task, response="model", stages=("syntax", "graph"))
    assert "SYN006" in _rules(result)
    assert not marker.exists()


def test_symlink_in_a_project_is_a_finding_and_not_run(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("KEY = 'x'\n")
    root = _pulumi_task(tmp_path / "t", "import pulumi_aws as aws\naws.s3.Bucket('b')\n")
    os.symlink(outside / "secret.py", root / "secret.py")
    result = analyze(root, stages=("syntax",))
    assert "SYN006" in _rules(result)


def test_strict_isolation_refuses_without_namespaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iacqa.ingest.task import InputError
    from iacqa.sandbox import bwrap

    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap to be found
    bwrap.probe.cache_clear()
    try:
        root = _pulumi_task(tmp_path / "t", "x = 1\n")
        with pytest.raises(InputError, match="strict"):
            analyze(root, stages=("graph",), options={"isolation": "strict"})
    finally:
        monkeypatch.undo()
        bwrap.probe.cache_clear()
        os.environ.pop("IACQA_ISOLATION", None)


DRIVER = """
import sys
from iacqa.pipeline import analyze
print("started", flush=True)
analyze(sys.argv[1], stages=("graph",), options={"timeout": 300})
"""


@pytest.mark.slow
def test_ctrl_c_ends_every_child_within_5_s(isolation: str, tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    root = _pulumi_task(tmp_path / "t", "import subprocess, time\nsubprocess.Popen(['sleep', '600'], "
                                        "start_new_session=True)\nwhile True:\n    time.sleep(0.1)\n")
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(root)], stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
                            preexec_fn=_as_a_shell_starts_it)
    try:
        _interrupt_and_check(proc, psutil)
    finally:
        for p in [proc.pid]:
            try:
                for q in [psutil.Process(p), *psutil.Process(p).children(recursive=True)]:
                    q.kill()
            except psutil.NoSuchProcess:
                pass


def _as_a_shell_starts_it() -> None:
    """SIGINT at its default and unblocked, as a shell starts a foreground job, whatever the test runner's state."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _interrupt_and_check(proc: subprocess.Popen, psutil) -> None:  # noqa: ANN001 - the module, imported lazily
    me = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    tree: list = []
    while time.monotonic() < deadline:  # wait until the program's own child (sleep) runs
        tree = me.children(recursive=True)
        if any((p.cmdline() or [""])[0] == "sleep" for p in tree if p.is_running()):
            break
        time.sleep(0.2)
    assert tree, "the program never started"
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=10)
    gone, alive = psutil.wait_procs(tree, timeout=5)
    assert not alive, [(p.pid, p.cmdline()) for p in alive]
    assert time.monotonic() - t0 < 5.5
    sleepers = [p for p in psutil.process_iter(["cmdline"]) if (p.info["cmdline"] or [])[:2] == ["sleep", "600"]]
    assert not sleepers


def test_budget_interrupts_a_stage_in_iacqas_own_process() -> None:
    from iacqa.sandbox import budget

    t0 = time.monotonic()
    with pytest.raises(budget.BudgetExceeded):
        with budget.task_deadline(time.monotonic() + 0.5):
            while True:  # a stage stuck in pure Python (a quadratic check, a huge expansion)
                sum(range(1000))
    assert time.monotonic() - t0 < 2
    assert budget.remaining() is None


@pytest.mark.slow
def test_timeout_total_writes_the_report_with_a_finding(isolation: str, tmp_path: Path) -> None:
    root = _pulumi_task(tmp_path / "t", "import time\nwhile True:\n    time.sleep(0.1)\n")
    t0 = time.monotonic()
    result = analyze(root, stages=("syntax", "graph", "check"), options={"timeout_total": 8, "timeout": 300})
    assert time.monotonic() - t0 < 20
    graph = next(s for s in result.stages if s.name == "graph")
    assert graph.status in ("stopped", "failed")
    assert {"SBX004", "SBX001"} & _rules(result)
    assert next(s for s in result.stages if s.name == "check").status == "skipped"

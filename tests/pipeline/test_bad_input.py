"""Bad input gives a clear message and the documented exit code, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from iacqa.cli import main
from iacqa.pipeline import analyze
from tests.conftest import needs_pulumi

STAGES = ("ingest", "graph", "check")

TAP = textwrap.dedent('''
    import os
    import pulumi
    from lib.tap_stack import TapStack, TapStackArgs
    TapStack("pulumi-infra", TapStackArgs(environment_suffix=os.getenv("ENVIRONMENT_SUFFIX", "dev")))
''')
STACK_HEAD = textwrap.dedent('''
    import pulumi
    import pulumi_aws as aws


    class TapStackArgs:
        def __init__(self, environment_suffix=None):
            self.environment_suffix = environment_suffix or "dev"


    class TapStack(pulumi.ComponentResource):
        def __init__(self, name, args, opts=None):
            super().__init__("tap:stack:TapStack", name, None, opts)
            self.queue = aws.sqs.Queue(f"q-{args.environment_suffix}", opts=pulumi.ResourceOptions(parent=self))
''')


def project(tmp_path: Path, body: str) -> Path:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    (tmp_path / "tap.py").write_text(TAP)
    (tmp_path / "Pulumi.yaml").write_text("name: TapStack\nruntime: python\nmain: tap.py\n")
    (tmp_path / "metadata.json").write_text('{"platform": "pulumi", "language": "py"}')
    (tmp_path / "lib" / "tap_stack.py").write_text(STACK_HEAD + textwrap.indent(textwrap.dedent(body), " " * 8))
    return tmp_path


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_empty_directory_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["analyze", str(tmp_path)], capsys)
    assert code == 2
    assert "empty" in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_missing_path_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["analyze", str(tmp_path / "nope")], capsys)
    assert code == 2 and "no such file" in err


def test_unknown_stage_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.py").write_text("x = 1\n")
    code, _, err = run_cli(["analyze", str(tmp_path), "--stages", "ingest,bogus"], capsys)
    assert code == 2 and "bogus" in err


def test_response_with_no_code(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "metadata.json").write_text('{"platform": "pulumi", "language": "py"}')
    (tmp_path / "lib" / "MODEL_RESPONSE.md").write_text("Insert here the Model Response that failed\n")
    result = analyze(tmp_path, response="model", stages=STAGES)
    assert [f.rule for f in result.findings if f.rule.startswith("SYN")] == ["SYN003"]
    assert not result.deployable


def test_truncated_response(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "metadata.json").write_text('{"platform": "pulumi", "language": "py"}')
    md = "# Answer\n\n## File: lib/tap_stack.py\n\n```python\nimport pulumi\n\ndef make(:\n"
    (tmp_path / "lib" / "MODEL_RESPONSE.md").write_text(md)
    result = analyze(tmp_path, response="model", stages=STAGES)
    trunc = [f for f in result.findings if f.rule == "SYN001"]
    assert len(trunc) == 1
    assert trunc[0].file == "lib/tap_stack.py" and trunc[0].md_line == 8
    assert "truncated" in trunc[0].title


@needs_pulumi
def test_python_syntax_error_points_at_line(tmp_path: Path) -> None:
    project(tmp_path, "x = [1, 2\n")
    result = analyze(tmp_path, stages=STAGES)
    syn = [f for f in result.findings if f.rule == "SYN002"]
    assert syn and syn[0].file == "lib/tap_stack.py"
    assert syn[0].line is not None and syn[0].line >= 15


@needs_pulumi
def test_program_that_never_ends_is_stopped(tmp_path: Path) -> None:
    project(tmp_path, "while True:\n    pass\n")
    result = analyze(tmp_path, stages=STAGES, options={"timeout": 3})
    rules = [f.rule for f in result.findings]
    assert "SBX001" in rules
    # What it declared before the loop is kept.
    assert result.graph["resources"] >= 1


@needs_pulumi
def test_program_that_allocates_10_gb_is_stopped(tmp_path: Path) -> None:
    project(tmp_path, "hog = bytearray(10 * 1024 ** 3)\n")
    result = analyze(tmp_path, stages=STAGES, options={"memory_mb": 1024})
    assert "SBX002" in [f.rule for f in result.findings]
    assert result.graph["resources"] >= 1


@needs_pulumi
def test_program_that_calls_sys_exit(tmp_path: Path) -> None:
    project(tmp_path, "import sys\nsys.exit(3)\n")
    result = analyze(tmp_path, stages=STAGES)
    hits = [f for f in result.findings if f.rule == "SBX003"]
    assert hits and hits[0].file == "lib/tap_stack.py"


@needs_pulumi
def test_program_that_calls_os_exit(tmp_path: Path) -> None:
    project(tmp_path, "import os\nos._exit(0)\n")
    result = analyze(tmp_path, stages=STAGES)
    assert "SBX003" in [f.rule for f in result.findings]


@needs_pulumi
def test_program_cannot_read_real_credentials(tmp_path: Path) -> None:
    project(tmp_path, '''
        import os
        path = os.path.expanduser("~/.aws/credentials")
        pulumi.export("creds_found", os.path.exists(path))
        pulumi.export("home", os.path.expanduser("~"))
        pulumi.export("access_key", os.environ.get("AWS_ACCESS_KEY_ID"))
        pulumi.export("endpoint", os.environ.get("AWS_ENDPOINT_URL"))
    ''')
    result = analyze(tmp_path, stages=STAGES)
    outputs = result.graph["outputs"]
    assert outputs["creds_found"] is False
    assert outputs["access_key"] == "testing"
    assert outputs["home"] != str(Path.home())
    assert outputs["endpoint"].startswith("http://127.0.0.1:")


def test_cli_json_never_prints_traceback(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "metadata.json").write_text('{"platform": "pulumi", "language": "py"}')
    (tmp_path / "lib" / "MODEL_RESPONSE.md").write_text("```python\nimport pulumi\nclass TapStack(:\n```\n")
    proc = subprocess.run([sys.executable, "-m", "iacqa", "analyze", str(tmp_path), "--response", "model",
                           "--format", "json"], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert data["verdict"]["deployable"] is False

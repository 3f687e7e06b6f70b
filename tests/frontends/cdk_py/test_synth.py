"""Synth in the sandbox: the cloud assembly, context, errors with the user's line, time and memory limits."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from iacqa.frontends.cdk_py.synth import TAP_ENTRY, context_for, find_entry, parse_app_command, synth
from tests.frontends.cdk_py.conftest import CDK, CONTRACT, needs_cdk


@pytest.fixture(scope="module")
def contract_synth():
    result = synth(CONTRACT, timeout=180, memory_mb=3072)
    yield result
    result.cleanup()


@pytest.mark.slow
@needs_cdk
def test_contract_synthesizes_into_the_temp_outdir(contract_synth) -> None:
    r = contract_synth
    assert r.status == "ok", (r.events, r.stderr)
    assert r.entry.target == "tap.py" and r.entry.source == "cdk.json"
    assert [p.name for p in r.template_paths] == ["TapStackdev.template.json"]  # environmentSuffix=dev context
    assert r.outdir is not None and r.template_paths[0].is_relative_to(r.outdir)
    assert not (CONTRACT / "cdk.out").exists()
    tpl = json.loads(r.template_paths[0].read_text())
    types = sorted(v["Type"] for v in tpl["Resources"].values())
    assert types.count("AWS::SQS::Queue") == 2 and "AWS::Lambda::EventSourceMapping" in types
    assert all(v["Metadata"]["aws:cdk:path"].startswith("TapStackdev/") for v in tpl["Resources"].values())
    assert r.seconds > 0 and r.peak_mb > 100  # python + node tree


@pytest.mark.slow
@needs_cdk
def test_synth_error_comes_back_with_the_user_frame() -> None:
    r = synth(CDK / "synth_error", timeout=180)
    try:
        assert r.status == "error" and r.template_paths == []
        exc = next(e for e in r.events if e["kind"] == "exception")
        assert exc["jsii"] and exc["type"] == "RuntimeError"
        assert "message retention period must be between 60 and 1,209,600 seconds" in exc["message"]
        assert exc["frames"][-1][:2] == ["lib/ingest_stack.py", 14]
        assert exc["frames"][0][:2] == ["app.py", 9]
    finally:
        r.cleanup()


def _app(tmp_path: Path, body: str) -> Path:
    (tmp_path / "app.py").write_text(body)
    return tmp_path


def test_timeout_kills_the_app(tmp_path: Path) -> None:
    r = synth(_app(tmp_path, "import time\ntime.sleep(60)\n"), timeout=2)
    assert r.status == "timeout" and r.seconds < 10


def test_memory_watchdog_kills_the_app(tmp_path: Path) -> None:
    r = synth(_app(tmp_path, "x = bytearray(900 * 2**20)\nimport time\ntime.sleep(20)\n"), timeout=30, memory_mb=300)
    assert r.status == "memory" and r.peak_mb > 300


def test_app_exception_plain_python(tmp_path: Path) -> None:
    r = synth(_app(tmp_path, "import os\n\ncfg = {}\nvalue = cfg['missing']\n"), timeout=30)
    exc = next(e for e in r.events if e["kind"] == "exception")
    assert r.status == "error" and exc["type"] == "KeyError" and exc["frames"] == [["app.py", 4, "<module>"]]


def test_sys_exit_and_no_network(tmp_path: Path) -> None:
    # A listener of this test on loopback, outside the sandbox, stands for "the network": never a real host.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        r = synth(_app(tmp_path, f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
                       "except OSError as e:\n    print('blocked', e)\nimport sys\nsys.exit(3)\n"), timeout=30)
    assert r.status == "exit" and any(e["kind"] == "exit" and e["code"] == 3 for e in r.events)
    assert "blocked" in r.stdout


def test_app_that_never_synthesizes(tmp_path: Path) -> None:
    r = synth(_app(tmp_path, "print('hello')\n"), timeout=30)
    assert r.status == "ok" and r.template_paths == [] and "app.synth()" in r.detail


def test_entry_discovery(tmp_path: Path) -> None:
    assert parse_app_command("python3 app.py", tmp_path).target == "app.py"
    assert parse_app_command("python -u tap.py", tmp_path).target == "tap.py"
    ep = parse_app_command(".venv/bin/python3.11 -m my_app", tmp_path)
    assert (ep.mode, ep.target) == ("module", "my_app")
    assert parse_app_command("npx ts-node bin/app.ts", tmp_path) is None
    # launchers of the project's virtualenv run iacqa's interpreter (the TAP scaffold's cdk.json app)
    assert parse_app_command("pipenv run python3 tap.py", tmp_path).target == "tap.py"
    ep = parse_app_command("env PYTHONPATH=. poetry run -q python -m app.main", tmp_path)
    assert (ep.mode, ep.target) == ("module", "app.main")
    assert parse_app_command("uv run --frozen python3 app.py", tmp_path).target == "app.py"
    assert parse_app_command("pipenv run lint", tmp_path) is None
    assert find_entry(tmp_path) is None
    (tmp_path / "cdk.json").write_text('{"app": "npx ts-node bin/app.ts"}')
    assert find_entry(tmp_path).mode == "unsupported"
    (tmp_path / "cdk.json").unlink()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tap_stack.py").write_text("class TapStack:\n    pass\n")
    ep = find_entry(tmp_path)
    assert ep.generated == TAP_ENTRY and ep.source == "generated"
    (tmp_path / "main.py").write_text("")
    assert find_entry(tmp_path).target == "main.py"
    assert find_entry(tmp_path, "lib/tap_stack.py").target == "lib/tap_stack.py"


def test_context_merges_cdk_json_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text('{"app": "python3 app.py", "context": {"@aws-cdk/core:flag": true, '
                                       '"environmentSuffix": "pr42"}}')
    ctx = context_for(tmp_path)
    assert ctx["@aws-cdk/core:flag"] is True and ctx["environmentSuffix"] == "pr42"
    assert ctx["aws:cdk:enable-path-metadata"] is True
    assert context_for(CDK / "good")["environmentSuffix"] == "dev"

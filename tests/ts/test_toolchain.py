"""toolchain/node.py: finding an install, and the `unavailable` path of the TS front ends without one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacqa.toolchain import node


def test_find_reads_the_ready_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IACQA_NODE_HOME", str(tmp_path))
    assert node.find() is None
    d = tmp_path / node.spec_hash(node.spec())
    (d / "node_modules").mkdir(parents=True)
    assert node.find() is None  # no ready file: an interrupted install is not used
    (d / node.READY_FILE).write_text(json.dumps({"versions": {"typescript": "5.9.3"}, "native_tsc": True}))
    if node.node_binary() is None:
        pytest.skip("node not installed")
    tc = node.find()
    assert tc is not None and tc.version("typescript") == "5.9.3" and tc.native_tsc


def test_spec_pins_the_scaffold_versions() -> None:
    s = node.spec()
    assert s["aws-cdk-lib"] == "2.219.0" and s["constructs"] == "10.4.2" and s["@cdktf/provider-aws"] == "21.9.1"
    assert node.spec_hash(s) != node.spec_hash(node.spec(native=False))


def test_frontends_are_unavailable_without_toolchain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iacqa.frontends import for_platform
    from iacqa.ingest.task import load

    monkeypatch.setenv("IACQA_NODE_HOME", str(tmp_path / "none"))
    proj = load(Path(__file__).parent / "fixtures" / "cdk_good", None)
    for platform in ("cdk", "pulumi", "cdktf"):
        fe = for_platform(platform, "ts")
        assert type(fe).__name__.endswith("TsFrontend")
        r = fe.build(proj, {})
        assert r.status == "unavailable" and "iacqa setup typescript" in r.detail


def test_doctor_lists_the_typescript_platforms(capsys: pytest.CaptureFixture[str]) -> None:
    from iacqa.cli import main

    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    for name in ("CDK TypeScript/JavaScript", "Pulumi TypeScript/JavaScript", "CDKTF TypeScript"):
        line = next(ln for ln in out.splitlines() if name in ln)
        assert line.startswith(("ready", "missing"))
        if line.startswith("missing"):
            assert "iacqa setup typescript" in line or "node" in line

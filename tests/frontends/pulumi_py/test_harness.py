"""The Pulumi harness under Pulumi's own mocks: what the monitor sees for a resource passed as an input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pulumi_aws")

FIXTURE = Path(__file__).parents[2] / "precision" / "fixtures" / "pulumi_resource_arg" / "good"

_RUN = """
import os, sys
from iacqa.sandbox.child import EventSink
from iacqa.frontends.pulumi_py import harness
root, events = sys.argv[1], sys.argv[2]
sink = EventSink(os.open(events, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
os.chdir(root)
harness.run_program(sink, root, "__main__.py", "p", "dev", {})
"""


def _events(tmp_path: Path) -> list[dict]:
    events = tmp_path / "events.jsonl"
    subprocess.run([sys.executable, "-c", _RUN, str(FIXTURE), str(events)], check=True, timeout=120,
                   capture_output=True)
    return [json.loads(line) for line in events.read_text().splitlines()]


def test_resource_inputs_are_ids_and_never_rehydrated(tmp_path: Path) -> None:
    """Issue 11 class 5: with resource references on, the mock monitor rebuilt every resource passed as an input on
    its RPC thread's own event loop (a second constructor call per reference), and about one run in ten ended with
    "got Future ... attached to a different loop". The provider's view is the id: no rebuild, no exception."""
    events = _events(tmp_path)
    sites = [(e["type"], e["name"]) for e in events if e["kind"] == "site"]
    assert len(sites) == len(set(sites)), sites  # each resource constructed once: nothing rehydrated
    assert not [e for e in events if e["kind"] == "exception"]
    inputs = {e["type"]: e["inputs"] for e in events if e["kind"] == "resource"}
    assert inputs["aws:lambda/permission:Permission"]["function"].startswith("fn")
    assert inputs["aws:iam/rolePolicyAttachment:RolePolicyAttachment"]["role"].startswith("fn-role")
    assert "Function(" not in json.dumps(inputs) and "object at 0x" not in json.dumps(inputs)

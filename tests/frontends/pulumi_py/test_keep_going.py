"""Pulumi keeps going after the program raises: the resources declared after the failing line reach the graph."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from iacqa.pipeline import analyze

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pulumi_aws") is None, reason="pulumi-aws not installed")

PROGRAM = '''\
import pulumi
import pulumi_aws as aws

eip = aws.ec2.Eip("nat-eip", vpc=True)
bucket = aws.s3.Bucket("data")
queue = aws.sqs.Queue("jobs", visibility_timeout_seconds=30)
pulumi.export("bucket", bucket.id)
'''


def _project(root: Path, program: str) -> Path:
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: kg\nruntime: python\nmain: __main__.py\n")
    (root / "__main__.py").write_text(program)
    return root


def test_resources_after_the_failing_call_are_in_the_graph(tmp_path: Path) -> None:
    r = analyze(_project(tmp_path / "bad", PROGRAM), stages=("ingest", "graph"))
    graph = next(s for s in r.stages if s.name == "graph")
    assert "more run(s) on a copy" in graph.detail
    assert r.graph["resources"] >= 3  # eip (without vpc=), bucket and queue
    rules = {f.rule for f in r.findings}
    assert "SDK004" in rules  # the TypeError of the original run is still reported
    fixed = analyze(_project(tmp_path / "good", PROGRAM.replace("vpc=True", "domain='vpc'")), stages=("ingest", "graph"))
    assert "more run(s)" not in next(s for s in fixed.stages if s.name == "graph").detail
    assert fixed.graph["resources"] == r.graph["resources"]

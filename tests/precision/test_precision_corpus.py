"""No false criticals on known-deployable projects: every project of ../shared/precision (MANIFEST.tsv) is analyzed
as a plain project (default profile: aws) and any critical finding not explained by the project's `STALE:` note
fails (README of the corpus: a critical there is an iacqa bug unless the example is demonstrably stale).

Slow (CDK and CDKTF synths, the emulator): about 15-25 minutes for the 51 projects. Skips when the corpus is not
next to the repository. `bench/precision.py` prints the same run as a table.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRECISION = ROOT.parent / "shared" / "precision"
STAGES = "ingest,graph,check,lint,security,emulate"

# Criticals that are real defects of an example (kept and explained): (platform/name, rule) -> why.
REAL_BUGS: dict[tuple[str, str], str] = {}


def _bench():
    spec = importlib.util.spec_from_file_location("precision_bench", ROOT / "bench" / "precision.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def _projects() -> list[str]:
    if not (PRECISION / "MANIFEST.tsv").is_file():
        return []
    return sorted(f"{p.parent.name}/{p.name}" for p in PRECISION.glob("*/*") if p.is_dir() and p.parent.name
                  in ("pulumi-py", "cdk-py", "cdktf-py", "tf-hcl", "cfn"))


@pytest.mark.slow
@pytest.mark.skipif(not (PRECISION / "MANIFEST.tsv").is_file(), reason="../shared/precision is not present")
@pytest.mark.parametrize("project", _projects() or ["-"])
def test_no_unexplained_critical(project: str) -> None:
    bench = _bench()
    notes = bench.read_manifest(PRECISION).get(tuple(project.split("/", 1)), "")
    from iacqa.pipeline import analyze
    from iacqa.report.json_report import to_json

    data = to_json(analyze(PRECISION / project, "code", stages=tuple(STAGES.split(","))))
    assert data["profile"]["name"] == "aws", data["profile"]
    bad = [f"{f['rule']} {f.get('file')}:{f.get('line')} {f['message'][:300]}" for f in data["findings"]
           if f["severity"] == "critical" and not f.get("suppressed") and not bench.explained(f, notes)
           and (project, f["rule"]) not in REAL_BUGS]
    assert not bad, bad
    for f in data["findings"]:
        if f["severity"] == "critical":
            assert f.get("evidence"), f  # every critical names its authority


def test_stale_notes_explain_only_their_point() -> None:
    """The STALE matcher: a runtime finding on the named runtime is explained, anything else is not."""
    bench = _bench()
    notes = "STALE: both Lambda functions use runtime python3.8 (aws.lambda_.Runtime.PYTHON3D8), which AWS ..."
    assert bench.stale_tokens(notes) == {"python3.8"}
    assert bench.explained({"message": "runtime 'python3.8' can no longer be used to create functions"}, notes)
    assert not bench.explained({"message": "runtime 'python3.9' can no longer be used"}, notes)
    assert not bench.explained({"message": "No module named 'pulumi_docker'"}, notes)
    assert not bench.explained({"message": "anything"}, "CAVEAT: engine 5.7 is past standard support")

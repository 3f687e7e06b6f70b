"""Two resources with one URN: the Pulumi engine refuses them at `pulumi up`; Pulumi's mocks never do."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from iacqa.frontends.pulumi_py.frontend import duplicate_urns
from iacqa.pipeline import run

PROVIDERS = '''import pulumi_aws as aws


def provider_for(region):
    return aws.Provider(f"aws-{region}", region=region)


for region in ["us-east-1", "us-west-2"]:
    aws.s3.Bucket(f"logs-{region}", opts=__import__("pulumi").ResourceOptions(provider=provider_for(region)))
primary = provider_for("us-east-1")
'''


def _site(name: str, line: int, parent: str | None = None, typ: str = "aws:s3/bucket:Bucket") -> dict:
    return {"kind": "site", "type": typ, "name": name, "parent": parent, "file": "__main__.py", "line": line}


def test_same_type_name_and_parent_is_a_duplicate_at_the_second_site() -> None:
    (f,) = duplicate_urns([_site("logs", 3), _site("data", 4), _site("logs", 9)])
    assert (f.rule, f.file, f.line) == ("SDK004", "__main__.py", 9)
    assert "Duplicate resource URN" in f.error and "first at __main__.py:3" in f.message


def test_other_type_or_parent_is_not_a_duplicate() -> None:
    events = [_site("logs", 3), _site("logs", 4, typ="aws:s3/bucketPolicy:BucketPolicy"),
              _site("logs", 5, parent="app-a"), _site("logs", 6, parent="app-b")]
    assert duplicate_urns(events) == []


@pytest.mark.skipif(importlib.util.find_spec("pulumi_aws") is None, reason="pulumi-aws not installed")
def test_a_provider_made_on_every_call_is_reported(tmp_path: Path) -> None:
    """corpus pulumi-py Pr5845: get_region_provider() builds aws.Provider("aws-"+region) on each call."""
    (tmp_path / "Pulumi.yaml").write_text("name: dup\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(PROVIDERS)
    found = [f for f in run(tmp_path, stages=("ingest", "graph")).result.findings if "Duplicate resource URN"
             in (f.error or "")]
    assert [(f.file, f.line) for f in found] == [("__main__.py", 5)]
    assert "pulumi:providers:aws::aws-us-east-1" in found[0].error
    fixed = PROVIDERS.replace('primary = provider_for("us-east-1")', "")
    (tmp_path / "__main__.py").write_text(fixed)
    assert not [f for f in run(tmp_path, stages=("ingest", "graph")).result.findings
                if "Duplicate resource URN" in (f.error or "")]

"""The checkov adapter: the graph rendered as a template, failed checks mapped back to resources."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from iacqa.linters import checkov
from iacqa.model import Location, Resource, ResourceGraph, Severity

F = "lib/tap_stack.py"


def _graph() -> ResourceGraph:
    g = ResourceGraph(platform="pulumi")
    g.add(Resource(id="orders-dev", type="AWS::DynamoDB::Table", native_type="aws:dynamodb/table:Table",
                   properties={"BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "id",
                                                                                 "KeyType": "HASH"}],
                               "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]},
                   location=Location(F, 20)))
    g.add(Resource(id="site-dev", type="AWS::S3::Bucket", native_type="aws:s3/bucketV2:BucketV2",
                   location=Location(F, 30), outputs={"Name": "site-dev-1a2b3c4", "Id": "site-dev-1a2b3c4"}))
    g.add(Resource(id="site-pab", type="AWS::S3::BucketPublicAccessBlock",
                   native_type="aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                   native_properties={"bucket": "site-dev-1a2b3c4", "block_public_acls": True,
                                      "block_public_policy": True, "ignore_public_acls": True,
                                      "restrict_public_buckets": True}, location=Location(F, 31)))
    g.add(Resource(id="odd", type="tap:stack:Thing", native_type="tap:stack:Thing", mapped=False))
    return g


def test_render_folds_split_s3_resources() -> None:
    template, index = checkov.render(_graph())
    res = template["Resources"]
    assert set(res) == {"ordersdev", "sitedev"}
    assert res["sitedev"]["Properties"]["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert index["ordersdev"].id == "orders-dev"


def test_unavailable_without_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IACQA_CHECKOV", raising=False)
    monkeypatch.setattr(checkov.shutil, "which", lambda name: None)
    monkeypatch.setattr(checkov.sys, "executable", "/nonexistent/python")
    status, detail, found = checkov.scan(_graph())
    assert status == "unavailable" and "iacqa[security]" in detail and found == []


def _fake(tmp_path: Path, report: object, code: int = 1) -> str:
    script = tmp_path / "checkov"
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(report)}\nEOF\nexit {code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_failed_checks_become_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = {"check_type": "cloudformation", "results": {"failed_checks": [
        {"check_id": "CKV_AWS_28", "check_name": "Ensure DynamoDB point in time recovery (backup) is enabled",
         "resource": "AWS::DynamoDB::Table.ordersdev", "guideline": "https://docs.example/ckv28"},
        {"check_id": "CKV_AWS_119", "check_name": "Ensure DynamoDB Tables are encrypted using a KMS CMK",
         "resource": "AWS::DynamoDB::Table.ordersdev"},
        {"check_id": "CKV_AWS_19", "check_name": "S3 encryption", "resource": "AWS::S3::Bucket.sitedev"},
        {"check_id": "CKV_AWS_99", "check_name": "elsewhere", "resource": "AWS::SQS::Queue.nothere"}]}}
    monkeypatch.setenv("IACQA_CHECKOV", _fake(tmp_path, report))
    status, detail, found = checkov.scan(_graph())
    assert status == "ok", detail
    assert [(f.rule, f.severity, f.file, f.line) for f in found] == [
        ("SEC-CKV_AWS_28", Severity.MEDIUM, F, 20), ("SEC-CKV_AWS_119", Severity.LOW, F, 20)]
    assert found[0].category.value == "security" and found[0].stage == "security"
    assert found[0].fix == "https://docs.example/ckv28"


def test_error_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "checkov"
    script.write_text("#!/bin/sh\necho boom >&2\nexit 2\n")
    script.chmod(0o755)
    monkeypatch.setenv("IACQA_CHECKOV", str(script))
    status, detail, found = checkov.scan(_graph())
    assert status == "error" and "boom" in detail and found == []


@pytest.mark.skipif(checkov.checkov_binary() is None, reason="checkov not installed (set IACQA_CHECKOV)")
def test_real_checkov() -> None:
    status, detail, found = checkov.scan(_graph())
    assert status == "ok", detail
    rules = {f.rule for f in found}
    assert "SEC-CKV_AWS_28" in rules  # no point-in-time recovery on the table
    assert not any(r in rules for r in ("SEC-CKV_AWS_53", "SEC-CKV_AWS_19"))  # dropped: AWS defaults
    assert all(f.resource in ("orders-dev", "site-dev") for f in found)
    assert os.environ.get("HOME")  # the child ran with its own HOME; ours is untouched

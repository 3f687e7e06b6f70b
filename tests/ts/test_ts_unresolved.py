"""Pulumi TS: a program that throws before the runtime resolves a resource's inputs (corpus pulumi-ts Pr9288's
class). The resource is marked unresolved, keeps the literals its constructor was given, and no rule reports as
missing what the code wrote."""

from __future__ import annotations

import pytest

from iacqa.ingest.task import load

from .conftest import FIXTURES

pytestmark = pytest.mark.slow


def test_pulumi_ts_resource_declared_before_a_throw_keeps_its_literals(toolchain) -> None:
    from iacqa.engine.run import run_rules
    from iacqa.frontends import for_platform
    from iacqa.rules.context import RuleContext

    proj = load(FIXTURES / "pulumi_throws", None)
    r = for_platform("pulumi", "ts").build(proj, {})
    assert any(f.rule == "TSP001" and f.line == 31 for f in r.findings), r.findings
    db = next(res for res in r.graph if res.type == "AWS::RDS::DBInstance")
    assert db.unresolved and db.location.line == 14
    assert db.get("StorageEncrypted") is True and db.native_properties["skip_final_snapshot"] is True
    assert db.get("EngineVersion") == "16.4"
    assert "kms_key_id" not in db.native_properties  # an Output at the constructor: unknown, not absent
    assert db.native_properties["tags"] == {"Team": "orders", "Key": "<unresolved Output>"}
    found = run_rules(RuleContext(graph=r.graph, root=proj.root, platform="pulumi"))
    assert not [f for f in found if f.resource == db.id and f.rule in ("SEC001", "HYG004")], found

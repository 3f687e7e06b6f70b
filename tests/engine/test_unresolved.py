"""Resources whose inputs never resolved (the program ended first): findings about what they lack are withheld
once, in the engine, for every rule; findings on values the constructor was given are kept."""

from __future__ import annotations

from iacqa.engine.run import run_rules
from iacqa.knowledge.typemap import map_pulumi
from iacqa.model import Location, Resource, ResourceGraph
from iacqa.rules.context import RuleContext

TOKEN = "aws:rds/instance:Instance"


def _db(native: dict, unresolved: bool) -> ResourceGraph:
    mapped = map_pulumi(TOKEN, native)
    assert mapped is not None
    res = Resource(id="orders-db", type=mapped.cfn_type, native_type=TOKEN, properties=mapped.properties,
                   native_properties=dict(native), native_paths=mapped.native_paths,
                   location=Location("lib/tap_stack.py", 10), unresolved=unresolved,
                   attr_locations={k: Location("lib/tap_stack.py", 11 + i) for i, k in enumerate(
                       ["engine", "storage_encrypted", "skip_final_snapshot", "deletion_protection"])})
    g = ResourceGraph(platform="pulumi")
    g.add(res)
    return g


def _ids(graph: ResourceGraph) -> set[str]:
    found = run_rules(RuleContext(graph=graph, platform="pulumi"), ["SEC001", "HYG004"])
    return {f.rule for f in found if f.resource == "orders-db"}


def test_absence_rules_fire_on_a_resolved_database_without_the_settings() -> None:
    # the twin that shows the rules do judge absence: same resource, inputs resolved
    assert _ids(_db({"engine": "postgres"}, unresolved=False)) == {"SEC001", "HYG004"}


def test_absence_rules_skip_a_database_whose_inputs_never_resolved() -> None:
    assert _ids(_db({}, unresolved=True)) == set()
    assert _ids(_db({"engine": "postgres"}, unresolved=True)) == set()


def test_a_finding_on_a_known_value_of_an_unresolved_resource_is_kept() -> None:
    # deletion_protection=True was a literal at the constructor: HYG004's teardown finding on it stands
    g = _db({"engine": "postgres", "deletion_protection": True}, unresolved=True)
    found = [f for f in run_rules(RuleContext(graph=g, platform="pulumi"), ["HYG004"]) if f.resource == "orders-db"]
    assert [f.attribute for f in found] == ["deletion_protection"]
    assert found[0].line == 14


def test_knows_native_reads_camel_case_names_over_snake_case_values() -> None:
    res = _db({"storage_encrypted": True, "tags": {"Name": "x"}, "__opts": {"protect": True}}, True)
    db = res.resources["orders-db"]
    assert db.knows_native("storageEncrypted") and db.knows_native("storage_encrypted")
    assert db.knows_native("tags.Name") and db.knows_native("opts.protect")
    assert not db.knows_native("kmsKeyId") and not db.knows_native("tags.Team")


def test_checkov_findings_on_an_unresolved_resource_are_withheld(tmp_path, monkeypatch) -> None:
    import json
    import stat

    from iacqa.linters import checkov

    report = {"check_type": "cloudformation", "results": {"failed_checks": [
        {"check_id": "CKV_AWS_16", "check_name": "Ensure all data stored in the RDS is securely encrypted at rest",
         "resource": "AWS::RDS::DBInstance.ordersdb"}]}}
    script = tmp_path / "checkov"
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(report)}\nEOF\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("IACQA_CHECKOV", str(script))
    assert [f.rule for f in checkov.scan(_db({"engine": "postgres"}, unresolved=False))[2]] == ["SEC-CKV_AWS_16"]
    assert checkov.scan(_db({"engine": "postgres"}, unresolved=True))[2] == []


def test_cfn_lint_keeps_a_known_deprecated_engine_version_of_an_unresolved_resource() -> None:
    import pytest

    pytest.importorskip("cfnlint")
    from iacqa.linters import cfnlint_graph

    g = _db({"engine": "postgres", "engine_version": "9.6.1", "instance_class": "db.t3.micro",
             "allocated_storage": 20}, unresolved=True)
    found = cfnlint_graph.scan(g)[2]
    assert found and all(f.attribute == "engine_version" for f in found), [(f.symbol, f.message) for f in found]

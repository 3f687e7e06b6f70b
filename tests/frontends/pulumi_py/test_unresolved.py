"""A Pulumi Python program that ends before its resources' inputs resolve: the resources are marked unresolved,
keep the inputs the constructor was given (args objects included), and absence rules stay silent on them."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pulumi_aws")
pytestmark = pytest.mark.slow

STACK = '''import pulumi_aws as aws


def build(suffix):
    key = aws.kms.Key(f"db-key-{suffix}")
    aws.rds.Instance(
        f"orders-db-{suffix}",
        engine="postgres",
        instance_class="db.t3.micro",
        allocated_storage=20,
        storage_encrypted=True,
        kms_key_id=key.arn,
        skip_final_snapshot=True,
        username="orders",
        manage_master_user_password=True,
        tags={"Team": "orders", "Key": key.id},
    )
{ending}'''


def _project(root: Path, ending: str) -> Path:
    (root / "lib").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: TapStack\nruntime: python\nmain: tap.py\n")
    (root / "tap.py").write_text('from lib.tap_stack import build\n\nbuild("dev")\n')
    (root / "lib" / "__init__.py").write_text("")
    (root / "lib" / "tap_stack.py").write_text(STACK.replace("{ending}", ending))
    return root


def _run(root: Path) -> tuple:
    from iacqa.engine.run import run_rules
    from iacqa.frontends import for_platform
    from iacqa.ingest.task import load
    from iacqa.rules.context import RuleContext

    proj = load(root, None)
    r = for_platform(proj.platform, proj.language).build(proj, {})
    db = next(res for res in r.graph if res.type == "AWS::RDS::DBInstance")
    found = run_rules(RuleContext(graph=r.graph, root=root, platform="pulumi"))
    return r, db, {f.rule for f in found if f.resource == db.id}


def test_a_program_that_dies_leaves_unresolved_resources_with_their_known_inputs(tmp_path: Path) -> None:
    r, db, rules = _run(_project(tmp_path / "dies", "    import os\n    os._exit(3)\n"))
    assert db.unresolved and "never resolved" in r.detail
    # the args object's literals are recorded; the Output is left out (top level) or a placeholder (nested)
    assert db.native_properties["storage_encrypted"] is True and db.get("StorageEncrypted") is True
    assert db.native_properties["skip_final_snapshot"] is True
    assert "kms_key_id" not in db.native_properties
    assert db.native_properties["tags"] == {"Team": "orders", "Key": "<unresolved Output>"}
    assert not rules & {"SEC001", "HYG004"}, rules


def test_a_program_that_completes_gives_resolved_resources(tmp_path: Path) -> None:
    _, db, _ = _run(_project(tmp_path / "ok", ""))
    assert not db.unresolved and db.native_properties["kms_key_id"].startswith("arn:aws:kms:")

"""select / ignore / per-file ignores: category names and id prefixes, written once (engine/selection.py)."""

from __future__ import annotations

import pytest

from iacqa.engine.run import run_rules
from iacqa.engine.selection import Selection, path_matches
from iacqa.model import Category, Finding, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.registry import catalog, graph_rules


def _f(rule: str, category: Category, file: str | None = "lib/tap_stack.py") -> Finding:
    return Finding(rule=rule, category=category, severity=Severity.HIGH, title="t", message="m", file=file, line=3)


SDK_IDS = sorted(rid for rid, e in catalog().items() if e.category is Category.SDK_API)


def test_everything_by_default() -> None:
    sel = Selection(None, None, None)
    assert sel.everything
    assert all(sel.allows(_f(rid, e.category)) for rid, e in catalog().items())


def test_category_selects_every_prefix_of_that_category() -> None:
    sel = Selection(["sdk-api"], None, None)
    # the point of category selection: prefixes follow the emitter, not the family
    assert {rid[:3] for rid in SDK_IDS} >= {"SDK", "CDK", "CTF", "TFS"}
    for rid in SDK_IDS:
        assert sel.allows(_f(rid, Category.SDK_API)), rid
    assert not sel.allows(_f("LIM001", Category.AWS_LIMIT))
    assert not sel.allows(_f("LNT-E501", Category.LINT))


def test_prefix_is_case_insensitive_and_ignore_wins() -> None:
    sel = Selection(["sdk", "lnt-e"], ["SDK004"], None)
    assert sel.allows(_f("SDK001", Category.SDK_API))
    assert not sel.allows(_f("SDK004", Category.SDK_API))
    assert sel.allows(_f("LNT-E501", Category.LINT))
    assert not sel.allows(_f("LNT-F401", Category.LINT))
    assert not sel.allows(_f("CDK001", Category.SDK_API))  # a prefix is a prefix, not a category


def test_ignore_a_category() -> None:
    sel = Selection(None, ["hygiene"], None)
    assert not sel.allows(_f("HYG001", Category.HYGIENE))
    assert not sel.allows(_f("CFN005", Category.HYGIENE))
    assert sel.allows(_f("LIM001", Category.AWS_LIMIT))
    assert not sel.selects("CFN005", Category.HYGIENE)


def test_external_ids_match_their_family_prefix() -> None:
    assert not Selection(None, ["SEC-CKV"], None).allows(_f("SEC-CKV_AWS_28", Category.SECURITY))
    assert Selection(None, ["SEC-CKV_AWS_117"], None).allows(_f("SEC-CKV_AWS_28", Category.SECURITY))


@pytest.mark.parametrize(("glob", "path", "hit"), [
    ("tests/**", "tests/unit/test_stack.py", True),
    ("tests/**", "lib/tests.py", False),
    ("tests", "tests/unit/test_stack.py", True),  # a directory covers what is under it
    ("tests/", "tests/test_a.py", True),
    ("*.py", "lib/lambda/index.py", True),  # no slash: the name at any depth
    ("*.py", "lib/main.tf", False),
    ("lib/*.py", "lib/tap_stack.py", True),
    ("lib/*.py", "lib/lambda/index.py", False),  # `*` stays in one segment
    ("lib/**/*.py", "lib/tap_stack.py", True),  # `**/` may match no directory
    ("lib/**/*.py", "lib/lambda/fn/index.py", True),
    ("./lib/lambda/**", "lib/lambda/index.py", True),
    ("lib/?.py", "lib/a.py", True),
    ("lib/[ab].py", "lib/c.py", False),
    ("lib/[!ab].py", "lib/c.py", True),
])
def test_per_file_globs(glob: str, path: str, hit: bool) -> None:
    assert path_matches(glob, path) is hit


def test_per_file_ignores() -> None:
    sel = Selection(None, None, {"tests/**": ["LNT", "tests-missing"], "*.yaml": ["hygiene"]})
    assert not sel.allows(_f("LNT-E501", Category.LINT, "tests/unit/test_x.py"))
    assert sel.allows(_f("LNT-E501", Category.LINT, "lib/tap_stack.py"))
    assert not sel.allows(_f("TST003", Category.TESTS_MISSING, "tests/unit/test_x.py"))
    assert not sel.allows(_f("CFN005", Category.HYGIENE, "templates/stack.yaml"))
    assert sel.allows(_f("CFN005", Category.HYGIENE, None))  # a finding with no file is never per-file ignored
    assert sel.selects("LNT-E501", Category.LINT)  # per-file ignores do not stop a rule from running


def test_unknown_selectors_are_named() -> None:
    sel = Selection(["sdk-api", "SDK", "XYZ"], ["SEC-CKV_AWS_28", "lint"], {"tests/**": ["LTN"]})
    assert sel.unknown(catalog()) == ["XYZ", "LTN"]


def test_engine_runs_only_selected_rules() -> None:
    ran: list[str] = []
    ctx = RuleContext(graph=ResourceGraph(platform="pulumi"))
    original = {cls: cls.check for cls in graph_rules()}
    try:
        for cls in graph_rules():
            cls.check = (lambda rid: lambda self, c: ran.append(rid) or ())(cls.id)  # type: ignore[method-assign]
        run_rules(ctx, Selection(["iam-broad"], ["IAM003"], None))
        assert sorted(ran) == ["IAM001", "IAM002", "IAM004"]
        ran.clear()
        run_rules(ctx, ["HYG"], ["HYG004"])  # the list form the pipeline used to pass
        hygiene = sorted(cls.id for cls in graph_rules() if cls.id.startswith("HYG") and cls.id != "HYG004")
        assert "HYG001" in hygiene and "HYG004" not in ran
        assert sorted(ran) == hygiene  # every HYG rule but the ignored one (the family grows)
    finally:
        for cls, fn in original.items():
            cls.check = fn  # type: ignore[method-assign]

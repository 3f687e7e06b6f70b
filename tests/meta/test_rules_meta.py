"""The rule registry's contract: unique ids, documented, every graph rule has its fixture pair, docs fresh."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iacqa.model import Category, Severity
from iacqa.rules.base import DOC_SECTIONS
from iacqa.rules.docs import rules_markdown
from iacqa.rules.registry import all_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = all_rules()
ID = re.compile(r"^[A-Z]{3}[0-9]{3}$|^[A-Z]{3}-[A-Z0-9_]+$")


def test_there_are_rules() -> None:
    assert len(RULES) >= 10


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_metadata(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert ID.match(rule_id), f"{rule_id}: ids are a family prefix plus a number"
    assert isinstance(rule.category, Category)
    assert isinstance(rule.severity, Severity)
    assert rule.title and len(rule.title) < 80


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_docstring_has_sections(rule_id: str) -> None:
    doc = RULES[rule_id].documentation()
    missing = [s for s in DOC_SECTIONS if f"{s}:" not in doc and f"{s}\n" not in doc]
    assert not missing, f"{rule_id} docstring lacks sections {missing}"


@pytest.mark.parametrize("rule_id", sorted(r for r, c in RULES.items() if c.stage == "check"))
def test_graph_rule_has_fixture_pair(rule_id: str) -> None:
    pairs = list((ROOT / "tests" / "rules").glob(f"*/{rule_id}"))
    assert pairs, f"{rule_id} has no tests/rules/<family>/{rule_id}/ fixture pair"
    assert (pairs[0] / "bad").is_dir() and (pairs[0] / "good").is_dir()


def test_rules_doc_is_fresh() -> None:
    doc = ROOT / "docs" / "rules.md"
    assert doc.exists(), "run: iacqa rules --markdown > docs/rules.md"
    assert doc.read_text() == rules_markdown(), "docs/rules.md is stale: iacqa rules --markdown > docs/rules.md"

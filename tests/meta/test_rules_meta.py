"""The catalog's contract: unique ids, documented, each id linked to the code that emits it, every graph rule has
its fixture pair, docs/rules.md fresh."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from iacqa.catalog.base import DOC_SECTIONS, STAGES, DuplicateId, Entry
from iacqa.model import Category, Location, Resource, Severity
from iacqa.rules.docs import rules_markdown, source_file
from iacqa.rules.registry import all_rules, catalog

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "src" / "iacqa"
ENTRIES = catalog()
GRAPH_RULES = all_rules()
ID = re.compile(r"^[A-Z]{3}[0-9]{3}$|^[A-Z]{3}-[A-Z0-9_]+$")


def test_there_are_ids_and_graph_rules() -> None:
    assert len(ENTRIES) >= 90 and len(GRAPH_RULES) >= 20
    assert set(GRAPH_RULES) <= set(ENTRIES), "every graph rule is registered in the catalog"


@pytest.mark.parametrize("rule_id", sorted(ENTRIES))
def test_entry_metadata(rule_id: str) -> None:
    e = ENTRIES[rule_id]
    assert ID.match(rule_id), f"{rule_id}: ids are a family prefix plus a number"
    assert isinstance(e.category, Category)
    assert isinstance(e.severity, Severity)
    assert e.title and len(e.title) < 80
    assert e.stage in STAGES, f"{rule_id}: stage {e.stage!r} is not one of {STAGES}"
    assert e.fix_text(), f"{rule_id}: no fix text (a `fix` attribute or a Good section)"


@pytest.mark.parametrize("rule_id", sorted(ENTRIES))
def test_entry_docstring_has_sections(rule_id: str) -> None:
    doc = ENTRIES[rule_id].documentation()
    missing = [s for s in DOC_SECTIONS if f"{s}:" not in doc and f"{s}\n" not in doc]
    assert not missing, f"{rule_id} docstring lacks sections {missing}"


@pytest.mark.parametrize("rule_id", sorted(GRAPH_RULES))
def test_graph_rule_has_fixture_pair(rule_id: str) -> None:
    assert GRAPH_RULES[rule_id].stage == "check"
    pairs = list((ROOT / "tests" / "rules").glob(f"*/{rule_id}"))
    assert pairs, f"{rule_id} has no tests/rules/<family>/{rule_id}/ fixture pair"
    assert (pairs[0] / "bad").is_dir() and (pairs[0] / "good").is_dir()


def test_only_graph_rules_live_in_rules() -> None:
    """rules/ holds graph rules; an id that another stage emits is a catalog entry (src/iacqa/catalog/)."""
    for rid, e in ENTRIES.items():
        if e.__module__.startswith("iacqa.rules."):
            assert rid in GRAPH_RULES, f"{rid} is defined in {e.__module__} but is not a graph rule (no check())"


# ---- every id is linked to the code that emits it, both ways ----------------------------------------------------

def _module(path: Path) -> str:
    parts = ["iacqa", *path.relative_to(PKG).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _catalog_imports() -> dict[str, set[tuple[str, str]]]:
    """module -> {(catalog module, imported name)} for every module outside the catalog."""
    out: dict[str, set[tuple[str, str]]] = {}
    for f in PKG.rglob("*.py"):
        if f.relative_to(PKG).parts[0] == "catalog":
            continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("iacqa.catalog."):
                out.setdefault(_module(f), set()).update((node.module, a.name) for a in node.names)
    return out


IMPORTS = _catalog_imports()


@pytest.mark.parametrize("rule_id", sorted(ENTRIES))
def test_declared_emitters_exist_and_use_the_entry(rule_id: str) -> None:
    e = ENTRIES[rule_id]
    for mod in e.emitted_by():
        assert (ROOT / source_file(mod)).exists(), f"{rule_id}: emitter {mod} does not exist (moved? update emitters)"
        if mod == e.__module__:
            continue
        used = IMPORTS.get(mod, set())
        assert any(m == e.__module__ for m, _ in used), (
            f"{rule_id}: {mod} is listed as its emitter but imports nothing from {e.__module__}")


def test_every_emitting_module_is_declared() -> None:
    """A module that imports an entry emits it: it must be among the entry's `emitters` (docs/rules.md links it)."""
    by_class = {(e.__module__, e.__name__): e for e in ENTRIES.values()}
    missing = []
    for mod, names in IMPORTS.items():
        for key in names:
            e = by_class.get(key)
            if e is not None and mod not in e.emitted_by() and not (
                    e.id in GRAPH_RULES and mod.startswith("iacqa.rules.")):
                missing.append(f"{e.id} is emitted by {mod}: add it to {e.__module__}.{e.__name__}.emitters")
    assert not missing, "\n".join(missing)


# ---- the entry contract -------------------------------------------------------------------------------------

def test_duplicate_id_is_an_error() -> None:
    with pytest.raises(DuplicateId, match="SDK001"):
        type("Impostor", (Entry,), {"id": "SDK001", "category": Category.SDK_API, "severity": Severity.LOW,
                                    "title": "x", "stage": "frontend", "__module__": "tests.meta.probe"})


def test_finding_needs_no_rule_context() -> None:
    e = ENTRIES["SDK002"]
    res = Resource(id="fn", type="AWS::Lambda::Function", native_type="aws:lambda/function:Function",
                   native_paths={"MemorySize": "memory_size"}, attr_locations={"memory_size": Location("lib/s.py", 7)})
    f = e.finding("bad keyword", resource=res, attribute="MemorySize", error="TypeError: x")
    assert (f.rule, f.category, f.severity, f.title, f.stage) == ("SDK002", e.category, e.severity, e.title, e.stage)
    assert (f.file, f.line, f.resource, f.resource_type, f.attribute) == (
        "lib/s.py", 7, "fn", "aws:lambda/function:Function", "memory_size")
    assert f.md_line is None and f.snippet is None  # the pipeline attaches them, once
    placed = e.finding("m", location=Location("a.py", 3, md_line=40))
    assert placed.md_line == 40


def test_internal_error_is_not_filed_under_docs() -> None:
    iqa = ENTRIES["IQA001"]
    assert iqa.category is Category.INTERNAL
    assert not iqa.finding("x").blocking


def test_rules_doc_is_fresh() -> None:
    doc = ROOT / "docs" / "rules.md"
    assert doc.exists(), "run: iacqa rules --markdown > docs/rules.md"
    assert doc.read_text() == rules_markdown(), "docs/rules.md is stale: iacqa rules --markdown > docs/rules.md"


def test_rules_doc_links_every_id_to_its_emitter() -> None:
    text = rules_markdown()
    for rid, e in ENTRIES.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| [{rid}]("))
        for mod in e.emitted_by():
            assert f"(../{source_file(mod)})" in row, f"{rid}: docs/rules.md does not link {mod}"
        assert f"| {e.stage} |" in row

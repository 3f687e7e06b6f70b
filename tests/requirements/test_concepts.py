"""The knowledge base: every concept is well formed and its samples behave (matched, met, not met)."""

from __future__ import annotations

import pytest

from iacqa.knowledge.concepts import load
from iacqa.requirements.check import _evaluate
from iacqa.requirements.extract import extract
from iacqa.requirements.match import concepts_for, problems
from iacqa.requirements.predicates import MET, NOT_CHECKABLE, NOT_MET, PARTLY

from .samples import graph_of

CONCEPTS = load()


def test_knowledge_base_is_well_formed_and_large_enough() -> None:
    assert problems() == []
    checkable = [c for c in CONCEPTS if c.check is not None]
    assert len(CONCEPTS) >= 150 and len(checkable) >= 150


def _match(concept_id: str, text: str):
    reqs = extract("## Requirements\n- " + text)
    found = [m for r in reqs for m in concepts_for(r)]
    return next((m for m in found if m.concept.id == concept_id), None), found


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: c.id)
def test_samples(concept) -> None:
    for sample in concept.samples:
        m, found = _match(concept.id, sample["text"])
        assert m is not None, f"{sample['text']!r} names {[x.concept.id for x in found]}, not {concept.id}"
        if concept.check is None:
            assert _evaluate(m, graph_of({}), "cfn").status == NOT_CHECKABLE
            continue
        if "files" in concept.check:  # a layout concept: its samples are the response's file lists
            assert _evaluate(m, graph_of({}), "tf", files=sample["met"]).status == MET
            assert _evaluate(m, graph_of({}), "tf", files=sample["not_met"]).status == NOT_MET
            continue
        assert _evaluate(m, graph_of(sample["met"]), "cfn").status == MET
        assert _evaluate(m, graph_of(sample["not_met"]), "cfn").status in (NOT_MET, PARTLY)


def test_negation_drops_presence_concepts() -> None:
    m, _ = _match("network.nat_gateway", "Private subnets need no NAT gateway; use VPC endpoints.")
    assert m is None
    m, _ = _match("network.nat_gateway", "Deploy a NAT gateway for outbound traffic.")
    assert m is not None


def test_a_specific_concept_supersedes_the_general_one() -> None:
    _, found = _match("network.nat_per_az", "Deploy NAT Gateways in each availability zone.")
    ids = {m.concept.id for m in found}
    assert "network.nat_per_az" in ids and "network.nat_gateway" not in ids


def test_environment_specific_values_accept_any_of_the_environments() -> None:
    reqs = extract("## Constraints\n- Lambda memory allocations: dev (256MB), staging (512MB), prod (1024MB)")
    m = next(m for r in reqs for m in concepts_for(r) if m.concept.id == "lambda.memory")
    g = graph_of({"AWS::Lambda::Function": {"MemorySize": 1024}})
    assert _evaluate(m, g, "cfn").status == MET
    g = graph_of({"AWS::Lambda::Function": {"MemorySize": 128}})
    assert _evaluate(m, g, "cfn").status == NOT_MET

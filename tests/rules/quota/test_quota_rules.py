"""QTA001 over hand-built graphs."""

from __future__ import annotations

from iacqa.model import Severity
from iacqa.rules.quota.concurrency import ReservedConcurrencyQuota as QTA001
from tests.rules.wiring import wiring_graphkit as gk


def fns(*reserved):
    return [gk.function(f"f{i}", ReservedConcurrentExecutions=n) if n is not None else gk.function(f"f{i}")
            for i, n in enumerate(reserved)]


def test_seed_001_single_function_100_fails_in_tap_profile():
    out = gk.run(QTA001, *fns(100))
    assert len(out) == 1 and out[0].severity is Severity.CRITICAL
    assert "[100]" in out[0].error and out[0].rule == "QTA001"


def test_seed_000_four_times_100_fails_each_function():
    out = gk.run(QTA001, *fns(100, 100, 100, 100))
    assert len(out) == 4
    assert "400 in total" in out[0].message


def test_seed_fixes_deploy():
    assert gk.run(QTA001, *fns(10, 10, 10, 10)) == []  # seed 000 after the fix
    assert gk.run(QTA001, *fns(10, 5, None)) == []  # seed 004


def test_between_model_and_observation_is_high():
    out = gk.run(QTA001, *fns(30, 30))
    assert [f.severity for f in out] == [Severity.HIGH, Severity.HIGH]


def test_standard_profile_and_override():
    assert gk.run(QTA001, *fns(100, 100, 100, 100), quota_profile="standard") == []
    out = gk.run(QTA001, *fns(500, 500), quota_profile="standard")
    assert len(out) == 2 and all(f.severity is Severity.CRITICAL for f in out)
    assert gk.run(QTA001, *fns(100), account_concurrency=1000) == []
    out = gk.run(QTA001, *fns(60), account_concurrency=150)
    assert len(out) == 1 and out[0].severity is Severity.CRITICAL  # an explicit number is not a guess


def test_low_profile_any_reservation_fails():
    out = gk.run(QTA001, *fns(1, None, 0), quota_profile="low")
    assert [f.resource for f in out] == ["f0"]


def test_no_reservation_no_finding():
    assert gk.run(QTA001, *fns(None, None)) == []

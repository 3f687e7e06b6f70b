"""Every critical names its authority (issue 11): each id the catalog rates critical gets an `evidence` text, and
date-dependent ones say "as of" the date."""

from __future__ import annotations

from iacqa.knowledge.evidence import authority
from iacqa.model import Finding, Severity
from iacqa.rules.registry import catalog


def test_every_critical_id_has_an_authority() -> None:
    missing = []
    for rule_id, entry in catalog().items():
        if entry.severity is not Severity.CRITICAL:
            continue
        for platform in ("pulumi", "tf", "cfn", "cdk", "cdktf"):
            f = Finding(rule_id, entry.category, Severity.CRITICAL, entry.title, "m")
            if not authority(f, platform, "2026-01-01"):
                missing.append(f"{rule_id} on {platform}")
    assert not missing, missing


def test_dated_findings_say_as_of() -> None:
    from iacqa.model import Category

    f = Finding("LIM002", Category.AWS_LIMIT, Severity.CRITICAL, "t", "runtime 'python3.7' can no longer be used")
    assert "as of 2026-01-01" in authority(f, "pulumi", "2026-01-01")
    f = Finding("LIM003", Category.AWS_LIMIT, Severity.CRITICAL, "t", "Engine version '14.13' is deprecated")
    assert "as of 2026-01-01" in authority(f, "tf", "2026-01-01")

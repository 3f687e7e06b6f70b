"""Checklist -> findings: not met and partly met requirements become REQ002 / REQ003 at the prompt line."""

from __future__ import annotations

from iacqa.catalog.requirement import RequirementNotMet, RequirementPartlyMet
from iacqa.model import Finding, Location, Severity
from iacqa.requirements.check import SEVERITY_OF_STRENGTH, RequirementResult
from iacqa.requirements.predicates import NOT_MET, PARTLY


def requirement_findings(results: list[RequirementResult], prompt_file: str = "lib/PROMPT.md") -> list[Finding]:
    """One finding per distinct requirement that is not met or partly met."""
    out: list[Finding] = []
    for r in results:
        if r.duplicate_of is not None or r.status not in (NOT_MET, PARTLY):
            continue
        entry = RequirementNotMet if r.status == NOT_MET else RequirementPartlyMet
        severity = Severity(SEVERITY_OF_STRENGTH[r.strength])
        what = r.concept_title or r.concept or "requirement"
        shown = "; ".join(r.evidence[:4])
        message = f"prompt line {r.line} asks: \"{_short(r.text)}\" ({what}): {r.status}"
        if shown:
            message += f" - {shown}"
        extra = {"requirement": r.id, "concept": r.concept, "status": r.status}
        if r.resource is not None:
            loc = r.resource.location_of(r.attribute)
            if loc.file:
                extra["resource_location"] = str(loc)
        finding = entry.finding(message, resource=r.resource, attribute=r.attribute,
                                location=Location(prompt_file, r.line), severity=severity,
                                error=None, fix=r.fix, snippet=r.text, **extra)
        out.append(finding)
    return out


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."

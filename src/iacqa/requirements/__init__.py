"""Requirements from the prompt: a checklist of what was asked, each item checked on the resource graph.

    extract(prompt) -> [Requirement]                      sentences and list items that ask, with prompt lines
    check_requirements(prompt, graph) -> [RequirementResult]  met / partly met / not met / not checkable
    requirement_findings(results) -> [Finding]             REQ002 (not met) / REQ003 (partly met)
    coverage(results) -> {...}                             met / checkable

The intents and their graph predicates are data: src/iacqa/knowledge/concepts/*.yaml (see that package's
docstring and iacqa.requirements.predicates for the predicate language). Offline and deterministic.
"""

from iacqa.requirements.check import RequirementResult, check_requirements, coverage
from iacqa.requirements.extract import Requirement, extract
from iacqa.requirements.findings import requirement_findings

__all__ = ["Requirement", "RequirementResult", "check_requirements", "coverage", "extract", "requirement_findings"]


def checklist(prompt: str | None, graph: object, graph_status: str | None, platform: str = "",
              prompt_file: str = "lib/PROMPT.md") -> tuple[list[dict], dict, list]:
    """What the pipeline stores for one task: the checklist as JSON-ready dicts, its coverage, and the findings.

    No prompt (a plain project without --prompt) gives an empty checklist; a crash here is the caller's to turn
    into a finding (the pipeline's stage runner does)."""
    if not prompt or not prompt.strip():
        return [], {}, []
    results = check_requirements(prompt, graph, graph_status, platform)  # type: ignore[arg-type]
    return [r.to_dict() for r in results], coverage(results), requirement_findings(results, prompt_file)


__all__ += ["checklist"]

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
              prompt_file: str = "lib/PROMPT.md", files: list[str] | None = None,
              root: object = None) -> tuple[list[dict], dict, list]:
    """What the pipeline stores for one task: the checklist as JSON-ready dicts, its coverage, and the findings.

    `files`: the response's own project files (scaffold aside), for asks about the file layout; `root`: the
    project directory (Terraform provider default_tags are read there). No prompt (a
    plain project without --prompt) gives an empty checklist; a crash here is the caller's to turn into a finding
    (the pipeline's stage runner does). On a graph built past a blocking error (ResourceGraph.revealed_by) the
    findings are marked revealed_by that error, like the graph rules' findings."""
    if not prompt or not prompt.strip():
        return [], {}, []
    results = check_requirements(prompt, graph, graph_status, platform, files, root)  # type: ignore[arg-type]
    found = requirement_findings(results, prompt_file)
    revealed = getattr(graph, "revealed_by", None)
    if revealed:
        found = [f if f.revealed_by else f.with_(revealed_by=revealed) for f in found]
    return [r.to_dict() for r in results], coverage(results), found


__all__ += ["checklist"]

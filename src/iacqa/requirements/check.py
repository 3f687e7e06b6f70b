"""Requirements x graph -> a checklist: each atomic requirement met, partly met, not met or not checkable.

An atomic requirement is one concept named by one sentence of the prompt. Trust comes first: a false "not met"
on a correct response is the worst outcome, so anything uncertain is "not checkable" with the reason: the graph
could not be built, the requirement is conditional or depends on the environment deployed, the values are not
known offline, the intent is not visible in a resource graph (tests, documentation, RTO), or no concept of the
knowledge base names it. The same concept with the same values asked twice (a constraint restated in the success
criteria) is checked once; the repeats point at the first.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.model import Resource, ResourceGraph
from iacqa.requirements.extract import MAY, MUST, SHOULD, extract
from iacqa.requirements.match import Match, concepts_for
from iacqa.requirements.predicates import MET, NOT_CHECKABLE, NOT_MET, PARTLY, Outcome, PredicateError, run_check
from iacqa.requirements.provider_tags import default_tag_keys
from iacqa.requirements.view import opaque_types, view

STATUSES = (MET, PARTLY, NOT_MET, NOT_CHECKABLE)
_NESTED = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")


@dataclass
class RequirementResult:
    """One line of the checklist."""

    id: str
    text: str
    line: int
    strength: str
    status: str
    concept: str | None = None
    concept_title: str | None = None
    evidence: list[str] = field(default_factory=list)
    reason: str | None = None  # why not checkable
    resource: Resource | None = None  # the closest resource (meets it or falls short)
    attribute: str | None = None  # CFN path of the value that falls short
    params: dict[str, Any] = field(default_factory=dict)
    duplicate_of: str | None = None
    fix: str | None = None
    section: str = ""

    @property
    def checkable(self) -> bool:
        return self.status != NOT_CHECKABLE

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "text": self.text, "line": self.line, "strength": self.strength,
            "status": self.status, "concept": self.concept, "evidence": list(self.evidence),
        }
        if self.reason:
            out["reason"] = self.reason
        if self.resource is not None:
            out["resource"] = self.resource.id
            if self.attribute:
                out["attribute"] = self.resource.native_name(self.attribute)
        if self.duplicate_of:
            out["duplicate_of"] = self.duplicate_of
        stated = {k: v for k, v in self.params.items() if k not in ("values",)}
        if stated:
            out["values"] = stated
        return out


def _universal(check: dict[str, Any]) -> dict[str, Any]:
    """`exists T where C` -> `all T assert C` ("all buckets", "each function")."""
    if "exists" in check and "where" in check and "min" not in check:
        return {"all": check["exists"], "assert": check["where"]}
    if "any_of" in check:
        return {"any_of": [_universal(c) for c in check["any_of"]]}
    return check


def _fix_text(match: Match) -> str | None:
    fix = match.concept.fix
    if not fix:
        return None
    try:
        return fix.format(**{k: (", ".join(map(str, v)) if isinstance(v, list) else v)
                             for k, v in match.params.items()})
    except (KeyError, IndexError, ValueError):
        return fix


WHOLE, OFFENDERS = "whole", "offenders"
# Types whose settings a program may write as separate resources (aws_s3_bucket_public_access_block, security group
# rules, table replicas): on a graph cut short by an error, the part that sets them may come after the error.
# RDS: Aurora keeps some settings on the cluster and others on its instances (backup retention vs Performance
# Insights), which a partial graph may show one side of (cdk-py Pr7440).
_SPLIT = ("AWS::S3::Bucket", "AWS::EC2::SecurityGroup", "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable",
          "AWS::RDS::DBInstance", "AWS::RDS::DBCluster")
_PARTIAL = ("the program stopped at an error, so the graph holds only part of what it declares: what is missing "
            "may be declared after the error")


def graph_mode(graph: ResourceGraph, graph_status: str | None, platform: str | None) -> str | None:
    """How far the graph can be trusted: WHOLE (built normally), OFFENDERS (the front end failed but recorded
    resources: only a resource present whose own value falls short proves a requirement not met) or None
    (nothing to judge).

    CDKTF's copy with the static errors fixed differs from the response only by unused imports removed
    (frontends/cdktf_py/frontend.py marks it `revealed_by`), so its graph is whole; its keep-going run (noted
    "... failing statement skipped (keep-going)") is not. Other continuations stub
    statements or stop half-way (Pulumi keep-going, CDK continuation, Terraform salvage): a resource the
    response declares may be absent from them."""
    if graph_status in (None, "ok"):
        return WHOLE
    if len(graph) == 0:
        return None
    python = any((r.location.file or "").endswith(".py") for r in graph)  # the cdktf_py front end's copy
    if graph.revealed_by and (platform or graph.platform) == "cdktf" and python and not any(
            "keep-going" in note for note in graph.notes):  # a run with failing statements skipped is partial
        return WHOLE
    return OFFENDERS


def _offender_outcome(check: dict[str, Any], out: Outcome) -> bool:
    """Whether a not met / partly met on a partial graph names what falls short on resources present: a coverage
    (`all`) or forbidden-setting (`none`) check with a resource whose inputs resolved, on no type whose settings
    may sit in a separate resource."""
    forms = _forms(check)
    if not forms or not forms <= {"all", "none"} or out.resource is None or out.resource.unresolved:
        return False
    return not (_full_types(check) & set(_SPLIT))


def _resolved(graph: ResourceGraph) -> ResourceGraph:
    """The graph without the resources whose inputs never resolved (the program stopped before they registered):
    such a resource holds only what was known when its constructor ran, so an absent value says nothing."""
    if not any(r.unresolved for r in graph):
        return graph
    out = ResourceGraph(platform=graph.platform, outputs=graph.outputs, code=graph.code,
                        config_needs=graph.config_needs, notes=graph.notes, revealed_by=graph.revealed_by)
    for r in graph:
        if not r.unresolved:
            out.add(r)
    return out


def _forms(check: Any) -> set[str]:
    if not isinstance(check, dict):
        return set()
    if "any_of" in check or "all_of" in check:
        return {f for c in (check.get("any_of") or check.get("all_of") or []) for f in _forms(c)}
    return {f for f in ("exists", "all", "none", "count", "values", "covered", "files") if f in check}


def _evaluate(match: Match, graph: ResourceGraph, platform: str, mode: str = WHOLE,
              files: list[str] | None = None, default_tags: tuple[set[str], set[str]] | None = None) -> Outcome:
    c = match.concept
    req = match.requirement
    if c.offline:
        return Outcome(NOT_CHECKABLE, reason=c.offline)
    if req.conditional:
        return Outcome(NOT_CHECKABLE, reason="conditional requirement (depends on a parameter or a choice)")
    valid = c.raw.get("valid_values")
    stated = match.params.get("n")
    if valid and stated is not None and not any(v in valid for v in (stated if isinstance(stated, list) else [stated])):
        return Outcome(NOT_CHECKABLE, reason=f"AWS accepts only {', '.join(map(str, valid))} here: the value the "
                       f"prompt states ({stated}) cannot be set")
    check = copy.deepcopy(c.check or {})
    if req.env_specific and not isinstance(match.params.get("n", match.params.get("value")), list):
        return Outcome(NOT_CHECKABLE, reason="depends on the environment deployed (dev/staging/prod)")
    if match.universal:
        check = _universal(check)
    params = dict(match.params)
    params.setdefault("values", [])
    params["_files"] = files
    if default_tags is not None:
        params["_default_tags"] = default_tags
    try:
        out = run_check(check, _resolved(graph) if mode == OFFENDERS else graph, params)
    except PredicateError as exc:
        return Outcome(NOT_CHECKABLE, reason=f"knowledge base error in {c.id}: {exc}")
    if c.id.startswith("tagging.") and out.status in (NOT_MET, PARTLY) and platform in ("tf", "pulumi", "cdktf"):
        out = _provider_tags(check, graph, params, out)
    if out.status == NOT_MET and out.resource is not None:
        out.resource = _closest(out.resource, graph, req.text)
    hidden = opaque_types(graph) if out.status in (NOT_MET, PARTLY) else {}
    by = sorted({hidden[t] for t in _full_types(check) if t in hidden})
    if by:
        return Outcome(NOT_CHECKABLE, out.evidence, out.resource, out.attribute,
                       reason=f"{', '.join(by[:3])} is a component whose children are not in the graph")
    if out.status in (NOT_MET, PARTLY) and any(r.type in _NESTED for r in graph):
        return Outcome(NOT_CHECKABLE, out.evidence, out.resource, out.attribute,
                       reason="the template uses nested stacks, whose resources are not in the graph")
    remote = [n.split(":", 1)[0] for n in graph.notes if "is not a local directory" in n]
    if out.status in (NOT_MET, PARTLY) and remote:
        return Outcome(NOT_CHECKABLE, out.evidence, out.resource, out.attribute,
                       reason=f"{', '.join(remote[:3])} come(s) from a registry or remote source whose resources "
                       "are not in the graph")
    if out.status in (NOT_MET, PARTLY) and mode == OFFENDERS and not _offender_outcome(check, out):
        return Outcome(NOT_CHECKABLE, out.evidence, out.resource, out.attribute, reason=_PARTIAL)
    if out.status in (NOT_MET, PARTLY):
        skipped = _skipped_by_condition(graph, check, c.id)
        if skipped:
            return Outcome(NOT_CHECKABLE, out.evidence, out.resource, out.attribute,
                           reason="the template creates " + ", ".join(skipped[:3]) + " only under a condition that "
                           "is false with the default parameters")
    return out


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).lower())} - _STOP


_STOP = {"the", "and", "for", "with", "all", "dev", "prod", "stack", "resource", "aws", "must", "should", "enabled",
         "enable", "use", "using", "create", "configure", "set", "bucket", "table", "function", "queue", "topic"}


def _closest(first: Resource, graph: ResourceGraph, text: str) -> Resource:
    """Of the resources of the same type, the one whose name shares most words with the requirement ("Data
    bucket with CRR" -> the data bucket, not the CloudTrail one); the check's own pick on a tie."""
    want = _words(text)
    best, best_score = first, len(want & _words(first.id))
    for r in graph:
        if r.type != first.type:
            continue
        score = len(want & (_words(r.id) | _words(str(r.properties.get("BucketName") or r.properties.get("Name") or ""))))
        if score > best_score:
            best, best_score = r, score
    return best


def _provider_tags(check: dict[str, Any], graph: ResourceGraph, params: dict[str, Any], out: Outcome) -> Outcome:
    """A tag key no resource carries may come from the provider's default_tags, which the graph does not show:
    check only the keys that some resource carries, and say which ones cannot be checked."""
    keys = [k for k in params.get("values", []) if isinstance(k, str)]
    carried = {str(t.get("Key", "")).lower() for r in graph for t in _tag_list(r)} | {
        str(k).lower() for r in graph if isinstance(r.properties.get("Tags"), dict) for k in r.properties["Tags"]}
    defaults = params.get("_default_tags")
    if defaults is not None:  # Terraform provider default_tags read from the .tf files (provider_tags.py)
        union, every = ({k.lower() for k in keys_} for keys_ in defaults)
        unsure = [k for k in keys if k.lower() in union - every]
        rest = [k for k in keys if k.lower() not in union]
        shown = f"provider default_tags set {', '.join(sorted(defaults[0]))}"
        if unsure:
            if not rest:
                return Outcome(NOT_CHECKABLE, [shown], reason=f"{', '.join(unsure)} is set in the default_tags "
                               "of some aws providers only")
        elif not rest:
            return Outcome(MET, [shown])
        again = run_check(check, graph, {**params, "values": rest})
        if again.status != MET:
            again.evidence.insert(0, f"{shown}; not {', '.join(rest)}")
        return again
    present = [k for k in keys if k.lower() in carried]
    absent = [k for k in keys if k.lower() not in carried]
    if not absent:
        return out
    reason = (f"no resource carries the tag(s) {', '.join(absent)}: they may come from the provider's default_tags, "
              "which the graph does not show")
    if not present:
        return Outcome(NOT_CHECKABLE, out.evidence, reason=reason)
    again = run_check(check, graph, {**params, "values": present})
    again.evidence.append(f"not checked: {', '.join(absent)} (provider default_tags?)")
    return again


def _tag_list(r: Resource) -> list[dict[str, Any]]:
    tags = r.properties.get("Tags")
    return [t for t in tags if isinstance(t, dict)] if isinstance(tags, list) else []


def _check_types(check: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(check, dict):
        for key, value in check.items():
            if key in ("exists", "all", "none", "count", "values", "covered", "by", "type"):
                for t in (value if isinstance(value, list) else [value]):
                    if isinstance(t, str) and "::" in t:
                        out.add(t.split("::")[-1].lower())
            elif isinstance(value, (dict, list)):
                out |= _check_types(value)
    elif isinstance(check, list):
        for item in check:
            out |= _check_types(item)
    return out


def _full_types(check: Any) -> set[str]:
    """Every CloudFormation type a check reads."""
    out: set[str] = set()
    if isinstance(check, dict):
        for key, value in check.items():
            if key in ("exists", "all", "none", "count", "values", "covered", "by", "type"):
                out |= {t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str) and "::" in t}
            elif isinstance(value, (dict, list)):
                out |= _full_types(value)
    elif isinstance(check, list):
        for item in check:
            out |= _full_types(item)
    return out


def _skipped_by_condition(graph: ResourceGraph, check: dict[str, Any], concept_id: str) -> list[str]:
    """Logical ids a CloudFormation template creates only under a condition that is false by default, when they
    look like what the check needs (an HTTPSListener for an HTTPS listener check)."""
    words = _check_types(check) | {w for w in concept_id.split(".")[-1].split("_") if len(w) >= 3}
    out = []
    for note in graph.notes:
        if "not created" not in note or ": condition" not in note:
            continue
        logical = note.split(":", 1)[0].strip()
        if any(w in logical.lower() for w in words):
            out.append(logical)
    return out


_DECLARES = re.compile(r"^\s*(resource|data|module|variable|output|locals)\b", re.M)


def _layout_files(root: Path | None, files: list[str] | None) -> list[str] | None:
    """The files that hold the response's configuration: a .tf file with only `terraform`/`provider` blocks (the
    TAP scaffold's provider.tf, a backend.tf) is the pipeline's plumbing, not a second file of the stack."""
    if files is None or root is None:
        return files
    out = []
    for rel in files:
        if rel.endswith(".tf"):
            try:
                text = (Path(root) / rel).read_text(errors="replace")
            except OSError:
                text = ""
            if text and not _DECLARES.search(text):
                continue
        out.append(rel)
    return out


def check_requirements(prompt: str, graph: ResourceGraph, graph_status: str | None = "ok",
                       platform: str | None = None, files: list[str] | None = None,
                       root: Path | None = None) -> list[RequirementResult]:
    """The checklist of a prompt against a graph. `files`: the response's own project files (layout asks);
    `root`: the project directory, where Terraform provider default_tags are read."""
    platform = platform or graph.platform
    mode = graph_mode(graph, graph_status, platform)
    defaults = default_tag_keys(root, files) if platform == "tf" else None
    graph = view(graph)
    results: list[RequirementResult] = []
    seen: dict[tuple[str, str], str] = {}
    for req in extract(prompt):
        matches = concepts_for(req)
        if not matches:
            results.append(RequirementResult(req.id, req.text, req.line, req.strength, NOT_CHECKABLE,
                                             reason="no concept of the knowledge base names this requirement",
                                             section=req.section))
            continue
        groups = alternatives(req.text, matches)
        mine: list[RequirementResult] = []
        for i, m in enumerate(matches, 1):
            rid = req.id if len(matches) == 1 else f"{req.id}.{i}"
            text = m.clause if len(matches) > 1 else req.text
            group = next((g for g in groups if i - 1 in g), None)
            key = (m.concept.id, repr(sorted((k, v) for k, v in m.params.items() if k != "values"))
                   + ("/all" if m.universal else "")
                   + ("/or:" + ",".join(sorted(matches[j].concept.id for j in group)) if group else ""))
            res = RequirementResult(rid, text, req.line, req.strength, NOT_CHECKABLE, m.concept.id,
                                    m.concept.title, params=m.params, fix=_fix_text(m), section=req.section)
            if key in seen:
                res.duplicate_of = seen[key]
                first = next(r for r in results if r.id == seen[key])
                res.status, res.evidence, res.reason = first.status, first.evidence, first.reason
                res.resource, res.attribute = first.resource, first.attribute
                results.append(res)
                mine.append(res)
                continue
            seen[key] = rid
            if m.concept.check and "files" in m.concept.check:  # the file layout needs no graph
                out = _evaluate(m, graph, platform or "", WHOLE, _layout_files(root, files))
                res.status, res.evidence, res.reason = out.status, out.evidence, out.reason
            elif mode is None or len(graph) == 0 and not m.concept.offline:
                res.reason = ("the resource graph could not be built" if graph_status not in (None, "ok")
                              else "the resource graph is empty")
            else:
                out = _evaluate(m, graph, platform or "", mode, files, defaults)
                res.status, res.evidence, res.reason = out.status, out.evidence, out.reason
                res.resource, res.attribute = out.resource, out.attribute
            results.append(res)
            mine.append(res)
        for group in groups:
            _settle_alternatives([mine[j] for j in group], req.text)
    return results


_OR_GAP = re.compile(r"[\s,]*(?:\(|either\s+)?(?:and/or\b|or\b|/)\s*(?:(?!and\b|with\b|for\b|to\b|in\b)[\w.-]+\s+){0,3}",
                     re.I)
_NO_BEFORE = re.compile(r"\b(?:no|not|never|without|avoid|neither|nor|prohibit\w*|forbid\w*)\b", re.I)
_LIST_GAP = re.compile(r"\s*,\s*(?:(?!and\b|with\b|for\b|to\b|in\b)[\w.-]+\s+){0,2}", re.I)


def alternatives(text: str, matches: list[Match]) -> list[list[int]]:
    """Groups of matches (indexes) the sentence offers as alternatives: "Parameter Store or Secrets Manager",
    "KMS, CloudHSM or SSE-S3", "SSM/Secrets Manager". Only short gaps made of `or` (`and/or`, `/`) and list
    commas link two matches; a run of links counts when at least one of them is an `or`."""
    order = sorted(range(len(matches)), key=lambda i: matches[i].start)
    if order and _NO_BEFORE.search(re.split(r"[.;:,]", text[:matches[order[0]].end])[-1]):
        return []  # "No DeletionProtection or Retain policies": neither is allowed, both are asked
    groups: list[list[int]] = []
    run, has_or = [order[0]] if order else [], False
    for a, b in zip(order, order[1:], strict=False):
        gap = text[matches[a].end:matches[b].start] if matches[b].start >= matches[a].end else None
        if gap is not None and not re.search(r"[.;:]", gap) and _OR_GAP.fullmatch(gap):
            run.append(b)
            has_or = True
            continue
        if gap is not None and not re.search(r"[.;:]", gap) and _LIST_GAP.fullmatch(gap):
            run.append(b)
            continue
        if len(run) > 1 and has_or:
            groups.append(run)
        run, has_or = [b], False
    if len(run) > 1 and has_or:
        groups.append(run)
    return groups


def _settle_alternatives(members: list[RequirementResult], text: str) -> None:
    """One status for alternatives: met when any is met; not checkable when one cannot be checked (it may be
    the one the response chose); otherwise a single not met / partly met, reported once for the whole choice."""
    by_status = {r.status: r for r in reversed(members)}
    titles = " or ".join(r.concept_title or r.concept or "?" for r in members)
    if MET in by_status:
        best = by_status[MET]
        for r in members:
            if r is not best:
                r.status, r.reason, r.duplicate_of = MET, None, None
                r.evidence = [f"the prompt offers alternatives; {best.concept_title or best.concept} is met"]
        return
    if NOT_CHECKABLE in by_status:
        other = by_status[NOT_CHECKABLE]
        for r in members:
            if r.status != NOT_CHECKABLE:
                r.status, r.duplicate_of = NOT_CHECKABLE, None
                r.reason = (f"the prompt offers alternatives ({titles}) and "
                            f"{other.concept_title or other.concept} cannot be checked: {other.reason}")
        return
    head = by_status.get(PARTLY) or next((r for r in members if r.duplicate_of is None), members[0])
    if head.duplicate_of is None:
        head.text = text
        head.evidence = [f"none of the alternatives ({titles}) is met"] + [
            e for r in members for e in r.evidence[:2]]
    for r in members:
        if r is not head and r.duplicate_of is None:
            r.duplicate_of = head.duplicate_of or head.id


def coverage(results: list[RequirementResult]) -> dict[str, Any]:
    """Counts per status over the distinct requirements, and met / checkable."""
    distinct = [r for r in results if r.duplicate_of is None]
    counts = {s: sum(1 for r in distinct if r.status == s) for s in STATUSES}
    checkable = counts[MET] + counts[PARTLY] + counts[NOT_MET]
    return {
        "requirements": len(distinct),
        "met": counts[MET], "partly_met": counts[PARTLY], "not_met": counts[NOT_MET],
        "not_checkable": counts[NOT_CHECKABLE], "checkable": checkable,
        "coverage": round(counts[MET] / checkable, 3) if checkable else None,
    }


SEVERITY_OF_STRENGTH = {MUST: "high", SHOULD: "medium", MAY: "low"}

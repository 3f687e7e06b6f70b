"""The audit of one task: claims with their status and confirming findings, and the blockers the analysis missed;
as JSON (the issue's shape) or as a markdown review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iacqa.audit.claims import split_claims
from iacqa.audit.verify import Text, confirms, mentioned, verify

STATUSES = ("present", "fixed-in-ideal", "absent", "not-checkable")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def audit(task_dir: str | Path, model: dict[str, Any] | None) -> dict[str, Any]:
    """Audit `task_dir`'s lib/MODEL_FAILURES.md against its responses and iacqa's JSON report on the MODEL
    response (`model`, may be None when the analysis is not available: then nothing is confirmed or missed).

    Returns `{"task", "claims": [{"index", "title", "category", "status", "confirmed_by", "evidence"}],
    "missed_blockers": [findings]}`."""
    task = Path(task_dir)
    lib = task / "lib"
    doc = _read(lib / "MODEL_FAILURES.md")
    model_text, ideal_text = Text(_read(lib / "MODEL_RESPONSE.md")), Text(_read(lib / "IDEAL_RESPONSE.md"))
    findings = [f for f in (model or {}).get("findings") or [] if not f.get("suppressed")]
    claims_out: list[dict[str, Any]] = []
    confirmed: set[str] = set()
    for claim in split_claims(doc or ""):
        v = verify(claim, model_text, ideal_text)
        hits = [f for f in findings if f.get("fingerprint") and confirms(f, claim, v)]
        by = [f["fingerprint"] for f in hits]
        confirmed.update(by)
        status, evidence = v.status, v.evidence
        located = [f for f in hits if f.get("md_line") or f.get("line")]
        if status in ("absent", "not-checkable") and located:
            # The text check found nothing literal (the analysis paraphrased), but iacqa found this very failure
            # at a place in the model response: the claim holds.
            f = located[0]
            where = f"MODEL_RESPONSE.md:{f['md_line']}" if f.get("md_line") else f"{f.get('file')}:{f.get('line')}"
            status = "present"
            evidence = (f"iacqa finds this failure in the response ({len(hits)} finding(s), e.g. {f.get('rule')} at "
                        f"{where}); the text check alone: {v.evidence}")
        claims_out.append({"index": claim.index, "title": claim.title, "category": claim.category,
                           "status": status, "confirmed_by": by, "evidence": evidence})
    missed = [f for f in findings if f.get("blocking") and f.get("fingerprint") not in confirmed
              and not mentioned(f, doc or "")]
    return {"task": str(task), "claims": claims_out, "missed_blockers": missed}


def counts(result: dict[str, Any]) -> dict[str, int]:
    """Claims by status, confirmed claims, missed blockers: the figures of the batch summary and the dashboard."""
    out = {s: 0 for s in STATUSES}
    for c in result.get("claims") or []:
        out[c["status"]] = out.get(c["status"], 0) + 1
    out["claims"] = len(result.get("claims") or [])
    out["confirmed"] = sum(1 for c in result.get("claims") or [] if c.get("confirmed_by"))
    out["missed_blockers"] = len(result.get("missed_blockers") or [])
    return out


def _where(f: dict[str, Any]) -> str:
    where = f"{f.get('file')}:{f.get('line')}" if f.get("file") and f.get("line") else (f.get("file") or "<project>")
    if f.get("md_line"):
        where += f" (MODEL_RESPONSE.md:{f['md_line']})"
    return where


def to_markdown(result: dict[str, Any], findings: list[dict[str, Any]] | None = None) -> str:
    """A review of the failure analysis for a person: what does not hold, what iacqa confirms, what it cannot
    check offline, and the blockers the analysis does not mention."""
    by_fp = {f.get("fingerprint"): f for f in findings or []}
    claims = result.get("claims") or []
    c = counts(result)
    lines = [f"# Audit of the failure analysis: {Path(result['task']).name}", "",
             f"`{result['task']}/lib/MODEL_FAILURES.md`: {c['claims']} claims; {c['present']} present in the "
             f"response, {c['fixed-in-ideal']} fixed in the ideal response, {c['absent']} not in the response, "
             f"{c['not-checkable']} not checkable offline; {c['confirmed']} confirmed by iacqa findings; "
             f"{c['missed_blockers']} blockers found by iacqa are not mentioned.", ""]
    if not claims:
        lines += ["No documented failures could be read from MODEL_FAILURES.md (missing, empty, or without "
                  "numbered items, headings or bold-titled items).", ""]

    def section(title: str, items: list[dict[str, Any]], with_evidence: bool = True) -> None:
        lines.append(f"## {title} ({len(items)})")
        lines.append("")
        if not items:
            lines.extend(["None.", ""])
            return
        for cl in items:
            cat = f" [{cl['category']}]" if cl.get("category") else ""
            lines.append(f"{cl['index']}. **{cl['title']}**{cat}")
            if with_evidence:
                lines.append(f"   - {cl['evidence']}")
            for fp in cl.get("confirmed_by") or []:
                f = by_fp.get(fp)
                lines.append(f"   - confirmed by {f['rule']} at {_where(f)}: {' '.join(str(f['message']).split())[:200]}"
                             if f else f"   - confirmed by finding {fp}")
        lines.append("")

    section("Claims not in the response", [x for x in claims if x["status"] == "absent"])
    section("Confirmed by iacqa", [x for x in claims if x.get("confirmed_by")], with_evidence=True)
    section("In the response, not confirmed by iacqa",
            [x for x in claims if x["status"] in ("present", "fixed-in-ideal") and not x.get("confirmed_by")])
    section("Not checkable offline", [x for x in claims if x["status"] == "not-checkable" and not x.get("confirmed_by")])
    missed = result.get("missed_blockers") or []
    lines += [f"## Missed blockers ({len(missed)})", ""]
    if not missed:
        lines += ["None: every blocker iacqa found is covered by a claim.", ""]
    for f in missed:
        lines.append(f"- [{f.get('severity')}] {f.get('rule')} {f.get('category')} at {_where(f)}: "
                     f"{' '.join(str(f.get('message')).split())[:240]}")
    return "\n".join(lines).rstrip() + "\n"

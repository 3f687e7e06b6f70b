"""The aggregate of a results file: the figures of the summary table and of the dashboard, computed once from the
last result of each job (a job re-run with --no-resume counts once, with its newest result).

Also pairs each task's model and ideal results: verdicts side by side, the findings the ideal fixed, and the
training-quality score of the rubric with its agreement with metadata.json's `training_quality`.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from iacqa.batch.tasks import Job, latest_results
from iacqa.report import quality

SEVERITIES = ("critical", "high", "medium", "low")
FINDINGS_BINS = ((0, 0), (1, 2), (3, 5), (6, 10), (11, 20), (21, 50), (51, None))


def platform_of(data: dict[str, Any]) -> str:
    """`tf-hcl`, `pulumi-py`, ...: the report's platform and language, else the task's parent directory name."""
    t = data.get("task") or {}
    plat, lang = t.get("platform"), t.get("language")
    if plat and lang:
        return f"{plat}-{lang}"
    return Path(str(t.get("path") or "?")).parent.name or "?"


def status_of(data: dict[str, Any]) -> str:
    """error | not-deployable | deployable | unchecked. `unchecked`: no blocker, but no resource graph either (the
    graph stage failed or was unavailable, e.g. a platform without a front end): not evidence of a deployable
    stack, so it is kept out of the deployable rate."""
    if data.get("error"):
        return "error"
    if not (data.get("verdict") or {}).get("deployable"):
        return "not-deployable"
    graph = next((s for s in data.get("stages") or [] if s.get("name") == "graph"), None)
    if graph is not None and graph.get("status") not in ("ok", "skipped") and not (data.get("graph") or {}).get(
            "resources"):
        return "unchecked"
    return "deployable"


def _active(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in data.get("findings") or [] if not f.get("suppressed")]


def _pct(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


def _bin(n: int) -> str:
    for lo, hi in FINDINGS_BINS:
        if hi is None and n >= lo:
            return f"{lo}+"
        if hi is not None and lo <= n <= hi:
            return str(lo) if lo == hi else f"{lo}-{hi}"
    return "?"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _seconds(data: dict[str, Any]) -> float:
    v = data.get("batch_seconds")
    if v is None:
        v = (data.get("batch") or {}).get("seconds")
    try:
        return float(v or 0.0)
    except (TypeError, ValueError):
        return 0.0


def aggregate(results: dict[Job, dict[str, Any]], read_tasks: bool = True,
              audits: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Every figure of the summary and the dashboard. `read_tasks` reads metadata.json, the prompt and the ideal
    response of each task (the training-quality score needs them)."""
    rows = list(results.values())
    by_resp: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in rows:
        by_resp[str((d.get("task") or {}).get("response"))].append(d)

    def block(ds: list[dict[str, Any]]) -> dict[str, Any]:
        st = Counter(status_of(d) for d in ds)
        analysed = st["deployable"] + st["not-deployable"]
        return {"jobs": len(ds), "deployable": st["deployable"], "not_deployable": st["not-deployable"],
                "unchecked": st["unchecked"], "errors": st["error"], "deployable_pct": _pct(st["deployable"], analysed)}

    by_platform: dict[str, dict[str, Any]] = {}
    for plat in sorted({platform_of(d) for d in rows}):
        ds = [d for d in rows if platform_of(d) == plat]
        entry: dict[str, Any] = {"all": block(ds)}
        for resp in sorted(by_resp):
            sub = [d for d in ds if str((d.get("task") or {}).get("response")) == resp]
            if sub:
                entry[resp] = block(sub)
        cats: Counter = Counter()
        for d in ds:
            cats.update(f.get("category") for f in _active(d))
        entry["categories"] = dict(cats.most_common())
        by_platform[plat] = entry

    cat_sev: dict[str, Counter] = defaultdict(Counter)
    rules: dict[str, dict[str, Any]] = {}
    for d in rows:
        for f in _active(d):
            cat_sev[str(f.get("category"))][str(f.get("severity"))] += 1
            r = rules.setdefault(str(f.get("rule")), {"rule": f.get("rule"), "category": f.get("category"),
                                                      "severity": f.get("severity"), "title": f.get("title"),
                                                      "findings": 0, "jobs": set()})
            r["findings"] += 1
            r["jobs"].add((str((d.get("task") or {}).get("path")), str((d.get("task") or {}).get("response"))))
    top_rules = sorted(({**r, "jobs": len(r["jobs"]),
                         "jobs_by_response": dict(Counter(resp for _, resp in r["jobs"]))} for r in rules.values()),
                       key=lambda r: (-r["jobs"], -r["findings"], str(r["rule"])))

    dist: dict[str, Counter] = defaultdict(Counter)
    for d in rows:
        if not d.get("error"):
            dist[str((d.get("task") or {}).get("response"))][_bin(len(_active(d)))] += 1
    bins = [_bin(lo) for lo, _ in FINDINGS_BINS]

    stage_secs: dict[str, list[float]] = defaultdict(list)
    for d in rows:
        for s in d.get("stages") or []:
            if s.get("status") not in ("skipped",):
                stage_secs[str(s.get("name"))].append(float(s.get("seconds") or 0.0))
    stages = {name: _stats(v) for name, v in stage_secs.items()}

    slowest = sorted(rows, key=_seconds, reverse=True)[:10]
    errors = [{"task": (d.get("task") or {}).get("path"), "response": (d.get("task") or {}).get("response"),
               "error": d.get("error"), "attempts": (d.get("batch") or {}).get("attempts")}
              for d in rows if d.get("error")]
    secs = [_seconds(d) for d in rows]
    out: dict[str, Any] = {
        "jobs": len(rows),
        "tasks": len({(d.get("task") or {}).get("path") for d in rows}),
        "totals": block(rows),
        "by_response": {r: block(ds) for r, ds in sorted(by_resp.items())},
        "by_platform": by_platform,
        "findings": {"total": sum(len(_active(d)) for d in rows),
                     "by_severity": {s: sum(c[s] for c in cat_sev.values()) for s in SEVERITIES},
                     "by_category": {c: {"total": sum(v.values()), **{s: v[s] for s in SEVERITIES}}
                                     for c, v in sorted(cat_sev.items(), key=lambda kv: -sum(kv[1].values()))}},
        "top_rules": top_rules[:25],
        "findings_per_job": {"bins": bins, "by_response": {r: [c[b] for b in bins] for r, c in sorted(dist.items())}},
        "stage_seconds": dict(sorted(stages.items(), key=lambda kv: -kv[1]["total"])),
        "job_seconds": _stats(secs),
        "slowest": [{"task": (d.get("task") or {}).get("path"), "response": (d.get("task") or {}).get("response"),
                     "platform": platform_of(d), "seconds": round(_seconds(d), 1),
                     "slowest_stage": max(d.get("stages") or [{}], key=lambda s: float(s.get("seconds") or 0))
                     .get("name")} for d in slowest],
        "errors": errors,
        "requirements": _requirements(rows),
    }
    out["pairs"], out["quality"] = _pairs(results, read_tasks)
    if audits:
        out["audit"] = _audit_totals(audits)
    return out


def _stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "total": 0.0, "median": None, "p95": None, "max": None}
    v = sorted(values)
    return {"n": len(v), "total": round(sum(v), 1), "median": round(statistics.median(v), 2),
            "p95": round(v[min(len(v) - 1, int(0.95 * len(v)))], 2), "max": round(v[-1], 2)}


def _requirements(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Requirement coverage when reports carry a `requirements` array (met / not met / unknown per platform)."""
    per: dict[str, Counter] = defaultdict(Counter)
    seen = False
    for d in rows:
        reqs = d.get("requirements")
        if not isinstance(reqs, list):
            continue
        seen = True
        key = f"{platform_of(d)} {(d.get('task') or {}).get('response')}"
        for r in reqs:
            if isinstance(r, dict) and r.get("duplicate_of"):
                continue  # the same ask repeated in the prompt counts once, as in the requirements report
            st = quality._req_status(r) if isinstance(r, dict) else None
            per[key]["met" if st else "unmet" if st is False else "unknown"] += 1
    if not seen:
        return None
    return {k: {**dict(c), "coverage_pct": _pct(c["met"], c["met"] + c["unmet"])} for k, c in sorted(per.items())}


def _pairs(results: dict[Job, dict[str, Any]], read_tasks: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Model vs ideal per task (when both were analysed) and the training-quality scores."""
    by_task: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for (path, resp), d in results.items():
        by_task[path][resp] = d
    pairs, scored = [], []
    for path, sides in sorted(by_task.items()):
        m, i = sides.get("model"), sides.get("ideal")
        if not (m and i):
            continue
        task = Path(path)
        meta = _read_json(task / "metadata.json") if read_tasks else {}
        try:
            q = quality.score(m, i, meta, _read_text(task / "lib" / "IDEAL_RESPONSE.md") if read_tasks else None,
                              _read_text(task / "lib" / "PROMPT.md") if read_tasks else None)
        except Exception as exc:  # noqa: BLE001 - one odd task (metadata of another shape) never stops the aggregate
            q = {"score": None, "reason": f"not computable: {type(exc).__name__}: {exc}",
                 "metadata_training_quality": quality.metadata_score(meta)}
        fixed = quality.fixed_findings(m, i) if not (m.get("error") or i.get("error")) else []
        pair = {"task": path, "platform": platform_of(m if not m.get("error") else i),
                "model": status_of(m), "ideal": status_of(i),
                "model_findings": len(_active(m)), "ideal_findings": len(_active(i)),
                "model_blockers": len((m.get("verdict") or {}).get("blockers") or []),
                "ideal_blockers": len((i.get("verdict") or {}).get("blockers") or []),
                "fixed": len(fixed), "fixed_blockers": sum(1 for f in fixed if f.get("blocking")),
                "quality": q.get("score"), "quality_metadata": q.get("metadata_training_quality"),
                "quality_detail": q}
        pairs.append(pair)
        if q.get("score") is not None and q.get("metadata_training_quality") is not None:
            scored.append((path, float(q["score"]), float(q["metadata_training_quality"])))
    verdicts = Counter((p["model"], p["ideal"]) for p in pairs)
    qual = {"agreement": quality.agreement(scored),
            "computed": sum(1 for p in pairs if p["quality"] is not None),
            "not_computable": sum(1 for p in pairs if p["quality"] is None),
            "distribution": dict(sorted(Counter(p["quality"] for p in pairs if p["quality"] is not None).items())),
            "metadata_distribution": dict(sorted(Counter(p["quality_metadata"] for p in pairs
                                                         if p["quality_metadata"] is not None).items())),
            "model_vs_ideal": {f"{a} -> {b}": n for (a, b), n in sorted(verdicts.items())}}
    return pairs, qual


def _audit_totals(audits: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from iacqa.audit import counts

    tot: Counter = Counter()
    worst = []
    for task, a in audits.items():
        c = counts(a)
        tot.update(c)
        tot["tasks"] += 1
        checkable = c["present"] + c["fixed-in-ideal"] + c["absent"]
        if c["claims"] and c["absent"] * 2 > c["claims"]:
            tot["tasks_mostly_absent"] += 1
        worst.append({"task": task, **c, "absent_share": round(c["absent"] / checkable, 2) if checkable else None})
    worst.sort(key=lambda w: (-(w["absent"]), -w["missed_blockers"]))
    return {**dict(tot), "tasks_table": worst}


def load_audits(path: Path) -> dict[str, dict[str, Any]]:
    """The last audit of each task in an audit JSON-lines file."""
    out: dict[str, dict[str, Any]] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                a = json.loads(line)
                out[str(a["task"])] = a
            except (ValueError, KeyError, TypeError):
                continue
    return out


def aggregate_file(out: Path, read_tasks: bool = True, audit_path: Path | None = None) -> dict[str, Any]:
    """The aggregate of a results file (and of its audit file, when there is one)."""
    audits = load_audits(audit_path) if audit_path else None
    return aggregate(latest_results(out), read_tasks, audits or None)

"""`iacqa dashboard results.jsonl -o report.html`: one self-contained HTML page for a person reviewing a dataset.

Charts are inline SVG drawn here (svg.py), the styles and the few lines of script (table filters) are inline, and
nothing is loaded from anywhere: the file opens offline, from disk or as a mail attachment. Sections: headline
figures, deployable rate by platform (model and ideal), failure categories by platform (heat map), top rules,
findings per task, slowest stages, requirement coverage (when the reports have a `requirements` array), model vs
ideal, training quality against metadata.json, the audit of the failure analyses (when audited), and a filterable
table of every analysis linking to its markdown report.
"""

from __future__ import annotations

import argparse
import os
import sys
from html import escape
from pathlib import Path
from typing import Any

from iacqa.batch import svg
from iacqa.batch.aggregate import aggregate, load_audits, platform_of, status_of
from iacqa.batch.runner import report_name, side_paths
from iacqa.batch.tasks import latest_results

STATUS_COLOR = {"deployable": "#2b8a3e", "not-deployable": "#c92a2a", "unchecked": "#868e96", "error": "#e67700"}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#212529;background:#f8f9fa}
header{background:#212529;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#adb5bd}main{padding:8px 28px 40px;max-width:1500px}
section{background:#fff;border:1px solid #dee2e6;border-radius:6px;margin:18px 0;padding:14px 18px}
h2{font-size:17px;margin:0 0 10px}.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #dee2e6;border-radius:6px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:22px}.card span{color:#6c757d;font-size:12px}
table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #e9ecef;padding:4px 8px;text-align:left}
th{background:#f1f3f5;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}
.chart text{font-size:11px;fill:#343a40}.chart .val{fill:#495057}.chart .na{fill:#adb5bd}.chart .ax{stroke:#adb5bd}
.chart .lg{font-size:12px}.empty{color:#868e96;font-style:italic}.grid{display:grid;grid-template-columns:1fr 1fr;gap:0 24px}
@media (max-width:1100px){.grid{grid-template-columns:1fr}}.st{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
.filters{display:flex;gap:10px;flex-wrap:wrap;margin-bottom:8px}.filters label{font-size:12px;color:#495057}
.scroll{max-height:640px;overflow:auto;border:1px solid #e9ecef}.muted{color:#868e96}
.heat td{text-align:right;min-width:38px}small{color:#6c757d}
"""

SCRIPT = """
(function(){
  var q=function(id){return document.getElementById(id);};
  var rows=Array.prototype.slice.call(document.querySelectorAll('#tasks tbody tr'));
  function apply(){
    var p=q('f-platform').value,r=q('f-response').value,s=q('f-status').value,t=q('f-text').value.toLowerCase();
    var n=0;
    rows.forEach(function(tr){
      var ok=(!p||tr.dataset.platform===p)&&(!r||tr.dataset.response===r)&&(!s||tr.dataset.status===s)&&
             (!t||tr.dataset.search.indexOf(t)>=0);
      tr.style.display=ok?'':'none'; if(ok){n++;}
    });
    q('f-count').textContent=n+' of '+rows.length+' analyses';
  }
  ['f-platform','f-response','f-status'].forEach(function(id){q(id).addEventListener('change',apply);});
  q('f-text').addEventListener('input',apply);
  apply();
})();
"""


def _card(value: Any, label: str) -> str:
    return f'<div class="card"><b>{escape(str(value))}</b><span>{escape(label)}</span></div>'


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f}%"


def _table(header: list[str], rows: list[list[Any]], numeric: set[int] | None = None, cls: str = "") -> str:
    numeric = numeric or set()
    h = "".join(f"<th>{escape(c)}</th>" for c in header)
    body = "".join("<tr>" + "".join(f'<td class="n">{escape(svg.fmt_any(v))}</td>' if i in numeric else
                                    f"<td>{escape(svg.fmt_any(v))}</td>" for i, v in enumerate(r)) + "</tr>"
                   for r in rows)
    return f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


def _section(title: str, body: str, note: str = "") -> str:
    return f"<section><h2>{escape(title)}</h2>{f'<p><small>{escape(note)}</small></p>' if note else ''}{body}</section>"


def _deployable(agg: dict[str, Any]) -> str:
    rows = []
    note = {}
    for plat, e in agg["by_platform"].items():
        vals = [(r, (e.get(r) or {}).get("deployable_pct")) for r in ("model", "ideal", "code") if e.get(r)]
        rows.append((plat, vals))
        note[plat] = "; ".join(f"{r}: {e[r]['deployable']} deployable, {e[r]['not_deployable']} blocked, "
                               f"{e[r].get('unchecked', 0)} unchecked, {e[r]['errors']} errors"
                               for r in ("model", "ideal", "code") if e.get(r))
    if not rows:
        return svg.empty("no results")
    return svg.hbars(rows, unit="%", vmax=100, title="deployable rate by platform", note=note)


def _categories(agg: dict[str, Any]) -> str:
    plats = list(agg["by_platform"])
    cats = list(agg["findings"]["by_category"])
    if not cats:
        return svg.empty("no findings")
    vmax = max((agg["by_platform"][p]["categories"].get(c, 0) for p in plats for c in cats), default=1)
    head = "<tr><th>platform</th>" + "".join(f"<th>{escape(c)}</th>" for c in cats) + "</tr>"
    body = []
    for p in plats:
        cells = []
        for c in cats:
            v = agg["by_platform"][p]["categories"].get(c, 0)
            cells.append(f'<td style="background:{svg.heat(v, vmax)}" title="{escape(p)} {escape(c)}: {v}">'
                         f'{v or ""}</td>')
        body.append(f"<tr><th>{escape(p)}</th>{''.join(cells)}</tr>")
    return f'<div class="scroll" style="max-height:none"><table class="heat"><thead>{head}</thead><tbody>' \
           f'{"".join(body)}</tbody></table></div>'


def _top_rules(agg: dict[str, Any]) -> str:
    rules = agg["top_rules"][:20]
    if not rules:
        return svg.empty("no findings")
    resps = sorted({k for r in rules for k in r.get("jobs_by_response", {})}, key=lambda k: ("model", "ideal",
                                                                                          "code").index(k)
                   if k in ("model", "ideal", "code") else 9)

    def series(r: dict[str, Any]) -> list[tuple[str, float | None]]:
        if len(resps) > 1:
            return [(k, r["jobs_by_response"].get(k, 0)) for k in resps]
        return [("analyses", r["jobs"])]
    chart = svg.hbars([(f"{r['rule']} {r['title'] or ''}", series(r)) for r in rules],
                      label_width=300, title="top rules", note={f"{r['rule']} {r['title'] or ''}":
                                                                f"{r['category']}, {r['severity']}: {r['findings']} "
                                                                f"findings in {r['jobs']} analyses" for r in rules})
    return chart


def _per_task(agg: dict[str, Any]) -> str:
    f = agg["findings_per_job"]
    if not f["by_response"]:
        return svg.empty("no analysed task")
    return svg.vbars(f["bins"], {r: [float(x) for x in v] for r, v in f["by_response"].items()},
                     title="findings per analysis")


def _stages(agg: dict[str, Any]) -> str:
    st = agg["stage_seconds"]
    if not st:
        return svg.empty("no stage timings")
    chart = svg.hbars([(name, [("median", s["median"]), ("p95", s["p95"])]) for name, s in st.items()], unit="s",
                      title="stage seconds")
    table = _table(["stage", "runs", "total s", "median s", "p95 s", "max s"],
                   [[n, s["n"], s["total"], s["median"], s["p95"], s["max"]] for n, s in st.items()], {1, 2, 3, 4, 5})
    slow = _table(["seconds", "task", "response", "platform", "slowest stage"],
                  [[s["seconds"], _short(s["task"]), s["response"], s["platform"], s["slowest_stage"]]
                   for s in agg["slowest"]], {0})
    return f'<div class="grid"><div>{chart}{table}</div><div><h3>Slowest analyses</h3>{slow}</div></div>'


def _requirements(agg: dict[str, Any]) -> str | None:
    req = agg.get("requirements")
    if not req:
        return None
    chart = svg.hbars([(k, [("coverage", v.get("coverage_pct"))]) for k, v in req.items()], unit="%", vmax=100,
                      title="requirement coverage")
    table = _table(["platform response", "met", "unmet", "unknown", "coverage"],
                   [[k, v.get("met", 0), v.get("unmet", 0), v.get("unknown", 0), _pct(v.get("coverage_pct"))]
                    for k, v in req.items()], {1, 2, 3})
    return chart + table


def _model_vs_ideal(agg: dict[str, Any]) -> str | None:
    pairs = agg["pairs"]
    if not pairs:
        return None
    q = agg["quality"]["model_vs_ideal"]
    trans = _table(["model -> ideal", "tasks"], [[k, v] for k, v in q.items()], {1})
    fixed = sum(p["fixed"] for p in pairs)
    fb = sum(p["fixed_blockers"] for p in pairs)
    rows = [(p["platform"], p) for p in pairs]
    per_plat: dict[str, list[float]] = {}
    for plat, p in rows:
        per_plat.setdefault(plat, [0, 0, 0])
        per_plat[plat][0] += p["model_blockers"]
        per_plat[plat][1] += p["ideal_blockers"]
        per_plat[plat][2] += 1
    chart = svg.hbars([(plat, [("model", v[0] / v[2]), ("ideal", v[1] / v[2])]) for plat, v in per_plat.items()],
                      title="blockers per task")
    return (f"<p>{len(pairs)} tasks analysed on both sides; the ideal response fixed {fixed} findings "
            f"({fb} blocking).</p><div class='grid'><div><h3>Blockers per task (mean)</h3>{chart}</div>"
            f"<div><h3>Verdicts</h3>{trans}</div></div>")


def _quality(agg: dict[str, Any]) -> str | None:
    q = agg["quality"]
    if not agg["pairs"]:
        return None
    a = q["agreement"]
    scores = sorted({*map(float, q["distribution"]), *map(float, q["metadata_distribution"])})
    bins = [svg.fmt_any(s) for s in scores]
    dist = svg.vbars(bins, {"iacqa": [float(q["distribution"].get(s, q["distribution"].get(int(s), 0)))
                                      for s in scores],
                            "metadata": [float(q["metadata_distribution"].get(s, q["metadata_distribution"].get(
                                int(s) if s == int(s) else s, 0))) for s in scores]},
                     title="training quality distribution") if scores else svg.empty("no score")
    cards = ""
    if a.get("tasks"):
        cards = ('<div class="cards">' + _card(a["tasks"], "tasks with both scores")
                 + _card(f"{a['mean_absolute_difference']:.2f}", "mean absolute difference")
                 + _card(f"{100 * a['within_1']:.0f}%", "within +-1") + _card(f"{100 * a['exact']:.0f}%", "exact")
                 + _card(f"{a['mean_iacqa']:.2f} / {a['mean_metadata']:.2f}", "mean iacqa / metadata") + "</div>")
    by_task = {p["task"]: p for p in agg["pairs"]}
    worst = _table(["task", "iacqa", "metadata", "difference", "iacqa's reason"],
                   [[_short(d["task"]), d["iacqa"], d["metadata"], d["difference"],
                     _reason(by_task.get(d["task"], {}).get("quality_detail") or {})]
                    for d in a.get("biggest_differences", [])], {1, 2, 3})
    return (f"{cards}<p><small>{q['computed']} tasks scored, {q['not_computable']} not computable (no resource graph "
            f"on either side). Score: base 8, blockers, fix categories A/B/C/D from the findings the ideal response "
            f"fixed, complexity from the ideal graph (training-quality-guide v2.1).</small></p>"
            f"<div class='grid'><div>{dist}</div><div><h3>Biggest disagreements</h3>{worst}</div></div>")


def _reason(q: dict[str, Any]) -> str:
    if q.get("score") is None:
        return q.get("reason", "")
    if q.get("blockers"):
        return "; ".join(b["blocker"] for b in q["blockers"])
    fx = q.get("fixes") or {}
    return (f"{q.get('failures_rule', '')}; complexity {q['complexity']['adjustment']:+d}; fixes A {len(fx.get('A', []))}"
            f" B {len(fx.get('B', []))} C {len(fx.get('C', []))}")


def _audit(agg: dict[str, Any]) -> str | None:
    a = agg.get("audit")
    if not a:
        return None
    cards = '<div class="cards">' + "".join(_card(a.get(k, 0), label) for k, label in (
        ("tasks", "analyses audited"), ("claims", "claims"), ("present", "present in the response"),
        ("fixed-in-ideal", "fixed in the ideal"), ("absent", "not in the response"),
        ("not-checkable", "not checkable offline"), ("confirmed", "confirmed by iacqa"),
        ("missed_blockers", "blockers not mentioned"), ("tasks_mostly_absent", "tasks with most claims absent"))) \
        + "</div>"
    table = _table(["task", "claims", "present", "fixed in ideal", "absent", "not checkable", "confirmed",
                    "missed blockers"],
                   [[_short(t["task"]), t["claims"], t["present"], t["fixed-in-ideal"], t["absent"],
                     t["not-checkable"], t["confirmed"], t["missed_blockers"]] for t in a["tasks_table"][:40]],
                   {1, 2, 3, 4, 5, 6, 7})
    return f'{cards}<h3>Tasks with the most claims not in the response</h3><div class="scroll">{table}</div>'


def _short(path: Any) -> str:
    parts = str(path).rstrip("/").split("/")
    return "/".join(parts[-2:])


def _task_table(results: dict[tuple[str, str], dict[str, Any]], agg: dict[str, Any], results_dir: Path,
                html_dir: Path, reports: Path) -> str:
    quality = {p["task"]: p for p in agg["pairs"]}
    rows = []
    for (task, resp), d in sorted(results.items()):
        st = status_of(d)
        plat = platform_of(d)
        fs = [f for f in d.get("findings") or [] if not f.get("suppressed")]
        sev = {s: sum(1 for f in fs if f.get("severity") == s) for s in ("critical", "high")}
        rules = sorted({str(f.get("rule")) for f in fs})
        md = (d.get("batch") or {}).get("markdown")
        link = ""
        if md and (results_dir / md).is_file():
            rel = os.path.relpath(results_dir / md, html_dir)
            link = f'<a href="{escape(rel)}">report</a>'
        review = reports / report_name(task, "audit")
        if resp == "model" and review.is_file():
            link += f' <a href="{escape(os.path.relpath(review, html_dir))}">audit</a>'
        q = quality.get(task) or {}
        qtxt = "" if q.get("quality") is None else f"{q['quality']}"
        if q.get("quality_metadata") is not None:
            qtxt += f" / {svg.fmt_any(q['quality_metadata'])}"
        err = escape(str(d.get("error"))[:200]) if d.get("error") else ""
        search = " ".join([task, resp, plat, st, *rules, str(d.get("error") or "")]).lower()
        rows.append(
            f'<tr data-platform="{escape(plat)}" data-response="{escape(resp)}" data-status="{st}" '
            f'data-search="{escape(search)}"><td title="{escape(task)}">{escape(_short(task))}</td>'
            f"<td>{escape(plat)}</td><td>{escape(resp)}</td>"
            f'<td><span class="st" style="background:{STATUS_COLOR.get(st, "#495057")}">{st}</span></td>'
            f'<td class="n">{len(fs)}</td><td class="n">{len((d.get("verdict") or {}).get("blockers") or [])}</td>'
            f'<td class="n">{sev["critical"]}</td><td class="n">{sev["high"]}</td>'
            f'<td class="n">{float(d.get("batch_seconds") or 0):.1f}</td>'
            f'<td class="n" title="{escape(_reason(q.get("quality_detail") or {}))}">'
            f'{qtxt if resp == "model" else ""}</td>'
            f'<td><small>{escape(", ".join(rules[:8]))}{" ..." if len(rules) > 8 else ""}</small>'
            f'{f"<br><small class=muted>{err}</small>" if err else ""}</td><td>{link}</td></tr>')
    plats = sorted({platform_of(d) for d in results.values()})
    resps = sorted({r for _, r in results})

    def opts(values: list[str]) -> str:
        return '<option value="">all</option>' + "".join(f'<option value="{escape(v)}">{escape(v)}</option>'
                                                         for v in values)
    filters = (f'<div class="filters"><label>platform <select id="f-platform">{opts(plats)}</select></label>'
               f'<label>response <select id="f-response">{opts(resps)}</select></label>'
               f'<label>status <select id="f-status">{opts(list(STATUS_COLOR))}</select></label>'
               f'<label>search <input id="f-text" type="search" placeholder="task, rule id, error"></label>'
               f'<span id="f-count" class="muted"></span></div>')
    head = ("<tr><th>task</th><th>platform</th><th>response</th><th>status</th><th>findings</th><th>blockers</th>"
            "<th>critical</th><th>high</th><th>seconds</th><th>quality</th><th>rules</th><th></th></tr>")
    return f'{filters}<div class="scroll"><table id="tasks"><thead>{head}</thead><tbody>{"".join(rows)}</tbody>' \
           f"</table></div>"


def render(results_path: Path, html_path: Path, audit_path: Path | None = None, title: str | None = None) -> str:
    """The dashboard page of a results file, as HTML text."""
    results = latest_results(results_path)
    audits = load_audits(audit_path) if audit_path and audit_path.is_file() else None
    agg = aggregate(results, True, audits)
    t = agg["totals"]
    br = agg["by_response"]
    cards = [_card(agg["tasks"], "tasks"), _card(agg["jobs"], "analyses")]
    for r in ("model", "ideal", "code"):
        if r in br:
            cards.append(_card(_pct(br[r]["deployable_pct"]), f"{r} deployable ({br[r]['deployable']} of "
                                                               f"{br[r]['deployable'] + br[r]['not_deployable']})"))
    cards += [_card(agg["findings"]["total"], "findings"), _card(t.get("unchecked", 0), "unchecked (no graph)"),
              _card(t["errors"], "errors")]
    sections = [
        _section("Deployable rate by platform", _deployable(agg),
                 "share of analyses without a blocking finding, among those with a verdict (unchecked: no resource "
                 "graph could be built, so no verdict)"),
        _section("Failure categories by platform", _categories(agg), "active findings per category"),
        _section("Top rules", _top_rules(agg), "analyses in which each rule fired, per response"),
        _section("Findings per analysis", _per_task(agg)),
        _section("Slowest stages", _stages(agg)),
    ]
    for title_, body in (("Requirement coverage", _requirements(agg)), ("Model vs ideal", _model_vs_ideal(agg)),
                         ("Training quality: iacqa vs metadata.json", _quality(agg)),
                         ("Audit of the failure analyses (MODEL_FAILURES.md)", _audit(agg))):
        if body:
            sections.append(_section(title_, body))
    sections.append(_section("Analyses", _task_table(results, agg, results_path.resolve().parent,
                                                     html_path.resolve().parent,
                                                     side_paths(results_path.resolve())["reports"])))
    name = title or f"iacqa dataset report: {results_path.name}"
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><link rel='icon' href='data:,'>"
            f"<title>{escape(name)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{escape(name)}</h1><p>{escape(str(results_path))}: {agg['jobs']} analyses of "
            f"{agg['tasks']} tasks</p></header><main><div class='cards'>{''.join(cards)}</div>{''.join(sections)}"
            f"</main><script>{SCRIPT}</script></body></html>")


def write(results_path: Path, html_path: Path, audit_path: Path | None = None) -> Path:
    html_path.parent.mkdir(parents=True, exist_ok=True)
    if audit_path is None:
        guess = side_paths(results_path)["audit"]
        audit_path = guess if guess.is_file() else None
    html_path.write_text(render(results_path, html_path, audit_path), encoding="utf-8")
    return html_path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("results", help="JSON lines results file of `iacqa batch`")
    p.add_argument("--output", "-o", default="iacqa-report.html", help="HTML file to write")
    p.add_argument("--audit", default=None, help="audit JSON lines file (default: <results>.audit.jsonl if present)")


def main(args: argparse.Namespace) -> int:
    results = Path(args.results)
    if not results.is_file():
        sys.stderr.write(f"iacqa: no results file {results}\n")
        return 2
    if not latest_results(results):
        sys.stderr.write(f"iacqa: {results} holds no result line\n")
        return 2
    try:
        out = write(results, Path(args.output), Path(args.audit) if args.audit else None)
    except OSError as exc:
        sys.stderr.write(f"iacqa: cannot write {args.output}: {exc.strerror or exc}\n")
        return 2
    sys.stderr.write(f"iacqa: dashboard written to {out}\n")
    return 0



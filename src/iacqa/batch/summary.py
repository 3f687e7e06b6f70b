"""The table printed at the end of a batch, from the aggregate: tasks and deployable rate per response and
platform, findings by category and severity, the slowest jobs, the errors, the training-quality agreement and the
audit figures when there are any. Plain text (fixed-width columns) anywhere; rich tables on a terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

SEVS = ("critical", "high", "medium", "low")


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}%"


def tables(agg: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of every table of the summary."""
    out = []
    rows = []
    for resp, b in agg.get("by_response", {}).items():
        rows.append([resp, str(b["jobs"]), str(b["deployable"]), str(b["not_deployable"]), str(b.get("unchecked", 0)),
                     str(b["errors"]), _pct(b["deployable_pct"])])
    t = agg.get("totals") or {}
    rows.append(["all", str(t.get("jobs", 0)), str(t.get("deployable", 0)), str(t.get("not_deployable", 0)),
                 str(t.get("unchecked", 0)), str(t.get("errors", 0)), _pct(t.get("deployable_pct"))])
    out.append((f"{agg.get('tasks', 0)} tasks, {agg.get('jobs', 0)} analyses",
                ["response", "jobs", "deployable", "blocked", "unchecked", "errors", "deployable %"], rows))
    prow = []
    for plat, e in agg.get("by_platform", {}).items():
        prow.append([plat] + [_pct((e.get(r) or {}).get("deployable_pct")) if e.get(r) else "-"
                              for r in ("model", "ideal")] + [str(e["all"]["jobs"]), str(e["all"]["errors"]),
                                                             ", ".join(f"{c} {n}" for c, n in
                                                                       list(e["categories"].items())[:3])])
    out.append(("by platform", ["platform", "model deployable", "ideal deployable", "jobs", "errors",
                                "top categories"], prow))
    f = agg.get("findings") or {}
    crow = [[c, str(v["total"])] + [str(v[s]) for s in SEVS] for c, v in (f.get("by_category") or {}).items()]
    crow.append(["all", str(f.get("total", 0))] + [str((f.get("by_severity") or {}).get(s, 0)) for s in SEVS])
    out.append(("findings by category and severity", ["category", "total", *SEVS], crow))
    out.append(("slowest jobs", ["seconds", "task", "response", "slowest stage"],
                [[f"{s['seconds']:.1f}", _short(s["task"]), str(s["response"]), str(s.get("slowest_stage") or "")]
                 for s in (agg.get("slowest") or [])[:5]]))
    errs = agg.get("errors") or []
    if errs:
        out.append((f"errors ({len(errs)})", ["task", "response", "error"],
                    [[_short(e["task"]), str(e["response"]), str(e["error"])[:100]] for e in errs[:10]]))
    q = (agg.get("quality") or {}).get("agreement") or {}
    if q.get("tasks"):
        out.append(("training quality vs metadata.json", ["tasks", "mean |diff|", "within +-1", "exact",
                                                          "mean iacqa", "mean metadata"],
                    [[str(q["tasks"]), f"{q['mean_absolute_difference']:.2f}", f"{100 * q['within_1']:.0f}%",
                      f"{100 * q['exact']:.0f}%", f"{q['mean_iacqa']:.2f}", f"{q['mean_metadata']:.2f}"]]))
    a = agg.get("audit")
    if a:
        out.append(("audit of MODEL_FAILURES.md", ["tasks", "claims", "present", "fixed in ideal", "absent",
                                                   "not checkable", "confirmed", "missed blockers",
                                                   "tasks with most claims absent"],
                    [[str(a.get(k, 0)) for k in ("tasks", "claims", "present", "fixed-in-ideal", "absent",
                                                 "not-checkable", "confirmed", "missed_blockers",
                                                 "tasks_mostly_absent")]]))
    return out


def _short(path: Any) -> str:
    parts = str(path).rstrip("/").split("/")
    return "/".join(parts[-2:])


def to_text(agg: dict[str, Any]) -> str:
    lines = []
    for title, header, rows in tables(agg):
        lines += ["", title]
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)] if rows else [len(h) for h in header]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        lines.append("  " + fmt.format(*header))
        lines += ["  " + fmt.format(*r) for r in rows]
    return "\n".join(lines) + "\n"


def print_summary(agg: dict[str, Any], stream: TextIO | None = None, files: dict[str, Path] | None = None,
                  plain: bool | None = None) -> None:
    """The summary on `stream` (stderr): rich tables on a terminal, plain text otherwise."""
    stream = stream or sys.stderr
    if plain is None:
        plain = not (hasattr(stream, "isatty") and stream.isatty())
    written = "".join(f"\n{k}: {v}" for k, v in (files or {}).items())
    if not plain:
        try:
            from rich.console import Console
            from rich.table import Table

            console = Console(file=stream)
            for title, header, rows in tables(agg):
                t = Table(title=title, title_justify="left")
                for h in header:
                    t.add_column(h, justify="right" if h not in ("task", "platform", "category", "response",
                                                                  "error", "top categories", "slowest stage")
                                 else "left")
                for r in rows:
                    t.add_row(*r)
                console.print(t)
            if written:
                console.print(written.strip())
            return
        except ImportError:
            pass
    stream.write(to_text(agg) + (written.strip() + "\n" if written else ""))
    stream.flush()

"""Small SVG charts for the dashboard, rendered here as text so the HTML page needs no script library and no
network: horizontal bars (single or grouped series), vertical grouped bars, and a heat-map table colour."""

from __future__ import annotations

from html import escape
from typing import Any

PALETTE = {"model": "#d9534f", "ideal": "#2b8a3e", "iacqa": "#1c7ed6", "metadata": "#f59f00", "all": "#495057"}
SERIES = ["#1c7ed6", "#f59f00", "#2b8a3e", "#d9534f", "#7048e8", "#0ca678", "#e8590c", "#868e96"]


def color(name: str, i: int = 0) -> str:
    return PALETTE.get(name, SERIES[i % len(SERIES)])


def _fmt(v: float, unit: str) -> str:
    if unit == "%":
        return f"{v:.0f}%"
    if unit == "s":
        return f"{v:.0f} s" if v >= 10 else f"{v:.1f} s"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _clip(label: str, px: int) -> str:
    n = max(8, int(px / 6.3))
    return label if len(label) <= n else label[:n - 1] + "…"


def hbars(rows: list[tuple[str, list[tuple[str, float | None]]]], unit: str = "", vmax: float | None = None,
          label_width: int = 210, width: int = 760, title: str = "", note: dict[str, str] | None = None) -> str:
    """Horizontal bars: one row per label, one bar per series in the row (grouped). None draws 'n/a'."""
    series = list(dict.fromkeys(s for _, vals in rows for s, _ in vals))
    bar_h, gap = 14, 10
    row_h = bar_h * max(1, len(series)) + gap
    legend_h = 22 if len(series) > 1 else 0
    height = legend_h + row_h * len(rows) + 8
    top = max([v for _, vals in rows for _, v in vals if v is not None] or [1])
    vmax = vmax or top or 1
    plot = width - label_width - 60
    out = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, s in enumerate(series if len(series) > 1 else []):
        x = label_width + i * 110
        out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{color(s, i)}"/>'
                   f'<text x="{x + 16}" y="14" class="lg">{escape(s)}</text>')
    for r, (label, vals) in enumerate(rows):
        y0 = legend_h + r * row_h
        tip = (note or {}).get(label, "")
        out.append(f'<text x="{label_width - 6}" y="{y0 + row_h / 2}" class="lb" text-anchor="end" '
                   f'dominant-baseline="middle">{escape(_clip(label, label_width))}<title>{escape(tip or label)}</title></text>')
        for i, (s, v) in enumerate(vals):
            y = y0 + i * bar_h
            if v is None:
                out.append(f'<text x="{label_width + 4}" y="{y + bar_h - 3}" class="na">{escape(s)}: n/a</text>')
                continue
            w = max(1.0, plot * float(v) / vmax) if v else 0
            idx = series.index(s)
            out.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                       f'fill="{color(s, idx)}"><title>{escape(label)} {escape(s)}: {_fmt(v, unit)}</title></rect>'
                       f'<text x="{label_width + w + 4:.1f}" y="{y + bar_h - 3}" class="val">{_fmt(v, unit)}</text>')
    out.append("</svg>")
    return "".join(out)


def vbars(bins: list[str], series: dict[str, list[float]], width: int = 760, height: int = 240,
          title: str = "", unit: str = "") -> str:
    """Vertical grouped bars over categories (a histogram per series)."""
    names = list(series)
    left, bottom, top_pad = 40, 34, 26
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    vmax = max([v for vals in series.values() for v in vals] or [1]) or 1
    group = plot_w / max(1, len(bins))
    bw = max(4.0, (group - 10) / max(1, len(names)))
    out = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, s in enumerate(names):
        out.append(f'<rect x="{left + i * 110}" y="4" width="12" height="12" fill="{color(s, i)}"/>'
                   f'<text x="{left + i * 110 + 16}" y="14" class="lg">{escape(s)}</text>')
    out.append(f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" class="ax"/>')
    for b, label in enumerate(bins):
        gx = left + b * group + 5
        out.append(f'<text x="{gx + (group - 10) / 2:.1f}" y="{top_pad + plot_h + 16}" class="lb" '
                   f'text-anchor="middle">{escape(label)}</text>')
        for i, s in enumerate(names):
            v = series[s][b] if b < len(series[s]) else 0
            h = plot_h * float(v) / vmax
            x = gx + i * bw
            out.append(f'<rect x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                       f'fill="{color(s, i)}"><title>{escape(s)} {escape(label)}: {_fmt(v, unit)}</title></rect>')
            if v:
                out.append(f'<text x="{x + (bw - 2) / 2:.1f}" y="{top_pad + plot_h - h - 3:.1f}" class="val" '
                           f'text-anchor="middle">{_fmt(v, unit)}</text>')
    out.append("</svg>")
    return "".join(out)


def heat(value: float, vmax: float) -> str:
    """Background colour of a heat-map cell (white to deep red)."""
    if not value or not vmax:
        return "#ffffff"
    t = min(1.0, (float(value) / vmax) ** 0.5)
    r, g, b = 255, int(255 - 170 * t), int(255 - 190 * t)
    return f"#{r:02x}{g:02x}{b:02x}"


def empty(message: str) -> str:
    return f'<p class="empty">{escape(message)}</p>'


def fmt_any(v: Any) -> str:
    return "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))

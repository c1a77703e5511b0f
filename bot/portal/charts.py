"""Charts as server-rendered SVG: no JavaScript, no CDN, printable, readable by screen readers (role=img
with a title, and the same figures stay in a table beside each chart)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

PALETTE = ("#1f4e79", "#6aa84f", "#e69138", "#a61c00")


def bars(rows: list[tuple[str, float]], *, title: str, unit: str = "", width: int = 640) -> Markup:
    """Horizontal bars, one per row (label, value), longest first as given; scaled to the largest value."""
    if not rows:
        return Markup("")
    bar_h, gap, label_w, value_w = 22, 8, 220, 70
    height = len(rows) * (bar_h + gap) + gap
    top = max((v for _, v in rows), default=0) or 1
    span = width - label_w - value_w
    parts = []
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(0.0, value) / top * span
        shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end">{escape(_clip(label))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}" rx="3"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.7:.0f}">{escape(shown + unit)}</text>'
        )
    return _svg(width, height, title, "".join(parts))


def columns(labels: list[str], series: list[tuple[str, list[float]]], *, title: str, width: int = 640) -> Markup:
    """Grouped columns (e.g. received and completed per month) with a legend."""
    if not labels or not series:
        return Markup("")
    height, base, left, legend_h = 240, 200, 36, 22
    top = max((v for _, values in series for v in values), default=0) or 1
    slot = (width - left) / len(labels)
    col_w = max(2.0, (slot - 6) / len(series))
    parts = [
        f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#999"/>',
        f'<text x="{left - 4}" y="{legend_h + 12}" text-anchor="end">{top:,.0f}</text>',
        f'<text x="{left - 4}" y="{base}" text-anchor="end">0</text>',
    ]
    for i, label in enumerate(labels):
        x0 = left + i * slot + 3
        for j, (_, values) in enumerate(series):
            value = values[i] if i < len(values) else 0
            h = max(0.0, value) / top * (base - legend_h - 12)
            parts.append(
                f'<rect x="{x0 + j * col_w:.1f}" y="{base - h:.1f}" width="{col_w - 1:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(label)}: '
                f"{value:,.0f}</title></rect>"
            )
        parts.append(f'<text x="{x0 + slot / 2 - 3:.1f}" y="{base + 16}" text-anchor="middle">{escape(label)}</text>')
    for j, (name, _) in enumerate(series):
        x = left + j * 150
        parts.append(
            f'<rect x="{x}" y="2" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="13">{escape(name)}</text>'
        )
    return _svg(width, height + 20, title, "".join(parts))


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(width: int, height: int, title: str, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="13" font-family="sans-serif">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )

"""Inline SVG charts for report.html: a Gantt of the day and bars by category.

Plain SVG text, no script, no external reference (the report opens offline).
Inline SVG inside HTML needs no namespace declaration, so none is written.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from html import escape

from msgspec import Struct, field

#: Bar colours by timeline kind (unknown kinds use the default).
KIND_COLOURS: dict[str, str] = {
    "travel_out": "#5b8def",
    "travel_back": "#5b8def",
    "gather": "#f2a541",
    "ceremony": "#d1495b",
    "games": "#66a182",
    "exhibition": "#8e7dbe",
    "counselling": "#c77dff",
    "meal": "#e07a5f",
    "tour": "#3d9970",
}
DEFAULT_COLOUR = "#7a869a"
BUS_COLOUR = "#2f5aa8"

LABEL_W = 230
CHART_W = 720
RIGHT_PAD = 30
#: Label width budget in "units" (a CJK character counts 2, others 1).
LABEL_UNITS = 34
ROW_H = 26
AXIS_H = 24
BAR_H = 16


class Bar(Struct, frozen=True):
    start: datetime
    end: datetime
    text: str
    colour: str = DEFAULT_COLOUR
    ticks: list[tuple[datetime, str]] = field(default_factory=list)


class GanttRow(Struct, frozen=True):
    label: str
    bars: list[Bar]
    sub: str = ""


def fit_label(text: str, units: int = LABEL_UNITS) -> str:
    """Cut ``text`` to ``units`` display units (CJK counts double), marking the cut with …

    >>> fit_label("启动仪式(讲话、经验分享、一帮一结对、赠送礼品)", 20)
    '启动仪式(讲话、经…'
    """
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > units:
            return text[: max(i - 1, 0)] + "…"
    return text


def _hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def gantt_svg(rows: list[GanttRow], *, separator_before: int | None = None) -> str:
    """A Gantt chart: one row per label, bars placed by local time, hour gridlines.

    ``separator_before`` draws a line above that row (timeline above, buses below).
    """
    bars = [b for r in rows for b in r.bars]
    if not bars:
        return ""
    first = _hour_floor(min(b.start for b in bars))
    last_end = max(b.end for b in bars)
    last = _hour_floor(last_end) + (
        timedelta(hours=1) if last_end > _hour_floor(last_end) else timedelta(0)
    )
    span = max((last - first).total_seconds(), 3600.0)
    height = AXIS_H + ROW_H * len(rows) + 6
    width = LABEL_W + CHART_W + RIGHT_PAD

    def x(moment: datetime) -> float:
        return LABEL_W + CHART_W * (moment - first).total_seconds() / span

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'preserveAspectRatio="xMinYMin meet">'
    ]
    hour = first
    while hour <= last:
        hx = x(hour)
        parts.append(
            f'<line x1="{hx:.1f}" y1="{AXIS_H - 4}" x2="{hx:.1f}" y2="{height - 4}" class="grid"/>'
            f'<text x="{hx:.1f}" y="{AXIS_H - 8}" class="axis" text-anchor="middle">{hour:%H:%M}</text>'
        )
        hour += timedelta(hours=1)
    for i, row in enumerate(rows):
        top = AXIS_H + i * ROW_H
        if separator_before is not None and i == separator_before:
            parts.append(f'<line x1="0" y1="{top:.1f}" x2="{width}" y2="{top:.1f}" class="sep"/>')
        label = escape(fit_label(row.label))
        full = escape(f"{row.label} · {row.sub}" if row.sub else row.label)
        parts.append(
            f'<text x="4" y="{top + ROW_H / 2 + 4:.1f}" class="label">{label}<title>{full}</title></text>'
        )
        for bar in row.bars:
            x0, x1 = x(bar.start), x(bar.end)
            y0 = top + (ROW_H - BAR_H) / 2
            title = escape(f"{bar.text} {bar.start:%H:%M}–{bar.end:%H:%M}")
            parts.append(
                f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{max(x1 - x0, 2):.1f}" height="{BAR_H}" '
                f'rx="3" fill="{bar.colour}"><title>{title}</title></rect>'
            )
            if x1 - x0 > 60 and not bar.ticks:
                parts.append(
                    f'<text x="{x0 + 4:.1f}" y="{y0 + BAR_H - 4:.1f}" class="bartext">'
                    f"{bar.start:%H:%M}–{bar.end:%H:%M}</text>"
                )
            for moment, tick in bar.ticks:
                tx = x(moment)
                parts.append(
                    f'<circle cx="{tx:.1f}" cy="{y0 + BAR_H / 2:.1f}" r="3.2" class="tick">'
                    f"<title>{escape(tick)} {moment:%H:%M}</title></circle>"
                )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_svg(items: list[tuple[str, Decimal, str]]) -> str:
    """Horizontal bars, one per (label, amount, amount as printed), longest = full width."""
    if not items:
        return ""
    top_amount = max((amount for _, amount, _ in items), default=Decimal(0))
    height = ROW_H * len(items) + 8
    width = LABEL_W + CHART_W + RIGHT_PAD
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'preserveAspectRatio="xMinYMin meet">'
    ]
    usable = CHART_W - 130
    for i, (label, amount, printed) in enumerate(items):
        top = 4 + i * ROW_H
        share = float(amount / top_amount) if top_amount > 0 and amount > 0 else 0.0
        w = max(usable * share, 2.0)
        y0 = top + (ROW_H - BAR_H) / 2
        parts.append(
            f'<text x="4" y="{top + ROW_H / 2 + 4:.1f}" class="label">{escape(fit_label(label))}</text>'
            f'<rect x="{LABEL_W}" y="{y0:.1f}" width="{w:.1f}" height="{BAR_H}" rx="3" fill="#3d7ea6"/>'
            f'<text x="{LABEL_W + w + 6:.1f}" y="{top + ROW_H / 2 + 4:.1f}" class="value">'
            f"{escape(printed)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)

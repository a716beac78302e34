"""Server-side SVG line charts: one function for the web pages and the PDF reports.

No JavaScript is needed to see a chart, and each line differs by dash pattern and
label as well as colour. The SVG carries a <title> and <desc> for screen readers.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

VALUE_COLOUR = "#1b3a5c"
TARGET_COLOUR = "#842029"
BENCHMARK_COLOURS = ["#5c4500", "#0f5132", "#6f42c1", "#41464b"]
BENCHMARK_DASHES = ["2 3", "6 3 2 3", "1 2", "8 2"]


@dataclass
class Line:
    """A horizontal reference line: the target or a benchmark."""

    label: str
    value: Decimal | float


def _safe(markup):
    """Chart markup: every text interpolated into it has been escaped on the way in."""
    return mark_safe(markup)  # nosec B308, B703


def nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _fmt(value: float, suffix: str) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text}{suffix}"


def line_chart_svg(
    points,
    *,
    title,
    target=None,
    benchmarks=(),
    percentage=False,
    width=720,
    height=280,
):
    """points: [(label, value or None)] oldest first. target: a Line or None. benchmarks: [Line]."""
    suffix = "%" if percentage else ""
    left, right, top, bottom = 52, 230, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [float(v) for _, v in points if v is not None]
    refs = [float(line.value) for line in ([target] if target else []) + list(benchmarks)]
    everything = known + refs
    low = min([0.0] + everything)
    high = max(everything) if everything else 1.0
    step = nice_step(high - low)
    high = math.ceil(high / step) * step if high > low else low + step
    if percentage and high > 100 and max(everything or [0]) <= 100:
        high = 100.0

    def y(value):
        return top + plot_h - (float(value) - low) / (high - low) * plot_h

    count = max(len(points), 1)

    def x(index):
        return left + (plot_w * (index + 0.5) / count)

    described = ", ".join(f"{label}: {_fmt(float(v), suffix) if v is not None else 'no data'}" for label, v in points)
    if target:
        described += f". {target.label}: {_fmt(float(target.value), suffix)}"
    for line in benchmarks:
        described += f". {line.label}: {_fmt(float(line.value), suffix)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" class="indicator-chart" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(described)}</desc>",
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#adb5bd"/>',
    ]
    tick = low
    while tick <= high + step / 1000:
        ty = y(tick)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#e9ecef"/>')
        parts.append(
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#41464b">{_fmt(tick, suffix)}</text>'
        )
        tick += step
    label_every = max(1, math.ceil(len(points) / 12))
    for index, (label, _) in enumerate(points):
        if index % label_every == 0:
            parts.append(
                f'<text x="{x(index):.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#41464b">'
                f"{escape(label)}</text>"
            )
    side_labels = []

    def side_label(value, text, colour):
        side_labels.append([y(value) + 4, text, colour])

    if target:
        ty = y(target.value)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{TARGET_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="8 4"/>'
        )
        side_label(target.value, f"{target.label} {_fmt(float(target.value), suffix)}", TARGET_COLOUR)
    for n, line in enumerate(benchmarks):
        colour, dash = BENCHMARK_COLOURS[n % 4], BENCHMARK_DASHES[n % 4]
        by = y(line.value)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{by:.1f}" y2="{by:.1f}" stroke="{colour}" '
            f'stroke-width="1.5" stroke-dasharray="{dash}"/>'
        )
        side_label(line.value, f"{line.label} {_fmt(float(line.value), suffix)}", colour)
    # Labels to the right of the plot, spaced so none overlap, in value order.
    side_labels.sort(key=lambda item: item[0])
    for n in range(1, len(side_labels)):
        side_labels[n][0] = max(side_labels[n][0], side_labels[n - 1][0] + 13)
    for ly, text, colour in side_labels:
        parts.append(f'<text x="{left + plot_w + 6}" y="{ly:.1f}" fill="{colour}">{escape(text)}</text>')
    segment = []
    segments = []
    for index, (_, value) in enumerate(points):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append((x(index), y(value)))
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in seg)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{VALUE_COLOUR}" stroke-width="2.5"/>')
    for index, (label, value) in enumerate(points):
        if value is not None:
            parts.append(
                f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="3.5" fill="{VALUE_COLOUR}">'
                f"<title>{escape(label)}: {_fmt(float(value), suffix)}</title></circle>"
            )
    if not known:
        parts.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" fill="#41464b">'
            "No data yet</text>"
        )
    parts.append("</svg>")
    return _safe("".join(parts))


def sparkline_svg(values, *, title, target=None, width=160, height=40):
    """A small line of the latest values (oldest first, None for no data), with the target dashed."""
    known = [float(v) for v in values if v is not None]
    refs = known + ([float(target)] if target is not None else [])
    if not known:
        return _safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img"><title>{escape(title)}: no data</title></svg>'
        )
    low, high = min(refs), max(refs)
    span = (high - low) or 1.0

    def y(value):
        return 4 + (height - 8) * (1 - (float(value) - low) / span)

    step = (width - 8) / max(len(values) - 1, 1)
    points = [(4 + n * step, y(v)) for n, v in enumerate(values) if v is not None]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" class="sparkline"><title>{escape(title)}</title>'
    ]
    if target is not None:
        ty = y(target)
        parts.append(
            f'<line x1="0" x2="{width}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{TARGET_COLOUR}" stroke-dasharray="4 3"/>'
        )
    parts.append(
        f'<polyline points="{" ".join(f"{px:.1f},{py:.1f}" for px, py in points)}" fill="none" '
        f'stroke="{VALUE_COLOUR}" stroke-width="2"/>'
    )
    last_x, last_y = points[-1]
    parts.append(f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" fill="{VALUE_COLOUR}"/></svg>')
    return _safe("".join(parts))


# Status colours with contrast against white (the schemes' palette names).
STATUS_COLOURS = {
    "green": "#198754",
    "yellow": "#b58100",
    "amber": "#c35a00",
    "red": "#b02a37",
    "blue": "#0b5ed7",
    "grey": "#6c757d",
    "purple": "#6f42c1",
}
# White marks laid over the colour, one per status family (see milestones.schemes.PATTERNS).
PATTERN_MARKS = {
    "none": '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="1.5"/>',
    "hatch": '<path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1"/>',
    "dots": '<circle cx="3" cy="3" r="1.2" fill="#fff"/>',
    "outline": '<rect x="1" y="1" width="4" height="4" fill="none" stroke="#fff" stroke-width="0.8"/>',
}


def _fill(entry):
    if entry.pattern == "solid":
        return STATUS_COLOURS.get(entry.colour, "#6c757d")
    return f"url(#p-{entry.value})"


def stacked_bars_svg(rows, *, statuses, title, width=720):
    """Horizontal stacked bars, one per row: rows = [(label, {status: count})]; statuses = the scheme's
    SchemeStatus entries (value, label, colour, pattern), in the order of its key.

    Each segment carries a pattern as well as a colour, and the counts are written on it,
    so the chart does not depend on colour alone.
    """
    label_w, bar_h, gap = 210, 22, 10
    # The key, on as many lines as the plan's own (up to 40-character) labels need.
    key, x, y = [], label_w, 6
    for entry in statuses:
        step = 28 + 7 * len(entry.label)
        if x > label_w and x + step > width:
            x, y = label_w, y + 20
        key.append((entry, x, y))
        x += step
    top = y + 24
    height = top + len(rows) * (bar_h + gap) + 10
    total_max = max([sum(counts.values()) for _, counts in rows] + [1])
    scale = (width - label_w - 20) / total_max
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" class="status-bars" font-family="sans-serif" font-size="12"><title>{escape(title)}</title>',
        "<defs>",
    ]
    for entry in statuses:
        if entry.pattern != "solid":
            turn = ' patternTransform="rotate(45)"' if entry.pattern == "none" else ""
            parts.append(
                f'<pattern id="p-{entry.value}" width="6" height="6" patternUnits="userSpaceOnUse"{turn}>'
                f'<rect width="6" height="6" fill="{STATUS_COLOURS.get(entry.colour, "#6c757d")}"/>'
                f"{PATTERN_MARKS[entry.pattern]}</pattern>"
            )
    parts.append("</defs>")
    for entry, x, y in key:
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{_fill(entry)}"/>')
        parts.append(f'<text x="{x + 18}" y="{y + 11}">{escape(entry.label)}</text>')
    for n, (row_label, counts) in enumerate(rows):
        y = top + n * (bar_h + gap)
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(row_label)}</text>')
        x = label_w
        for entry in statuses:
            label, fill = entry.label, _fill(entry)
            count = counts.get(entry.value, 0)
            if not count:
                continue
            w = count * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{fill}">'
                f"<title>{escape(row_label)}: {count} {escape(label)}</title></rect>"
            )
            if w > 22:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 15}" text-anchor="middle" fill="#fff" font-weight="bold" '
                    f'paint-order="stroke" stroke="#000" stroke-width="2">{count}</text>'
                )
            x += w
    parts.append("</svg>")
    return _safe("".join(parts))

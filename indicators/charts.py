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
    return mark_safe("".join(parts))  # every text above is escaped

"""The confidence-against-performance scatter plot as inline SVG, drawn on the server (no
script, no style attributes: the page's CSP forbids both). Each point has a ``<title>``;
flagged points differ by shape and label as well as colour; the page puts a text table
with the same numbers beside it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from tinnhiem.evaluation import EvaluationReport, FlagKind

__all__ = ["ScatterPoint", "scatter_points", "scatter_svg"]

WIDTH, HEIGHT = 640, 420
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 52


@dataclass(frozen=True)
class ScatterPoint:
    """One official on the plot: performance (work score), confidence (shrunk share) and
    its interval, and the flag if one was raised."""

    official: str
    performance: float
    confidence: float
    low: float
    high: float
    flag: FlagKind | None


def scatter_points(report: EvaluationReport, hidden: set[str]) -> list[ScatterPoint]:
    """Officials with both a work score and a (shown) confidence share."""
    points = []
    for row in report.officials:
        if row.work is None or row.share is None or row.official in hidden:
            continue
        points.append(
            ScatterPoint(
                row.official,
                float(row.work.score),
                row.share.shrunk,
                row.share.shrunk_interval.low,
                row.share.shrunk_interval.high,
                row.flag.flag if row.flag else None,
            )
        )
    return points


def _x(value: float) -> float:
    return LEFT + value * (WIDTH - LEFT - RIGHT)


def _y(value: float) -> float:
    return HEIGHT - BOTTOM - value * (HEIGHT - TOP - BOTTOM)


def _marker(p: ScatterPoint) -> str:
    x, y = _x(p.performance), _y(p.confidence)
    label = escape(p.official)
    title = escape(
        f"{p.official}: kết quả {p.performance:.2f}, tín nhiệm {p.confidence:.2f} "
        f"({p.low:.2f}–{p.high:.2f})"
    )
    whisker = (
        f'<line x1="{x:.1f}" y1="{_y(p.low):.1f}" x2="{x:.1f}" y2="{_y(p.high):.1f}" '
        'stroke="#8a8a8a" stroke-width="1"/>'
    )
    if p.flag is FlagKind.CONFIDENCE_ABOVE_PERFORMANCE:
        shape = (
            f'<polygon points="{x:.1f},{y - 7:.1f} {x - 7:.1f},{y + 6:.1f} '
            f'{x + 7:.1f},{y + 6:.1f}" '
            'fill="#b3261e" stroke="#000" stroke-width="1"/>'
        )
    elif p.flag is FlagKind.PERFORMANCE_ABOVE_CONFIDENCE:
        shape = (
            f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="#1a5fb4" '
            'stroke="#000" stroke-width="1"/>'
        )
    else:
        shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#3d3d3d"/>'
    text = (
        f'<text x="{x + 9:.1f}" y="{y + 4:.1f}" font-size="11" fill="#000">{label}</text>'
        if p.flag
        else ""
    )
    return f'<g class="pt"><title>{title}</title>{whisker}{shape}{text}</g>'


def scatter_svg(
    points: list[ScatterPoint],
    slope: float | None,
    intercept: float | None,
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
) -> SafeString:
    """The plot; ``slope``/``intercept`` draw the Theil–Sen line when flags were computed."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'role="img" aria-labelledby="scatter-title scatter-desc" class="scatter" '
        f'width="100%" preserveAspectRatio="xMidYMid meet">',
        f'<title id="scatter-title">{escape(title)}</title>',
        f'<desc id="scatter-desc">{escape(description)}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="#ffffff" stroke="#000" stroke-width="1"/>',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{_x(tick):.1f}" y1="{TOP}" x2="{_x(tick):.1f}" y2="{HEIGHT - BOTTOM}" '
            'stroke="#e0e0e0" stroke-width="1"/>'
            f'<text x="{_x(tick):.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
            f'text-anchor="middle" fill="#000">{tick:.2f}</text>'
            f'<line x1="{LEFT}" y1="{_y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{_y(tick):.1f}" '
            'stroke="#e0e0e0" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{_y(tick) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#000">{tick:.2f}</text>'
        )
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.1f}" y="{HEIGHT - 12}" font-size="12" '
        f'text-anchor="middle" fill="#000">{escape(x_label)}</text>'
        f'<text x="14" y="{(TOP + HEIGHT - BOTTOM) / 2:.1f}" font-size="12" '
        f'text-anchor="middle" fill="#000" '
        f'transform="rotate(-90 14 {(TOP + HEIGHT - BOTTOM) / 2:.1f})">{escape(y_label)}</text>'
    )
    if slope is not None and intercept is not None:
        # the fitted line, clipped to the plotting area
        parts.append(
            f'<clipPath id="scatter-area"><rect x="{LEFT}" y="{TOP}" '
            f'width="{WIDTH - LEFT - RIGHT}" height="{HEIGHT - TOP - BOTTOM}"/></clipPath>'
            f'<line x1="{_x(0):.1f}" y1="{_y(intercept):.1f}" x2="{_x(1):.1f}" '
            f'y2="{_y(intercept + slope):.1f}" stroke="#2a7d2a" stroke-width="2" '
            'stroke-dasharray="6 4" clip-path="url(#scatter-area)"/>'
        )
    parts.extend(_marker(p) for p in points)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)

"""Small trend charts as SVG, drawn by our own code: nothing to fetch, same input same bytes.

A commitment's indicators are drawn as one strip of small multiples (one panel per indicator,
in indicator order, each labelled with its code), so that a report carries one image per
commitment rather than one per indicator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

CHART_FONTS = "'Report Sans', 'Report Arabic', 'Report Symbols'"
"""The report's own fonts (see assets/report.css): a chart drawn into a PDF reads no system font."""

PANEL_W, PANEL_H, GAP, PAD, LABEL_H, AXIS_H, PER_ROW = 150.0, 58.0, 12.0, 4.0, 10.0, 10.0, 4
VALUE, TARGET, BASELINE, AXIS = "#1f4e9c", "#1b7f3b", "#6b6b6b", "#8c8c8c"


@dataclass(frozen=True, slots=True)
class Series:
    """One indicator's values (oldest first) with its baseline and target.

    For a report, also what a reader needs to read the panel without the text beside it: the
    first and last periods, the first and last values as written in the report's language, the
    unit, which way is better ("up" or "down"), whether the values are yearly counts (drawn as
    steps: a count holds for its whole year) and whether they are yes/no (drawn as points, no line:
    nothing lies between yes and no)."""

    label: str
    values: Sequence[float]
    baseline: float | None = None
    target: float | None = None
    first_period: str = ""
    last_period: str = ""
    first_text: str = ""
    last_text: str = ""
    unit: str = ""
    better: str = ""
    steps: bool = False
    binary: bool = False


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(
    x: float, y: float, words: str, *, anchor: str = "start", size: float = 7, fill: str = "#555"
) -> str:
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return (
        f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{_fmt(size)}" fill="{fill}"{anchor_attr}>'
        f"{escape(words)}</text>"
    )


def _panel(series: Series, x0: float, y0: float) -> list[str]:
    points = [float(v) for v in series.values]
    refs = [r for r in (series.baseline, series.target) if r is not None]
    title = series.label + (f" ({series.unit})" if series.unit else "")
    parts = [_text(x0, y0 + 7, title)]
    if series.better in ("up", "down"):
        # The better direction as an arrow drawn in the corner (the report's fonts have no arrow
        # glyph, and a glyph would be looked for among the system's fonts).
        ax, top_y, low_y = x0 + PANEL_W - 3, y0 + 1.5, y0 + 8
        tip, back = (top_y, top_y + 2.5) if series.better == "up" else (low_y, low_y - 2.5)
        parts.append(
            f'<path d="M{_fmt(ax)},{_fmt(top_y)} V{_fmt(low_y)} M{_fmt(ax - 2)},{_fmt(back)} '
            f'L{_fmt(ax)},{_fmt(tip)} L{_fmt(ax + 2)},{_fmt(back)}" fill="none" stroke="#555" '
            f'stroke-width="0.8"><title>{escape(series.better)}</title></path>'
        )
    if not points and not refs:
        return parts
    low, high = min(points + refs), max(points + refs)
    if series.binary:
        low, high = 0.0, 1.0
    span = (high - low) or 1.0
    top, bottom = y0 + LABEL_H + PAD, y0 + PANEL_H - AXIS_H - PAD

    def y(v: float) -> str:
        return _fmt(bottom - (v - low) / span * (bottom - top))

    x_end = x0 + PANEL_W
    parts.append(
        f'<line x1="{_fmt(x0)}" x2="{_fmt(x_end)}" y1="{_fmt(bottom + PAD)}" y2="{_fmt(bottom + PAD)}" '
        f'stroke="{AXIS}" stroke-width="0.5"/>'
    )
    if series.target is not None:
        parts.append(
            f'<line x1="{_fmt(x0)}" x2="{_fmt(x_end)}" y1="{y(series.target)}" '
            f'y2="{y(series.target)}" stroke="{TARGET}" stroke-width="1" stroke-dasharray="4 2"/>'
        )
    if series.baseline is not None:
        parts.append(
            f'<line x1="{_fmt(x0)}" x2="{_fmt(x_end)}" y1="{y(series.baseline)}" '
            f'y2="{y(series.baseline)}" stroke="{BASELINE}" stroke-width="0.8" stroke-dasharray="1 2"/>'
        )
    # Room on the left for the first value and on the right for the last one.
    left = 20.0 if series.first_text else 0.0
    inner = PANEL_W - 2 * PAD - 24 - left
    step = inner / max(1, len(points) - 1)
    xs = [x0 + PAD + left + i * step for i in range(len(points))]
    if len(points) > 1 and not series.binary:
        if series.steps:
            path = f"M{_fmt(xs[0])},{y(points[0])}" + "".join(
                f" H{_fmt(x)} V{y(v)}" for x, v in zip(xs[1:], points[1:], strict=True)
            )
            parts.append(f'<path d="{path}" fill="none" stroke="{VALUE}" stroke-width="1.6"/>')
        else:
            line = " ".join(f"{_fmt(x)},{y(v)}" for x, v in zip(xs, points, strict=True))
            parts.append(f'<polyline points="{line}" fill="none" stroke="{VALUE}" stroke-width="1.6"/>')
    if series.binary:
        parts += [
            f'<circle cx="{_fmt(x)}" cy="{y(v)}" r="2" fill="{VALUE}"/>'
            for x, v in zip(xs, points, strict=True)
        ]
    if points:
        parts.append(f'<circle cx="{_fmt(xs[-1])}" cy="{y(points[-1])}" r="2.4" fill="{VALUE}"/>')
        if series.last_text:
            parts.append(
                _text(xs[-1] + 4, float(y(points[-1])) + 2.5, series.last_text, size=6.5, fill=VALUE)
            )
        if series.first_text and len(points) > 1:
            parts.append(
                _text(
                    xs[0] - 3, float(y(points[0])) + 2.2, series.first_text, anchor="end", size=6, fill=VALUE
                )
            )
        axis_y = y0 + PANEL_H - 2
        if series.first_period:
            parts.append(_text(xs[0], axis_y, series.first_period, size=6))
        if series.last_period and len(points) > 1:
            parts.append(_text(xs[-1], axis_y, series.last_period, anchor="end", size=6))
    return parts


def strip_size(count: int) -> tuple[float, float]:
    """Width and height of a strip of `count` panels."""
    cols = min(count, PER_ROW)
    rows = (count + PER_ROW - 1) // PER_ROW
    return max(cols * PANEL_W + (cols - 1) * GAP, PANEL_W), rows * PANEL_H


def trend_strip(
    series: Sequence[Series], *, font_family: str | None = CHART_FONTS, label: str | None = None
) -> str:
    """One SVG with a panel per series: values as a line, target dashed, baseline dotted, each
    titled with its unit and an arrow for the better direction (the report's legend, in HTML,
    names them once for every chart: text drawn in an image costs far more to lay out).

    The report's image names its font; inlined in a page (`font_family=None`) the chart takes
    the page's font, and `label` gives it an accessible name (`role="img"` and a `<title>`).
    Presentation attributes only, never `style`, so that it passes a policy without inline styles."""
    if not series:
        return ""
    width, height = strip_size(len(series))
    font = f' font-family="{escape(font_family)}"' if font_family else ""
    named = f' role="img" aria-label="{escape(label, {chr(34): "&quot;"})}"' if label else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" height="{_fmt(height)}" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(height)}"{font}{named}>'
    ]
    if label:
        parts.append(f"<title>{escape(label)}</title>")
    for n, item in enumerate(series):
        row, col = divmod(n, PER_ROW)
        parts += _panel(item, col * (PANEL_W + GAP), row * PANEL_H)
    parts.append("</svg>")
    return "".join(parts)


CURVE_W, CURVE_H, MARGIN_L, MARGIN_B = 480.0, 170.0, 28.0, 18.0
# Eight colours told apart by hue and lightness (after Okabe and Ito), each dark enough on white
# for a thin line; no two oranges.
PALETTE = ("#1f4e9c", "#c4461a", "#1b7f3b", "#7b3fb5", "#0e7490", "#9a6700", "#be185d", "#3f3f46")


def curves(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    font_family: str | None = CHART_FONTS,
    label: str | None = None,
) -> str:
    """Cumulative counts per year, one line per series (a principle), with year ticks, a count
    axis and a legend of the series' labels in their colours. `font_family` and `label` as for
    `trend_strip` (a page inlines it with the page's font and an accessible name)."""
    if not years or not series:
        return ""
    font = f' font-family="{escape(font_family)}"' if font_family else ""
    named = f' role="img" aria-label="{escape(label, {chr(34): "&quot;"})}"' if label else ""
    top = max([1, *(max(values, default=0) for _, values in series)])
    plot_w, plot_h = CURVE_W - MARGIN_L - 8, CURVE_H - MARGIN_B - 22
    step = plot_w / max(1, len(years) - 1)

    def x(i: int) -> float:
        return MARGIN_L + i * step

    def y(v: float) -> float:
        return 22 + plot_h - v / top * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(CURVE_W)}" height="{_fmt(CURVE_H)}" '
        f'viewBox="0 0 {_fmt(CURVE_W)} {_fmt(CURVE_H)}"{font} font-size="7"{named}>',
        *([f"<title>{escape(label)}</title>"] if label else []),
        f'<line x1="{_fmt(MARGIN_L)}" x2="{_fmt(MARGIN_L + plot_w)}" y1="{_fmt(y(0))}" '
        f'y2="{_fmt(y(0))}" stroke="#999" stroke-width="0.6"/>',
    ]
    for value in sorted({0, top // 2, top}):
        parts.append(
            f'<text x="{_fmt(MARGIN_L - 4)}" y="{_fmt(y(value) + 2.5)}" text-anchor="end" '
            f'fill="#555">{value}</text>'
        )
    for i, year in enumerate(years):
        parts.append(
            f'<text x="{_fmt(x(i))}" y="{_fmt(CURVE_H - 5)}" text-anchor="middle" fill="#555">{year}</text>'
        )
    for n, (label, values) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{_fmt(x(i))},{_fmt(y(v))}" for i, v in enumerate(values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
        parts.append(
            f'<rect x="{_fmt(MARGIN_L + n * 62)}" y="4" width="8" height="8" fill="{colour}"/>'
            f'<text x="{_fmt(MARGIN_L + n * 62 + 11)}" y="11" fill="#333">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)

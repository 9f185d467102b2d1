"""Small trend charts as inline SVG, drawn by our own code: nothing to fetch, same input same bytes."""

from __future__ import annotations

from collections.abc import Sequence

WIDTH, HEIGHT, PAD = 150.0, 36.0, 4.0


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def trend_svg(values: Sequence[float], *, baseline: float | None = None, target: float | None = None) -> str:
    """A sparkline of `values` (oldest first), with the target as a dashed line and the baseline
    as a dotted one. Only numbers go into the markup."""
    points = [float(v) for v in values]
    refs = [r for r in (baseline, target) if r is not None]
    if not points and not refs:
        return ""
    low, high = min(points + refs), max(points + refs)
    span = (high - low) or 1.0

    def y(v: float) -> str:
        return _fmt(HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD))

    step = (WIDTH - 2 * PAD) / max(1, len(points) - 1)
    xs = [PAD + i * step for i in range(len(points))]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(WIDTH)}" height="{_fmt(HEIGHT)}" '
             f'viewBox="0 0 {_fmt(WIDTH)} {_fmt(HEIGHT)}" class="trend">']
    if target is not None:
        parts.append(f'<line x1="0" x2="{_fmt(WIDTH)}" y1="{y(target)}" y2="{y(target)}" '
                     'stroke="#1b7f3b" stroke-width="1" stroke-dasharray="4 2"/>')
    if baseline is not None:
        parts.append(f'<line x1="0" x2="{_fmt(WIDTH)}" y1="{y(baseline)}" y2="{y(baseline)}" '
                     'stroke="#888" stroke-width="0.8" stroke-dasharray="1 2"/>')
    if len(points) > 1:
        path = " ".join(f"{_fmt(x)},{y(v)}" for x, v in zip(xs, points, strict=True))
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f4e9c" stroke-width="1.6"/>')
    if points:
        parts.append(f'<circle cx="{_fmt(xs[-1])}" cy="{y(points[-1])}" r="2.4" fill="#1f4e9c"/>')
    parts.append("</svg>")
    return "".join(parts)

"""Small server-drawn SVG bar charts for the dashboards (no script, no CDN)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 480, 120, 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bars(points: list[tuple[str, int]]) -> list[Bar]:
    """Bars scaled to the largest value; the tallest fills the chart's height."""
    if not points:
        return []
    top = max(value for _, value in points) or 1
    width = WIDTH / len(points)
    out = []
    for n, (label, value) in enumerate(points):
        height = HEIGHT * value / top
        out.append(Bar(n * width + GAP / 2, HEIGHT - height, width - GAP, height, label, value))
    return out

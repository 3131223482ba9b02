"""The geometry of an alert's series chart, drawn as server-side SVG (no script).

Bars are the weekly counts (baseline weeks in one colour, the tested week in another);
two horizontal lines mark the expected count and the upper bound of the tested week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from zhengfa.insight.alerts.models import TrendAlert
from zhengfa.insight.weeks import format_week, parse_week

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 30
SHOWN_WEEKS = 156  # the chart shows the last three years of the series


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str  # "baseline", "tested" or "other"
    label: str  # ISO week and count, for the tooltip


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    expected_y: float
    upper_y: float
    axis_y: float
    top_value: int
    ticks: list[tuple[float, str]]  # x and ISO week of every 13th week


def alert_chart(alert: TrendAlert) -> Chart:
    counts: list[int] = alert.history["counts"]
    baseline = set(alert.history["baseline"])
    first = parse_week(alert.history["first_week"])
    start = max(len(counts) - SHOWN_WEEKS, 0)
    shown = counts[start:]
    top = max([*shown, alert.upper, 1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(shown)

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top), 2)

    bars, ticks = [], []
    for offset, count in enumerate(shown):
        index = start + offset
        week = format_week(first + timedelta(weeks=index))
        kind = "tested" if index == len(counts) - 1 else "other"
        kind = "baseline" if index in baseline else kind
        x = round(LEFT + offset * step, 2)
        bars.append(
            Bar(
                x,
                y_of(count),
                max(step - 1, 1),
                round(y_of(0) - y_of(count), 2),
                kind,
                f"{week}: {count}",
            )
        )
        if offset % 13 == 0:
            ticks.append((x, week))
    return Chart(WIDTH, HEIGHT, bars, y_of(alert.expected), y_of(alert.upper), y_of(0), top, ticks)

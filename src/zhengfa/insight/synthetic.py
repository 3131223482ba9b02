"""Synthetic weekly histories for checking the trend detector (tests, benchmark, demos).

Each series has its own level, a yearly season and, optionally, gamma-distributed extra
variation (negative binomial counts, variance μ + μ²/k). Everything comes from a seeded
generator, so a history is reproducible from its seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from zhengfa.insight.counts import WeeklyCounts

WEEKS_PER_YEAR = 52.1775  # mean length of a year in weeks: the season does not drift


@dataclass(frozen=True)
class HistorySpec:
    series: int
    weeks: int
    first_monday: date = date(2023, 1, 2)
    mean_low: float = 2.0
    mean_high: float = 40.0
    season_amplitude: float = 0.4  # peak-to-mean ratio of the yearly sine
    size: float | None = None  # negative binomial k; None = Poisson


def expected_means(spec: HistorySpec, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Series × week means: log-uniform levels, a yearly sine with a random phase."""
    level = np.exp(rng.uniform(np.log(spec.mean_low), np.log(spec.mean_high), spec.series))
    phase = rng.uniform(0, 2 * np.pi, spec.series)
    angle = 2 * np.pi * np.arange(spec.weeks) / WEEKS_PER_YEAR
    season = 1 + spec.season_amplitude * np.sin(angle[None, :] + phase[:, None])
    means: npt.NDArray[np.float64] = level[:, None] * season
    return means


def draw_counts(
    means: npt.NDArray[np.float64], size: float | None, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """Poisson counts, or negative binomial (gamma-mixed Poisson) when ``size`` is given."""
    rates = means if size is None else rng.gamma(size, means / size)
    return rng.poisson(rates).astype(np.int64)


def weekly_counts(counts: npt.NDArray[np.int64], first_monday: date) -> WeeklyCounts:
    weeks = tuple(first_monday + timedelta(weeks=i) for i in range(counts.shape[1]))
    names = tuple(f"s{i:05d}" for i in range(counts.shape[0]))
    return WeeklyCounts(series=names, weeks=weeks, counts=counts)


def flat_history(spec: HistorySpec, seed: int) -> WeeklyCounts:
    """A history with no rise anywhere: every alert on it is a false alarm."""
    rng = np.random.default_rng(seed)
    return weekly_counts(draw_counts(expected_means(spec, rng), spec.size, rng), spec.first_monday)

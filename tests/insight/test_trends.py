"""The trend detector on synthetic histories where the truth is known.

Documented false-alarm rate (docs/insight.md): per-series control keeps each series'
false-alarm probability in a week without rises at most 1.5 × alpha (measured 0.3-1.35 ×);
FDR control keeps the chance of any alarm in such a week at most 1.5 × alpha.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from scipy import stats

from zhengfa.insight.counts import WeeklyCounts
from zhengfa.insight.synthetic import (
    HistorySpec,
    draw_counts,
    expected_means,
    flat_history,
    weekly_counts,
)
from zhengfa.insight.trends import (
    Control,
    DetectorSettings,
    InsufficientHistory,
    baseline_for,
    benjamini_hochberg_level,
    detect,
    fit_baselines,
    predictive_sf,
    upper_bounds,
)

WEEKS = 4 * 52 + 2  # four years and two weeks: three reference years, trend allowed
DOCUMENTED_FACTOR = 1.5
PER_SERIES = DetectorSettings(alpha=0.01, control=Control.PER_SERIES)


def _bound(trials: int, probability: float) -> int:
    """Alarms that Binomial(trials, probability) exceeds only once in a thousand runs."""
    return int(stats.binom.ppf(0.999, trials, probability))


@pytest.mark.parametrize(("size", "seed"), [(None, 11), (4.0, 12)], ids=["poisson", "negbin-k4"])
def test_flat_history_stays_within_the_per_series_false_alarm_rate(
    size: float | None, seed: int
) -> None:
    spec = HistorySpec(series=2000, weeks=WEEKS, size=size)
    detection = detect(flat_history(spec, seed), settings=PER_SERIES)
    rate = len(detection.alerts) / spec.series
    print(f"false-alarm rate {rate:.4f} at alpha {PER_SERIES.alpha} ({size=})")
    assert len(detection.alerts) <= _bound(spec.series, DOCUMENTED_FACTOR * PER_SERIES.alpha)
    assert detection.expected_false_alarms_bound == pytest.approx(20.0)


def test_flat_histories_rarely_raise_any_alarm_under_fdr_control() -> None:
    panels, settings = 12, DetectorSettings(alpha=0.05)
    spec = HistorySpec(series=200, weeks=WEEKS, size=6.0)
    alarmed = [
        bool(detect(flat_history(spec, 100 + i), settings=settings).alerts) for i in range(panels)
    ]
    assert sum(alarmed) <= _bound(panels, DOCUMENTED_FACTOR * settings.alpha)


RISE_SDS = 8.0  # planted rises: eight standard deviations of the series' own weekly count


def _planted(seed: int, rise_sds: float = RISE_SDS) -> tuple[WeeklyCounts, set[str], set[str]]:
    """1,000 series; 50 rise by RISE_SDS standard deviations in the last week, 100 had an
    outbreak of the same size for three weeks a year earlier, inside a reference window."""
    rng = np.random.default_rng(seed)
    spec = HistorySpec(series=1000, weeks=WEEKS, mean_low=5.0, mean_high=40.0, size=10.0)
    means = expected_means(spec, rng)
    counts = draw_counts(means, spec.size, rng)
    extra = rise_sds * np.sqrt(means + means**2 / 10.0)
    rising = rng.choice(spec.series, 50, replace=False)
    outbreak = rng.choice(spec.series, 100, replace=False)
    counts[rising, -1] += rng.poisson(extra[rising, -1])
    counts[outbreak, -54:-51] += rng.poisson(extra[outbreak, -54:-51])
    data = weekly_counts(counts, spec.first_monday)
    names = data.series
    return data, {names[i] for i in rising}, {names[i] for i in outbreak}


def test_planted_rises_are_detected_and_past_outbreaks_do_not_hide_them() -> None:
    data, rising, outbreak = _planted(seed=7)
    detection = detect(data)  # defaults: Benjamini-Hochberg at 0.05
    found = {alert.series for alert in detection.alerts}
    sensitivity = len(found & rising) / len(rising)
    masked = rising & outbreak
    print(f"sensitivity {sensitivity:.2f}; false alerts {len(found - rising)} of {len(found)}")
    assert sensitivity >= 0.9
    assert len(found - rising) <= max(2, 0.1 * len(found))
    assert len(found & masked) >= len(masked) - 1


def test_each_alert_is_above_its_upper_bound_and_explains_itself() -> None:
    data, _, _ = _planted(seed=8)
    detection = detect(data)
    assert detection.alerts
    for alert in detection.alerts:
        assert alert.count > alert.upper >= 0
        assert alert.p_value <= alert.level
        assert alert.expected < alert.upper
        assert f"count {alert.count} is above the" in alert.reason_en()
        assert f"上限 {alert.upper}" in alert.reason_zh()
        payload = alert.as_dict()
        assert {"series", "week", "count", "expected", "score", "upper"} <= payload.keys()
    scores = [alert.score for alert in detection.alerts]
    assert scores == sorted(scores, reverse=True)


def test_upper_bound_is_the_predictive_quantile() -> None:
    data, _, _ = _planted(seed=9)
    baseline = baseline_for(data.weeks, len(data.weeks) - 1, DetectorSettings())
    fit = fit_baselines(
        data.counts[:, baseline.columns].astype(float), baseline, DetectorSettings()
    )
    upper = upper_bounds(fit, 0.001).astype(float)
    assert np.all(predictive_sf(fit, upper) <= 0.001)
    assert np.all(predictive_sf(fit, upper - 1) > 0.001)


def _one_series(counts: list[int] | np.ndarray) -> WeeklyCounts:
    return weekly_counts(np.asarray([counts], dtype=np.int64), date(2023, 1, 2))


def test_a_new_problem_with_no_history_alarms_once_there_are_enough_cases() -> None:
    quiet = [0] * (WEEKS - 4)
    burst = _one_series([*quiet, 1, 2, 1, 3])
    (alert,) = detect(burst, settings=PER_SERIES).alerts
    assert alert.count == 3 and alert.expected == pytest.approx(0.5 / alert.baseline_weeks)
    too_few = _one_series([*quiet, 0, 1, 0, 3])  # 4 cases in 4 weeks: below Farrington's 5
    assert detect(too_few, settings=PER_SERIES).alerts == ()


def test_a_steady_trend_is_modelled_not_alarmed() -> None:
    rng = np.random.default_rng(5)
    weeks = np.arange(WEEKS)
    rising = rng.poisson(np.broadcast_to(10.0 * np.exp(weeks / 250.0), (50, WEEKS)))
    data = weekly_counts(rising.astype(np.int64), date(2023, 1, 2))
    baseline = baseline_for(data.weeks, WEEKS - 1, DetectorSettings())
    fit = fit_baselines(rising[:, baseline.columns].astype(float), baseline, DetectorSettings())
    assert fit.trend.mean() > 0.9
    assert np.median(fit.expected) == pytest.approx(10.0 * np.exp((WEEKS - 1) / 250.0), rel=0.1)
    assert len(detect(data, settings=PER_SERIES).alerts) <= 2


def test_baseline_weeks_follow_the_improved_farrington_design() -> None:
    data = _one_series([1] * WEEKS)
    settings = DetectorSettings()
    baseline = baseline_for(data.weeks, WEEKS - 1, settings)
    assert baseline.years == 3
    assert baseline.columns.max() == WEEKS - 1 - settings.skip_recent - 1
    windows = baseline.columns[baseline.blocks == 0]
    assert len(windows) == 3 * (2 * settings.half_window + 1)
    assert set(np.unique(baseline.blocks)) == set(range(settings.periods))
    short = replace(settings, years=1)
    assert baseline_for(data.weeks, WEEKS - 1, short).years == 1
    with pytest.raises(InsufficientHistory, match="needs 55 earlier weeks"):
        baseline_for(data.weeks, 40, settings)


def test_benjamini_hochberg_level() -> None:
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    assert benjamini_hochberg_level(p, 0.05) == pytest.approx(0.05 * 2 / 10)
    assert benjamini_hochberg_level(np.array([0.5, 0.9]), 0.05) == pytest.approx(0.025)


def test_settings_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        DetectorSettings(alpha=1.5)

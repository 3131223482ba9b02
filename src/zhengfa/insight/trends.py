"""Trend detector (苗头、趋势): which weekly counts rise above their own history.

Pure NumPy/SciPy, no Django. The method is the improved Farrington algorithm of public-health
surveillance (Noufaily et al. 2013, *Statistics in Medicine* 32:1206-1222; R package
``surveillance``, ``farringtonFlexible``), fitted for every series at once:

1. Baseline: for the week under test, the same ISO-calendar week in each of up to ``years``
   previous years with ``half_window`` weeks either side, plus the rest of each year cut
   into ``periods - 1`` seasonal blocks; the last ``skip_recent`` weeks are left out so that
   a rise under way does not raise its own baseline.
2. Model: log-linear quasi-Poisson GLM, intercept + block factor (+ a linear trend when at
   least 3 years are used, the trend is significant at ``trend_p`` and does not extrapolate
   above the largest baseline count). A small ridge penalty on the non-intercept
   coefficients keeps sparse series (blocks of zeros) finite.
3. Past outbreaks down-weighted: observations whose standardised Anscombe residual exceeds
   ``reweight_threshold`` get weight ∝ residual⁻², and the model is refitted.
4. Predictive distribution of this week's count: negative binomial with the fitted mean μ
   and variance μ + μ²/k (k by moments over every baseline week; Poisson when there is no
   excess variance), integrated over the estimation uncertainty of log μ ~ N(η̂, se²)
   (se from the quasi-Poisson fit) by Gauss-Hermite quadrature. A series whose whole
   baseline is zero gets the Jeffreys (Gamma(½, n)) Poisson-gamma predictive instead.
   (Noufaily's φμ variance understated the high season of seasonal negative binomial
   histories and doubled false alarms there; see docs/insight.md.)
5. p-value P(Y ≥ y) from that predictive; the alarm rule is p ≤ level, which is the same as
   count > upper bound, the (1 - level) quantile of the predictive.
6. False alarms across many series: ``Control.FDR`` (default) applies Benjamini-Hochberg at
   ``alpha`` over the week's p-values of every tested series; ``Control.PER_SERIES`` uses
   ``alpha`` as each series' false-alarm probability (expected false alarms per week ≤
   alpha × series). As in Farrington, no alarm unless at least ``min_recent_count`` cases
   were counted in the last ``recent_weeks`` weeks (those series keep p = 1 in the family).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import stats

from zhengfa.insight.counts import WeeklyCounts
from zhengfa.insight.weeks import format_week, weeks_back

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CHUNK_SERIES = 4096  # series fitted at once: bounds memory (about 30 MB per chunk)
GAUSS_HERMITE_NODES = 20
IRLS_MAX_ITERATIONS = 50
IRLS_TOLERANCE = 1e-8
ETA_LIMIT = 30.0  # |log mean| beyond this is numerically zero or infinite anyway
MIN_TREND_YEARS = 3  # Noufaily et al.: a trend only from at least three years of history


class Control(StrEnum):
    """How false alarms are controlled across the week's series."""

    FDR = "fdr"  # Benjamini-Hochberg false discovery rate at alpha
    PER_SERIES = "per-series"  # each series' false-alarm probability is alpha


class InsufficientHistory(ValueError):
    """Not enough weeks before the week under test to form a baseline."""


@dataclass(frozen=True)
class DetectorSettings:
    """Tuning of the detector; defaults follow Noufaily et al. (2013) where they apply."""

    alpha: float = 0.05
    control: Control = Control.FDR
    years: int = 5
    half_window: int = 3
    periods: int = 10
    skip_recent: int = 26
    reweight_threshold: float = 2.58
    trend_p: float = 0.05
    min_recent_count: int = 5
    recent_weeks: int = 4
    ridge: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be between 0 and 1 (exclusive), not {self.alpha}")
        if self.years < 1 or self.half_window < 0 or self.periods < 1 or self.skip_recent < 0:
            raise ValueError("years ≥ 1, half_window ≥ 0, periods ≥ 1 and skip_recent ≥ 0")
        if self.recent_weeks < 1 or self.min_recent_count < 0 or self.ridge < 0:
            raise ValueError("recent_weeks ≥ 1, min_recent_count ≥ 0 and ridge ≥ 0")


@dataclass(frozen=True)
class Baseline:
    """The weeks a week's expectation is learnt from, shared by every series of the grid."""

    week_index: int
    columns: IntArray  # indices into the week grid
    blocks: IntArray  # 0 = window around a reference week, 1..periods-1 = seasonal blocks
    years: int

    @property
    def trend_years(self) -> FloatArray:
        """Time of each baseline week in years before the tested week (negative)."""
        return (self.columns - self.week_index).astype(np.float64) / 52.0

    def design(self, *, trend: bool) -> FloatArray:
        """Intercept (the reference windows), optional trend, one dummy per seasonal block."""
        present = [b for b in np.unique(self.blocks) if b != 0]
        parts = [np.ones(len(self.columns))]
        if trend:
            parts.append(self.trend_years)
        parts += [(self.blocks == b).astype(np.float64) for b in present]
        return np.column_stack(parts)


@dataclass(frozen=True)
class BaselineFit:
    """Per series: log mean and its standard error at the tested week, dispersion, trend."""

    eta: FloatArray
    se: FloatArray
    phi: FloatArray
    inv_size: FloatArray  # 1/k of the negative binomial, variance μ + μ²/k; 0 = Poisson
    trend: BoolArray
    zero_history: BoolArray
    observations: int

    @property
    def expected(self) -> FloatArray:
        jeffreys = 0.5 / self.observations
        return np.where(self.zero_history, jeffreys, np.exp(self.eta))


@dataclass(frozen=True)
class Alert:
    """One count above its series' upper bound, with the numbers that explain why."""

    series: str
    week: str
    count: int
    expected: float
    upper: int
    p_value: float
    score: float
    level: float
    control: Control
    baseline_first: str
    baseline_last: str
    baseline_weeks: int
    years: int
    trend: bool
    dispersion: float

    def _baseline_phrase_en(self) -> str:
        trend = "with a linear trend" if self.trend else "no trend"
        return (
            f"a baseline of {self.baseline_weeks} weeks from {self.baseline_first} to "
            f"{self.baseline_last} (same season in {self.years} previous year(s); "
            f"overdispersion {self.dispersion:.2f}; {trend})"
        )

    def reason_en(self) -> str:
        return (
            f"count {self.count} is above the {_percent(self.level)} upper bound {self.upper} "
            f"of {self._baseline_phrase_en()}; expected {self.expected:.2f}, "
            f"p = {self.p_value:.2g}"
        )

    def reason_zh(self) -> str:
        trend = "含线性趋势" if self.trend else "无趋势"
        return (
            f"本周数量 {self.count} 超过基线的 {_percent(self.level)} 上限 {self.upper}"
            f"(基线:{self.baseline_first} 至 {self.baseline_last} 共 {self.baseline_weeks} 周,"
            f"取前 {self.years} 年同期;离散度 {self.dispersion:.2f};{trend});"
            f"期望 {self.expected:.2f},p = {self.p_value:.2g}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "series": self.series,
            "week": self.week,
            "count": self.count,
            "expected": round(self.expected, 4),
            "upper": self.upper,
            "p_value": self.p_value,
            "score": round(self.score, 3),
            "level": self.level,
            "control": str(self.control),
            "baseline": {
                "first_week": self.baseline_first,
                "last_week": self.baseline_last,
                "weeks": self.baseline_weeks,
                "years": self.years,
                "trend": self.trend,
                "dispersion": round(self.dispersion, 4),
            },
            "reason": self.reason_zh(),
            "reason_en": self.reason_en(),
        }


@dataclass(frozen=True)
class Detection:
    """The outcome for one week over every series."""

    week: str
    settings: DetectorSettings
    tested: int
    level: float  # the per-series level the alarms were decided at
    p_values: FloatArray = field(repr=False)
    alerts: tuple[Alert, ...]

    @property
    def expected_false_alarms_bound(self) -> float:
        """Per-series control: the bound alpha × series on false alarms expected per week."""
        return self.settings.alpha * self.tested


def _percent(level: float) -> str:
    """``99.83%`` for 0.00167: enough decimals to show two significant digits of the level."""
    decimals = max(1, 1 - math.floor(math.log10(100 * level)))
    return f"{100 * (1 - level):.{decimals}f}%"


# --------------------------------------------------------------------------- baseline


def baseline_for(weeks: tuple[date, ...], index: int, settings: DetectorSettings) -> Baseline:
    """The baseline weeks of ``weeks[index]`` (see the module docstring, step 1)."""
    w = settings.half_window
    back = [weeks_back(weeks[index], j) for j in range(1, settings.years + 1)]
    usable = [j for j, lag in enumerate(back, start=1) if index - lag - w >= 0]
    if not usable:
        needed = back[0] + w
        raise InsufficientHistory(
            f"week {format_week(weeks[index])} needs {needed} earlier weeks of history "
            f"(one year and {w} weeks); the data has {index}"
        )
    years = max(usable)
    references = [index] + [index - back[j - 1] for j in range(1, years + 1)]
    blocks = np.full(index + 1, -1, dtype=np.int64)
    for newer, ref in zip(references, references[1:], strict=False):
        blocks[ref - w : ref + w + 1] = 0
        if settings.periods > 1:  # periods = 1 is the original Farrington: windows only
            gap = np.arange(ref + w + 1, newer - w)
            for label, part in enumerate(np.array_split(gap, settings.periods - 1), start=1):
                blocks[part] = label
    keep = np.flatnonzero(blocks >= 0)
    keep = keep[keep < index - settings.skip_recent]
    return Baseline(week_index=index, columns=keep, blocks=blocks[keep], years=years)


# --------------------------------------------------------------------------- GLM fitting


@dataclass(frozen=True)
class _Fit:
    beta: FloatArray
    mu: FloatArray
    cov_unscaled: FloatArray  # (X'WX + ridge)^-1, per series
    phi: FloatArray


def _outer_rows(design: FloatArray) -> FloatArray:
    """Row-wise outer products, flattened: X'WX for all series is then one matrix product."""
    n, p = design.shape
    return (design[:, :, None] * design[:, None, :]).reshape(n, p * p)


def _irls(
    y: FloatArray,
    design: FloatArray,
    prior: FloatArray,
    penalty: FloatArray,
    start: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Penalised Poisson IRLS for every series (rows of y) on one shared design matrix.

    Returns the coefficients, the fitted means and (X'WX + ridge)⁻¹ per series; ``start``
    is a fitted mean to start from (the refit after reweighting starts from the first fit).
    """
    p = design.shape[1]
    outer = _outer_rows(design)
    eta = np.asarray(np.log(y + 0.1) if start is None else np.log(start), dtype=np.float64)
    beta: FloatArray = np.zeros((y.shape[0], p))
    for _ in range(IRLS_MAX_ITERATIONS):
        mu = np.exp(eta)
        weight = prior * mu
        info = (weight @ outer).reshape(-1, p, p) + np.diag(penalty)
        score = (weight * (eta + (y - mu) / mu)) @ design
        solved = np.linalg.solve(info, score[:, :, None])[:, :, 0]
        new_beta = np.asarray(solved, dtype=np.float64)
        eta = np.asarray(np.clip(new_beta @ design.T, -ETA_LIMIT, ETA_LIMIT), dtype=np.float64)
        converged = np.max(np.abs(new_beta - beta)) < IRLS_TOLERANCE
        beta = new_beta
        if converged:
            break
    mu = np.exp(eta)
    info = ((prior * mu) @ outer).reshape(-1, p, p) + np.diag(penalty)
    cov = np.asarray(np.linalg.inv(info), dtype=np.float64)
    return beta, mu, cov


def _dispersion(y: FloatArray, mu: FloatArray, prior: FloatArray, params: int) -> FloatArray:
    """Pearson estimate of φ, floored at 1 (no under-dispersion, as in Farrington)."""
    residual_df = max(y.shape[1] - params, 1)
    pearson = (prior * (y - mu) ** 2 / mu).sum(axis=1) / residual_df
    return np.maximum(pearson, 1.0)


def _anscombe_weights(y: FloatArray, fit: _Fit, design: FloatArray, threshold: float) -> FloatArray:
    """Weights ∝ s⁻² for standardised Anscombe residuals s above the threshold (Farrington)."""
    p = design.shape[1]
    leverage = fit.mu * (fit.cov_unscaled.reshape(-1, p * p) @ _outer_rows(design).T)
    scale = np.sqrt(fit.phi[:, None] * np.clip(1.0 - leverage, 1e-8, None))
    residual = 1.5 * (y ** (2 / 3) * fit.mu ** (-1 / 6) - np.sqrt(fit.mu)) / scale
    raw = np.where(residual > threshold, 1.0 / np.maximum(residual, 1e-12) ** 2, 1.0)
    return raw * (y.shape[1] / raw.sum(axis=1, keepdims=True))


def _fit_reweighted(y: FloatArray, design: FloatArray, settings: DetectorSettings) -> _Fit:
    """Fit, down-weight past outbreaks, refit (steps 2 and 3)."""
    p = design.shape[1]
    penalty = np.full(p, settings.ridge)
    penalty[0] = 0.0  # the intercept is the level itself: never shrunk
    ones = np.ones_like(y)
    beta, mu, cov = _irls(y, design, ones, penalty)
    first = _Fit(beta, mu, cov, _dispersion(y, mu, ones, p))
    prior = _anscombe_weights(y, first, design, settings.reweight_threshold)
    beta, mu, cov = _irls(y, design, prior, penalty, start=first.mu)
    import os

    if os.environ.get("V") == "1":
        return _Fit(beta, mu, cov, np.maximum(first.phi, _dispersion(y, mu, prior, p)))
    return _Fit(beta, mu, cov, _dispersion(y, mu, prior, p))


def fit_baselines(y: FloatArray, baseline: Baseline, settings: DetectorSettings) -> BaselineFit:
    """Fit the baseline model of every series (rows of ``y``, the baseline weeks' counts)."""
    plain = _fit_reweighted(y, baseline.design(trend=False), settings)
    eta, var_eta, phi = plain.beta[:, 0], plain.cov_unscaled[:, 0, 0], plain.phi
    inv_size = _excess_variance(y, plain)
    use_trend = np.zeros(y.shape[0], dtype=bool)
    if baseline.years >= MIN_TREND_YEARS:
        trended = _fit_reweighted(y, baseline.design(trend=True), settings)
        use_trend = _trend_kept(y, trended, settings)
        eta = np.where(use_trend, trended.beta[:, 0], eta)
        var_eta = np.where(use_trend, trended.cov_unscaled[:, 0, 0], var_eta)
        phi = np.where(use_trend, trended.phi, phi)
        inv_size = np.where(use_trend, _excess_variance(y, trended), inv_size)
    return BaselineFit(
        eta=eta,
        se=np.sqrt(phi * var_eta),
        phi=phi,
        inv_size=inv_size,
        trend=use_trend,
        zero_history=y.sum(axis=1) == 0,
        observations=y.shape[1],
    )


def _excess_variance(y: FloatArray, fit: _Fit) -> FloatArray:
    """Moment estimate of 1/k in Var Y = μ + μ²/k, over every baseline week (unweighted).

    Every week counts, not only those the reweighting kept: down-weighting the largest
    residuals of a clean history would understate the spread and so overstate alarms.
    """
    n, p = y.shape[1], fit.beta.shape[1]
    excess = ((y - fit.mu) ** 2 - fit.mu).sum(axis=1) / (fit.mu**2).sum(axis=1)
    return np.maximum(excess * n / max(n - p, 1), 0.0)


def _trend_kept(y: FloatArray, fit: _Fit, settings: DetectorSettings) -> BoolArray:
    """Keep the trend if significant and its prediction stays within the observed counts."""
    residual_df = max(y.shape[1] - fit.beta.shape[1], 1)
    t_value = fit.beta[:, 1] / np.sqrt(fit.phi * fit.cov_unscaled[:, 1, 1])
    p_value = 2 * stats.t.sf(np.abs(t_value), residual_df)
    within = np.exp(fit.beta[:, 0]) <= y.max(axis=1)
    return (p_value < settings.trend_p) & within


# --------------------------------------------------------------------------- predictive


def predictive_sf(fit: BaselineFit, u: FloatArray) -> FloatArray:
    """P(Y > u) for each series under its predictive distribution (step 4)."""
    nodes, weights = np.polynomial.hermite.hermgauss(GAUSS_HERMITE_NODES)
    eta = fit.eta[:, None] + math.sqrt(2.0) * fit.se[:, None] * nodes[None, :]
    mu = np.exp(np.clip(eta, -ETA_LIMIT, ETA_LIMIT))
    uu = np.broadcast_to(np.asarray(u, dtype=np.float64)[:, None], mu.shape)
    inv_size = np.broadcast_to(fit.inv_size[:, None], mu.shape)
    tail = np.empty_like(mu)
    poisson = inv_size <= 0.0
    tail[poisson] = stats.poisson.sf(uu[poisson], mu[poisson])
    nb = ~poisson
    size = 1.0 / inv_size[nb]
    tail[nb] = stats.nbinom.sf(uu[nb], size, size / (size + mu[nb]))
    sf = tail @ (weights / math.sqrt(math.pi))
    if fit.zero_history.any():
        n = fit.observations
        zero = fit.zero_history
        sf[zero] = stats.nbinom.sf(np.asarray(u)[zero], 0.5, n / (n + 1.0))
    return np.clip(sf, 0.0, 1.0)


def upper_bounds(fit: BaselineFit, level: float) -> IntArray:
    """The smallest count u with P(Y > u) ≤ level: counts above it are alarms (step 5)."""
    size = fit.eta.shape[0]
    low = np.full(size, -1, dtype=np.int64)  # P(Y > -1) = 1 > level
    high = np.ceil(2.0 * fit.expected + 10.0).astype(np.int64)
    while (pending := predictive_sf(fit, high.astype(np.float64)) > level).any():
        low = np.where(pending, high, low)
        high = np.where(pending, high * 2, high)
    while (open_ := high - low > 1).any():
        middle = (low + high) // 2
        above = predictive_sf(fit, middle.astype(np.float64)) > level
        low = np.where(open_ & above, middle, low)
        high = np.where(open_ & ~above, middle, high)
    return high


def benjamini_hochberg_level(p_values: FloatArray, q: float) -> float:
    """The largest p-value cut-off k·q/m whose k smallest p-values all lie below it.

    With no such k, the cut-off q/m that the smallest p-value would have had to reach.
    """
    m = p_values.size
    if m == 0:
        return q
    ordered = np.sort(p_values)
    passing = np.flatnonzero(ordered <= q * np.arange(1, m + 1) / m)
    k = int(passing[-1]) + 1 if passing.size else 1
    return q * k / m


# --------------------------------------------------------------------------- detection


def detect(
    data: WeeklyCounts,
    week: date | None = None,
    settings: DetectorSettings | None = None,
    progress: Callable[[int], None] | None = None,
) -> Detection:
    """Test one week (default: the last) of every series; ``progress`` gets series done."""
    settings = settings or DetectorSettings()
    index = len(data.weeks) - 1 if week is None else data.week_index(week)
    baseline = baseline_for(data.weeks, index, settings)
    fits = []
    p_values = np.empty(len(data.series))
    for start in range(0, len(data.series), CHUNK_SERIES):
        rows = slice(start, start + CHUNK_SERIES)
        fit, p_values[rows] = _test_chunk(data.counts[rows], baseline, settings)
        fits.append(fit)
        if progress is not None:
            progress(min(CHUNK_SERIES, len(data.series) - start))
    level = _decision_level(p_values, settings)
    alerts = _alerts(data, baseline, _concat(fits), p_values, level, settings)
    return Detection(
        week=format_week(data.weeks[index]),
        settings=settings,
        tested=len(data.series),
        level=level,
        p_values=p_values,
        alerts=alerts,
    )


def _test_chunk(
    counts: IntArray, baseline: Baseline, settings: DetectorSettings
) -> tuple[BaselineFit, FloatArray]:
    """Fit a chunk of series and return their p-values (1 where too few recent cases)."""
    t = baseline.week_index
    fit = fit_baselines(counts[:, baseline.columns].astype(np.float64), baseline, settings)
    observed = counts[:, t].astype(np.float64)
    p_value = np.where(observed > 0, predictive_sf(fit, observed - 1.0), 1.0)
    recent = counts[:, max(t - settings.recent_weeks + 1, 0) : t + 1].sum(axis=1)
    return fit, np.where(recent >= settings.min_recent_count, p_value, 1.0)


def _decision_level(p_values: FloatArray, settings: DetectorSettings) -> float:
    if settings.control is Control.FDR:
        return benjamini_hochberg_level(p_values, settings.alpha)
    return settings.alpha


def _concat(fits: list[BaselineFit]) -> BaselineFit:
    return BaselineFit(
        eta=np.concatenate([f.eta for f in fits]),
        se=np.concatenate([f.se for f in fits]),
        phi=np.concatenate([f.phi for f in fits]),
        inv_size=np.concatenate([f.inv_size for f in fits]),
        trend=np.concatenate([f.trend for f in fits]),
        zero_history=np.concatenate([f.zero_history for f in fits]),
        observations=fits[0].observations,
    )


def _subset(fit: BaselineFit, rows: IntArray) -> BaselineFit:
    return BaselineFit(
        eta=fit.eta[rows],
        se=fit.se[rows],
        phi=fit.phi[rows],
        inv_size=fit.inv_size[rows],
        trend=fit.trend[rows],
        zero_history=fit.zero_history[rows],
        observations=fit.observations,
    )


def _alerts(
    data: WeeklyCounts,
    baseline: Baseline,
    fit: BaselineFit,
    p_values: FloatArray,
    level: float,
    settings: DetectorSettings,
) -> tuple[Alert, ...]:
    rows = np.flatnonzero(p_values <= level)
    rows = rows[np.argsort(p_values[rows], kind="stable")]
    alarmed = _subset(fit, rows)
    uppers = upper_bounds(alarmed, level)
    expected = alarmed.expected
    t = baseline.week_index
    first, last = data.weeks[baseline.columns[0]], data.weeks[baseline.columns[-1]]
    return tuple(
        Alert(
            series=data.series[row],
            week=format_week(data.weeks[t]),
            count=int(data.counts[row, t]),
            expected=float(expected[i]),
            upper=int(uppers[i]),
            p_value=float(p_values[row]),
            score=float(stats.norm.isf(max(p_values[row], 1e-300))),
            level=level,
            control=settings.control,
            baseline_first=format_week(first),
            baseline_last=format_week(last),
            baseline_weeks=len(baseline.columns),
            years=baseline.years,
            trend=bool(alarmed.trend[i]),
            dispersion=float(alarmed.phi[i]),
        )
        for i, row in enumerate(rows)
    )

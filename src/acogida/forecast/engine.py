"""The forecast engine: for every daily series, the candidate that forecast it best in a
rolling-origin backtest, with p10/p50/p90 from that candidate's own backtest errors.

Candidates (statsforecast): seasonal naive (weekly), the mean of the last four same weekdays,
ETS (additive weekly season; and with a damped trend), Theta, three ensembles of those, and, for
up to ``THOROUGH_MAX_SERIES`` series, the full AutoETS and AutoTheta searches. Each series is
cut at up to ``BACKTEST_WINDOWS`` origins (as many as its history affords), ``h`` days apart;
each candidate forecasts the next ``h`` days from each origin; the one with the lowest mean MASE
(m=7) is chosen, ties going to the simpler one.

Quantiles are conformal: the chosen candidate's backtest errors (actual minus forecast, over
every origin and step) give the offsets of p10 and p90 around p50, so the band is as wide as this
series' own errors were. Everything is clipped at zero and ordered p10 <= p50 <= p90.

Spain's national holidays: a series that runs at under half its ordinary level on them (an office
that closes) is fitted on its holidays replaced by ordinary values, and its forecast for future
holidays is scaled by its observed holiday ratio (``_holiday_ratio``).

Series the backtest cannot judge get rules instead of a choice:
- fewer than 7 days (a new office): the mean, band from the observed spread;
- all zeros: zeros;
- too short for even one backtest origin (``MIN_TRAIN`` days plus the horizon): seasonal naive
  (or the mean below two weeks), band from its own one-week-back errors.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from acogida.holidays import is_national_holiday

SEASON = 7
BACKTEST_WINDOWS = 3
QUANTILES = (0.1, 0.5, 0.9)
# The error quantiles that place p10 and p90. Backtest errors come from a few origins and
# understate what the next weeks bring (finite sample, drift), so the band takes the 7.5% and
# 92.5% errors: on make bench-forecast that brings [p10, p90] coverage from 0.67-0.75 to
# 0.75-0.81 and lowers the quantile loss on every data set.
BAND_ERROR_QUANTILES = (0.075, 0.925)
# Up to this many series the full AutoETS and AutoTheta searches join the candidates; beyond,
# their cost (6x and 12x the fixed forms per series here) would break the two-minute budget
# for 1,000 series.
THOROUGH_MAX_SERIES = 200
# A series whose national holidays run below this share of an ordinary same weekday is treated
# as closing (or slowing down) on holidays.
HOLIDAY_EFFECT_BELOW = 0.5
MIN_TRAIN = 4 * SEASON  # the shortest history a candidate is fitted on in the backtest
# Beyond THOROUGH_MAX_SERIES, models see at most this much history (the backtest fits one year,
# the final fit two): weekly seasonality needs no more, and it bounds the fit time per series.
FIT_DAYS = 2 * 365
BACKTEST_FIT_DAYS = 365
ENSEMBLES = {
    "ets_theta": ("ets", "theta"),
    "ets_theta_seasonal_mean": ("ets", "theta", "seasonal_mean"),
    "all_smooth": ("ets", "ets_damped", "theta", "seasonal_mean"),
}
# Simpler first: a tie goes to the earlier one.
CANDIDATE_ORDER = (
    "seasonal_naive",
    "seasonal_mean",
    "ets",
    "ets_damped",
    "theta",
    "ets_theta",
    "ets_theta_seasonal_mean",
    "all_smooth",
    "auto_ets",
    "auto_theta",
)


@dataclass
class ForecastResult:
    frame: pd.DataFrame  # unique_id, ds, p10, p50, p90
    chosen: dict[str, str] = field(default_factory=dict)  # unique_id -> candidate or rule
    backtest_mase: dict[str, float] = field(default_factory=dict)  # unique_id -> chosen's MASE


def _statsforecast(n_jobs: int, *, thorough: bool) -> object:
    from statsforecast import StatsForecast  # noqa: PLC0415 - numba compiles on first import
    from statsforecast.models import (  # noqa: PLC0415
        AutoETS,
        AutoTheta,
        SeasonalNaive,
        SeasonalWindowAverage,
        Theta,
    )

    # Fixed ETS forms and the standard Theta always; the full searches only for few series.
    models = [
        SeasonalNaive(season_length=SEASON, alias="seasonal_naive"),
        SeasonalWindowAverage(season_length=SEASON, window_size=4, alias="seasonal_mean"),
        AutoETS(season_length=SEASON, model="ANA", alias="ets"),
        AutoETS(season_length=SEASON, model="AAA", damped=True, alias="ets_damped"),
        Theta(season_length=SEASON, decomposition_type="additive", alias="theta"),
    ]
    if thorough:
        models += [
            AutoETS(season_length=SEASON, alias="auto_ets"),
            AutoTheta(season_length=SEASON, decomposition_type="additive", alias="auto_theta"),
        ]
    return StatsForecast(models=models, freq="D", n_jobs=n_jobs)


def _add_ensembles(frame: pd.DataFrame) -> pd.DataFrame:
    for name, members in ENSEMBLES.items():
        frame[name] = frame[list(members)].mean(axis=1)
    return frame


def mase_scale(values: np.ndarray) -> float:
    """Mean absolute one-week-back difference (the seasonal naive's in-sample error); a series
    that never changes from week to week falls back to the one-day difference, then to 1."""
    for lag in (SEASON, 1):
        if len(values) > lag:
            scale = float(np.mean(np.abs(values[lag:] - values[:-lag])))
            if scale > 0:
                return scale
    return 1.0


def _band(p50: np.ndarray, errors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    errors = errors[np.isfinite(errors)]
    low, high = np.quantile(errors, BAND_ERROR_QUANTILES) if len(errors) else (0.0, 0.0)
    p50 = np.maximum(p50, 0.0)
    p10 = np.clip(p50 + min(low, 0.0), 0.0, p50)
    p90 = np.maximum(p50 + max(high, 0.0), p50)
    return p10, p50, p90


def _last_week_repeated(values: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Seasonal naive: (the last week repeated over ``h`` days, its one-week-back errors)."""
    return np.resize(values[-SEASON:], h).astype(float), (values[SEASON:] - values[:-SEASON]).astype(float)


def _mean_of(values: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
    """(the mean over ``h`` days, the deviations from it); zeros for an empty series."""
    mean = float(values.mean()) if len(values) else 0.0
    return np.full(h, mean), (values - mean if len(values) else np.zeros(1)).astype(float)


def _rule_forecast(values: np.ndarray, h: int) -> tuple[str, np.ndarray, np.ndarray]:
    """(rule, p50, errors) for a series the backtest cannot judge."""
    if not np.any(values):
        return "zeros", np.zeros(h), np.zeros(1)
    if len(values) < 2 * SEASON:
        return "mean", *_mean_of(values, h)
    return "seasonal_naive", *_last_week_repeated(values, h)


def forecast(
    series: pd.DataFrame,
    h: int,
    *,
    n_jobs: int | None = None,
    progress: Callable[[str], None] = lambda _message: None,
) -> ForecastResult:
    """p10/p50/p90 for the ``h`` days after each series' last day. ``series``: unique_id, ds, y
    (daily, no gaps)."""
    if h < 1:
        raise ValueError("the horizon must be at least 1 day")
    n_jobs = n_jobs or max(1, os.cpu_count() or 1)
    lengths = series.groupby("unique_id")["y"].size()
    zero = series.groupby("unique_id")["y"].apply(lambda y: not np.any(y.to_numpy()))
    # Backtest origins each series can afford (its history past MIN_TRAIN, in horizons), at most
    # BACKTEST_WINDOWS: a long horizon on a short history still gets a choice from one origin.
    windows_of = ((lengths - MIN_TRAIN) // h).clip(upper=BACKTEST_WINDOWS)
    judged = windows_of[(windows_of >= 1) & ~zero].index
    result = ForecastResult(frame=pd.DataFrame())
    parts: list[pd.DataFrame] = []
    last_days = series.groupby("unique_id")["ds"].max()

    def emit(unique_id: str, p50: np.ndarray, errors: np.ndarray, holiday_ratio: float | None = None) -> None:
        p10, p50, p90 = _band(p50, errors)
        days = pd.date_range(last_days[unique_id] + pd.Timedelta(days=1), periods=h, freq="D")
        if holiday_ratio is not None:
            factor = np.where([is_national_holiday(day.date()) for day in days], holiday_ratio, 1.0)
            p10, p50, p90 = p10 * factor, p50 * factor, p90 * factor
        parts.append(pd.DataFrame({"unique_id": unique_id, "ds": days, "p10": p10, "p50": p50, "p90": p90}))

    for unique_id, part in series[~series["unique_id"].isin(judged)].groupby("unique_id", sort=True):
        rule, p50, errors = _rule_forecast(part["y"].to_numpy(dtype=float), h)
        result.chosen[str(unique_id)] = rule
        emit(str(unique_id), p50, errors)

    if len(judged):
        data, holiday_ratios = _without_holidays(series[series["unique_id"].isin(judged)])
        if holiday_ratios:
            progress(f"{len(holiday_ratios)} series close or slow down on national holidays: modelled apart")
        thorough = len(judged) <= THOROUGH_MAX_SERIES
        for windows in sorted(set(windows_of[judged].tolist()), reverse=True):
            members = windows_of[judged][windows_of[judged] == windows].index
            chosen = _choose_and_forecast(
                data[data["unique_id"].isin(members)],
                h,
                int(windows),
                n_jobs=n_jobs,
                thorough=thorough,
                progress=progress,
            )
            for uid, (best, mase, errors, p50) in chosen.items():
                result.chosen[uid] = best
                result.backtest_mase[uid] = mase
                emit(uid, p50, errors, holiday_ratios.get(uid))

    result.frame = pd.concat(parts, ignore_index=True).sort_values(["unique_id", "ds"]).reset_index(drop=True)
    return result


def _choose_and_forecast(
    data: pd.DataFrame,
    h: int,
    windows: int,
    *,
    n_jobs: int,
    thorough: bool,
    progress: Callable[[str], None],
) -> dict[str, tuple[str, float, np.ndarray, np.ndarray]]:
    """For series that afford ``windows`` backtest origins: uid -> (chosen candidate, its MASE,
    its backtest errors, its forecast)."""
    engine = _statsforecast(n_jobs, thorough=thorough)
    candidates = CANDIDATE_ORDER if thorough else CANDIDATE_ORDER[:-2]
    count = data["unique_id"].nunique()
    progress(f"backtest of {count} series: {windows} origin(s) x {h} days, {len(candidates)} candidates")
    cv = _add_ensembles(
        engine.cross_validation(  # type: ignore[attr-defined]
            df=data,
            h=h,
            n_windows=windows,
            step_size=h,
            input_size=None if thorough else BACKTEST_FIT_DAYS,
        )
    )
    first_cutoff = cv.groupby("unique_id")["cutoff"].min()
    scales = {
        uid: mase_scale(part.loc[part["ds"] <= first_cutoff[uid], "y"].to_numpy(dtype=float))
        for uid, part in data.groupby("unique_id")
    }
    mase = pd.DataFrame(
        {name: (cv["y"] - cv[name]).abs().groupby(cv["unique_id"]).mean() for name in candidates}
    ).div(pd.Series(scales), axis=0)
    progress(f"forecast of {count} series, {h} days")
    fit_start = data.groupby("unique_id")["ds"].transform("max") - pd.Timedelta(days=FIT_DAYS)
    future = _add_ensembles(
        engine.forecast(df=data if thorough else data[data["ds"] > fit_start], h=h)  # type: ignore[attr-defined]
    )
    chosen = {}
    for uid, row in mase.iterrows():
        scores = {name: round(float(row[name]), 9) for name in candidates}
        best = min(candidates, key=lambda name: (scores[name], candidates.index(name)))
        mine = cv["unique_id"] == uid
        errors = (cv.loc[mine, "y"] - cv.loc[mine, best]).to_numpy(dtype=float)
        p50 = future.loc[future["unique_id"] == uid, best].to_numpy(dtype=float)
        chosen[str(uid)] = (best, float(row[best]), errors, p50)
    return chosen


def _holiday_ratio(days: pd.Series, values: np.ndarray) -> tuple[float | None, np.ndarray]:
    """How a series behaves on Spain's national holidays, and its values with them replaced.

    Each past holiday (Monday to Saturday) is compared with the median of the same weekday one
    to three weeks either side. When at least two holidays were seen and they run at under half
    of that, the series is holiday-sensitive: the ratio (the median of the holidays' ratios) is
    returned and the holidays' values are replaced by their baselines, so the models learn
    ordinary weeks and the ratio is applied to future holidays. Otherwise (None) nothing changes.
    """
    index = pd.DatetimeIndex(days)
    position = {day: number for number, day in enumerate(index)}
    ratios: list[float] = []
    baselines: dict[int, float] = {}
    for day in index:
        if day.weekday() == 6 or not is_national_holiday(day.date()):
            continue
        neighbours = [day + pd.Timedelta(weeks=k) for k in (-3, -2, -1, 1, 2, 3)]
        usable = [
            values[position[n]] for n in neighbours if n in position and not is_national_holiday(n.date())
        ]
        if len(usable) < 2:
            continue
        baseline = float(np.median(usable))
        if baseline > 0:
            baselines[position[day]] = baseline
            ratios.append(float(values[position[day]]) / baseline)
    if len(ratios) < 2 or float(np.median(ratios)) >= HOLIDAY_EFFECT_BELOW:
        return None, values
    cleaned = values.copy()
    for number, baseline in baselines.items():
        cleaned[number] = baseline
    return float(np.clip(np.median(ratios), 0.0, 1.0)), cleaned


def _without_holidays(series: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    ratios: dict[str, float] = {}
    parts = []
    for uid, part in series.groupby("unique_id", sort=False):
        ratio, cleaned = _holiday_ratio(part["ds"], part["y"].to_numpy(dtype=float))
        if ratio is not None:
            ratios[str(uid)] = ratio
        parts.append(part if ratio is None else part.assign(y=cleaned))
    return pd.concat(parts, ignore_index=True), ratios


def pinball_loss(actual: np.ndarray, predicted: np.ndarray, quantile: float) -> float:
    difference = actual - predicted
    return float(np.mean(np.maximum(quantile * difference, (quantile - 1) * difference)))


def seasonal_naive_baseline(values: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The yardstick: last week repeated, band from its one-week-back errors."""
    return _band(*(_last_week_repeated(values, h) if len(values) >= SEASON else _mean_of(values, h)))

"""The forecast engine: for every series, the candidate that forecast it best in a
rolling-origin backtest, with p10/p50/p90 from that candidate's own backtest errors.

The sampling is a ``Frequency``: ``DAILY`` (the default: weekly seasonality, Spain's holidays)
is what this docstring describes; ``HOURLY`` (seasons 24 and 168) and ``WEEKLY`` (season 52,
MASE at lag 1 as M4 scored it) change the candidates (see ``_candidates``), the number of
backtest origins, the shortest backtest fit and the rules for short series; the choice is by
backtest in every case. Series without dates take integer steps in ``ds``.

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

from acogida.holidays import is_national_holiday, national_holidays

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


@dataclass(frozen=True)
class Frequency:
    """How a set of series is sampled, and what the engine makes of it.

    ``ds`` holds dates at ``freq`` (on its anchor: weekly "W" dates are Sundays) or plain
    integer steps (1, 2, ...); either way without gaps.
    """

    name: str
    freq: str  # the pandas frequency of ds when ds are dates
    season: int  # the seasonality of the models and of seasonal naive
    mase_season: int  # the lag of MASE's in-sample scale (M4 scored weekly data with 1)
    long_season: int | None = None  # a second, longer seasonality (hourly: 168, the week)
    holidays: bool = False  # Spain's national holidays matter (daily data with real dates)
    min_train: int = MIN_TRAIN  # the shortest history a candidate is fitted on in the backtest
    backtest_windows: int = BACKTEST_WINDOWS
    # Beyond thorough_max_series, the history models see in the backtest and in the final fit
    # (None: all of it).
    backtest_fit: int | None = None
    fit: int | None = None
    short_rule: str = "mean"  # below two seasons of history (and no backtest): "mean" or "naive"
    decomposition: str = "multiplicative"  # Theta's seasonal decomposition (M4's was multiplicative)
    # Up to this many series the full AutoETS/AutoTheta searches join the candidates (daily
    # only: at seasons 24 and 52 they cost 15-100x the fixed forms per series, and a quick run
    # on a few series should judge the same candidates as the full one).
    thorough_max_series: int = 0


DAILY = Frequency(
    "daily",
    "D",
    SEASON,
    SEASON,
    holidays=True,
    backtest_fit=BACKTEST_FIT_DAYS,
    fit=FIT_DAYS,
    decomposition="additive",
    thorough_max_series=THOROUGH_MAX_SERIES,
)
# Hourly: a day (24) and a week (168) of seasonality; four days is the shortest backtest fit.
HOURLY = Frequency("hourly", "h", 24, 24, long_season=168, min_train=4 * 24, short_rule="naive")
# Weekly: a year of 52 weeks, which statsforecast's ETS cannot take (it stops at 24), and many
# series too short for it: half a year is the shortest backtest fit, and six origins judge
# short horizons better than three. Models see at most ten years (as daily ones see two): M4
# weekly series run to 50 years, and Theta's seasonality test and MSTL grow with the length
# (on M4 weekly the cap halves the run time).
WEEKLY = Frequency(
    "weekly", "W", 52, 1, min_train=26, backtest_windows=6, backtest_fit=520, fit=520, short_rule="naive"
)
FREQUENCIES = {frequency.name: frequency for frequency in (DAILY, HOURLY, WEEKLY)}


@dataclass
class ForecastResult:
    frame: pd.DataFrame  # unique_id, ds, p10, p50, p90
    chosen: dict[str, str] = field(default_factory=dict)  # unique_id -> candidate or rule
    backtest_mase: dict[str, float] = field(default_factory=dict)  # unique_id -> chosen's MASE


@dataclass(frozen=True)
class _Candidates:
    models: list[object]  # statsforecast models, each with its alias
    ensembles: dict[str, tuple[str, ...]]
    order: tuple[str, ...]  # simpler first: a tie goes to the earlier one


def _candidates(frequency: Frequency, *, thorough: bool, shortest: int) -> _Candidates:
    """The candidates for series whose shortest backtest fit is ``shortest`` steps.

    - daily: as the module says (seasonal naive, seasonal mean, ETS, damped ETS, Theta, three
      ensembles; AutoETS and AutoTheta when ``thorough``);
    - hourly: the same at season 24, plus seasonal naive at 168 (last week), MSTL on both
      seasons with an ETS trend, and ensembles of those, when the history holds two weeks;
    - weekly: naive, seasonal naive at 52 (scored as missing where the history holds less than a
      year), drift, simple and damped-trend exponential smoothing (non-seasonal: ETS stops at
      season 24), Theta (which deseasonalises at 52 when its seasonality test passes), MSTL at
      52 when the history holds two years, and ensembles; AutoTheta when ``thorough``.
    """
    from statsforecast.models import (  # noqa: PLC0415 - numba compiles on first import
        MSTL,
        AutoETS,
        AutoTheta,
        Naive,
        RandomWalkWithDrift,
        SeasonalNaive,
        SeasonalWindowAverage,
        Theta,
    )

    m = frequency.season
    models: list[object]
    if frequency.season <= 24:
        # Fixed ETS forms and the standard Theta always; the full searches only for few series.
        decomposition = frequency.decomposition
        models = [
            SeasonalNaive(season_length=m, alias="seasonal_naive"),
            SeasonalWindowAverage(season_length=m, window_size=4, alias="seasonal_mean"),
            AutoETS(season_length=m, model="ANA", alias="ets"),
            AutoETS(season_length=m, model="AAA", damped=True, alias="ets_damped"),
            Theta(season_length=m, decomposition_type=decomposition, alias="theta"),
        ]
        ensembles = dict(ENSEMBLES)
        order = list(CANDIDATE_ORDER[:8])
        long = frequency.long_season
        if long is not None and shortest >= 2 * long:
            models += [
                SeasonalNaive(season_length=long, alias="seasonal_naive_long"),
                MSTL(season_length=[m, long], trend_forecaster=AutoETS(model="ZZN"), alias="mstl"),
            ]
            ensembles |= {
                "mstl_ets": ("mstl", "ets"),
                "mstl_seasonal_naive_long": ("mstl", "seasonal_naive_long"),
                "mstl_ets_theta": ("mstl", "ets", "theta"),
            }
            order[1:1] = ["seasonal_naive_long"]
            order += ["mstl", *list(ensembles)[len(ENSEMBLES) :]]
        if thorough:
            models += [
                AutoETS(season_length=m, alias="auto_ets"),
                AutoTheta(season_length=m, decomposition_type=decomposition, alias="auto_theta"),
            ]
            order += ["auto_ets", "auto_theta"]
        return _Candidates(models, ensembles, tuple(order))
    models = [
        Naive(alias="naive"),
        SeasonalNaive(season_length=m, alias="seasonal_naive"),
        RandomWalkWithDrift(alias="drift"),
        AutoETS(model="ANN", alias="ses"),
        AutoETS(model="AAN", damped=True, alias="damped"),
        Theta(season_length=m, decomposition_type=frequency.decomposition, alias="theta"),
    ]
    ensembles = {
        "ses_damped_theta": ("ses", "damped", "theta"),
        "damped_theta": ("damped", "theta"),
        "naive_theta": ("naive", "theta"),
    }
    order = ["naive", "seasonal_naive", "drift", "ses", "damped", "theta", *ensembles]
    if shortest >= 2 * m:
        models.append(MSTL(season_length=m, trend_forecaster=AutoETS(model="ZZN"), alias="mstl"))
        ensembles |= {"mstl_theta": ("mstl", "theta"), "mstl_damped_theta": ("mstl", "damped", "theta")}
        order += ["mstl", "mstl_theta", "mstl_damped_theta"]
    if thorough:
        models.append(
            AutoTheta(season_length=m, decomposition_type=frequency.decomposition, alias="auto_theta")
        )
        order.append("auto_theta")
    return _Candidates(models, ensembles, tuple(order))


def _statsforecast(models: list[object], freq: str | int, n_jobs: int) -> object:
    from statsforecast import StatsForecast  # noqa: PLC0415 - numba compiles on first import

    return StatsForecast(models=models, freq=freq, n_jobs=n_jobs)


def _add_ensembles(frame: pd.DataFrame, ensembles: dict[str, tuple[str, ...]] = ENSEMBLES) -> pd.DataFrame:
    for name, members in ensembles.items():
        # A member without a forecast (NaN) leaves the ensemble without one too.
        frame[name] = frame[list(members)].mean(axis=1, skipna=False)
    return frame


def mase_scale(values: np.ndarray, season: int = SEASON) -> float:
    """Mean absolute one-season-back difference (the seasonal naive's in-sample error; one week
    back by default); a series that never changes from season to season falls back to the
    one-step difference, then to 1."""
    for lag in (season, 1):
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


def _last_season_repeated(values: np.ndarray, h: int, season: int) -> tuple[np.ndarray, np.ndarray]:
    """Seasonal naive: (the last season repeated over ``h`` steps, its one-season-back errors)."""
    return np.resize(values[-season:], h).astype(float), (values[season:] - values[:-season]).astype(float)


def _last_week_repeated(values: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Seasonal naive: (the last week repeated over ``h`` days, its one-week-back errors)."""
    return _last_season_repeated(values, h, SEASON)


def _mean_of(values: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
    """(the mean over ``h`` days, the deviations from it); zeros for an empty series."""
    mean = float(values.mean()) if len(values) else 0.0
    return np.full(h, mean), (values - mean if len(values) else np.zeros(1)).astype(float)


def _rule_forecast(
    values: np.ndarray, h: int, frequency: Frequency = DAILY
) -> tuple[str, np.ndarray, np.ndarray]:
    """(rule, p50, errors) for a series the backtest cannot judge."""
    if not np.any(values):
        return "zeros", np.zeros(h), np.zeros(1)
    if len(values) < 2 * frequency.season:
        if frequency.short_rule == "naive" and len(values) >= 2:
            return "naive", np.full(h, float(values[-1])), np.diff(values).astype(float)
        return "mean", *_mean_of(values, h)
    return "seasonal_naive", *_last_season_repeated(values, h, frequency.season)


def _integer_steps(ds: pd.Series) -> bool:
    return bool(pd.api.types.is_integer_dtype(ds))


def forecast(
    series: pd.DataFrame,
    h: int,
    *,
    frequency: Frequency = DAILY,
    n_jobs: int | None = None,
    progress: Callable[[str], None] = lambda _message: None,
) -> ForecastResult:
    """p10/p50/p90 for the ``h`` steps after each series' last one. ``series``: unique_id, ds, y
    (daily by default; no gaps; ds dates, or integer steps for data without dates)."""
    if h < 1:
        raise ValueError("the horizon must be at least 1 day")
    n_jobs = n_jobs or max(1, os.cpu_count() or 1)
    integer_steps = _integer_steps(series["ds"])
    lengths = series.groupby("unique_id")["y"].size()
    zero = series.groupby("unique_id")["y"].apply(lambda y: not np.any(y.to_numpy()))
    # Backtest origins each series can afford (its history past min_train, in horizons), at most
    # backtest_windows: a long horizon on a short history still gets a choice from one origin.
    windows_of = ((lengths - frequency.min_train) // h).clip(upper=frequency.backtest_windows)
    judged = windows_of[(windows_of >= 1) & ~zero].index
    result = ForecastResult(frame=pd.DataFrame())
    parts: list[pd.DataFrame] = []
    last_days = series.groupby("unique_id")["ds"].max()

    def emit(unique_id: str, p50: np.ndarray, errors: np.ndarray, holiday_ratio: float | None = None) -> None:
        p10, p50, p90 = _band(p50, errors)
        last = last_days[unique_id]
        if integer_steps:
            days: pd.Index = pd.Index(np.arange(int(last) + 1, int(last) + h + 1))
        elif frequency.freq == "D":
            days = pd.date_range(last + pd.Timedelta(days=1), periods=h, freq="D")
        else:
            days = pd.date_range(last, periods=h + 1, freq=frequency.freq)[1:]
        if holiday_ratio is not None:
            factor = np.where([is_national_holiday(day.date()) for day in days], holiday_ratio, 1.0)
            p10, p50, p90 = p10 * factor, p50 * factor, p90 * factor
        parts.append(pd.DataFrame({"unique_id": unique_id, "ds": days, "p10": p10, "p50": p50, "p90": p90}))

    for unique_id, part in series[~series["unique_id"].isin(judged)].groupby("unique_id", sort=True):
        rule, p50, errors = _rule_forecast(part["y"].to_numpy(dtype=float), h, frequency)
        result.chosen[str(unique_id)] = rule
        emit(str(unique_id), p50, errors)

    if len(judged):
        judged_series = series[series["unique_id"].isin(judged)]
        holiday_ratios: dict[str, float] = {}
        if frequency.holidays and not integer_steps:
            data, holiday_ratios = _without_holidays(judged_series)
        else:
            data = judged_series
        if holiday_ratios:
            progress(f"{len(holiday_ratios)} series close or slow down on national holidays: modelled apart")
        thorough = len(judged) <= frequency.thorough_max_series
        for windows in sorted(set(windows_of[judged].tolist()), reverse=True):
            members = windows_of[judged][windows_of[judged] == windows].index
            chosen = _choose_and_forecast(
                data[data["unique_id"].isin(members)],
                h,
                int(windows),
                frequency=frequency,
                freq=1 if integer_steps else frequency.freq,
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


def _last_steps(data: pd.DataFrame, count: int | None) -> pd.DataFrame:
    """Each series' last ``count`` rows (all of them for None)."""
    if count is None:
        return data
    return data[data.groupby("unique_id").cumcount(ascending=False) < count]


def _choose_and_forecast(
    data: pd.DataFrame,
    h: int,
    windows: int,
    *,
    frequency: Frequency = DAILY,
    freq: str | int = "D",
    n_jobs: int,
    thorough: bool,
    progress: Callable[[str], None],
) -> dict[str, tuple[str, float, np.ndarray, np.ndarray]]:
    """For series that afford ``windows`` backtest origins: uid -> (chosen candidate, its MASE,
    its backtest errors, its forecast). A candidate without a forecast (NaN) at some origin is
    never chosen for that series."""
    lengths = data.groupby("unique_id").size()
    backtest_fit = None if thorough else frequency.backtest_fit
    shortest = int(lengths.min()) - windows * h
    if backtest_fit is not None:
        shortest = min(shortest, backtest_fit)
    candidates = _candidates(frequency, thorough=thorough, shortest=shortest)
    engine = _statsforecast(candidates.models, freq, n_jobs)
    names = candidates.order
    count = len(lengths)
    unit = "days" if frequency is DAILY else "steps"
    progress(f"backtest of {count} series: {windows} origin(s) x {h} {unit}, {len(names)} candidates")
    cv = _add_ensembles(
        engine.cross_validation(  # type: ignore[attr-defined]
            df=data, h=h, n_windows=windows, step_size=h, input_size=backtest_fit
        ),
        candidates.ensembles,
    )
    first_cutoff = cv.groupby("unique_id")["cutoff"].min()
    scales = {
        uid: mase_scale(
            part.loc[part["ds"] <= first_cutoff[uid], "y"].to_numpy(dtype=float), frequency.mase_season
        )
        for uid, part in data.groupby("unique_id")
    }
    by_series = cv["unique_id"]
    mase = pd.DataFrame(
        {
            name: (cv["y"] - cv[name])
            .abs()
            .groupby(by_series)
            .mean()
            .where(cv[name].notna().groupby(by_series).all(), np.inf)
            for name in names
        }
    ).div(pd.Series(scales), axis=0)
    progress(f"forecast of {count} series, {h} {unit}")
    future = _add_ensembles(
        engine.forecast(df=data if thorough else _last_steps(data, frequency.fit), h=h),  # type: ignore[attr-defined]
        candidates.ensembles,
    )
    chosen = {}
    backtests = {str(uid): part for uid, part in cv.groupby("unique_id", sort=False)}
    futures = {str(uid): part for uid, part in future.groupby("unique_id", sort=False)}
    for uid, row in mase.iterrows():
        p50s = futures[str(uid)]
        scores = {name: round(float(row[name]), 9) if p50s[name].notna().all() else np.inf for name in names}
        best = min(names, key=lambda name: (scores[name], names.index(name)))
        mine = backtests[str(uid)]
        errors = (mine["y"] - mine[best]).to_numpy(dtype=float)
        p50 = p50s[best].to_numpy(dtype=float)
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
    if len(index) == 0:
        return None, values
    position = {day: number for number, day in enumerate(index)}
    ratios: list[float] = []
    baselines: dict[int, float] = {}
    holiday_dates = frozenset().union(
        *(national_holidays(year) for year in range(index.min().year, index.max().year + 1))
    )
    # Only the holidays from Monday to Saturday, in order (checking every day costs seconds on
    # 1,000 series).
    flags = np.fromiter((date in holiday_dates for date in index.date), dtype=bool, count=len(index))
    for day in index[flags & (index.day_of_week != 6)]:
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


def seasonal_naive_baseline(
    values: np.ndarray, h: int, season: int = SEASON
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The yardstick: last season (week by default) repeated, band from its one-season-back
    errors."""
    return _band(
        *(_last_season_repeated(values, h, season) if len(values) >= season else _mean_of(values, h))
    )

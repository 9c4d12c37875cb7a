"""Holdout backtest of the engine against seasonal naive: the last ``h`` days (steps) of every
series are hidden, both forecast them from the rest, and each is scored.

- MASE (m=7 for daily data; the frequency's ``mase_season`` otherwise): mean absolute error of
  p50 over the series' in-sample seasonal-naive error;
- coverage: share of hidden days inside [p10, p90] (80% is calibrated);
- quantile loss: pinball loss averaged over p10, p50, p90, scaled like MASE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from acogida.forecast.engine import (
    DAILY,
    QUANTILES,
    Frequency,
    forecast,
    mase_scale,
    pinball_loss,
    seasonal_naive_baseline,
)


@dataclass(frozen=True)
class SeriesScore:
    unique_id: str
    model: str
    mase: float
    naive_mase: float
    coverage: float
    naive_coverage: float
    quantile_loss: float
    naive_quantile_loss: float


@dataclass(frozen=True)
class BacktestReport:
    horizon: int
    scores: list[SeriesScore]
    skipped: list[str]  # series too short to hide h days and keep one

    def overall(self) -> dict[str, float]:
        if not self.scores:
            return {}
        frame = pd.DataFrame([score.__dict__ for score in self.scores])
        means = {
            column: float(frame[column].mean())
            for column in frame.columns
            if column not in ("unique_id", "model")
        }
        means["mase_improvement"] = 1.0 - means["mase"] / means["naive_mase"] if means["naive_mase"] else 0.0
        return means


def _scores(
    actual: np.ndarray, bands: tuple[np.ndarray, np.ndarray, np.ndarray], scale: float
) -> tuple[float, float, float]:
    p10, p50, p90 = bands
    mase = float(np.mean(np.abs(actual - p50))) / scale
    coverage = float(np.mean((actual >= p10) & (actual <= p90)))
    loss = (
        float(np.mean([pinball_loss(actual, band, q) for band, q in zip(bands, QUANTILES, strict=True)]))
        / scale
    )
    return mase, coverage, loss


def backtest(
    series: pd.DataFrame,
    h: int,
    *,
    frequency: Frequency = DAILY,
    n_jobs: int | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> BacktestReport:
    lengths = series.groupby("unique_id")["y"].size()
    skipped = sorted(str(uid) for uid in lengths[lengths <= h].index)
    usable = series[~series["unique_id"].isin(skipped)]
    if pd.api.types.is_datetime64_any_dtype(usable["ds"]):
        last = usable.groupby("unique_id")["ds"].transform("max")
        step = (
            pd.Timedelta(days=1)
            if frequency.freq == "D"
            else pd.tseries.frequencies.to_offset(frequency.freq)
        )
        hidden = usable["ds"] > last - h * step
    else:  # integer steps: the last h rows
        hidden = usable.groupby("unique_id").cumcount(ascending=False) < h
    train, test = usable[~hidden], usable[hidden]
    result = forecast(train, h, frequency=frequency, n_jobs=n_jobs, progress=progress)
    scores = []
    for uid, actual_part in test.groupby("unique_id", sort=True):
        history = train.loc[train["unique_id"] == uid, "y"].to_numpy(dtype=float)
        actual = actual_part["y"].to_numpy(dtype=float)
        predicted = result.frame[result.frame["unique_id"] == uid]
        bands = tuple(predicted[column].to_numpy(dtype=float) for column in ("p10", "p50", "p90"))
        scale = mase_scale(history, frequency.mase_season)
        mase, coverage, loss = _scores(actual, bands, scale)  # type: ignore[arg-type]
        naive_mase, naive_coverage, naive_loss = _scores(
            actual, seasonal_naive_baseline(history, h, frequency.season), scale
        )
        scores.append(
            SeriesScore(
                str(uid),
                result.chosen[str(uid)],
                mase,
                naive_mase,
                coverage,
                naive_coverage,
                loss,
                naive_loss,
            )
        )
    return BacktestReport(h, scores, skipped)

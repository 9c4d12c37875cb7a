"""The M4 competition's hourly and weekly sets, and its scores (Makridakis et al., 2020).

``<Frequency>-train.csv`` / ``<Frequency>-test.csv``: one row per series, ``V1`` the id, then
consecutive observations, padded with blanks. Series have no dates here: ``ds`` is the step
number (1, 2, ...), the test continuing the train's numbering.

Scores as M4 computed them (its ``M4-methods`` evaluation code):
- sMAPE: mean of ``200 |y - f| / (|y| + |f|)`` over the horizon;
- MASE: mean absolute error over the in-sample mean absolute ``m``-step difference, with ``m``
  24 for hourly and 1 for weekly data (M4's convention);
both averaged over the series. The quantile scores follow ``acogida.forecast.evaluate``:
coverage of [p10, p90] and the pinball loss averaged over p10/p50/p90, scaled like MASE.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from acogida.forecast.engine import QUANTILES, pinball_loss

# The horizon and MASE seasonality M4 used.
HORIZON = {"Hourly": 48, "Weekly": 13}
MASE_SEASON = {"Hourly": 24, "Weekly": 1}


@dataclass(frozen=True)
class M4Set:
    frequency: str  # "Hourly" or "Weekly"
    train: pd.DataFrame  # unique_id, ds (int, from 1), y
    test: dict[str, np.ndarray]  # unique_id -> the h hidden values

    @property
    def horizon(self) -> int:
        return HORIZON[self.frequency]

    def history(self, unique_id: str) -> np.ndarray:
        return self.train.loc[self.train["unique_id"] == unique_id, "y"].to_numpy(dtype=float)


def _rows(path: Path) -> dict[str, np.ndarray]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)  # V1, V2, ...
        return {
            row[0]: np.array([float(cell) for cell in row[1:] if cell.strip()], dtype=float)
            for row in reader
            if row
        }


def load_m4(directory: Path, frequency: str, *, limit: int | None = None) -> M4Set:
    """The ``frequency`` ("Hourly", "Weekly") set; ``limit``: only the first so many series."""
    if frequency not in HORIZON:
        raise ValueError(f"M4 frequency {frequency!r}: expected one of {sorted(HORIZON)}")
    train = _rows(directory / f"{frequency}-train.csv")
    test = _rows(directory / f"{frequency}-test.csv")
    ids = list(train)[:limit] if limit else list(train)
    frame = pd.concat(
        [
            pd.DataFrame({"unique_id": uid, "ds": np.arange(1, len(train[uid]) + 1), "y": train[uid]})
            for uid in ids
        ],
        ignore_index=True,
    )
    return M4Set(frequency, frame, {uid: test[uid] for uid in ids})


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(200.0 * np.abs(actual - predicted) / (np.abs(actual) + np.abs(predicted))))


def m4_mase_scale(history: np.ndarray, season: int) -> float:
    """M4's scale: the in-sample mean absolute ``season``-step difference (no fallback)."""
    return float(np.mean(np.abs(history[season:] - history[:-season])))


@dataclass(frozen=True)
class M4Scores:
    smape: float
    mase: float
    coverage: float
    quantile_loss: float
    series: int


def score(data: M4Set, forecasts: pd.DataFrame) -> M4Scores:
    """Average M4 scores of ``forecasts`` (unique_id, p10, p50, p90, in ds order) over the set."""
    season = MASE_SEASON[data.frequency]
    grouped = dict(tuple(forecasts.groupby("unique_id", sort=False)))
    smapes, mases, coverages, losses = [], [], [], []
    for uid, actual in data.test.items():
        part = grouped[uid]
        bands = [part[column].to_numpy(dtype=float) for column in ("p10", "p50", "p90")]
        if any(len(band) != len(actual) for band in bands):
            raise ValueError(f"{uid}: {len(bands[1])} forecasts for {len(actual)} test values")
        scale = m4_mase_scale(data.history(uid), season)
        p10, p50, p90 = bands
        smapes.append(smape(actual, p50))
        mases.append(float(np.mean(np.abs(actual - p50))) / scale)
        coverages.append(float(np.mean((actual >= p10) & (actual <= p90))))
        losses.append(
            float(np.mean([pinball_loss(actual, band, q) for band, q in zip(bands, QUANTILES, strict=True)]))
            / scale
        )
    return M4Scores(
        float(np.mean(smapes)),
        float(np.mean(mases)),
        float(np.mean(coverages)),
        float(np.mean(losses)),
        len(smapes),
    )


def published(path: Path, frequency: str, methods: tuple[str, ...] = ("sNaive", "Theta")) -> pd.DataFrame:
    """Rows of ``published_point_scores.csv`` for ``frequency``: the named ``methods`` and the
    entry with the best MASE; columns method, smape, mase."""
    table = pd.read_csv(path)
    key = frequency.lower()
    columns = {f"{key}_smape": "smape", f"{key}_mase": "mase"}
    table = table.dropna(subset=list(columns))[["method", *columns]].rename(columns=columns)
    table["method"] = table["method"].astype(str)
    table = table[pd.to_numeric(table["mase"], errors="coerce").notna()].astype(
        {"smape": float, "mase": float}
    )
    rows = [table[table["method"] == method] for method in methods]
    best = table.loc[[table["mase"].idxmin()]].assign(method=lambda t: "best entry (" + t["method"] + ")")
    return pd.concat([*rows, best], ignore_index=True)

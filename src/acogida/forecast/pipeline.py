"""The MLOps pipeline's model steps, without AWS: train (backtest, then the production forecast),
the gate against seasonal naive, and the per-office report (CSV and PNG).

The stages (``acogida.mlops.stages``) move these files between S3, CodePipeline's artifacts and
DynamoDB; what is decided here is the same in CodeBuild, in ``acogida mlops run --local`` and in
the tests. A model directory holds:

- ``forecast.csv``: ``timestamp, workforce_type, location, p10, p50, p90`` for the horizon;
- ``history.csv``: the last ``HISTORY_DAYS`` days of each series (for the report's chart);
- ``backtest.json``: the holdout backtest, overall and per series, against seasonal naive;
- ``series_choice.csv``: the model each series got and its backtest MASE against seasonal naive.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from acogida.forecast.engine import forecast
from acogida.forecast.evaluate import backtest
from acogida.forecast.series import SeriesFrame

FORECAST_FILE = "forecast.csv"
HISTORY_FILE = "history.csv"
BACKTEST_FILE = "backtest.json"
CHOICE_FILE = "series_choice.csv"
HISTORY_DAYS = 120
# Where a series without a location (a single-office input) is filed.
NO_LOCATION = "all"
FORECAST_COLUMNS = ("timestamp", "workforce_type", "location", "p10", "p50", "p90")


class ModelDirectoryError(ValueError):
    """A model directory is missing a file or holds one that does not parse."""


@dataclass(frozen=True)
class TrainedModel:
    forecast: pd.DataFrame  # FORECAST_COLUMNS
    history: pd.DataFrame  # timestamp, workforce_type, location, workforce_demand
    backtest: dict[str, Any]
    choice: pd.DataFrame  # workforce_type, location, model, mase, naive_mase


def _labelled(frame: pd.DataFrame, data: SeriesFrame) -> pd.DataFrame:
    keys = frame["unique_id"].map(data.keys)
    return frame.assign(
        timestamp=frame["ds"].dt.strftime("%Y-%m-%d"),
        workforce_type=[key[0] for key in keys],
        location=[key[1] or NO_LOCATION for key in keys],
    )


def train(data: SeriesFrame, horizon: int, progress: Callable[[str], None] = lambda _m: None) -> TrainedModel:
    """Backtest on the last ``horizon`` days (the gate's evidence), then forecast from all days."""
    progress(f"backtest: hiding the last {horizon} days of {len(data.keys)} series")
    report = backtest(data.frame, horizon, progress=progress)
    overall = report.overall()
    progress(f"forecast: {horizon} days after each series' end")
    result = forecast(data.frame, horizon, progress=progress)

    predicted = _labelled(result.frame, data)
    for column in ("p10", "p50", "p90"):
        predicted[column] = predicted[column].clip(lower=0).round(4)
    recent = data.frame[
        data.frame["ds"]
        > data.frame.groupby("unique_id")["ds"].transform("max") - pd.Timedelta(days=HISTORY_DAYS)
    ]
    history = _labelled(recent, data).rename(columns={"y": "workforce_demand"})

    scores = {score.unique_id: score for score in report.scores}
    choice = pd.DataFrame(
        [
            {
                "workforce_type": data.keys[uid][0],
                "location": data.keys[uid][1] or NO_LOCATION,
                "model": result.chosen[uid],
                "mase": round(scores[uid].mase, 4) if uid in scores else None,
                "naive_mase": round(scores[uid].naive_mase, 4) if uid in scores else None,
            }
            for uid in sorted(result.chosen)
        ]
    )
    document = {
        "horizon": horizon,
        "series": len(data.keys),
        "scored_series": len(report.scores),
        "skipped_series": len(report.skipped),
        "overall": {name: round(value, 6) for name, value in overall.items()},
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    return TrainedModel(
        forecast=predicted[list(FORECAST_COLUMNS)].reset_index(drop=True),
        history=history[["timestamp", "workforce_type", "location", "workforce_demand"]].reset_index(
            drop=True
        ),
        backtest=document,
        choice=choice,
    )


def write_model(model: TrainedModel, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in (FORECAST_FILE, HISTORY_FILE, CHOICE_FILE, BACKTEST_FILE)]
    model.forecast.to_csv(paths[0], index=False)
    model.history.to_csv(paths[1], index=False)
    model.choice.to_csv(paths[2], index=False)
    paths[3].write_text(json.dumps(model.backtest, indent=2) + "\n", encoding="utf-8")
    return paths


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise ModelDirectoryError(f"{path}: missing (run the train step first)")
    frame = pd.read_csv(path, dtype={"workforce_type": str, "location": str, "timestamp": str})
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ModelDirectoryError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def read_model(directory: Path) -> TrainedModel:
    backtest_path = directory / BACKTEST_FILE
    if not backtest_path.is_file():
        raise ModelDirectoryError(f"{backtest_path}: missing (run the train step first)")
    try:
        document = json.loads(backtest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ModelDirectoryError(f"{backtest_path}: line {error.lineno}: not JSON") from None
    return TrainedModel(
        forecast=_read_csv(directory / FORECAST_FILE, FORECAST_COLUMNS),
        history=_read_csv(
            directory / HISTORY_FILE, ("timestamp", "workforce_type", "location", "workforce_demand")
        ),
        backtest=document,
        choice=_read_csv(directory / CHOICE_FILE, ("workforce_type", "location", "model")),
    )


@dataclass(frozen=True)
class GateDecision:
    passed: bool
    reason: str
    mase: float | None
    naive_mase: float | None
    coverage: float | None


def gate(backtest_document: dict[str, Any], min_improvement: float = 0.0) -> GateDecision:
    """Pass only a model whose mean backtest MASE beats seasonal naive's by more than
    ``min_improvement`` (0.05 = at least 5% better). No scored series means no evidence: fail."""
    overall = backtest_document.get("overall") or {}
    mase, naive = overall.get("mase"), overall.get("naive_mase")
    coverage = overall.get("coverage")
    if not isinstance(mase, int | float) or not isinstance(naive, int | float) or not math.isfinite(mase):
        return GateDecision(
            False, "no backtest scores: no series was long enough to hide the horizon", None, None, None
        )
    threshold = naive * (1.0 - min_improvement)
    if mase < threshold:
        reason = f"model MASE {mase:.3f} beats seasonal naive {naive:.3f} ({1 - mase / naive:+.1%})"
        return GateDecision(True, reason, mase, naive, coverage)
    reason = f"model MASE {mase:.3f} does not beat seasonal naive {naive:.3f}" + (
        f" by the required {min_improvement:.0%}" if min_improvement else ""
    )
    return GateDecision(False, reason, mase, naive, coverage)


def office_report(model: TrainedModel, location: str) -> pd.DataFrame:
    """The office's forecast table (the CSV report)."""
    rows = model.forecast[model.forecast["location"] == location]
    return rows.sort_values(["workforce_type", "timestamp"]).reset_index(drop=True)


def locations(model: TrainedModel) -> list[str]:
    return sorted(str(location) for location in model.forecast["location"].unique())


def plot_office(model: TrainedModel, location: str, path: Path, title: str) -> Path:
    """History, p50 and the p10-p90 band, one panel per workforce type."""
    import matplotlib  # noqa: PLC0415 - plotting is slow to import and only the reports need it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    predicted = office_report(model, location)
    history = model.history[model.history["location"] == location]
    types = sorted(predicted["workforce_type"].unique())
    figure, axes = plt.subplots(
        len(types), 1, figsize=(10, 2.4 * max(1, len(types))), sharex=True, squeeze=False
    )
    for axis, workforce_type in zip(axes[:, 0], types, strict=True):
        past = history[history["workforce_type"] == workforce_type]
        future = predicted[predicted["workforce_type"] == workforce_type]
        past_days = pd.to_datetime(past["timestamp"])
        future_days = pd.to_datetime(future["timestamp"])
        axis.plot(past_days, past["workforce_demand"], color="#555555", linewidth=0.9, label="histórico")
        axis.fill_between(
            future_days, future["p10"], future["p90"], color="#1f77b4", alpha=0.25, label="p10-p90"
        )
        axis.plot(future_days, future["p50"], color="#1f77b4", linewidth=1.4, label="p50")
        axis.set_ylabel("horas")
        axis.set_title(workforce_type, fontsize=9, loc="left")
        axis.grid(alpha=0.3)
    axes[0, 0].legend(loc="upper left", fontsize=8, ncols=3)
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path

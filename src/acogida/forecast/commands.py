"""``acogida forecast predict`` and ``acogida forecast backtest`` (the command-line contract)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

import pandas as pd

from acogida.forecast.engine import forecast
from acogida.forecast.evaluate import backtest
from acogida.forecast.series import read_series

MAX_HORIZON = 366


def _progress(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def _check_horizon(horizon: int) -> None:
    if not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"--horizon must be between 1 and {MAX_HORIZON} days, got {horizon}")


def predict_command(input_path: Path, horizon: int, output_path: Path) -> int:
    _check_horizon(horizon)
    started = time.perf_counter()
    data = read_series(input_path)
    _progress(f"{len(data.keys)} series, {len(data.frame):,} days from {input_path}")
    result = forecast(data.frame, horizon, progress=_progress)
    frame = result.frame
    keys = frame["unique_id"].map(data.keys)
    out = pd.DataFrame(
        {
            "timestamp": frame["ds"].dt.strftime("%Y-%m-%d"),
            "workforce_type": [key[0] for key in keys],
        }
    )
    if data.has_location:
        out["location"] = [key[1] for key in keys]
    for column in ("p10", "p50", "p90"):
        out[column] = frame[column].round(4)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(output_path, index=False)
    chosen = pd.Series(result.chosen).value_counts()
    _progress("models: " + ", ".join(f"{name} {count}" for name, count in chosen.items()))
    _progress(f"wrote {len(out):,} rows to {output_path} in {time.perf_counter() - started:.1f} s")
    return 0


def backtest_command(input_path: Path, horizon: int, stdout: TextIO = sys.stdout) -> int:
    _check_horizon(horizon)
    data = read_series(input_path)
    _progress(f"{len(data.keys)} series from {input_path}: hiding the last {horizon} days of each")
    report = backtest(data.frame, horizon, progress=_progress)

    def name(unique_id: str) -> str:
        workforce_type, location = data.keys[unique_id]
        return workforce_type if location is None else f"{workforce_type} @ {location}"

    def row(label: str, model: str, values: tuple[float, ...]) -> str:
        mase, naive, coverage, loss, naive_loss = values
        scores = f"{mase:>7.3f} {naive:>7.3f} {coverage:>6.2f} {loss:>7.3f} {naive_loss:>8.3f}"
        return f"{label[:40]:<40} {model:<24} {scores}"

    print(
        f"{'series':<40} {'model':<24} {'MASE':>7} {'sNaive':>7} {'cover':>6} {'QL':>7} {'sNaiveQL':>8}",
        file=stdout,
    )
    for score in report.scores:
        values = (
            score.mase,
            score.naive_mase,
            score.coverage,
            score.quantile_loss,
            score.naive_quantile_loss,
        )
        print(row(name(score.unique_id), score.model, values), file=stdout)
    overall = report.overall()
    if overall:
        keys = ("mase", "naive_mase", "coverage", "quantile_loss", "naive_quantile_loss")
        print(row("overall (mean of series)", "", tuple(overall[key] for key in keys)), file=stdout)
        print(
            f"MASE vs seasonal naive: {overall['mase_improvement']:+.1%} better; "
            f"[p10, p90] coverage {overall['coverage']:.2f} (target 0.80)",
            file=stdout,
        )
    for unique_id in report.skipped:
        print(f"skipped {name(unique_id)}: not longer than the horizon", file=stdout)
    return 0

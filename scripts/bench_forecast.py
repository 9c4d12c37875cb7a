#!/usr/bin/env python3
"""Benchmark the forecast engine on daily demand it was not written for, against seasonal naive.

    python scripts/bench_forecast.py [--horizon 28] [--timing-series 1000]

Data sets (holdout: the last ``--horizon`` days of every series):
- bike_sharing: the three daily rental series of ../shared/data/bike_sharing/daily.csv
  (Washington D.C., 2011-2012: weekly and yearly seasonality, US holidays, weather);
- workforce: the demand series of two years of synthetic intakes (acogida.local.history through
  the bulk-upload pseudonymisation and the pandas ETL): 4 offices x 5 workforce types, Spanish
  holidays; once ending in October, once ending on 31 December (Constitution Day, the
  Immaculate Conception and Christmas in the holdout).
Prints MASE (m=7), [p10, p90] coverage and scaled quantile loss of the engine and of seasonal
naive, the MASE improvement, and the wall time; then the fit time of ``--timing-series`` daily
series of three years (predict, horizon 28).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from acogida.etl import pandas_demand
from acogida.etl.workforce import load_workforce_config
from acogida.export.bulk_upload import validate_upload
from acogida.export.submission import SUBMISSION_COLUMNS
from acogida.forecast.engine import forecast
from acogida.forecast.evaluate import backtest
from acogida.local.history import history_upload_csv

ROOT = Path(__file__).resolve().parent.parent
BIKE = ROOT.parent / "shared" / "data" / "bike_sharing" / "daily.csv"


def bike_series() -> pd.DataFrame:
    data = pd.read_csv(BIKE, parse_dates=["date"])
    return pd.concat(
        [
            pd.DataFrame({"unique_id": column, "ds": data["date"], "y": data[column].astype(float)})
            for column in ("casual", "registered", "cnt")
        ],
        ignore_index=True,
    )


def workforce_series(end: dt.date) -> pd.DataFrame:
    upload = history_upload_csv(end - dt.timedelta(days=2 * 365), end, seed=21)
    result = validate_upload(upload, secret=b"b" * 32, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    submissions = pd.DataFrame(result.accepted, columns=list(SUBMISSION_COLUMNS))
    config = load_workforce_config()
    demand = pandas_demand.daily_demand(pandas_demand.intake_workload(submissions, config), config)
    return pd.DataFrame(
        {
            "unique_id": demand["workforce_type"] + "@" + demand["location"],
            "ds": pd.to_datetime(demand["timestamp"]),
            "y": demand["workforce_demand"].astype(float),
        }
    )


def timing_series(count: int, days: int = 3 * 365) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    index = np.arange(days)
    weekday = np.tile([1.3, 1.1, 1.0, 1.0, 0.85, 0.3, 0.0], days // 7 + 1)[:days]
    frames = []
    for number in range(count):
        level = rng.uniform(2, 40)
        yearly = 1 + 0.2 * np.cos(2 * np.pi * (index - rng.integers(0, 365)) / 365.25)
        values = np.maximum(0, level * weekday * yearly + rng.normal(0, level * 0.1, days))
        frames.append(
            pd.DataFrame(
                {"unique_id": f"s{number:04d}", "ds": pd.date_range("2022-01-03", periods=days), "y": values}
            )
        )
    return pd.concat(frames, ignore_index=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--horizon", type=int, default=28)
    parser.add_argument("--timing-series", type=int, default=1000)
    args = parser.parse_args(argv)

    print(
        "| data set | series | engine MASE | sNaive MASE | improvement | coverage | sNaive coverage "
        "| engine QL | sNaive QL | time |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    data_sets = {
        "bike_sharing": bike_series,
        "workforce, holdout October": lambda: workforce_series(dt.date(2025, 10, 31)),
        "workforce, holdout December (holidays)": lambda: workforce_series(dt.date(2025, 12, 31)),
    }
    for name, loader in data_sets.items():
        series = loader()
        started = time.perf_counter()
        report = backtest(series, args.horizon)
        seconds = time.perf_counter() - started
        overall = report.overall()
        print(
            f"| {name} | {len(report.scores)} | {overall['mase']:.3f} | {overall['naive_mase']:.3f} "
            f"| {overall['mase_improvement']:+.1%} | {overall['coverage']:.2f} "
            f"| {overall['naive_coverage']:.2f} "
            f"| {overall['quantile_loss']:.3f} | {overall['naive_quantile_loss']:.3f} | {seconds:.1f} s |",
            flush=True,
        )
        models = pd.Series([score.model for score in report.scores]).value_counts().to_dict()
        print(f"|  | models: {models} | | | | | | | | |", flush=True)
    if args.timing_series:
        series = timing_series(args.timing_series)
        started = time.perf_counter()
        forecast(series, 28)
        seconds = time.perf_counter() - started
        print(f"\npredict, {args.timing_series} daily series x 3 years, horizon 28: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

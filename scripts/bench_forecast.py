#!/usr/bin/env python3
"""Benchmark the forecast engine on data it was not written for: daily demand against seasonal
naive, and the M4 hourly and weekly sets against the competition's published scores.

    python scripts/bench_forecast.py [--horizon 28] [--timing-series 1000]
                                     [--m4 Hourly Weekly] [--m4-limit N]

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

M4 (``--m4``, from ../shared/data/m4): the engine (``HOURLY``: seasons 24 and 168; ``WEEKLY``:
season 52) forecasts each set's test horizon (48 hours, 13 weeks) from its train part, and is
scored as M4 scored: sMAPE and MASE (in-sample seasonal-naive scale with m=24 hourly, m=1
weekly) averaged over the series, plus [p10, p90] coverage and scaled quantile loss. Seasonal
naive is scored the same way as a check on the scoring (it should match M4's published sNaive),
and the published sNaive, Theta and best entry are read from published_point_scores.csv.
``--m4-limit N`` takes only the first N series of each set: a quick look, not the reported figures.
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
from acogida.forecast import m4
from acogida.forecast.engine import HOURLY, WEEKLY, forecast, seasonal_naive_baseline
from acogida.forecast.evaluate import backtest
from acogida.local.history import history_upload_csv
from acogida.privacy.keyring import KeyRing

ROOT = Path(__file__).resolve().parent.parent
BIKE = ROOT.parent / "shared" / "data" / "bike_sharing" / "daily.csv"
M4_DIR = ROOT.parent / "shared" / "data" / "m4"
M4_FREQUENCIES = {"Hourly": HOURLY, "Weekly": WEEKLY}


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
    result = validate_upload(upload, ring=KeyRing((b"b" * 32,)), now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
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


def m4_benchmark(frequency: str, limit: int | None) -> None:
    data = m4.load_m4(M4_DIR, frequency, limit=limit)
    count = len(data.test)
    subset = f" (first {count} series only: not comparable)" if limit else ""
    print(f"\nM4 {frequency}: {count} series, horizon {data.horizon}{subset}", flush=True)
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"  [{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    result = forecast(data.train, data.horizon, frequency=M4_FREQUENCIES[frequency], progress=progress)
    seconds = time.perf_counter() - started
    engine = m4.score(data, result.frame)
    naive_season = m4.MASE_SEASON[frequency]  # M4's sNaive: 24 hours back; weekly: last week
    naive_rows = []
    for uid in data.test:
        p10, p50, p90 = seasonal_naive_baseline(data.history(uid), data.horizon, naive_season)
        naive_rows.append(pd.DataFrame({"unique_id": uid, "p10": p10, "p50": p50, "p90": p90}))
    naive = m4.score(data, pd.concat(naive_rows, ignore_index=True))
    print("| method | MASE | sMAPE | coverage [p10, p90] | scaled QL | time |")
    print("|---|---|---|---|---|---|")
    print(
        f"| acogida engine | {engine.mase:.3f} | {engine.smape:.3f} | {engine.coverage:.3f} "
        f"| {engine.quantile_loss:.3f} | {seconds:.1f} s |"
    )
    print(
        f"| sNaive (scored here) | {naive.mase:.3f} | {naive.smape:.3f} | {naive.coverage:.3f} "
        f"| {naive.quantile_loss:.3f} | |"
    )
    for row in m4.published(M4_DIR / "published_point_scores.csv", frequency).itertuples():
        print(f"| M4 published: {row.method} | {row.mase:.3f} | {row.smape:.3f} | | | |")
    models = pd.Series(list(result.chosen.values())).value_counts().to_dict()
    print(f"\nchosen by backtest: {models}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--horizon", type=int, default=28)
    parser.add_argument("--timing-series", type=int, default=1000)
    parser.add_argument("--m4", nargs="*", choices=sorted(M4_FREQUENCIES), default=[])
    parser.add_argument("--m4-limit", type=int, default=None, help="first N series per M4 set (quick look)")
    parser.add_argument("--skip-daily", action="store_true", help="only the M4 sets")
    args = parser.parse_args(argv)

    if not args.skip_daily:
        daily(args.horizon, args.timing_series)
    for frequency in args.m4:
        m4_benchmark(frequency, args.m4_limit)
    return 0


def daily(horizon: int, timing_count: int) -> None:
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
        report = backtest(series, horizon)
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
    if timing_count:
        series = timing_series(timing_count)
        started = time.perf_counter()
        forecast(series, 28)
        seconds = time.perf_counter() - started
        print(f"\npredict, {timing_count} daily series x 3 years, horizon 28: {seconds:.1f} s")


if __name__ == "__main__":
    sys.exit(main())

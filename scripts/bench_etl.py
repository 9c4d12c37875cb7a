#!/usr/bin/env python3
"""Benchmark the workforce-demand transformation: Spark (local mode, the Glue job's functions)
against the plain pandas twin, on the same synthetic submissions.

    python scripts/bench_etl.py [--rows 1000000 5000000] [--files 16] [--driver-memory 8g]

For each size: synthetic pseudonymised submissions (acogida.local.history.synthetic_submissions:
four offices, three years, weekly and yearly seasonality, holidays) are written as ``--files``
CSV files under dt= folders (not timed). Then each engine reads them, computes the workload and
the zero-filled daily demand, and writes the Forecast CSV (Spark also the Parquet copy): timed
end to end, the Spark session's start-up reported apart. Both outputs are compared row by row.
Prints rows per second per engine and the Spark/pandas ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from acogida.etl import pandas_demand, spark_demand
from acogida.etl.workforce import DEMAND_COLUMNS, load_workforce_config
from acogida.local.history import synthetic_submissions


def write_input(rows: int, files: int, directory: Path) -> None:
    frame = synthetic_submissions(rows, start=dt.date(2023, 1, 1))
    for number, part in enumerate(np.array_split(np.arange(rows), files)):
        folder = directory / f"dt=part-{number:03d}"
        folder.mkdir(parents=True)
        frame.iloc[part].to_csv(folder / "submissions.csv", index=False)


def run_pandas(input_dir: Path, output: Path) -> pd.DataFrame:
    config = load_workforce_config()
    submissions = pandas_demand.read_submissions(input_dir)
    demand = pandas_demand.daily_demand(pandas_demand.intake_workload(submissions, config), config)
    output.mkdir(parents=True, exist_ok=True)
    demand.to_csv(output / "workforce_demand.csv", index=False, columns=list(DEMAND_COLUMNS))
    return demand


def run_spark(spark: object, input_dir: Path, output: Path) -> None:
    config = load_workforce_config()
    submissions = spark_demand.read_submissions(spark, str(input_dir))  # type: ignore[arg-type]
    demand = spark_demand.daily_demand(spark_demand.intake_workload(submissions, config), config)
    spark_demand.write_demand_local(demand, output)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--driver-memory", default="8g")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    spark = spark_demand.local_spark_session("acogida-bench", driver_memory=args.driver_memory)
    startup = time.perf_counter() - started
    cores = spark.sparkContext.defaultParallelism
    print(
        f"Spark {spark.version} local mode, {cores} cores, session start {startup:.1f} s (not in the figures)"
    )
    results = []
    for rows in args.rows:
        work = Path(tempfile.mkdtemp(prefix=f"bench-etl-{rows}-"))
        try:
            print(f"\n{rows:,} submissions: writing {args.files} CSV files ...", flush=True)
            t = time.perf_counter()
            write_input(rows, args.files, work / "in")
            size = sum(path.stat().st_size for path in (work / "in").rglob("*.csv"))
            print(f"  input {size / 1e6:,.0f} MB, written in {time.perf_counter() - t:.0f} s")
            timings = {}
            for engine in ("spark", "pandas"):
                print(f"  {engine} ...", flush=True)
                t = time.perf_counter()
                if engine == "spark":
                    run_spark(spark, work / "in", work / engine)
                else:
                    run_pandas(work / "in", work / engine)
                timings[engine] = time.perf_counter() - t
                print(f"  {engine:<7} {timings[engine]:7.1f} s  {rows / timings[engine]:>12,.0f} rows/s")
            same = (work / "spark" / "workforce_demand.csv").read_bytes() == (
                work / "pandas" / "workforce_demand.csv"
            ).read_bytes()
            ratio = timings["pandas"] / timings["spark"]
            print(f"  outputs identical: {same}; Spark is {ratio:.2f}x pandas' speed")
            results.append((rows, timings["spark"], timings["pandas"], ratio, same))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    spark.stop()

    print(
        "\n| submissions | Spark s | Spark rows/s | pandas s | pandas rows/s | Spark/pandas | same output |"
    )
    print("|---|---|---|---|---|---|---|")
    for rows, spark_s, pandas_s, ratio, same in results:
        print(
            f"| {rows:,} | {spark_s:.1f} | {rows / spark_s:,.0f} | {pandas_s:.1f} | {rows / pandas_s:,.0f} "
            f"| {ratio:.2f} | {same} |"
        )
    return 0 if all(result[4] for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())

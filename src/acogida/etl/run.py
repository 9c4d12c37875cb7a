"""``acogida etl``: the Glue job's transformation on a local folder of submissions.

Reads every submissions CSV under the input folder (raw/ layout or flat), writes to the output
folder:

- ``workforce_demand.csv``: the daily series in the Forecast WORK_FORCE import format, with header;
- ``workforce_demand.parquet/``: the same rows as Parquet;
- ``workforce_demand.png``: weekly staff-hours per workforce type, one panel per office.

Spark (local mode) is the default engine, the same code the Glue job runs; ``--engine pandas``
runs the pandas twin without a JVM.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from acogida.etl.workforce import DEMAND_COLUMNS, WorkforceConfig
from acogida.export.submission import SUBMISSION_COLUMNS

ENGINES = ("spark", "pandas")
MAX_INVALID_EXAMPLES = 5


class EtlInputError(ValueError):
    pass


@dataclass
class EtlSummary:
    engine: str
    files: int
    rows: int
    invalid_rows: int
    intakes: int
    series: int
    first_day: str
    last_day: str
    staff_hours: dict[str, float]
    outputs: list[Path]
    seconds: float
    invalid_examples: list[str] = field(default_factory=list)


def submission_files(input_dir: Path) -> list[Path]:
    """The CSV files under ``input_dir``, each checked to carry the submissions header.

    Checked here, before any engine starts, so the message can name the file.
    """
    if not input_dir.exists():
        raise EtlInputError(f"--input {input_dir}: no such file or directory")
    files = sorted(input_dir.rglob("*.csv")) if input_dir.is_dir() else [input_dir]
    if not files:
        raise EtlInputError(f"--input {input_dir}: no submission CSV files (*.csv) found")
    expected = ",".join(SUBMISSION_COLUMNS)
    for file in files:
        with file.open(encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline().strip()
        if header != expected:
            raise EtlInputError(f"{file}: line 1: header is {header[:200]!r}, expected {expected!r}")
    return files


def _summarise(demand: pd.DataFrame) -> tuple[int, str, str, dict[str, float]]:
    if demand.empty:
        return 0, "", "", {}
    series = demand.groupby(["location", "workforce_type"]).ngroups
    hours = demand.groupby("workforce_type")["workforce_demand"].sum().round(2)
    return (
        series,
        str(demand["timestamp"].min()),
        str(demand["timestamp"].max()),
        {str(name): float(value) for name, value in hours.items()},
    )


def plot_demand(demand: pd.DataFrame, path: Path) -> Path:
    """Weekly staff-hours per workforce type, one panel per location (PNG), whole weeks only."""
    import matplotlib  # noqa: PLC0415 - plotting is optional and slow to import

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    frame = demand.assign(timestamp=pd.to_datetime(demand["timestamp"]))
    locations = sorted(frame["location"].unique())
    figure, axes = plt.subplots(
        len(locations), 1, figsize=(11, 2.6 * max(len(locations), 1)), sharex=True, squeeze=False
    )
    for axis, location in zip(axes[:, 0], locations, strict=True):
        daily = frame[frame["location"] == location].pivot_table(
            index="timestamp", columns="workforce_type", values="workforce_demand", aggfunc="sum"
        )
        weeks = daily.resample("W-MON", label="left", closed="left")
        # Only whole weeks: a series' first and last weeks are usually partial and would dip.
        weekly = weeks.sum()[weeks.size() == 7]
        for workforce_type in weekly.columns:
            axis.plot(weekly.index, weekly[workforce_type], label=workforce_type, linewidth=1.2)
        axis.set_title(f"{location}: staff-hours per week", fontsize=10)
        axis.set_ylabel("hours")
        axis.grid(alpha=0.3)
    axes[0, 0].legend(loc="upper left", fontsize=8, ncol=3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def run_etl(
    input_dir: Path,
    output_dir: Path,
    config: WorkforceConfig,
    *,
    engine: str = "spark",
    end: dt.date | None = None,
    plot: bool = True,
    progress: Callable[[str], None] = print,
) -> EtlSummary:
    if engine not in ENGINES:
        raise EtlInputError(f"--engine {engine}: choose one of {', '.join(ENGINES)}")
    started = time.perf_counter()
    files = submission_files(input_dir)
    progress(f"reading {len(files)} submission file(s) under {input_dir} ({engine})")
    output_dir.mkdir(parents=True, exist_ok=True)
    if engine == "spark":
        demand, rows, invalid, intakes, outputs = _run_spark(input_dir, output_dir, config, end, progress)
    else:
        demand, rows, invalid, intakes, outputs = _run_pandas(input_dir, output_dir, config, end, progress)
    if plot and not demand.empty:
        outputs.append(plot_demand(demand, output_dir / "workforce_demand.png"))
    series, first_day, last_day, hours = _summarise(demand)
    return EtlSummary(
        engine=engine,
        files=len(files),
        rows=rows,
        invalid_rows=invalid[0],
        intakes=intakes,
        series=series,
        first_day=first_day,
        last_day=last_day,
        staff_hours=hours,
        outputs=outputs,
        seconds=round(time.perf_counter() - started, 2),
        invalid_examples=invalid[1],
    )


def _run_spark(
    input_dir: Path,
    output_dir: Path,
    config: WorkforceConfig,
    end: dt.date | None,
    progress: Callable[[str], None],
) -> tuple[pd.DataFrame, int, tuple[int, list[str]], int, list[Path]]:
    from pyspark.sql import functions as F  # noqa: PLC0415, N812 - a JVM starts only for this engine

    from acogida.etl import spark_demand  # noqa: PLC0415

    progress("starting Spark (local mode)")
    spark = spark_demand.local_spark_session()
    submissions = spark_demand.read_submissions(spark, str(input_dir)).withColumn(
        "source_file", F.input_file_name()
    )
    submissions.cache()
    rows = submissions.count()
    rejected = spark_demand.invalid_submissions(submissions)
    invalid_count = rejected.count()
    invalid = [
        f"{row['source_file'].rsplit('/', 1)[-1]}: intake {row['intake_id'] or '?'}: {row['reason']}"
        for row in rejected.limit(MAX_INVALID_EXAMPLES).collect()
    ]
    progress(f"{rows} rows read; computing workload and daily demand")
    workload = spark_demand.intake_workload(submissions.drop("source_file"), config).cache()
    intakes = workload.select("intake_id").distinct().count()
    demand = spark_demand.daily_demand(workload, config, end=end)
    progress("writing CSV and Parquet")
    csv_path, parquet_path = spark_demand.write_demand_local(demand, output_dir)
    submissions.unpersist()
    workload.unpersist()
    frame = pd.read_csv(csv_path, dtype={"workforce_demand": float}, keep_default_na=False)
    return frame, rows, (invalid_count, invalid), intakes, [csv_path, parquet_path]


def _run_pandas(
    input_dir: Path,
    output_dir: Path,
    config: WorkforceConfig,
    end: dt.date | None,
    progress: Callable[[str], None],
) -> tuple[pd.DataFrame, int, tuple[int, list[str]], int, list[Path]]:
    from acogida.etl import pandas_demand  # noqa: PLC0415

    submissions = pandas_demand.read_submissions(input_dir)
    rejected = pandas_demand.invalid_submissions(submissions)
    invalid = [
        f"intake {intake_id or '?'}: {reason}"
        for intake_id, reason in zip(rejected["intake_id"], rejected["reason"], strict=True)
    ][:MAX_INVALID_EXAMPLES]
    progress(f"{len(submissions)} rows read; computing workload and daily demand")
    workload = pandas_demand.intake_workload(submissions, config)
    demand = pandas_demand.daily_demand(workload, config, end=end)
    progress("writing CSV and Parquet")
    csv_path = output_dir / "workforce_demand.csv"
    parquet_path = output_dir / "workforce_demand.parquet"
    demand.to_csv(csv_path, index=False, columns=list(DEMAND_COLUMNS))
    # A folder with one part, as Spark writes it, so readers need not care which engine ran.
    shutil.rmtree(parquet_path, ignore_errors=True)
    parquet_path.mkdir()
    demand.to_parquet(parquet_path / "part-00000.parquet", index=False)
    return (
        demand,
        len(submissions),
        (len(rejected), invalid),
        int(workload["intake_id"].nunique()),
        [csv_path, parquet_path],
    )

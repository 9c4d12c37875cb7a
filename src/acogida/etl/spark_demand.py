"""The workforce-demand transformation as PySpark DataFrame functions.

The Glue job (``src/glue-jobs/workforce_demand/job.py``) and ``acogida etl`` run these same
functions; only where the rows come from and go to differs.

submissions (raw/, one row per submitted intake)
  → ``intake_workload``: minutes of work per intake and workforce type, on the office's local day
  → ``daily_demand``: staff-hours per location, workforce type and day; days without intakes are 0

The output has the Amazon Forecast WORK_FORCE target schema, in that column order:
``timestamp (yyyy-MM-dd), workforce_type, workforce_demand, location``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F  # noqa: N812 - the PySpark convention
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

from acogida.etl.workforce import (
    DEMAND_COLUMNS,
    DEMAND_DECIMALS,
    EVERY_INTAKE,
    MALFORMED_COLUMN,
    WORKLOAD_COLUMNS,
    WorkforceConfig,
)
from acogida.export.submission import SUBMISSION_COLUMNS

SUBMISSIONS_SCHEMA = StructType([StructField(column, StringType()) for column in SUBMISSION_COLUMNS])

# submitted_at as the export writes it: UTC, seconds, "Z".
SUBMITTED_AT_FORMAT = "yyyy-MM-dd'T'HH:mm:ssX"


def local_spark_session(app_name: str = "acogida-etl", *, driver_memory: str = "2g") -> SparkSession:
    """Spark in local mode on every core, bound to loopback, without the web UI or console
    progress bars, logging errors only; timestamps read and written as UTC."""
    log4j = resources.files("acogida.etl").joinpath("data/log4j2.properties")
    session = (
        SparkSession.builder.master("local[*]")
        .appName(app_name)
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log4j}")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def read_submissions(spark: SparkSession, path: str) -> DataFrame:
    """Every submissions CSV under ``path`` (recursively: raw/ is partitioned by dt=), as strings.

    Headers are checked against the schema, so a file with other columns fails loudly instead of
    shifting values into the wrong column. A row with more cells than the header is kept with its
    text in ``_malformed`` and left out of the workload (``invalid_submissions`` names it).
    """
    schema = StructType([*SUBMISSIONS_SCHEMA.fields, StructField(MALFORMED_COLUMN, StringType())])
    return (
        spark.read.option("header", True)
        .option("enforceSchema", False)
        .option("recursiveFileLookup", True)
        .option("pathGlobFilter", "*.csv")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", MALFORMED_COLUMN)
        .schema(schema)
        .csv(path)
    )


def _malformed(submissions: DataFrame) -> Column:
    if MALFORMED_COLUMN in submissions.columns:
        return F.col(MALFORMED_COLUMN).isNotNull()
    return F.lit(False)


def _submitted_at() -> Column:
    return F.to_timestamp(F.col("submitted_at"), SUBMITTED_AT_FORMAT)


def invalid_submissions(submissions: DataFrame) -> DataFrame:
    """Rows the transformation cannot place: no intake id, no office or an unreadable timestamp."""
    reason = (
        F.when(_malformed(submissions), F.lit("malformed CSV row: its cells do not match the header"))
        .when(F.coalesce(F.trim(F.col("intake_id")), F.lit("")) == "", F.lit("intake_id is empty"))
        .when(F.coalesce(F.trim(F.col("office")), F.lit("")) == "", F.lit("office is empty"))
        .when(_submitted_at().isNull(), F.lit("submitted_at is not yyyy-mm-ddThh:mm:ssZ"))
    )
    return submissions.withColumn("reason", reason).where(F.col("reason").isNotNull())


def intake_workload(submissions: DataFrame, config: WorkforceConfig) -> DataFrame:
    """Minutes of work per intake and workforce type, on the intake's local day at its office.

    Invalid rows (see ``invalid_submissions``) are left out; an intake id seen twice (a replayed
    export next to a bulk upload of the same intake) counts once, the latest submission winning.
    """
    spark = submissions.sparkSession
    valid = submissions.where(
        ~_malformed(submissions)
        & (F.coalesce(F.trim(F.col("intake_id")), F.lit("")) != "")
        & (F.coalesce(F.trim(F.col("office")), F.lit("")) != "")
        & _submitted_at().isNotNull()
    )
    # One row per intake id: the latest submission, ties broken by the greatest (office, needs).
    # A hash aggregate of a struct, cheaper than a window's sort.
    unique = (
        valid.groupBy("intake_id")
        .agg(F.max(F.struct("submitted_at", "office", "needs")).alias("_latest"))
        .select("intake_id", "_latest.submitted_at", "_latest.office", "_latest.needs")
    )
    needs = F.split(F.coalesce(F.col("needs"), F.lit("")), r"\|")
    intakes = unique.select(
        F.col("intake_id"),
        F.to_date(F.from_utc_timestamp(_submitted_at(), config.timezone)).alias("day"),
        F.trim(F.col("office")).alias("location"),
        F.explode(F.array_union(F.array(F.lit(EVERY_INTAKE)), needs)).alias("need"),
    )
    rules = spark.createDataFrame(
        [(rule.need, rule.workforce_type, rule.minutes) for rule in config.rules],
        StructType(
            [
                StructField("need", StringType()),
                StructField("workforce_type", StringType()),
                StructField("minutes", DoubleType()),
            ]
        ),
    )
    return (
        intakes.join(F.broadcast(rules), "need")
        .groupBy("intake_id", "day", "location", "workforce_type")
        .agg(F.sum("minutes").alias("minutes"))
        .select(*WORKLOAD_COLUMNS)
    )


def daily_demand(workload: DataFrame, config: WorkforceConfig, *, end: dt.date | None = None) -> DataFrame:
    """Staff-hours per location, workforce type and day, zero-filled.

    Each location's series runs from its first intake to the last day of the data (or ``end``,
    when later), for every workforce type of the configuration: a day without intakes is a 0, and
    a new office is a short series rather than a long run of made-up zeros.
    """
    spark = workload.sparkSession
    # Small (days x locations x types) and read three times below: computed once, eagerly.
    per_day = (
        workload.groupBy("day", "location", "workforce_type")
        .agg((F.sum("minutes") / 60.0).alias("workforce_demand"))
        .localCheckpoint()
    )
    last_day = per_day.agg(F.max("day").alias("last_day"))
    if end is not None:
        last_day = last_day.select(F.greatest(F.col("last_day"), F.lit(end)).alias("last_day"))
    calendar = (
        per_day.groupBy("location")
        .agg(F.min("day").alias("first_day"))
        .crossJoin(last_day)
        .select("location", F.explode(F.sequence("first_day", "last_day")).alias("day"))
    )
    types = spark.createDataFrame([(name,) for name in config.workforce_types], ["workforce_type"])
    return (
        calendar.crossJoin(F.broadcast(types))
        .join(per_day, ["day", "location", "workforce_type"], "left")
        .withColumn("timestamp", F.date_format("day", "yyyy-MM-dd"))
        .withColumn(
            "workforce_demand",
            F.round(F.coalesce(F.col("workforce_demand"), F.lit(0.0)), DEMAND_DECIMALS),
        )
        .select(*DEMAND_COLUMNS)
    )


def write_demand_local(demand: DataFrame, output: Path) -> tuple[Path, Path]:
    """``workforce_demand.csv`` (one file, header, sorted: the Forecast import) and
    ``workforce_demand.parquet/`` in ``output``: ``write_demand``'s two outputs, renamed.
    Returns both paths."""
    output.mkdir(parents=True, exist_ok=True)
    csv_path = output / "workforce_demand.csv"
    parquet_path = output / "workforce_demand.parquet"
    with tempfile.TemporaryDirectory(dir=output, prefix=".spark-") as scratch:
        write_demand(demand, scratch)
        (part,) = Path(scratch, "forecast_import").glob("part-*.csv")
        shutil.move(part, csv_path)
        shutil.rmtree(parquet_path, ignore_errors=True)
        shutil.move(Path(scratch, "parquet"), parquet_path)
    return csv_path, parquet_path


def write_demand(demand: DataFrame, prefix: str) -> None:
    """The same two outputs under an S3 (or file) prefix: ``forecast_import/`` as one CSV part
    with a header, and ``parquet/`` for Athena and the forecast engine."""
    ordered = demand.orderBy("location", "workforce_type", "timestamp")
    ordered.coalesce(1).write.mode("overwrite").option("header", True).csv(f"{prefix}/forecast_import")
    ordered.write.mode("overwrite").parquet(f"{prefix}/parquet")


def update_curated(
    spark: SparkSession,
    new_submissions: DataFrame,
    curated_prefix: str,
    config: WorkforceConfig,
    *,
    loaded_at: str,
    end: dt.date | None = None,
) -> DataFrame:
    """The Glue job's step: add the new submissions' workload, then rewrite the demand series.

    ``new_submissions`` are the rows the job bookmark has not seen (the whole of raw/ on a first
    run). Their workload is appended to ``intake_workload/`` stamped with ``loaded_at``; an intake
    seen in several loads (a replayed export, a bulk upload of an exported intake) counts once,
    from its latest load. The demand series is then recomputed from the whole workload (small:
    a few rows per intake) and ``demand/`` rewritten, so the zeros and the series ends stay right.
    Returns the demand.
    """
    workload_path = f"{curated_prefix}/intake_workload"
    new_workload = intake_workload(new_submissions, config).withColumn("loaded_at", F.lit(loaded_at))
    new_workload.write.mode("append").partitionBy("loaded_at").parquet(workload_path)
    every_load = spark.read.parquet(workload_path)
    latest_load = Window.partitionBy("intake_id")
    workload = (
        every_load.withColumn("_latest", F.max("loaded_at").over(latest_load))
        .where(F.col("loaded_at") == F.col("_latest"))
        .select(*WORKLOAD_COLUMNS)
    )
    demand = daily_demand(workload, config, end=end)
    write_demand(demand, f"{curated_prefix}/demand")
    return demand

"""The Glue entry point (src/glue-jobs/workforce_demand/job.py) over local Spark, with stand-ins
for the Glue libraries, which exist only on Glue. The stand-in's job bookmark hands each run only
the files it has not handed before, as Glue does."""

from __future__ import annotations

import runpy
import shutil
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from acogida.etl import pandas_demand
from acogida.etl.workforce import load_workforce_config

pyspark = pytest.importorskip("pyspark")
from pyspark.sql import SparkSession  # noqa: E402

from acogida.etl import spark_demand  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
JOB = REPO / "src" / "glue-jobs" / "workforce_demand" / "job.py"
FIXTURE = REPO / "tests" / "fixtures" / "etl" / "submissions"


class FakeGlue:
    """GlueContext, Job and getResolvedOptions as the job uses them; ``seen`` is the bookmark."""

    def __init__(self, spark: SparkSession, arguments: dict[str, str]) -> None:
        self.spark = spark
        self.arguments = arguments
        self.seen: set[Path] = set()
        self.commits = 0

    def modules(self) -> dict[str, types.ModuleType]:
        fake = self

        class DynamicFrame:
            def __init__(self, frame):
                self.frame = frame

            def toDF(self):  # noqa: N802 - Glue's name
                return self.frame

        class Reader:
            def from_options(
                self, connection_type, connection_options, format, format_options, transformation_ctx
            ):
                assert connection_type == "s3"
                assert transformation_ctx  # without it Glue keeps no bookmark
                root = Path(connection_options["paths"][0])
                new = sorted(path for path in root.rglob("*.csv") if path not in fake.seen)
                fake.seen.update(new)
                if not new:
                    return DynamicFrame(fake.spark.createDataFrame([], "x string").drop("x"))
                return DynamicFrame(fake.spark.read.option("header", True).csv([str(p) for p in new]))

        class GlueContext:
            def __init__(self, _spark_context):
                self.spark_session = fake.spark
                self.create_dynamic_frame = Reader()

        class Job:
            def __init__(self, _glue):
                pass

            def init(self, name, arguments):
                assert name == "acogida-test-workforce-demand"

            def commit(self):
                fake.commits += 1

        def get_resolved_options(argv, names):
            return {name: fake.arguments[name] for name in names}

        awsglue = types.ModuleType("awsglue")
        context = types.ModuleType("awsglue.context")
        context.GlueContext = GlueContext
        job = types.ModuleType("awsglue.job")
        job.Job = Job
        utils = types.ModuleType("awsglue.utils")
        utils.getResolvedOptions = get_resolved_options
        return {"awsglue": awsglue, "awsglue.context": context, "awsglue.job": job, "awsglue.utils": utils}


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = spark_demand.local_spark_session("acogida-glue-job-tests")
    yield session
    session.stop()


def test_incremental_runs_equal_one_full_recompute_and_replays_count_once(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw" / "submissions"
    curated = tmp_path / "curated"
    glue = FakeGlue(
        spark,
        {"JOB_NAME": "acogida-test-workforce-demand", "raw_path": str(raw), "curated_path": str(curated)},
    )
    for name, module in glue.modules().items():
        monkeypatch.setitem(sys.modules, name, module)

    def run_job() -> pd.DataFrame:
        runpy.run_path(str(JOB), run_name="__main__")
        return (
            pd.read_parquet(curated / "demand" / "parquet")
            .sort_values(["location", "workforce_type", "timestamp"])
            .reset_index(drop=True)
        )

    # Run 1: the first day's file. Run 2: the second day's file arrives, and the first file is
    # written again (a replayed export rewrites its object): the bookmark hands both over.
    (raw / "dt=2026-03-02").mkdir(parents=True)
    shutil.copy(FIXTURE / "dt=2026-03-02" / "part-a.csv", raw / "dt=2026-03-02" / "part-a.csv")
    run_job()
    shutil.copytree(FIXTURE / "dt=2026-03-03", raw / "dt=2026-03-03")
    shutil.copy(FIXTURE / "dt=2026-03-02" / "part-a.csv", raw / "dt=2026-03-02" / "part-a-replayed.csv")
    incremental = run_job()
    # Run 3: nothing new; the series stays as it is.
    assert run_job().equals(incremental)
    assert glue.commits == 3

    config = load_workforce_config()
    submissions = pandas_demand.read_submissions(FIXTURE)
    full = pandas_demand.daily_demand(pandas_demand.intake_workload(submissions, config), config)
    pd.testing.assert_frame_equal(incremental, full, check_dtype=False)
    forecast_csv = next((curated / "demand" / "forecast_import").glob("part-*.csv"))
    assert (
        forecast_csv.read_text(encoding="utf-8").splitlines()[0]
        == "timestamp,workforce_type,workforce_demand,location"
    )

"""The workforce-demand transformation: Spark (local mode) and pandas against a hand-computed
fixture, against each other on synthetic history, and the `acogida etl` command."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from acogida.cli import main
from acogida.etl import pandas_demand
from acogida.etl.workforce import (
    DEMAND_COLUMNS,
    WorkforceConfigError,
    load_workforce_config,
    parse_workforce_config,
)
from acogida.export.bulk_upload import accepted_objects, validate_upload
from acogida.export.submission import SUBMISSION_COLUMNS
from acogida.local.history import history_upload_csv, history_upload_rows
from acogida.privacy.keyring import KeyRing

pyspark = pytest.importorskip("pyspark")
from pyspark.sql import SparkSession  # noqa: E402

from acogida.etl import spark_demand  # noqa: E402

FIXTURE = Path(__file__).parent.parent / "fixtures" / "etl"
DOCUMENT_PATTERN = re.compile(r"\b\d{8}[A-Z]\b|\b[XYZ]\d{7}[A-Z]\b|\bP\d{8}\b")
HISTORY = (dt.date(2025, 12, 1), dt.date(2026, 3, 31))


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = spark_demand.local_spark_session("acogida-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def fixture_config():
    return load_workforce_config(FIXTURE / "workforce.json")


def expected_demand() -> pd.DataFrame:
    return pd.read_csv(FIXTURE / "expected_demand.csv", dtype={"workforce_demand": float})


def test_spark_matches_the_hand_computed_fixture(spark: SparkSession, fixture_config) -> None:
    submissions = spark_demand.read_submissions(spark, str(FIXTURE / "submissions"))
    workload = spark_demand.intake_workload(submissions, fixture_config)
    demand = spark_demand.daily_demand(workload, fixture_config).toPandas()
    ordered = demand.sort_values(["location", "workforce_type", "timestamp"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(ordered, expected_demand(), check_dtype=False)
    assert tuple(demand.columns) == DEMAND_COLUMNS


def test_pandas_matches_the_hand_computed_fixture(fixture_config) -> None:
    submissions = pandas_demand.read_submissions(FIXTURE / "submissions")
    demand = pandas_demand.daily_demand(
        pandas_demand.intake_workload(submissions, fixture_config), fixture_config
    )
    pd.testing.assert_frame_equal(demand, expected_demand(), check_dtype=False)


def test_invalid_rows_are_named_with_their_reason(spark: SparkSession) -> None:
    submissions = spark_demand.read_submissions(spark, str(FIXTURE / "submissions"))
    reasons = {
        row["intake_id"]: row["reason"] for row in spark_demand.invalid_submissions(submissions).collect()
    }
    assert reasons == {"x9": "submitted_at is not yyyy-mm-ddThh:mm:ssZ", "x8": "office is empty"}
    frame = pandas_demand.invalid_submissions(pandas_demand.read_submissions(FIXTURE / "submissions"))
    assert dict(zip(frame["intake_id"], frame["reason"], strict=True)) == reasons


def test_a_submission_counts_on_the_offices_local_day_in_summer_time_too(
    spark: SparkSession,
    fixture_config,
) -> None:
    # 22:30 UTC on 1 July is 00:30 on 2 July in Madrid (CEST, UTC+2); 22:30 UTC on 1 December is
    # 23:30 in Madrid (CET), the same day.
    rows = [
        ("s1", "2026-07-01T22:30:00Z", "MAD", "", "", "", "", "", "", "", "", ""),
        ("w1", "2026-12-01T22:30:00Z", "MAD", "", "", "", "", "", "", "", "", ""),
    ]
    submissions = spark.createDataFrame(rows, spark_demand.SUBMISSIONS_SCHEMA)
    days = {
        row["intake_id"]: row["day"]
        for row in spark_demand.intake_workload(submissions, fixture_config).collect()
    }
    assert days == {"s1": dt.date(2026, 7, 2), "w1": dt.date(2026, 12, 1)}


def test_end_extends_every_series_with_zeros(fixture_config) -> None:
    submissions = pandas_demand.read_submissions(FIXTURE / "submissions")
    workload = pandas_demand.intake_workload(submissions, fixture_config)
    demand = pandas_demand.daily_demand(workload, fixture_config, end=dt.date(2026, 3, 10))
    assert demand["timestamp"].max() == "2026-03-10"
    assert len(demand) == 3 * 9 + 3 * 8
    assert demand[demand["timestamp"] > "2026-03-04"]["workforce_demand"].eq(0).all()


@pytest.fixture(scope="module")
def history_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four months of synthetic history through the bulk-upload path into a raw/ layout."""
    upload = history_upload_csv(*HISTORY, seed=3)
    result = validate_upload(upload, ring=KeyRing((b"s" * 32,)), now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    assert not result.errors
    root = tmp_path_factory.mktemp("raw")
    for key, body in accepted_objects(result).items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return root / "submissions"


def test_spark_and_pandas_agree_on_synthetic_history(spark: SparkSession, history_dir: Path) -> None:
    config = load_workforce_config()
    by_spark = spark_demand.daily_demand(
        spark_demand.intake_workload(spark_demand.read_submissions(spark, str(history_dir)), config), config
    ).toPandas()
    submissions = pandas_demand.read_submissions(history_dir)
    by_pandas = pandas_demand.daily_demand(pandas_demand.intake_workload(submissions, config), config)
    by_spark = by_spark.sort_values(["location", "workforce_type", "timestamp"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(by_spark, by_pandas, check_dtype=False)
    # Sundays and Christmas Day are closed: zeros, present in the series.
    christmas = by_pandas[by_pandas["timestamp"] == "2025-12-25"]
    assert len(christmas) == 4 * len(config.workforce_types)
    assert christmas["workforce_demand"].eq(0).all()
    # Every intake takes a social worker: that series is never below 45 minutes per intake.
    intakes_per_day = submissions.assign(day=submissions["submitted_at"].str[:10]).groupby("day").size()
    assert intakes_per_day.sum() == len(submissions)
    social = by_pandas[by_pandas["workforce_type"] == "social_worker"]["workforce_demand"].sum()
    assert social >= 0.75 * len(submissions)


def test_the_command_writes_csv_parquet_and_chart_and_no_identifier(
    history_dir: Path, tmp_path: Path
) -> None:
    output = tmp_path / "curated"
    assert main(["etl", "--input", str(history_dir), "--output", str(output), "--engine", "pandas"]) == 0
    written = pd.read_csv(output / "workforce_demand.csv", dtype={"workforce_demand": float})
    assert tuple(written.columns) == DEMAND_COLUMNS
    assert (written["workforce_demand"] >= 0).all()
    assert pd.read_parquet(output / "workforce_demand.parquet").shape == written.shape
    assert (output / "workforce_demand.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Neither the raw layer nor the curated layer holds a document number or a birth date of
    # the uploaded people, nor anything shaped like a document number.
    uploaded = history_upload_rows(*HISTORY, seed=3)
    identifiers = {row["document_number"] for row in uploaded} | {row["birth_date"] for row in uploaded}
    identifiers.discard("")
    assert len(identifiers) > 1000
    for path in [*history_dir.rglob("*.csv"), output / "workforce_demand.csv"]:
        text = path.read_text(encoding="utf-8")
        assert not DOCUMENT_PATTERN.search(text), path
        cells = set(re.split(r"[,\n|]", text))
        assert not cells & identifiers, path


def test_the_spark_command_equals_the_pandas_command(
    history_dir: Path, tmp_path: Path, spark: SparkSession
) -> None:
    assert spark is not None  # the session the command reuses (getOrCreate)
    for engine in ("spark", "pandas"):
        arguments = [
            "etl",
            "--input",
            str(history_dir),
            "--output",
            str(tmp_path / engine),
            "--engine",
            engine,
        ]
        assert main([*arguments, "--no-plot"]) == 0
    assert (tmp_path / "spark" / "workforce_demand.csv").read_bytes() == (
        tmp_path / "pandas" / "workforce_demand.csv"
    ).read_bytes()


def test_the_command_names_a_file_with_the_wrong_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "in" / "dt=2026-01-01" / "x.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text("intake_id,when,office\n1,2026-01-01T00:00:00Z,A\n", encoding="utf-8")
    assert main(["etl", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out")]) == 1
    assert f"{bad}: line 1: header is" in capsys.readouterr().err
    assert main(["etl", "--input", str(tmp_path / "missing"), "--output", str(tmp_path / "out")]) == 1
    assert "no such file or directory" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"every_intake": {"social_worker": 45}, "needs": {"karaoke": {"x": 1}}}, "unknown need 'karaoke'"),
        ({"every_intake": {"Social Worker": 45}}, "lower_snake_case"),
        ({"every_intake": {"social_worker": -5}}, "minutes must be a number"),
        ({"every_intake": {"social_worker": True}}, "minutes must be a number"),
        ({"every_intake": {}}, "expected an object"),
        ({"every_intake": {"social_worker": 45}, "timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"every_intake": {"social_worker": 45}, "extra": 1}, "unknown keys"),
    ],
)
def test_a_bad_workforce_configuration_is_refused_with_the_reason(document: dict, message: str) -> None:
    with pytest.raises(WorkforceConfigError, match=re.escape(message)):
        parse_workforce_config(document)


def test_the_packaged_configuration_maps_every_need() -> None:
    config = load_workforce_config()
    assert "social_worker" in config.workforce_types

    def minutes_for(needs: str) -> dict[str, float]:
        row = dict.fromkeys(SUBMISSION_COLUMNS, "") | {
            "intake_id": "i",
            "submitted_at": "2026-03-02T09:00:00Z",
            "office": "getafe",
            "needs": needs,
        }
        workload = pandas_demand.intake_workload(pd.DataFrame([row]), config)
        return dict(zip(workload["workforce_type"], workload["minutes"], strict=True))

    assert minutes_for("") == {"social_worker": 45.0}
    assert minutes_for("legal|psychological") == {
        "social_worker": 45.0,
        "lawyer": 60.0,
        "psychologist": 50.0,
    }
    document = json.loads((Path(spark_demand.__file__).parent / "data" / "workforce.json").read_text())
    from acogida.intake import NEEDS  # noqa: PLC0415

    assert set(document["needs"]) == set(NEEDS)


def test_a_row_with_extra_cells_is_left_out_and_named_by_both_engines(
    spark: SparkSession, tmp_path: Path
) -> None:
    broken = tmp_path / "in" / "dt=2026-03-03" / "b.csv"
    broken.parent.mkdir(parents=True)
    text = (FIXTURE / "submissions" / "dt=2026-03-03" / "part-b.csv").read_text(encoding="utf-8")
    broken.write_text(text + "c1,2026-03-04T10:00:00Z,getafe,,,,,,,,,,EXTRA\n", encoding="utf-8")
    config = load_workforce_config(FIXTURE / "workforce.json")

    by_spark = spark_demand.read_submissions(spark, str(tmp_path / "in")).cache()
    reasons = {
        row["intake_id"]: row["reason"] for row in spark_demand.invalid_submissions(by_spark).collect()
    }
    assert reasons == {"c1": "malformed CSV row: its cells do not match the header"}
    spark_ids = {row["intake_id"] for row in spark_demand.intake_workload(by_spark, config).collect()}

    by_pandas = pandas_demand.read_submissions(tmp_path / "in")
    invalid = pandas_demand.invalid_submissions(by_pandas)
    assert dict(zip(invalid["intake_id"], invalid["reason"], strict=True)) == reasons
    assert set(pandas_demand.intake_workload(by_pandas, config)["intake_id"]) == spark_ids == {"b1", "a3"}

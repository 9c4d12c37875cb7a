"""The amazon_forecast engine against botocore's Stubber (moto emulates only Forecast's dataset
groups): every request's parameters, the polling, the failure and timeout paths, reuse by name,
the mapping of QueryForecast and export answers to the contract, cleanup, and the CLI wiring.
The S3 side (training CSV, export files) runs in moto."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ObjectStore
from acogida.cli import main
from acogida.forecast.amazon_forecast import (
    AmazonForecastEngine,
    AmazonForecastError,
    AmazonForecastSettings,
    schema_attributes,
    training_csv,
)
from acogida.forecast.series import parse_series

REGION = "eu-west-1"
ACCOUNT = "123456789012"
BUCKET = "acogida-test-forecast-123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/acogida-test-forecast"
RUN = "run1"
PREFIX = "forecast/amazon_forecast"
ARN = f"arn:aws:forecast:{REGION}:{ACCOUNT}"
GROUP = f"{ARN}:dataset-group/acogida_run1_dsg"
DATASET = f"{ARN}:dataset/acogida_run1_tts"
IMPORT = f"{ARN}:dataset-import-job/acogida_run1_tts/acogida_run1_import"
PREDICTOR = f"{ARN}:predictor/acogida_run1_predictor"
FORECAST = f"{ARN}:forecast/acogida_run1_forecast"
EXPORT = f"{ARN}:forecast-export-job/acogida_run1_forecast/acogida_run1_export"
TRAINING_KEY = f"{PREFIX}/{RUN}/train/target_time_series.csv"

WITH_LOCATION = """timestamp,workforce_type,workforce_demand,location
2024-01-01,social_worker,3,Madrid
2024-01-02,social_worker,4,Madrid
2024-01-03,social_worker,2.5,Madrid
2024-01-01,lawyer,1,Madrid
2024-01-03,lawyer,2,Madrid
2024-01-02,social_worker,5,Sevilla
2024-01-03,social_worker,6,Sevilla
"""
WITHOUT_LOCATION = """timestamp,workforce_type,workforce_demand
2024-01-01,social_worker,3
2024-01-02,social_worker,4
2024-01-03,social_worker,4.25
2024-01-01,lawyer,1
2024-01-03,lawyer,2
"""


class FakeTime:
    """A clock that only the engine's sleeps move."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Aws:
    s3: Any
    kms_key_arn: str
    forecast: Any
    query: Any
    stub: Stubber
    query_stub: Stubber
    time: FakeTime = field(default_factory=FakeTime)
    messages: list[str] = field(default_factory=list)

    def engine(self, **settings: Any) -> AmazonForecastEngine:
        options = {"role_arn": ROLE, "kms_key_arn": self.kms_key_arn, "run_id": RUN, "poll_seconds": 30.0}
        options.update(settings)
        return AmazonForecastEngine(
            self.forecast,
            self.query,
            ObjectStore(self.s3, BUCKET),
            AmazonForecastSettings(**options),
            progress=self.messages.append,
            sleep=self.time.sleep,
            clock=self.time.clock,
        )


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        kms_key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
        forecast = boto3.client("forecast", region_name=REGION)
        query = boto3.client("forecastquery", region_name=REGION)
        with Stubber(forecast) as stub, Stubber(query) as query_stub:
            yield Aws(s3, kms_key_arn, forecast, query, stub, query_stub)
            stub.assert_no_pending_responses()
            query_stub.assert_no_pending_responses()


def already_exists(stub: Stubber, operation: str, expected: dict[str, Any]) -> None:
    stub.add_client_error(
        operation,
        service_error_code="ResourceAlreadyExistsException",
        service_message="already exists",
        expected_params=expected,
    )


def expect_run(
    aws: Aws,
    *,
    location: bool,
    horizon: int,
    reuse_group: bool = False,
    predictor_statuses: tuple[str, ...] = ("CREATE_PENDING", "CREATE_IN_PROGRESS", "ACTIVE"),
) -> None:
    """Every Forecast request of a run up to an ACTIVE forecast, with its exact parameters."""
    stub, kms = aws.stub, aws.kms_key_arn
    encryption = {"RoleArn": ROLE, "KMSKeyArn": kms}
    group_request = {"DatasetGroupName": "acogida_run1_dsg", "Domain": "WORK_FORCE"}
    if reuse_group:
        # A rerun of the same run id: the group exists; it is found by name in the listing.
        already_exists(stub, "create_dataset_group", group_request)
        stub.add_response(
            "list_dataset_groups",
            {
                "DatasetGroups": [
                    {"DatasetGroupName": "acogida_run0_dsg", "DatasetGroupArn": f"{ARN}:dataset-group/x"},
                    {"DatasetGroupName": "acogida_run1_dsg", "DatasetGroupArn": GROUP},
                ]
            },
            {},
        )
        stub.add_response(
            "describe_dataset_group",
            {"DatasetGroupArn": GROUP, "Domain": "WORK_FORCE", "Status": "ACTIVE"},
            {"DatasetGroupArn": GROUP},
        )
    else:
        stub.add_response("create_dataset_group", {"DatasetGroupArn": GROUP}, group_request)
    attributes = [
        {"AttributeName": "timestamp", "AttributeType": "timestamp"},
        {"AttributeName": "workforce_type", "AttributeType": "string"},
        {"AttributeName": "workforce_demand", "AttributeType": "float"},
    ]
    if location:
        attributes.append({"AttributeName": "location", "AttributeType": "string"})
    stub.add_response(
        "create_dataset",
        {"DatasetArn": DATASET},
        {
            "DatasetName": "acogida_run1_tts",
            "Domain": "WORK_FORCE",
            "DatasetType": "TARGET_TIME_SERIES",
            "DataFrequency": "D",
            "Schema": {"Attributes": attributes},
            "EncryptionConfig": encryption,
        },
    )
    stub.add_response("describe_dataset", {"Status": "ACTIVE"}, {"DatasetArn": DATASET})
    stub.add_response("update_dataset_group", {}, {"DatasetGroupArn": GROUP, "DatasetArns": [DATASET]})
    stub.add_response("describe_dataset_group", {"Status": "UPDATE_IN_PROGRESS"}, {"DatasetGroupArn": GROUP})
    stub.add_response("describe_dataset_group", {"Status": "ACTIVE"}, {"DatasetGroupArn": GROUP})
    stub.add_response(
        "create_dataset_import_job",
        {"DatasetImportJobArn": IMPORT},
        {
            "DatasetImportJobName": "acogida_run1_import",
            "DatasetArn": DATASET,
            "DataSource": {
                "S3Config": {"Path": f"s3://{BUCKET}/{TRAINING_KEY}", "RoleArn": ROLE, "KMSKeyArn": kms}
            },
            "TimestampFormat": "yyyy-MM-dd",
            "Format": "CSV",
        },
    )
    for status in ("CREATE_PENDING", "CREATE_IN_PROGRESS", "ACTIVE"):
        stub.add_response("describe_dataset_import_job", {"Status": status}, {"DatasetImportJobArn": IMPORT})
    predictor_request: dict[str, Any] = {
        "PredictorName": "acogida_run1_predictor",
        "ForecastHorizon": horizon,
        "ForecastTypes": ["0.1", "0.5", "0.9"],
        "ForecastFrequency": "D",
        "DataConfig": {"DatasetGroupArn": GROUP},
        "EncryptionConfig": encryption,
        "OptimizationMetric": "AverageWeightedQuantileLoss",
    }
    if location:
        predictor_request["ForecastDimensions"] = ["location"]
    stub.add_response("create_auto_predictor", {"PredictorArn": PREDICTOR}, predictor_request)
    for status in predictor_statuses:
        response = {"Status": status}
        if status == "CREATE_FAILED":
            response["Message"] = "Too few observations: a predictor needs a longer history."
        stub.add_response("describe_auto_predictor", response, {"PredictorArn": PREDICTOR})
    if predictor_statuses[-1] != "ACTIVE":
        return
    stub.add_response(
        "create_forecast",
        {"ForecastArn": FORECAST},
        {
            "ForecastName": "acogida_run1_forecast",
            "PredictorArn": PREDICTOR,
            "ForecastTypes": ["0.1", "0.5", "0.9"],
        },
    )
    stub.add_response("describe_forecast", {"Status": "CREATE_IN_PROGRESS"}, {"ForecastArn": FORECAST})
    stub.add_response("describe_forecast", {"Status": "ACTIVE"}, {"ForecastArn": FORECAST})


def points(values: list[float], start: int = 4) -> list[dict[str, Any]]:
    return [
        {"Timestamp": f"2024-01-{start + index:02d}T00:00:00", "Value": value}
        for index, value in enumerate(values)
    ]


def expect_query(
    aws: Aws, filters: dict[str, str], p10: list[float], p50: list[float], p90: list[float]
) -> None:
    aws.query_stub.add_response(
        "query_forecast",
        {"Forecast": {"Predictions": {"p10": points(p10), "p50": points(p50), "p90": points(p90)}}},
        {
            "ForecastArn": FORECAST,
            "StartDate": "2024-01-04T00:00:00",
            "EndDate": "2024-01-05T00:00:00",
            "Filters": filters,
        },
    )


def test_schema_and_training_rows_follow_the_work_force_domain() -> None:
    data = parse_series(WITH_LOCATION)
    assert [a["AttributeName"] for a in schema_attributes(True)] == [
        "timestamp",
        "workforce_type",
        "workforce_demand",
        "location",
    ]
    assert [a["AttributeName"] for a in schema_attributes(False)] == [
        "timestamp",
        "workforce_type",
        "workforce_demand",
    ]
    # No header; columns in schema order; the missing day inside a series is 0 demand.
    assert training_csv(data).decode().splitlines() == [
        "2024-01-01,lawyer,1,Madrid",
        "2024-01-02,lawyer,0,Madrid",
        "2024-01-03,lawyer,2,Madrid",
        "2024-01-01,social_worker,3,Madrid",
        "2024-01-02,social_worker,4,Madrid",
        "2024-01-03,social_worker,2.5,Madrid",
        "2024-01-02,social_worker,5,Sevilla",
        "2024-01-03,social_worker,6,Sevilla",
    ]


def test_a_run_polls_each_resource_to_active_and_maps_the_query_answers(aws: Aws) -> None:
    data = parse_series(WITHOUT_LOCATION)
    expect_run(aws, location=False, horizon=2)
    # Negative values clip at zero; a p90 under the p50 swaps into order.
    expect_query(aws, {"workforce_type": "lawyer"}, [-1.0, -0.2], [1.5, 0.4], [1.2, 2.0])
    expect_query(aws, {"workforce_type": "social_worker"}, [2.0, 2.5], [3.0, 3.5], [4.0, 4.5])

    result = aws.engine().forecast(data, 2)

    frame = result.frame
    assert list(frame.columns) == ["unique_id", "ds", "p10", "p50", "p90"]
    rows = [
        (row.unique_id, row.ds.date().isoformat(), row.p10, row.p50, row.p90) for row in frame.itertuples()
    ]
    assert rows == [
        ("lawyer", "2024-01-04", 0.0, 1.2, 1.5),
        ("lawyer", "2024-01-05", 0.0, 0.4, 2.0),
        ("social_worker", "2024-01-04", 2.0, 3.0, 4.0),
        ("social_worker", "2024-01-05", 2.5, 3.5, 4.5),
    ]
    assert result.chosen == {"lawyer": "amazon_forecast", "social_worker": "amazon_forecast"}
    # One sleep per status that was not yet ACTIVE: group update 1, import 2, predictor 2, forecast 1.
    assert aws.time.sleeps == [30.0] * 6
    assert "predictor acogida_run1_predictor: CREATE_PENDING (0 min)" in aws.messages
    assert "predictor acogida_run1_predictor: ACTIVE (1 min)" in aws.messages
    # The training CSV went to S3 under the run's prefix, encrypted with the named key.
    stored = aws.s3.get_object(Bucket=BUCKET, Key=TRAINING_KEY)
    assert stored["Body"].read().decode().splitlines() == [
        "2024-01-01,lawyer,1",
        "2024-01-02,lawyer,0",
        "2024-01-03,lawyer,2",
        "2024-01-01,social_worker,3",
        "2024-01-02,social_worker,4",
        "2024-01-03,social_worker,4.25",
    ]
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert stored["SSEKMSKeyId"] == aws.kms_key_arn


def test_an_existing_dataset_group_of_the_run_is_found_by_name_and_reused(aws: Aws) -> None:
    data = parse_series(WITHOUT_LOCATION)
    expect_run(aws, location=False, horizon=2, reuse_group=True)
    expect_query(aws, {"workforce_type": "lawyer"}, [1.0, 1.0], [2.0, 2.0], [3.0, 3.0])
    expect_query(aws, {"workforce_type": "social_worker"}, [1.0, 1.0], [2.0, 2.0], [3.0, 3.0])
    engine = aws.engine()

    engine.forecast(data, 2)

    assert engine.resources.dataset_group_arn == GROUP
    assert engine.resources.reused == ["dataset group"]
    assert "dataset group acogida_run1_dsg: exists, reused" in aws.messages


def test_a_reused_dataset_group_of_another_domain_is_refused(aws: Aws) -> None:
    group_request = {"DatasetGroupName": "acogida_run1_dsg", "Domain": "WORK_FORCE"}
    already_exists(aws.stub, "create_dataset_group", group_request)
    aws.stub.add_response(
        "list_dataset_groups",
        {"DatasetGroups": [{"DatasetGroupName": "acogida_run1_dsg", "DatasetGroupArn": GROUP}]},
        {},
    )
    aws.stub.add_response(
        "describe_dataset_group", {"Domain": "RETAIL", "Status": "ACTIVE"}, {"DatasetGroupArn": GROUP}
    )
    with pytest.raises(AmazonForecastError, match="dataset group acogida_run1_dsg exists with domain RETAIL"):
        aws.engine().forecast(parse_series(WITHOUT_LOCATION), 2)


def test_a_resource_that_ends_create_failed_is_a_clear_error(aws: Aws) -> None:
    expect_run(aws, location=False, horizon=2, predictor_statuses=("CREATE_IN_PROGRESS", "CREATE_FAILED"))
    engine = aws.engine()

    with pytest.raises(AmazonForecastError) as raised:
        engine.forecast(parse_series(WITHOUT_LOCATION), 2)

    assert str(raised.value) == (
        "predictor acogida_run1_predictor is CREATE_FAILED: "
        "Too few observations: a predictor needs a longer history."
    )
    # What the run made so far stays known, for cleanup.
    assert engine.resources.predictor_arn == PREDICTOR
    assert engine.resources.forecast_arn is None


def test_waiting_is_bounded(aws: Aws) -> None:
    statuses = ("CREATE_PENDING", "CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS")
    expect_run(aws, location=False, horizon=2, predictor_statuses=statuses)

    with pytest.raises(
        AmazonForecastError, match=r"predictor acogida_run1_predictor is still CREATE_IN_PROGRESS"
    ):
        aws.engine(timeout_seconds=90.0).forecast(parse_series(WITHOUT_LOCATION), 2)
    # group update 1 sleep, import 2, predictor 3 (at 0, 30, 60 s; at 90 s the next poll would pass 90 s)
    assert aws.time.sleeps == [30.0] * 6


def test_export_read_with_a_location_and_cleanup_in_reverse_order(aws: Aws) -> None:
    data = parse_series(WITH_LOCATION)
    expect_run(aws, location=True, horizon=2)
    export_path = f"s3://{BUCKET}/{PREFIX}/{RUN}/export/"
    aws.stub.add_response(
        "create_forecast_export_job",
        {"ForecastExportJobArn": EXPORT},
        {
            "ForecastExportJobName": "acogida_run1_export",
            "ForecastArn": FORECAST,
            "Destination": {"S3Config": {"Path": export_path, "RoleArn": ROLE, "KMSKeyArn": aws.kms_key_arn}},
            "Format": "CSV",
        },
    )
    aws.stub.add_response(
        "describe_forecast_export_job", {"Status": "CREATE_IN_PROGRESS"}, {"ForecastExportJobArn": EXPORT}
    )
    aws.stub.add_response(
        "describe_forecast_export_job", {"Status": "ACTIVE"}, {"ForecastExportJobArn": EXPORT}
    )
    # What the export job writes: CSV parts with a header, and a marker file that is not CSV.
    export = f"{PREFIX}/{RUN}/export/acogida_run1_export_2024-01-04T00-00-00Z_part"
    parts = {
        f"{export}0.csv": (
            "workforce_type,location,date,p10,p50,p90\n"
            "social_worker,Madrid,2024-01-04T00:00:00Z,2.0,3.0,4.0\n"
            "social_worker,Madrid,2024-01-05T00:00:00Z,-0.5,2.5,2.0\n"
            "lawyer,Madrid,2024-01-04T00:00:00Z,0.0,1.0,2.0\n"
        ),
        f"{export}1.csv": (
            "workforce_type,location,date,p10,p50,p90\n"
            "lawyer,Madrid,2024-01-05T00:00:00Z,0.0,1.0,2.0\n"
            "social_worker,Sevilla,2024-01-04T00:00:00Z,5.0,6.0,7.0\n"
            "social_worker,Sevilla,2024-01-05T00:00:00Z,5.0,6.0,7.0\n"
        ),
        f"{PREFIX}/{RUN}/export/_SUCCESS": "",
    }
    for key, text in parts.items():
        aws.s3.put_object(Bucket=BUCKET, Key=key, Body=text.encode())
    engine = aws.engine(read="export")

    frame = engine.forecast(data, 2).frame

    rows = [
        (row.unique_id.replace("\x1f", "@"), row.ds.day, row.p10, row.p50, row.p90)
        for row in frame.itertuples()
    ]
    assert rows == [
        ("lawyer@Madrid", 4, 0.0, 1.0, 2.0),
        ("lawyer@Madrid", 5, 0.0, 1.0, 2.0),
        ("social_worker@Madrid", 4, 2.0, 3.0, 4.0),
        ("social_worker@Madrid", 5, 0.0, 2.0, 2.5),
        ("social_worker@Sevilla", 4, 5.0, 6.0, 7.0),
        ("social_worker@Sevilla", 5, 5.0, 6.0, 7.0),
    ]
    # The series that starts later ends with the others: no early-end warning.
    assert not any("end before" in message for message in aws.messages)

    order = [
        ("delete_forecast_export_job", "describe_forecast_export_job", {"ForecastExportJobArn": EXPORT}),
        ("delete_forecast", "describe_forecast", {"ForecastArn": FORECAST}),
        ("delete_predictor", "describe_auto_predictor", {"PredictorArn": PREDICTOR}),
        ("delete_dataset_import_job", "describe_dataset_import_job", {"DatasetImportJobArn": IMPORT}),
        ("delete_dataset", "describe_dataset", {"DatasetArn": DATASET}),
        ("delete_dataset_group", "describe_dataset_group", {"DatasetGroupArn": GROUP}),
    ]
    for delete, describe, request in order:
        aws.stub.add_response(delete, {}, request)
        aws.stub.add_response(describe, {"Status": "DELETE_IN_PROGRESS"}, request)
        aws.stub.add_client_error(
            describe, service_error_code="ResourceNotFoundException", expected_params=request
        )

    engine.cleanup()

    assert "dataset group acogida_run1_dsg: deleted" in aws.messages
    listing = aws.s3.list_object_versions(Bucket=BUCKET, Prefix=f"{PREFIX}/{RUN}/")
    assert listing.get("Versions", []) == []
    assert listing.get("DeleteMarkers", []) == []


def test_a_series_that_ends_early_is_named_in_the_progress_by_count(aws: Aws) -> None:
    data = parse_series(WITHOUT_LOCATION + "2024-01-04,social_worker,5\n")
    expect_run(aws, location=False, horizon=1)
    for workforce_type in ("lawyer", "social_worker"):
        aws.query_stub.add_response(
            "query_forecast",
            {"Forecast": {"Predictions": {q: points([1.0], start=5) for q in ("p10", "p50", "p90")}}},
            {
                "ForecastArn": FORECAST,
                "StartDate": "2024-01-05T00:00:00",
                "EndDate": "2024-01-05T00:00:00",
                "Filters": {"workforce_type": workforce_type},
            },
        )

    aws.engine().forecast(data, 1)

    assert aws.messages[0] == (
        "1 series end before 2024-01-04: Amazon Forecast fills their last days "
        "and forecasts every series from 2024-01-05"
    )


def test_a_query_answer_without_a_quantile_names_the_series(aws: Aws) -> None:
    expect_run(aws, location=False, horizon=2)
    aws.query_stub.add_response(
        "query_forecast",
        {"Forecast": {"Predictions": {"p50": points([1.0, 1.0]), "p90": points([2.0, 2.0])}}},
        {
            "ForecastArn": FORECAST,
            "StartDate": "2024-01-04T00:00:00",
            "EndDate": "2024-01-05T00:00:00",
            "Filters": {"workforce_type": "lawyer"},
        },
    )
    with pytest.raises(AmazonForecastError, match="the forecast for lawyer has no p10"):
        aws.engine().forecast(parse_series(WITHOUT_LOCATION), 2)


def test_bad_run_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="run id 'run-1'"):
        AmazonForecastSettings(role_arn=ROLE, kms_key_arn="k", run_id="run-1")


# --- the CLI ------------------------------------------------------------------------------------


@pytest.fixture
def cli_aws(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> Aws:
    """acogida forecast predict --engine amazon_forecast on the stubbed clients, without sleeping."""
    from acogida.forecast import commands  # noqa: PLC0415

    clients = {"s3": aws.s3, "forecast": aws.forecast, "forecastquery": aws.query}
    monkeypatch.setattr(AwsTarget, "client", lambda _target, service: clients[service])
    monkeypatch.setattr(
        commands,
        "AmazonForecastEngine",
        functools.partial(AmazonForecastEngine, sleep=aws.time.sleep, clock=aws.time.clock),
    )
    monkeypatch.setenv("FORECAST_ROLE_ARN", ROLE)
    monkeypatch.setenv("FORECAST_BUCKET", BUCKET)
    return aws


def predict(tmp_path: Path, text: str, *options: str) -> tuple[int, Path]:
    train = tmp_path / "train.csv"
    train.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "forecast.csv"
    arguments = ["forecast", "predict", "--input", str(train), "--horizon", "2", "--output", str(out)]
    return main([*arguments, "--engine", "amazon_forecast", *options]), out


def test_cli_writes_the_contract_with_a_location(cli_aws: Aws, tmp_path: Path, capsys) -> None:
    expect_run(cli_aws, location=True, horizon=2)
    expect_query(
        cli_aws, {"workforce_type": "lawyer", "location": "Madrid"}, [-1.0, 0.0], [0.5, 1.0], [2.0, 3.0]
    )
    expect_query(
        cli_aws,
        {"workforce_type": "social_worker", "location": "Madrid"},
        [2.0, 2.0],
        [3.123456, 3.0],
        [4.0, 4.0],
    )
    expect_query(
        cli_aws,
        {"workforce_type": "social_worker", "location": "Sevilla"},
        [5.0, 5.0],
        [6.0, 6.0],
        [7.0, 7.0],
    )

    code, out = predict(tmp_path, WITH_LOCATION, "--kms-key-arn", cli_aws.kms_key_arn, "--run-id", RUN)

    assert code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows == [
        ["timestamp", "workforce_type", "location", "p10", "p50", "p90"],
        ["2024-01-04", "lawyer", "Madrid", "0.0", "0.5", "2.0"],
        ["2024-01-05", "lawyer", "Madrid", "0.0", "1.0", "3.0"],
        ["2024-01-04", "social_worker", "Madrid", "2.0", "3.1235", "4.0"],
        ["2024-01-05", "social_worker", "Madrid", "2.0", "3.0", "4.0"],
        ["2024-01-04", "social_worker", "Sevilla", "5.0", "6.0", "7.0"],
        ["2024-01-05", "social_worker", "Sevilla", "5.0", "6.0", "7.0"],
    ]
    err = capsys.readouterr().err
    assert f"amazon_forecast run {RUN} in {REGION}" in err
    assert "models: amazon_forecast 3" in err


def test_cli_reports_a_failed_resource_as_an_error(cli_aws: Aws, tmp_path: Path, capsys) -> None:
    expect_run(cli_aws, location=False, horizon=2, predictor_statuses=("CREATE_FAILED",))
    code, out = predict(tmp_path, WITHOUT_LOCATION, "--kms-key-arn", cli_aws.kms_key_arn, "--run-id", RUN)
    assert code == 1
    assert not out.exists()
    assert "acogida: error: amazon_forecast: predictor acogida_run1_predictor is CREATE_FAILED: Too few" in (
        capsys.readouterr().err
    )


def test_cli_names_the_missing_amazon_forecast_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    for name in ("FORECAST_ROLE_ARN", "FORECAST_BUCKET", "FORECAST_KMS_KEY_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FORECAST_BUCKET", BUCKET)
    code, out = predict(tmp_path, WITHOUT_LOCATION)
    assert code == 1
    assert not out.exists()
    assert capsys.readouterr().err == (
        "acogida: error: --engine amazon_forecast needs --forecast-role-arn (or FORECAST_ROLE_ARN), "
        "--kms-key-arn (or FORECAST_KMS_KEY_ARN)\n"
    )

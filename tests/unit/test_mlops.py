"""The forecast pipeline's stages: train → gate → publish (moto), prepare (Glue, stubbed), the
local stand-in's run statuses, and CodePipeline's run statuses (stubbed)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import numpy as np
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from acogida.adapters.aws import EMULATOR_ACCESS_KEY, AwsTarget
from acogida.adapters.forecast_table import ForecastTable
from acogida.adapters.object_store import ObjectStore
from acogida.adapters.pipeline_runs import CodePipelineRuns, PipelineBusyError, RunStatus, snake_status
from acogida.cli import main
from acogida.forecast.pipeline import BACKTEST_FILE, gate, read_model
from acogida.local.lake_demo import upload_demand
from acogida.mlops.local import LocalPipeline, LocalPipelineRuns
from acogida.mlops.stages import (
    PublishSettings,
    StageError,
    prepare,
    publish,
    read_demand,
    stage_clients,
    train_stage,
)
from tests.unit.aws_fixtures import create_forecasts_table

REGION = "eu-south-2"
HORIZON = 14
OFFICES = ("getafe", "madrid-centro")
TYPES = ("social_worker", "lawyer")


def demand_csv(days: int = 280, seed: int = 7) -> str:
    """Weekly-seasonal staff-hours (closed on Sundays) per office and workforce type."""
    rng = np.random.default_rng(seed)
    start = dt.date(2025, 1, 6)
    lines = ["timestamp,workforce_type,workforce_demand,location"]
    for office_number, office in enumerate(OFFICES):
        for type_number, workforce_type in enumerate(TYPES):
            level = 20.0 + 15 * office_number + 10 * type_number
            for offset in range(days):
                day = start + dt.timedelta(days=offset)
                weekly = (1.0, 1.2, 1.1, 1.0, 0.9, 0.4, 0.0)[day.weekday()]
                value = max(0.0, level * weekly + rng.normal(0, 2.0)) if weekly else 0.0
                lines.append(f"{day.isoformat()},{workforce_type},{value:.2f},{office}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("model")
    train_stage(demand_csv(), "test demand", HORIZON, directory, progress=lambda _m: None)
    return directory


# --- train and gate ----------------------------------------------------------------------------


def test_train_writes_a_model_directory_the_later_stages_read(model_dir):
    model = read_model(model_dir)
    assert len(model.forecast) == len(OFFICES) * len(TYPES) * HORIZON
    assert set(model.forecast["location"]) == set(OFFICES)
    assert (model.forecast["p10"] <= model.forecast["p50"]).all()
    assert (model.forecast["p50"] <= model.forecast["p90"]).all()
    assert (model.forecast["p10"] >= 0).all()
    # The forecast starts the day after the history ends, for every series.
    assert model.forecast["timestamp"].min() > model.history["timestamp"].max()
    assert model.backtest["horizon"] == HORIZON
    assert model.backtest["scored_series"] == len(OFFICES) * len(TYPES)
    assert set(model.choice.columns) >= {"workforce_type", "location", "model", "mase", "naive_mase"}


def test_the_gate_passes_a_model_that_beats_seasonal_naive(model_dir):
    decision = gate(read_model(model_dir).backtest)
    assert decision.passed, decision.reason
    assert main(["forecast", "gate", "--model-dir", str(model_dir)]) == 0


def test_the_gate_blocks_a_model_that_loses_to_seasonal_naive(model_dir, tmp_path, capsys):
    losing = tmp_path / "losing"
    losing.mkdir()
    for path in model_dir.iterdir():
        (losing / path.name).write_bytes(path.read_bytes())
    document = json.loads((losing / BACKTEST_FILE).read_text())
    document["overall"]["mase"] = document["overall"]["naive_mase"] * 1.05
    (losing / BACKTEST_FILE).write_text(json.dumps(document))

    assert main(["forecast", "gate", "--model-dir", str(losing)]) == 1
    assert "does not beat seasonal naive" in capsys.readouterr().out
    # A tie is not a win, and a required margin raises the bar.
    assert not gate({"overall": {"mase": 0.9, "naive_mase": 0.9}}).passed
    assert gate({"overall": {"mase": 0.9, "naive_mase": 1.0}}).passed
    assert not gate({"overall": {"mase": 0.9, "naive_mase": 1.0}}, min_improvement=0.15).passed
    # No scored series is no evidence.
    assert not gate({"overall": {}}).passed


def test_gate_and_publish_name_a_missing_model_directory(tmp_path, capsys):
    assert main(["forecast", "gate", "--model-dir", str(tmp_path / "nowhere")]) == 1
    assert "backtest.json: missing" in capsys.readouterr().err


# --- reading the curated demand ------------------------------------------------------------------


@mock_aws
def test_read_demand_joins_the_part_files_under_a_prefix_and_refuses_mixed_headers():
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="curated", CreateBucketConfiguration={"LocationConstraint": REGION})
    store = ObjectStore(s3, "curated")
    header = "timestamp,workforce_type,workforce_demand,location\n"
    s3.put_object(
        Bucket="curated",
        Key="demand/forecast_import/part-0001.csv",
        Body=header + "2025-01-01,lawyer,1,getafe\n",
    )
    s3.put_object(
        Bucket="curated",
        Key="demand/forecast_import/part-0002.csv",
        Body=header + "2025-01-02,lawyer,2,getafe\n",
    )
    s3.put_object(Bucket="curated", Key="demand/forecast_import/_SUCCESS", Body=b"")

    text = read_demand(store, "demand/forecast_import/")
    assert text.splitlines() == [header.strip(), "2025-01-01,lawyer,1,getafe", "2025-01-02,lawyer,2,getafe"]
    assert read_demand(store, "demand/forecast_import/part-0001.csv").count("\n") == 2

    with pytest.raises(StageError, match="no demand CSV"):
        read_demand(store, "demand/elsewhere/")
    s3.put_object(Bucket="curated", Key="demand/forecast_import/part-0003.csv", Body="day,type\n")
    with pytest.raises(StageError, match="header"):
        read_demand(store, "demand/forecast_import/")


@mock_aws
def test_the_local_prepare_replaces_the_demand_as_the_glue_jobs_overwrite_does(tmp_path):
    """A part file an earlier run left under demand/ would be read as more demand: it goes."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="curated", CreateBucketConfiguration={"LocationConstraint": REGION})
    store = ObjectStore(s3, "curated")
    key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    header = "timestamp,workforce_type,workforce_demand,location\n"
    s3.put_object(Bucket="curated", Key="demand/forecast_import/part-00000-old.csv", Body=header + "x\n")
    s3.put_object(Bucket="curated", Key="demand/parquet/part-00000-old.parquet", Body=b"old")
    s3.put_object(Bucket="curated", Key="demand/workload/keep.parquet", Body=b"other output")
    output = tmp_path / "curated"
    (output / "workforce_demand.parquet").mkdir(parents=True)
    (output / "workforce_demand.csv").write_text(header + "2025-01-01,lawyer,1,getafe\n")
    (output / "workforce_demand.parquet" / "part-0.parquet").write_bytes(b"new")

    written = upload_demand(store, key_arn, output)

    assert sorted(store.keys("demand/")) == sorted([*written, "demand/workload/keep.parquet"])
    assert read_demand(store, "demand/forecast_import/") == header + "2025-01-01,lawyer,1,getafe\n"


def test_train_names_the_line_of_a_bad_row(tmp_path):
    with pytest.raises(StageError, match="line 3: column workforce_demand"):
        train_stage(
            "timestamp,workforce_type,workforce_demand\n2025-01-01,lawyer,1\n2025-01-02,lawyer,many\n",
            "s3://curated/demand.csv",
            HORIZON,
            tmp_path,
            progress=lambda _m: None,
        )


# --- prepare (Glue) ------------------------------------------------------------------------------


def offline_client(service: str) -> Any:
    """A client for botocore's Stubber: dummy credentials, nothing leaves the process."""
    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id=EMULATOR_ACCESS_KEY,
        aws_secret_access_key=EMULATOR_ACCESS_KEY,
    )


def _glue_with(states: list[str], error: str | None = None) -> Any:
    glue = offline_client("glue")
    stubber = Stubber(glue)
    stubber.add_response("start_job_run", {"JobRunId": "jr_1"}, {"JobName": "acogida-test-demand"})
    for state in states:
        run: dict[str, Any] = {"Id": "jr_1", "JobRunState": state}
        if error and state == states[-1]:
            run["ErrorMessage"] = error
        stubber.add_response(
            "get_job_run",
            {"JobRun": run},
            {"JobName": "acogida-test-demand", "RunId": "jr_1", "PredecessorsIncluded": False},
        )
    stubber.activate()
    return glue


def test_prepare_starts_the_glue_job_and_waits_for_it():
    messages: list[str] = []
    glue = _glue_with(["STARTING", "RUNNING", "RUNNING", "SUCCEEDED"])
    assert prepare(glue, "acogida-test-demand", messages.append, sleep=lambda _s: None) == "jr_1"
    assert messages[-1].endswith("SUCCEEDED")
    assert sum("RUNNING" in message for message in messages) == 1  # a state is reported once


def test_prepare_fails_with_the_jobs_error_and_gives_up_after_the_timeout():
    glue = _glue_with(["RUNNING", "FAILED"], error="Out of memory")
    with pytest.raises(StageError, match="ended FAILED: Out of memory"):
        prepare(glue, "acogida-test-demand", lambda _m: None, sleep=lambda _s: None)
    glue = _glue_with(["RUNNING", "RUNNING", "RUNNING"])
    with pytest.raises(StageError, match="still RUNNING"):
        prepare(glue, "acogida-test-demand", lambda _m: None, poll_s=10, timeout_s=20, sleep=lambda _s: None)


# --- publish (moto) ------------------------------------------------------------------------------


@pytest.fixture
def publish_stores(monkeypatch: pytest.MonkeyPatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        target = AwsTarget(REGION)
        dynamodb = target.client("dynamodb")
        create_forecasts_table(dynamodb, "acogida-test-forecasts")
        s3 = target.client("s3")
        s3.create_bucket(
            Bucket="acogida-test-reports", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        key_arn = target.client("kms").create_key()["KeyMetadata"]["Arn"]
        sns, sqs = target.client("sns"), target.client("sqs")
        topic = sns.create_topic(Name="acogida-test-forecast-published")["TopicArn"]
        inbox = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)
        target.client("ses").verify_email_identity(EmailAddress="previsiones@acogida.example")
        settings = PublishSettings.from_environment(
            {
                "FORECASTS_TABLE": "acogida-test-forecasts",
                "REPORTS_BUCKET": "acogida-test-reports",
                "S3_KMS_KEY_ARN": key_arn,
                "FORECAST_TOPIC_ARN": topic,
                "REPORT_SENDER_EMAIL": "previsiones@acogida.example",
                "COORDINATOR_EMAILS_JSON": json.dumps({"getafe": ["coordinacion.getafe@acogida.example"]}),
                "REPORT_LINK_TTL_SECONDS": "3600",
                "FORECAST_TTL_DAYS": "30",
            }
        )
        yield target, settings, (sqs, inbox)


def test_publish_writes_rows_reports_and_notices(model_dir, publish_stores):
    from moto.core import DEFAULT_ACCOUNT_ID  # noqa: PLC0415
    from moto.ses.models import ses_backends  # noqa: PLC0415

    target, settings, (sqs, inbox) = publish_stores
    now = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    receipt = publish(model_dir, "run-1", settings, stage_clients(target), lambda _m: None, now=now)
    model = read_model(model_dir)

    assert receipt.rows == len(model.forecast)
    first = model.forecast.iloc[0]
    table = ForecastTable(target.client("dynamodb"), settings.forecasts_table)
    days = table.days(first["location"], first["workforce_type"], "2000-01-01", "2999-12-31")
    assert len(days) == HORIZON
    assert days[0].day == first["timestamp"]
    assert days[0].p50 == pytest.approx(first["p50"])
    # The series' last 56 observed days go beside it, ending the day before the forecast starts.
    observed = table.observed(first["location"], first["workforce_type"], "2000-01-01", "2999-12-31")
    assert len(observed) == 56
    day_before = dt.date.fromisoformat(first["timestamp"]) - dt.timedelta(days=1)
    assert observed[-1].day == day_before.isoformat()
    item = target.client("dynamodb").get_item(
        TableName=settings.forecasts_table,
        Key={
            "series": {"S": f"{first['location']}#{first['workforce_type']}"},
            "date": {"S": first["timestamp"]},
        },
    )["Item"]
    assert int(item["expires_at"]["N"]) == int((now + dt.timedelta(days=30)).timestamp())

    s3 = target.client("s3")
    assert sorted(receipt.report_keys) == sorted(
        f"reports/{office}/run-1/prevision-{office}.{suffix}"
        for office in OFFICES
        for suffix in ("csv", "png")
    )
    for key in receipt.report_keys:
        head = s3.head_object(Bucket=settings.reports_bucket, Key=key)
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"] == settings.s3_kms_key_arn
    png = s3.get_object(Bucket=settings.reports_bucket, Key="reports/getafe/run-1/prevision-getafe.png")[
        "Body"
    ].read()
    assert png.startswith(b"\x89PNG")

    notice = json.loads(json.loads(sqs.receive_message(QueueUrl=inbox)["Messages"][0]["Body"])["Message"])
    assert notice["run_id"] == "run-1"
    assert notice["rows"] == receipt.rows
    assert notice["offices"] == sorted(OFFICES)

    # Only getafe has coordinators on file: one e-mail, with regional SigV4 links to its reports.
    assert receipt.emails_sent == 1
    (sent,) = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    assert sent.destinations["ToAddresses"] == ["coordinacion.getafe@acogida.example"]
    assert (
        "acogida-test-reports.s3.eu-south-2.amazonaws.com/reports/getafe/run-1/prevision-getafe.png"
        in sent.body
    )
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in sent.body

    # Publishing the same run again overwrites the same rows and objects: nothing doubles.
    again = publish(model_dir, "run-1", settings, stage_clients(target), lambda _m: None, now=now)
    assert again.rows == receipt.rows
    assert len(table.days(first["location"], first["workforce_type"], "2000-01-01", "2999-12-31")) == HORIZON


def test_publish_settings_refuse_what_they_cannot_use():
    base = {
        "FORECASTS_TABLE": "t",
        "REPORTS_BUCKET": "b",
        "S3_KMS_KEY_ARN": "k",
        "FORECAST_TOPIC_ARN": "arn:aws:sns:eu-south-2:123456789012:t",
    }
    assert PublishSettings.from_environment(base).sender is None
    with pytest.raises(StageError, match="FORECASTS_TABLE"):
        PublishSettings.from_environment({**base, "FORECASTS_TABLE": ""})
    with pytest.raises(StageError, match="COORDINATOR_EMAILS_JSON"):
        PublishSettings.from_environment({**base, "COORDINATOR_EMAILS_JSON": '{"getafe": "a@b.es"}'})
    with pytest.raises(StageError, match="REPORT_LINK_TTL_SECONDS"):
        PublishSettings.from_environment({**base, "REPORT_LINK_TTL_SECONDS": "-1"})


# --- run statuses --------------------------------------------------------------------------------


class ScriptedPipeline(LocalPipeline):
    """The local stages with the work replaced: the gate fails when told to."""

    def prepare(self, progress):
        return "prepared"

    def train(self, model_dir, progress):
        return "trained"

    def gate(self, model_dir):
        if self.etl_engine == "losing":
            raise StageError("gate: model MASE 1.2 does not beat seasonal naive 1.0")
        return gate({"overall": {"mase": 0.8, "naive_mase": 1.0}})

    def publish(self, model_dir, run_id, progress):
        from acogida.mlops.stages import PublishReceipt  # noqa: PLC0415

        return PublishReceipt(run_id=run_id, rows=3, report_keys=["reports/x/a.csv"], emails_sent=0)


def finished(runs: LocalPipelineRuns, run_id: str, timeout_s: float = 10.0) -> RunStatus | None:
    """The run's status once it is no longer in progress (as the front polls GET /mlops/runs/{id})."""
    deadline = time.monotonic() + timeout_s
    while (status := runs.status(run_id)) is not None and status.status == "in_progress":
        assert time.monotonic() < deadline, f"run {run_id} still in progress after {timeout_s} s"
        time.sleep(0.02)
    return status


def _scripted(tmp_path: Path, outcome: str) -> LocalPipelineRuns:
    return LocalPipelineRuns(ScriptedPipeline({}, "raw", AwsTarget(REGION), tmp_path, outcome))


def test_the_local_stand_in_reports_each_stage_and_the_outcome(tmp_path):
    runs = _scripted(tmp_path, "winning")
    run_id = runs.start("coord-01")
    status = finished(runs, run_id)
    assert status is not None
    assert status.status == "succeeded"
    assert [(stage.name, stage.status) for stage in status.stages] == [
        ("Source", "succeeded"),
        ("Prepare", "succeeded"),
        ("Train", "succeeded"),
        ("Gate", "succeeded"),
        ("Publish", "succeeded"),
    ]
    assert "3 rows" in (status.stages[-1].message or "")
    assert runs.status("00000000-0000-0000-0000-000000000000") is None


def test_a_failed_gate_fails_the_run_and_nothing_is_published(tmp_path):
    runs = _scripted(tmp_path, "losing")
    status = finished(runs, runs.start("coord-01"))
    assert status is not None
    assert status.status == "failed"
    stages = {stage.name: stage for stage in status.stages}
    assert stages["Gate"].status == "failed"
    assert "does not beat seasonal naive" in (stages["Gate"].message or "")
    assert stages["Publish"].status == "skipped"


class BlockedPipeline(ScriptedPipeline):
    """Prepare waits until the test releases it."""

    release = threading.Event()

    def prepare(self, progress):
        assert self.release.wait(10)
        return "prepared"


def test_the_local_stand_in_runs_one_at_a_time(tmp_path):
    runs = LocalPipelineRuns(BlockedPipeline({}, "raw", AwsTarget(REGION), tmp_path, "winning"))
    run_id = runs.start("coord-01")
    with pytest.raises(PipelineBusyError, match=run_id):
        runs.start("coord-01")
    BlockedPipeline.release.set()
    status = finished(runs, run_id)
    assert status is not None
    assert status.status == "succeeded"
    assert runs.start("coord-01") != run_id  # the next run may start once the first is over


def test_codepipeline_run_status_lists_every_stage_in_order():
    client = offline_client("codepipeline")
    stubber = Stubber(client)
    run_id = "3f8d7a2e-1b2c-4d5e-8f90-123456789abc"
    stubber.add_response(
        "start_pipeline_execution", {"pipelineExecutionId": run_id}, {"name": "acogida-test-forecast"}
    )
    stubber.add_response(
        "get_pipeline_execution",
        {"pipelineExecution": {"pipelineExecutionId": run_id, "status": "InProgress"}},
        {"pipelineName": "acogida-test-forecast", "pipelineExecutionId": run_id},
    )
    stubber.add_response(
        "get_pipeline_state",
        {"stageStates": [{"stageName": name} for name in ("Source", "Prepare", "Train", "Gate", "Publish")]},
        {"name": "acogida-test-forecast"},
    )
    updated = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    stubber.add_response(
        "list_action_executions",
        {
            "actionExecutionDetails": [
                {
                    "stageName": "Source",
                    "actionName": "Source",
                    "status": "Succeeded",
                    "lastUpdateTime": updated,
                },
                {
                    "stageName": "Prepare",
                    "actionName": "Prepare",
                    "status": "Succeeded",
                    "lastUpdateTime": updated,
                },
                {
                    "stageName": "Train",
                    "actionName": "Train",
                    "status": "InProgress",
                    "lastUpdateTime": updated,
                    "output": {"executionResult": {"externalExecutionSummary": "build started"}},
                },
            ]
        },
        {"pipelineName": "acogida-test-forecast", "filter": {"pipelineExecutionId": run_id}},
    )
    stubber.activate()
    runs = CodePipelineRuns(client, "acogida-test-forecast")
    assert runs.start("coord-01") == run_id
    status = runs.status(run_id)
    assert status is not None
    assert status.status == "in_progress"
    assert [(stage.name, stage.status) for stage in status.stages] == [
        ("Source", "succeeded"),
        ("Prepare", "succeeded"),
        ("Train", "in_progress"),
        ("Gate", "pending"),
        ("Publish", "pending"),
    ]
    assert status.stages[2].message == "build started"
    assert snake_status("InProgress") == "in_progress"


def test_an_unknown_codepipeline_run_is_none():
    client = offline_client("codepipeline")
    stubber = Stubber(client)
    stubber.add_client_error("get_pipeline_execution", "PipelineExecutionNotFoundException")
    stubber.activate()
    assert CodePipelineRuns(client, "p").status("3f8d7a2e-1b2c-4d5e-8f90-123456789abc") is None


def test_forecast_train_from_a_file_then_gate_from_the_command_line(tmp_path, capsys):
    demand = tmp_path / "demand.csv"
    demand.write_text(demand_csv(days=120))
    model = tmp_path / "model"
    assert (
        main(["forecast", "train", "--input", str(demand), "--horizon", "7", "--output-dir", str(model)]) == 0
    )
    assert (model / "forecast.csv").read_text().count("\n") == 1 + len(OFFICES) * len(TYPES) * 7
    expected = gate(read_model(model).backtest)
    assert main(["forecast", "gate", "--model-dir", str(model)]) == (0 if expected.passed else 1)
    assert expected.reason in capsys.readouterr().out
    assert (
        main(
            [
                "forecast",
                "train",
                "--input",
                str(tmp_path / "missing.csv"),
                "--horizon",
                "7",
                "--output-dir",
                str(model),
            ]
        )
        == 1
    )
    assert "missing.csv: no such file" in capsys.readouterr().err
    assert (
        main(["forecast", "train", "--input", str(demand), "--horizon", "400", "--output-dir", str(model)])
        == 1
    )

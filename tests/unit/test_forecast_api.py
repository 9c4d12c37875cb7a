"""The forecast API handler against moto: the published forecast by series and dates, refusals
with reasons, office isolation, reports with pre-signed links, and pipeline runs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from acogida.adapters.forecast_table import ForecastDay, ForecastTable, ObservedDay
from acogida.adapters.pipeline_runs import PipelineBusyError, RunStatus, StageStatus, use_local_pipeline
from acogida.handlers import forecast_api
from acogida.local.events import http_api_event, route_function
from acogida.local.lambda_context import LocalLambdaContext
from tests.unit.aws_fixtures import create_forecasts_table

REGION = "eu-south-2"
TABLE = "acogida-test-forecasts"
REPORTS = "acogida-test-reports"
COORDINATOR = {"sub": "coord-01", "cognito:groups": "[coordinator]", "custom:office": "getafe"}
TECHNICIAN = {"sub": "tech-01", "cognito:groups": "[technician]", "custom:office": "getafe"}
OTHER_COORDINATOR = {"sub": "coord-02", "cognito:groups": "[coordinator]", "custom:office": "sevilla"}
RUN_ID = "3f8d7a2e-1b2c-4d5e-8f90-123456789abc"


@pytest.fixture
def forecast_stores(monkeypatch: pytest.MonkeyPatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Acogida",
        "FORECASTS_TABLE": TABLE,
        "REPORTS_BUCKET": REPORTS,
        "PIPELINE_NAME": "",
        "REPORT_LINK_TTL_SECONDS": "900",
        "MAX_FORECAST_DAYS": "90",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        create_forecasts_table(dynamodb, TABLE)
        days = [
            ForecastDay(
                office,
                "lawyer",
                (dt.date(2026, 12, 1) + dt.timedelta(days=n)).isoformat(),
                1.0 + n,
                2.0 + n,
                3.0 + n,
                RUN_ID,
                "2026-11-23T08:00:00+00:00",
            )
            for office in ("getafe", "sevilla")
            for n in range(30)
        ]
        ForecastTable(dynamodb, TABLE).put_days(days, expires_at=2_000_000_000)
        observed = [
            ObservedDay(
                office,
                "lawyer",
                (dt.date(2026, 12, 1) - dt.timedelta(days=n)).isoformat(),
                10.0 + n,
                RUN_ID,
                "2026-11-23T08:00:00+00:00",
            )
            for office in ("getafe", "sevilla")
            for n in range(1, 57)
        ]
        ForecastTable(dynamodb, TABLE).put_observed(observed, expires_at=2_000_000_000)
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=REPORTS, CreateBucketConfiguration={"LocationConstraint": REGION})
        for office in ("getafe", "sevilla"):
            for suffix in ("csv", "png"):
                s3.put_object(
                    Bucket=REPORTS, Key=f"reports/{office}/{RUN_ID}/prevision-{office}.{suffix}", Body=b"x"
                )
        forecast_api.forecast_api.cache_clear()
        yield dynamodb
        forecast_api.forecast_api.cache_clear()
        use_local_pipeline(None)


def call(method: str, path: str, claims: dict[str, Any] | None = COORDINATOR, **query: str):
    event = http_api_event(method, path, claims=claims, query=query or None)
    assert route_function(event["routeKey"]) == "forecast_api"
    response = forecast_api.handler(event, LocalLambdaContext("forecast_api"))
    return response["statusCode"], json.loads(response["body"])


def test_the_forecast_of_the_callers_office_by_type_and_dates(forecast_stores):
    status, body = call("GET", "/forecast", workforce_type="lawyer", start="2026-12-03", end="2026-12-05")
    assert status == 200
    assert body["location"] == "getafe"
    assert body["run_id"] == RUN_ID
    assert body["days"] == [
        {"date": "2026-12-03", "p10": 3.0, "p50": 4.0, "p90": 5.0},
        {"date": "2026-12-04", "p10": 4.0, "p50": 5.0, "p90": 6.0},
        {"date": "2026-12-05", "p10": 5.0, "p50": 6.0, "p90": 7.0},
    ]
    # The observed days before start (28 by default), oldest first: the chart's recent past.
    assert len(body["history"]) == 26  # 28 days before Dec 3 start on Nov 5; Nov 5 … Nov 30 are observed
    assert body["history"][-1] == {"date": "2026-11-30", "demand": 11.0}
    status, body = call(
        "GET", "/forecast", workforce_type="lawyer", start="2026-12-01", end="2026-12-02", history_days="3"
    )
    assert [day["date"] for day in body["history"]] == ["2026-11-28", "2026-11-29", "2026-11-30"]
    assert [day["date"] for day in body["days"]] == ["2026-12-01", "2026-12-02"]
    status, body = call(
        "GET", "/forecast", workforce_type="lawyer", start="2026-12-01", end="2026-12-02", history_days="0"
    )
    assert body["history"] == []
    # Technicians read it too; an unpublished type or period is an empty answer, not an error.
    status, body = call(
        "GET", "/forecast", TECHNICIAN, workforce_type="psychologist", start="2026-12-01", end="2026-12-02"
    )
    assert (status, body["days"], body["run_id"]) == (200, [], None)


@pytest.mark.parametrize(
    ("query", "error", "reason"),
    [
        ({"start": "2026-12-01", "end": "2026-12-02"}, "invalid_query", "workforce_type is required"),
        (
            {"workforce_type": "astronaut", "start": "2026-12-01", "end": "2026-12-02"},
            "unknown_workforce_type",
            "one of",
        ),
        (
            {"workforce_type": "lawyer", "start": "2026-13-01", "end": "2026-12-02"},
            "invalid_query",
            "start: a date",
        ),
        (
            {"workforce_type": "lawyer", "start": "2026-12-01", "end": "mañana"},
            "invalid_query",
            "end: a date",
        ),
        (
            {"workforce_type": "lawyer", "start": "2026-12-1", "end": "2026-12-02"},
            "invalid_query",
            "start: a date",
        ),
        ({"workforce_type": "lawyer", "start": "2026-12-05", "end": "2026-12-02"}, "invalid_query", "before"),
        (
            {"workforce_type": "lawyer", "start": "2026-12-01", "end": "2027-03-01"},
            "range_too_long",
            "90 days",
        ),
        ({"workforce_type": "lawyer", "end": "2026-12-02"}, "invalid_query", "start is required"),
        (
            {"workforce_type": "lawyer", "start": "2026-12-01", "end": "2026-12-02", "history_days": "57"},
            "invalid_query",
            "history_days: a whole number from 0 to 56",
        ),
        (
            {"workforce_type": "lawyer", "start": "2026-12-01", "end": "2026-12-02", "history_days": "-1"},
            "invalid_query",
            "history_days",
        ),
    ],
)
def test_bad_queries_get_a_400_with_the_reason(forecast_stores, query, error, reason):
    status, body = call("GET", "/forecast", **query)
    assert status == 400
    assert body["error"] == error
    assert reason in body["message"]


def test_ninety_days_is_the_longest_range(forecast_stores):
    status, _ = call("GET", "/forecast", workforce_type="lawyer", start="2026-12-01", end="2027-02-28")
    assert status == 200


def test_another_offices_forecast_and_reports_are_refused(forecast_stores):
    status, body = call(
        "GET", "/forecast", workforce_type="lawyer", start="2026-12-01", end="2026-12-02", location="sevilla"
    )
    assert (status, body["error"]) == (403, "other_office")
    status, body = call(
        "GET", "/forecast", workforce_type="lawyer", start="2026-12-01", end="2026-12-02", location="getafe"
    )
    assert status == 200
    # Sevilla's coordinator gets Sevilla's numbers for the same query.
    status, body = call(
        "GET", "/forecast", OTHER_COORDINATOR, workforce_type="lawyer", start="2026-12-01", end="2026-12-01"
    )
    assert (status, body["location"]) == (200, "sevilla")


def test_callers_need_a_user_a_group_and_an_office(forecast_stores):
    assert call("GET", "/forecast", {"cognito:groups": "[coordinator]", "custom:office": "getafe"})[0] == 401
    assert (
        call("GET", "/forecast", {"sub": "x", "cognito:groups": "[visitor]", "custom:office": "getafe"})[0]
        == 403
    )
    assert call("GET", "/forecast", {"sub": "x", "cognito:groups": "[coordinator]"})[0] == 403
    # Reports and retraining are the coordinator's.
    assert call("GET", "/reports", TECHNICIAN)[0] == 403
    assert call("POST", "/mlops/runs", TECHNICIAN)[0] == 403


def test_reports_list_only_the_callers_office_with_presigned_links(forecast_stores):
    status, body = call("GET", "/reports")
    assert status == 200
    assert body["office"] == "getafe"
    (report,) = body["reports"]
    assert report["run_id"] == RUN_ID
    names = sorted(item["name"] for item in report["files"])
    assert names == ["prevision-getafe.csv", "prevision-getafe.png"]
    for item in report["files"]:
        assert item["url"].startswith(f"https://{REPORTS}.s3.{REGION}.amazonaws.com/reports/getafe/")
        assert "X-Amz-Expires=900" in item["url"]
        assert "sevilla" not in item["url"]


class FakeRuns:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.busy = False

    def start(self, requested_by: str) -> str:
        if self.busy:
            raise PipelineBusyError(f"run {RUN_ID} is still in progress")
        self.started.append(requested_by)
        return RUN_ID

    def status(self, run_id: str) -> RunStatus | None:
        if run_id != RUN_ID:
            return None
        return RunStatus(
            run_id, "in_progress", [StageStatus("Source", "succeeded"), StageStatus("Train", "in_progress")]
        )


def test_pipeline_runs_start_and_report_their_stages(forecast_stores):
    assert call("POST", "/mlops/runs") == (
        503,
        {
            "error": "pipeline_disabled",
            "message": "the forecast pipeline is switched off in this environment",
        },
    )
    runs = FakeRuns()
    use_local_pipeline(runs)
    assert call("POST", "/mlops/runs") == (202, {"run_id": RUN_ID, "status": "in_progress"})
    assert runs.started == ["coord-01"]
    status, body = call("GET", f"/mlops/runs/{RUN_ID}")
    assert status == 200
    assert [(stage["name"], stage["status"]) for stage in body["stages"]] == [
        ("Source", "succeeded"),
        ("Train", "in_progress"),
    ]
    assert call("GET", "/mlops/runs/3f8d7a2e-1b2c-4d5e-8f90-000000000000")[0] == 404
    assert call("GET", "/mlops/runs/..%2F..%2Fetc")[0] == 404
    runs.busy = True
    status, body = call("POST", "/mlops/runs")
    assert (status, body["error"]) == (409, "run_in_progress")


def test_logs_carry_no_query_values_beyond_codes(forecast_stores, capsys):
    call("GET", "/forecast", workforce_type="<script>alert(1)</script>", start="2026-12-01", end="2026-12-02")
    out = capsys.readouterr().out
    assert "<script>" not in out


def test_a_failing_store_is_a_503_with_a_reason(forecast_stores):
    forecast_stores.delete_table(TableName=TABLE)
    status, body = call("GET", "/forecast", workforce_type="lawyer", start="2026-12-01", end="2026-12-02")
    assert status == 503
    assert body == {
        "error": "backend_unavailable",
        "message": "the forecast store is unavailable; retry later",
    }

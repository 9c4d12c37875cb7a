"""Forecast API (the intake HTTP API's other routes, Cognito JWT authorizer, payload 2.0).

    GET  /forecast?workforce_type=…&start=YYYY-MM-DD&end=YYYY-MM-DD[&location=…][&history_days=N]
                                  daily p10/p50/p90 of the published forecast (≤ MAX_FORECAST_DAYS),
                                  and the observed demand of the N days before start (default 28)
    GET  /reports                 the office's reports, newest first, with pre-signed links
    POST /mlops/runs              start the forecast pipeline; 202 {"run_id"}
    GET  /mlops/runs/{run_id}     the run's status and each stage's

A user reads only their own office (``custom:office``): ``location`` defaults to it and another
office is refused. Reading forecasts takes the technician or coordinator group; reports and
retraining take coordinator. Every refusal is a 4xx JSON ``{"error", "message"}``. The routes
touch only aggregated staff-hours: no personal data reaches this function or its logs.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from acogida.adapters.aws import AwsTarget
from acogida.adapters.forecast_table import ForecastTable
from acogida.adapters.pipeline_runs import (
    RUN_ID_PATTERN,
    CodePipelineRuns,
    PipelineBusyError,
    PipelineRuns,
    local_pipeline,
)
from acogida.etl.workforce import load_workforce_config
from acogida.handlers.http import ApiError, Caller, backend_unavailable, caller_from_claims, json_response
from acogida.handlers.runtime import required_setting

READER_GROUPS = frozenset({"technician", "coordinator"})
COORDINATOR_GROUPS = frozenset({"coordinator"})
REPORTS_PREFIX = "reports/"
MAX_REPORTS = 50
DEFAULT_HISTORY_DAYS = 28
MAX_HISTORY_DAYS = 56  # what publish writes (acogida.mlops.stages.PUBLISHED_HISTORY_DAYS)

logger = Logger(service="forecast_api")
tracer = Tracer(service="forecast_api")
metrics = Metrics(namespace="Acogida", service="forecast_api")
app = APIGatewayHttpResolver()


@dataclass(frozen=True)
class ForecastApi:
    forecasts: ForecastTable
    s3: Any
    reports_bucket: str
    link_ttl_s: int
    max_days: int
    pipeline: PipelineRuns | None
    workforce_types: frozenset[str]


@cache
def forecast_api() -> ForecastApi:
    """Settings and clients, built on first use (importing the handler needs neither)."""
    target = AwsTarget(region=required_setting("AWS_REGION"))
    pipeline_name = os.environ.get("PIPELINE_NAME", "").strip()
    pipeline: PipelineRuns | None = (
        CodePipelineRuns(target.client("codepipeline"), pipeline_name) if pipeline_name else None
    )
    return ForecastApi(
        forecasts=ForecastTable(target.client("dynamodb"), required_setting("FORECASTS_TABLE")),
        s3=target.link_signing_s3(),
        reports_bucket=required_setting("REPORTS_BUCKET"),
        link_ttl_s=int(os.environ.get("REPORT_LINK_TTL_SECONDS", "3600")),
        max_days=int(os.environ.get("MAX_FORECAST_DAYS", "90")),
        pipeline=pipeline,
        workforce_types=frozenset(load_workforce_config().workforce_types),
    )


def _pipeline() -> PipelineRuns:
    runs = forecast_api().pipeline or local_pipeline()
    if runs is None:
        raise ApiError(503, "pipeline_disabled", "the forecast pipeline is switched off in this environment")
    return runs


# --------------------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------------------


@app.get("/forecast")
@tracer.capture_method
def read_forecast() -> Response[str]:
    caller = _caller(READER_GROUPS)
    api = forecast_api()
    workforce_type = _query("workforce_type")
    if workforce_type not in api.workforce_types:
        raise ApiError(
            400,
            "unknown_workforce_type",
            f"workforce_type: one of {', '.join(sorted(api.workforce_types))}",
        )
    start, end = _date("start"), _date("end")
    if end < start:
        raise ApiError(400, "invalid_query", "end is before start")
    if (end - start).days + 1 > api.max_days:
        raise ApiError(400, "range_too_long", f"at most {api.max_days} days per query")
    history_days = _history_days()
    location = _location(caller)
    days = api.forecasts.days(location, workforce_type, start.isoformat(), end.isoformat())
    history_start = start - dt.timedelta(days=history_days)
    observed = api.forecasts.observed(location, workforce_type, history_start.isoformat(), end.isoformat())
    metrics.add_metric(name="ForecastReads", unit=MetricUnit.Count, value=1)
    return json_response(
        200,
        {
            "workforce_type": workforce_type,
            "location": location,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "unit": "staff-hours",
            "run_id": days[-1].run_id if days else None,
            "published_at": max((day.published_at for day in days), default=None),
            "days": [{"date": day.day, "p10": day.p10, "p50": day.p50, "p90": day.p90} for day in days],
            "history": [{"date": day.day, "demand": day.demand} for day in observed] if history_days else [],
        },
    )


@app.get("/reports")
@tracer.capture_method
def list_reports() -> Response[str]:
    caller = _caller(COORDINATOR_GROUPS)
    api = forecast_api()
    prefix = f"{REPORTS_PREFIX}{caller.office}/"
    runs: dict[str, dict[str, Any]] = {}
    for page in api.s3.get_paginator("list_objects_v2").paginate(Bucket=api.reports_bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            parts = item["Key"][len(prefix) :].split("/")
            if len(parts) != 2 or not parts[1]:  # <run_id>/<file>
                continue
            run = runs.setdefault(parts[0], {"run_id": parts[0], "published_at": None, "files": []})
            modified = item["LastModified"].astimezone(dt.UTC).isoformat(timespec="seconds")
            run["published_at"] = max(filter(None, (run["published_at"], modified)))
            run["files"].append(
                {
                    "name": parts[1],
                    "size": item["Size"],
                    "url": api.s3.generate_presigned_url(
                        "get_object",
                        Params={"Bucket": api.reports_bucket, "Key": item["Key"]},
                        ExpiresIn=api.link_ttl_s,
                    ),
                }
            )
    newest = sorted(runs.values(), key=lambda run: run["published_at"], reverse=True)[:MAX_REPORTS]
    return json_response(
        200, {"office": caller.office, "link_expires_in_s": api.link_ttl_s, "reports": newest}
    )


@app.post("/mlops/runs")
@tracer.capture_method
def start_run() -> Response[str]:
    caller = _caller(COORDINATOR_GROUPS)
    try:
        run_id = _pipeline().start(caller.user)
    except PipelineBusyError as error:
        raise ApiError(409, "run_in_progress", str(error)) from None
    logger.info("pipeline run started", extra={"run_id": run_id, "office": caller.office})
    metrics.add_metric(name="PipelineRunsStarted", unit=MetricUnit.Count, value=1)
    return json_response(202, {"run_id": run_id, "status": "in_progress"})


@app.get("/mlops/runs/<run_id>")
@tracer.capture_method
def read_run(run_id: str) -> Response[str]:
    _caller(COORDINATOR_GROUPS)
    if not RUN_ID_PATTERN.match(run_id):
        raise ApiError(404, "not_found", "no such pipeline run")
    status = _pipeline().status(run_id)
    if status is None:
        raise ApiError(404, "not_found", "no such pipeline run")
    return json_response(200, status.as_document())


# --------------------------------------------------------------------------------------------------
# Request helpers
# --------------------------------------------------------------------------------------------------


def _caller(allowed_groups: frozenset[str]) -> Caller:
    return caller_from_claims(app.current_event.request_context.authorizer.jwt_claim, allowed_groups)


def _query(name: str) -> str:
    value = app.current_event.get_query_string_value(name)
    if value is None or not value.strip():
        raise ApiError(400, "invalid_query", f"{name} is required")
    return value.strip()


def _date(name: str) -> dt.date:
    raw = _query(name)
    try:
        if len(raw) != len("YYYY-MM-DD"):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid_query", f"{name}: a date YYYY-MM-DD") from None


def _history_days() -> int:
    raw = app.current_event.get_query_string_value("history_days")
    if raw is None:
        return DEFAULT_HISTORY_DAYS
    if not raw.isdigit() or int(raw) > MAX_HISTORY_DAYS:
        raise ApiError(400, "invalid_query", f"history_days: a whole number from 0 to {MAX_HISTORY_DAYS}")
    return int(raw)


def _location(caller: Caller) -> str:
    asked = app.current_event.get_query_string_value("location")
    if asked is None or not asked.strip():
        return caller.office
    if asked.strip() != caller.office:
        raise ApiError(403, "other_office", "you can read only your own office's forecast")
    return caller.office


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------


@app.exception_handler(ApiError)
def _api_error(error: ApiError) -> Response[str]:
    logger.info("request refused", extra={"status": error.status, "error": error.code})
    return json_response(error.status, {"error": error.code, "message": error.message, **error.details})


@app.exception_handler([ClientError, BotoCoreError])
def _aws_error(error: Exception) -> Response[str]:
    return backend_unavailable(error, logger, metrics, "the forecast store")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

"""The stage commands of the forecast pipeline (module ml; buildspecs in ``src/mlops/``).

Each stage takes its settings from environment variables Terraform gives its CodeBuild project
(root output ``mlops_stage_environment``), does one thing, and fails with a clear message:

- prepare: start the Glue job that rewrites ``curated/demand/`` and wait for it;
- train: read the demand CSV from the curated bucket, backtest and forecast (model directory);
- gate: refuse a model that does not beat seasonal naive on the backtest;
- publish: forecast rows into DynamoDB, a CSV and a PNG per office into ``reports/``, a notice
  on the forecast topic, an e-mail with pre-signed links to each office's coordinators.

Nothing here logs or sends personal data: the pipeline only sees aggregated staff-hours.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acogida.adapters.aws import AwsTarget
from acogida.adapters.forecast_table import ForecastDay, ForecastTable, ObservedDay
from acogida.adapters.object_store import ObjectStore
from acogida.forecast.pipeline import (
    TrainedModel,
    locations,
    office_report,
    plot_office,
    read_model,
    train,
    write_model,
)
from acogida.forecast.series import SeriesInputError, parse_series

Progress = Callable[[str], None]
GLUE_FINISHED = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"}
MAX_HORIZON_DAYS = 90
REPORTS_PREFIX = "reports/"
# Observed days per series published beside the forecast (GET /forecast returns them as history).
PUBLISHED_HISTORY_DAYS = 56


class StageError(RuntimeError):
    """A stage that cannot finish: the message says which setting, object or job, and why."""


def setting(environment: Mapping[str, str], name: str) -> str:
    value = environment.get(name, "").strip()
    if not value:
        raise StageError(f"environment variable {name} is not set")
    return value


def check_horizon(name: str, days: str | int) -> int:
    """``days`` as a horizon the pipeline accepts (1 to MAX_HORIZON_DAYS); ``name`` is where it came from."""
    if not str(days).isdigit() or not 1 <= int(days) <= MAX_HORIZON_DAYS:
        raise StageError(f"{name} must be a whole number from 1 to {MAX_HORIZON_DAYS}, got {days!r}")
    return int(days)


def horizon_setting(environment: Mapping[str, str]) -> int:
    return check_horizon("FORECAST_HORIZON_DAYS", setting(environment, "FORECAST_HORIZON_DAYS"))


# --- prepare -------------------------------------------------------------------------------------


def prepare(
    glue: Any,  # noqa: ANN401 - boto3 client
    job_name: str,
    progress: Progress,
    *,
    poll_s: float = 30.0,
    timeout_s: float = 3 * 3600.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Start the demand job and wait for it; returns the job run id."""
    run_id = str(glue.start_job_run(JobName=job_name)["JobRunId"])
    progress(f"Glue job {job_name}: run {run_id} started")
    waited = 0.0
    state = "STARTING"
    while True:
        run = glue.get_job_run(JobName=job_name, RunId=run_id, PredecessorsIncluded=False)["JobRun"]
        if run["JobRunState"] != state:
            state = run["JobRunState"]
            progress(f"Glue job {job_name}: {state}")
        if state in GLUE_FINISHED:
            break
        if waited >= timeout_s:
            raise StageError(f"Glue job {job_name} run {run_id} still {state} after {timeout_s:.0f} s")
        sleep(poll_s)
        waited += poll_s
    if state != "SUCCEEDED":
        raise StageError(
            f"Glue job {job_name} run {run_id} ended {state}: {run.get('ErrorMessage', 'no message')}"
        )
    return run_id


# --- train ---------------------------------------------------------------------------------------


def read_demand(store: ObjectStore, key_or_prefix: str) -> str:
    """The demand CSV: one object, or every ``.csv`` under a prefix ending in "/" (the Glue job
    writes one part file with a generated name), joined under one header."""
    keys = (
        sorted(key for key in store.keys(key_or_prefix) if key.endswith(".csv"))
        if key_or_prefix.endswith("/")
        else [key_or_prefix]
    )
    if not keys:
        raise StageError(f"s3://{store.bucket}/{key_or_prefix}: no demand CSV (has the prepare stage run?)")
    header: str | None = None
    lines: list[str] = []
    for key in keys:
        text = store.get(key).body.decode("utf-8-sig")
        first, _, rest = text.partition("\n")
        if header is None:
            header = first
        elif first.strip() != header.strip():
            raise StageError(
                f"s3://{store.bucket}/{key}: header {first.strip()!r} differs from {header.strip()!r}"
            )
        lines.append(rest.rstrip("\n"))
    return "\n".join([header or "", *filter(None, lines)]) + "\n"


def train_stage(text: str, source: str, horizon: int, output_dir: Path, progress: Progress) -> TrainedModel:
    try:
        data = parse_series(text, source)
    except SeriesInputError as error:
        raise StageError(str(error)) from None
    progress(f"{len(data.keys)} series, {len(data.frame):,} days from {source}")
    model = train(data, horizon, progress)
    write_model(model, output_dir)
    overall = model.backtest["overall"]
    if overall:
        progress(
            f"backtest MASE {overall['mase']:.3f} vs seasonal naive {overall['naive_mase']:.3f}, "
            f"[p10, p90] coverage {overall['coverage']:.2f}"
        )
    progress(f"model written to {output_dir}")
    return model


# --- publish -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishSettings:
    forecasts_table: str
    reports_bucket: str
    s3_kms_key_arn: str
    topic_arn: str
    sender: str | None
    coordinator_emails: dict[str, list[str]]
    link_ttl_s: int
    forecast_ttl_days: int

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> PublishSettings:
        raw_emails = environment.get("COORDINATOR_EMAILS_JSON", "").strip() or "{}"
        try:
            emails = json.loads(raw_emails)
        except json.JSONDecodeError:
            raise StageError("COORDINATOR_EMAILS_JSON is not JSON") from None
        if not isinstance(emails, dict) or not all(
            isinstance(v, list) and all(isinstance(a, str) for a in v) for v in emails.values()
        ):
            raise StageError("COORDINATOR_EMAILS_JSON must map each office to a list of addresses")

        def whole(name: str, default: str) -> int:
            raw = environment.get(name, "").strip() or default
            if not raw.isdigit() or int(raw) < 1:
                raise StageError(f"{name} must be a positive whole number, got {raw!r}")
            return int(raw)

        return cls(
            forecasts_table=setting(environment, "FORECASTS_TABLE"),
            reports_bucket=setting(environment, "REPORTS_BUCKET"),
            s3_kms_key_arn=setting(environment, "S3_KMS_KEY_ARN"),
            topic_arn=setting(environment, "FORECAST_TOPIC_ARN"),
            sender=environment.get("REPORT_SENDER_EMAIL", "").strip() or None,
            coordinator_emails={str(office): list(addresses) for office, addresses in emails.items()},
            link_ttl_s=whole("REPORT_LINK_TTL_SECONDS", "3600"),
            forecast_ttl_days=whole("FORECAST_TTL_DAYS", "400"),
        )


@dataclass(frozen=True)
class PublishReceipt:
    run_id: str
    rows: int
    report_keys: list[str] = field(default_factory=list)
    emails_sent: int = 0


def report_keys(location: str, run_id: str) -> tuple[str, str]:
    base = f"{REPORTS_PREFIX}{location}/{run_id}/prevision-{location}"
    return f"{base}.csv", f"{base}.png"


def stage_clients(target: AwsTarget) -> dict[str, Any]:
    """The clients publish uses (``s3_links`` signs the coordinators' links)."""
    clients = {name: target.client(name) for name in ("dynamodb", "s3", "sns", "ses")}
    clients["s3_links"] = target.link_signing_s3()
    return clients


def presigned_link(s3: Any, bucket: str, key: str, ttl_s: int) -> str:  # noqa: ANN401
    return str(
        s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=ttl_s)
    )


def _email_body(location: str, run_id: str, links: dict[str, str], ttl_s: int) -> str:
    hours = ttl_s // 3600
    return (
        f"Hola:\n\nYa está publicada la nueva previsión de personal para la oficina {location} "
        f"(ejecución {run_id}).\n\n"
        f"Gráfico: {links['png']}\nTabla (CSV): {links['csv']}\n\n"
        f"Los enlaces caducan en {hours} horas; después, los informes siguen en la pantalla Informes.\n"
    )


def _recent_observed(model: TrainedModel, run_id: str, published_at: str) -> list[ObservedDay]:
    """The last ``PUBLISHED_HISTORY_DAYS`` observed days of each series, for the forecast chart."""
    history = model.history.copy()
    history["timestamp"] = history["timestamp"].astype(str).str[:10]
    cutoff = (
        dt.date.fromisoformat(str(history["timestamp"].max())) - dt.timedelta(days=PUBLISHED_HISTORY_DAYS - 1)
        if len(history)
        else None
    )
    return [
        ObservedDay(
            location=str(row["location"]),
            workforce_type=str(row["workforce_type"]),
            day=str(row["timestamp"]),
            demand=float(row["workforce_demand"]),
            run_id=run_id,
            published_at=published_at,
        )
        for row in history.to_dict("records")
        if cutoff is not None and str(row["timestamp"]) >= cutoff.isoformat()
    ]


def publish(
    model_dir: Path,
    run_id: str,
    settings: PublishSettings,
    clients: Mapping[str, Any],
    progress: Progress,
    *,
    now: dt.datetime | None = None,
) -> PublishReceipt:
    """Rows first (a later run overwrites the same days), then reports, then the notices."""
    model = read_model(model_dir)
    now = now or dt.datetime.now(dt.UTC)
    published_at = now.isoformat(timespec="seconds")
    days = [
        ForecastDay(
            location=str(row["location"]),
            workforce_type=str(row["workforce_type"]),
            day=str(row["timestamp"]),
            p10=float(row["p10"]),
            p50=float(row["p50"]),
            p90=float(row["p90"]),
            run_id=run_id,
            published_at=published_at,
        )
        for row in model.forecast.to_dict("records")
    ]
    expires_at = int((now + dt.timedelta(days=settings.forecast_ttl_days)).timestamp())
    forecasts = ForecastTable(clients["dynamodb"], settings.forecasts_table)
    rows = forecasts.put_days(days, expires_at)
    observed = forecasts.put_observed(_recent_observed(model, run_id, published_at), expires_at)
    progress(f"{rows:,} forecast rows and {observed:,} observed days into {settings.forecasts_table}")

    s3 = clients["s3"]
    store = ObjectStore(s3, settings.reports_bucket)
    written: list[str] = []
    links_by_office: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="acogida-report-") as scratch:
        for location in locations(model):
            csv_key, png_key = report_keys(location, run_id)
            table = office_report(model, location).to_csv(index=False).encode("utf-8")
            store.put_encrypted(csv_key, table, settings.s3_kms_key_arn, "text/csv; charset=utf-8")
            chart = plot_office(
                model, location, Path(scratch) / f"{location}.png", f"Previsión de personal, {location}"
            )
            store.put_encrypted(png_key, chart.read_bytes(), settings.s3_kms_key_arn, "image/png")
            written += [csv_key, png_key]
            links_by_office[location] = {
                "csv": presigned_link(
                    clients["s3_links"], settings.reports_bucket, csv_key, settings.link_ttl_s
                ),
                "png": presigned_link(
                    clients["s3_links"], settings.reports_bucket, png_key, settings.link_ttl_s
                ),
            }
    progress(f"{len(written)} report objects under s3://{settings.reports_bucket}/{REPORTS_PREFIX}")

    overall = model.backtest.get("overall") or {}
    clients["sns"].publish(
        TopicArn=settings.topic_arn,
        Subject="Acogida: forecast published",
        Message=json.dumps(
            {
                "run_id": run_id,
                "published_at": published_at,
                "rows": rows,
                "offices": sorted(links_by_office),
                "horizon_days": model.backtest.get("horizon"),
                "backtest_mase": overall.get("mase"),
                "seasonal_naive_mase": overall.get("naive_mase"),
                "coverage": overall.get("coverage"),
                "reports": written,
            }
        ),
    )
    sent = 0
    if settings.sender:
        for location, links in sorted(links_by_office.items()):
            recipients = settings.coordinator_emails.get(location, [])
            if not recipients:
                continue
            clients["ses"].send_email(
                Source=settings.sender,
                Destination={"ToAddresses": recipients},
                Message={
                    "Subject": {"Data": f"Previsión de personal publicada: {location}", "Charset": "UTF-8"},
                    "Body": {
                        "Text": {
                            "Data": _email_body(location, run_id, links, settings.link_ttl_s),
                            "Charset": "UTF-8",
                        }
                    },
                },
            )
            sent += 1
    progress(f"notice on the forecast topic; {sent} office e-mail(s) with pre-signed links")
    return PublishReceipt(run_id=run_id, rows=rows, report_keys=written, emails_sent=sent)

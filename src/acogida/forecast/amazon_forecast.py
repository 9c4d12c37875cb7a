"""The ``amazon_forecast`` engine: the same p10/p50/p90 contract as the statsforecast engine, made
by Amazon Forecast (dataset group in the WORK_FORCE domain, AutoPredictor) for accounts that still
have the service (it is closed to new customers).

One run, named by its run id (letters, digits, ``_``), makes:

1. a dataset group, Domain ``WORK_FORCE``;
2. its TARGET_TIME_SERIES dataset, daily, schema ``timestamp, workforce_type, workforce_demand``
   plus ``location`` (a forecast dimension) when the series have one;
3. the training CSV in S3 (no header, columns in schema order, SSE-KMS) and a dataset import job;
4. an AutoPredictor (horizon H, daily, quantiles 0.1/0.5/0.9, optimised for the weighted quantile
   loss);
5. a forecast, read back per series with ``QueryForecast`` or, as an option, through a forecast
   export job to the same S3 prefix.

Every create is idempotent by name: a resource that already exists (a rerun with the same run id
after an interruption) is found by name and reused. Every wait polls with a bounded timeout and
an injectable sleep and clock, reports each status change (resource kind, name, status, elapsed
minutes: never data), and fails with the resource's own message when it ends ``CREATE_FAILED``.
``cleanup`` deletes what the run made, in reverse order, and the run's S3 objects.

This module is an adapter: the boto3 clients and the object store are injected, the pure parts
(schema, training rows, mapping the answers to the contract) are plain functions.

Amazon Forecast starts every series' forecast on the day after the data set's last day; a series
that ends earlier gets its missing last days filled by the service (zero by default), and the
progress says how many series that concerns.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from botocore.exceptions import ClientError

from acogida.adapters.object_store import ObjectStore
from acogida.forecast.engine import ForecastResult
from acogida.forecast.series import SeriesFrame, series_id

logger = logging.getLogger(__name__)

DOMAIN = "WORK_FORCE"
DATASET_TYPE = "TARGET_TIME_SERIES"
FREQUENCY = "D"
TIMESTAMP_FORMAT = "yyyy-MM-dd"
FORECAST_TYPES = ("0.1", "0.5", "0.9")
QUANTILE_COLUMNS = ("p10", "p50", "p90")  # QueryForecast's and the export's names for FORECAST_TYPES
OPTIMIZATION_METRIC = "AverageWeightedQuantileLoss"
ENGINE_NAME = "amazon_forecast"
# Forecast resource names: a letter, then letters, digits and underscores, at most 63 characters.
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9_]{1,32}")
# A wait reports every status change, and otherwise at least this often.
REPORT_EVERY_SECONDS = 600.0

ReadMode = Literal["query", "export"]


class AmazonForecastError(RuntimeError):
    """A Forecast resource failed, timed out, or answered something the contract cannot hold."""


def new_run_id(now: dt.datetime | None = None) -> str:
    """A run id from the UTC time, e.g. ``20261123_071720``."""
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d_%H%M%S")


@dataclass(frozen=True)
class AmazonForecastSettings:
    """What a run needs besides the clients: the role Forecast assumes (to read and write the S3
    prefix and use the KMS key), the KMS key for the S3 objects and Forecast's own copies, the
    run id that names every resource, and how long to wait."""

    role_arn: str
    kms_key_arn: str
    run_id: str
    prefix: str = "forecast/amazon_forecast"
    name_prefix: str = "acogida"
    read: ReadMode = "query"
    poll_seconds: float = 60.0
    timeout_seconds: float = 12 * 3600.0  # per resource: an AutoPredictor can train for hours

    def __post_init__(self) -> None:
        if not RUN_ID_PATTERN.fullmatch(self.run_id):
            raise ValueError(
                f"run id {self.run_id!r}: use 1 to 32 letters, digits or underscores (Forecast names)"
            )
        if not NAME_PATTERN.fullmatch(self.name("export")):
            raise ValueError(f"name prefix {self.name_prefix!r}: Forecast names start with a letter")
        if self.read not in ("query", "export"):
            raise ValueError(f"read must be 'query' or 'export', got {self.read!r}")
        if self.poll_seconds <= 0 or self.timeout_seconds <= 0:
            raise ValueError("poll_seconds and timeout_seconds must be positive")

    def name(self, kind: str) -> str:
        return f"{self.name_prefix}_{self.run_id}_{kind}"

    @property
    def run_prefix(self) -> str:
        return f"{self.prefix.strip('/')}/{self.run_id}/"

    @property
    def training_key(self) -> str:
        return f"{self.run_prefix}train/target_time_series.csv"

    @property
    def export_prefix(self) -> str:
        return f"{self.run_prefix}export/"


@dataclass
class ForecastResources:
    """The ARNs a run made or reused so far (cleanup deletes these, in reverse order)."""

    dataset_group_arn: str | None = None
    dataset_arn: str | None = None
    import_job_arn: str | None = None
    predictor_arn: str | None = None
    forecast_arn: str | None = None
    export_job_arn: str | None = None
    reused: list[str] = field(default_factory=list)  # kinds found by name instead of created


# --- pure parts -------------------------------------------------------------------------------


def schema_attributes(has_location: bool) -> list[dict[str, str]]:
    """The WORK_FORCE target time series schema, in the training CSV's column order."""
    attributes = [
        {"AttributeName": "timestamp", "AttributeType": "timestamp"},
        {"AttributeName": "workforce_type", "AttributeType": "string"},
        {"AttributeName": "workforce_demand", "AttributeType": "float"},
    ]
    if has_location:
        attributes.append({"AttributeName": "location", "AttributeType": "string"})
    return attributes


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def training_csv(data: SeriesFrame) -> bytes:
    """Every day of every series, no header, columns as ``schema_attributes`` orders them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    days = data.frame["ds"].dt.strftime("%Y-%m-%d").to_numpy()
    for unique_id, day, value in zip(data.frame["unique_id"], days, data.frame["y"], strict=True):
        workforce_type, location = data.keys[str(unique_id)]
        row = [day, workforce_type, _number(float(value))]
        if data.has_location:
            row.append(location or "")
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def forecast_days(data: SeriesFrame, horizon: int) -> list[dt.date]:
    """The H days after the data set's last day (where Amazon Forecast starts every series)."""
    last: dt.date = pd.Timestamp(data.frame["ds"].max()).date()
    return [last + dt.timedelta(days=step) for step in range(1, horizon + 1)]


def contract_frame(rows: Iterable[tuple[str, dt.date, float, float, float]]) -> pd.DataFrame:
    """``unique_id, ds, p10, p50, p90`` (the engine's frame): clipped at zero, quantiles ordered."""
    frame = pd.DataFrame(list(rows), columns=["unique_id", "ds", *QUANTILE_COLUMNS])
    values = np.clip(frame[list(QUANTILE_COLUMNS)].to_numpy(dtype=float), 0.0, None)
    values.sort(axis=1)
    frame[list(QUANTILE_COLUMNS)] = values
    frame["ds"] = pd.to_datetime(frame["ds"])
    return frame.sort_values(["unique_id", "ds"], ignore_index=True)


def _day(stamp: str) -> dt.date:
    return dt.date.fromisoformat(stamp.strip()[:10])


def _describe_series(workforce_type: str, location: str | None) -> str:
    return workforce_type if location is None else f"{workforce_type} at {location}"


def predictions_rows(
    unique_id: str, predictions: dict[str, list[dict[str, Any]]], days: list[dt.date], label: str
) -> list[tuple[str, dt.date, float, float, float]]:
    """One series' QueryForecast ``Predictions`` ({"p10": [{"Timestamp", "Value"}], ...}) as rows
    for ``days``; a missing quantile or day is an error naming the series."""
    by_quantile: dict[str, dict[dt.date, float]] = {}
    for column in QUANTILE_COLUMNS:
        points = predictions.get(column)
        if not points:
            raise AmazonForecastError(f"the forecast for {label} has no {column}")
        try:
            by_quantile[column] = {_day(str(point["Timestamp"])): float(point["Value"]) for point in points}
        except (KeyError, TypeError, ValueError) as error:
            raise AmazonForecastError(f"the forecast for {label} has a malformed {column} point") from error
    rows = []
    for day in days:
        try:
            p10, p50, p90 = (by_quantile[column][day] for column in QUANTILE_COLUMNS)
        except KeyError:
            raise AmazonForecastError(f"the forecast for {label} has no value for {day}") from None
        rows.append((unique_id, day, p10, p50, p90))
    return rows


def export_rows(
    texts: Iterable[str], data: SeriesFrame, days: list[dt.date]
) -> list[tuple[str, dt.date, float, float, float]]:
    """The export job's CSV parts (header ``workforce_type,[location,]date,p10,p50,p90``) as rows
    for ``days``, every series of ``data`` required."""
    predictions: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for text in texts:
        reader = csv.DictReader(io.StringIO(text))
        fields = [name.strip().lower() for name in reader.fieldnames or []]
        required = (
            "workforce_type",
            *(("location",) if data.has_location else ()),
            "date",
            *QUANTILE_COLUMNS,
        )
        missing = [name for name in required if name not in fields]
        if missing:
            raise AmazonForecastError(f"forecast export file without column(s) {', '.join(missing)}")
        for record in reader:
            row = {name.strip().lower(): value for name, value in record.items() if name is not None}
            location = row.get("location") if data.has_location else None
            key = series_id(row["workforce_type"], location)
            series = predictions.setdefault(key, {column: [] for column in QUANTILE_COLUMNS})
            for column in QUANTILE_COLUMNS:
                series[column].append({"Timestamp": row["date"], "Value": row[column]})
    rows = []
    for unique_id in sorted(data.keys):
        label = _describe_series(*data.keys[unique_id])
        rows += predictions_rows(unique_id, predictions.get(unique_id, {}), days, label)
    return rows


# --- the engine (AWS calls through the injected clients) --------------------------------------


class AmazonForecastEngine:
    """Runs one forecast through Amazon Forecast. ``forecast_client`` and ``query_client`` are
    boto3 ``forecast`` and ``forecastquery`` clients; ``store`` is the bucket for the training CSV
    and the export."""

    def __init__(
        self,
        forecast_client: Any,  # noqa: ANN401 - boto3 clients are dynamically typed
        query_client: Any,  # noqa: ANN401
        store: ObjectStore,
        settings: AmazonForecastSettings,
        *,
        progress: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._forecast = forecast_client
        self._query = query_client
        self._store = store
        self.settings = settings
        self._progress = progress or logger.info
        self._sleep = sleep
        self._clock = clock
        self.resources = ForecastResources()

    # The run ------------------------------------------------------------------------------------

    def forecast(self, data: SeriesFrame, horizon: int) -> ForecastResult:
        if horizon < 1:
            raise ValueError(f"horizon must be at least 1 day, got {horizon}")
        days = forecast_days(data, horizon)
        ends = data.frame.groupby("unique_id")["ds"].max()
        early = int((ends < ends.max()).sum())
        if early:
            self._progress(
                f"{early} series end before {ends.max().date()}: Amazon Forecast fills their last days "
                f"and forecasts every series from {days[0]}"
            )
        self._dataset_group()
        self._dataset(data.has_location)
        self._import(data)
        self._predictor(horizon, data.has_location)
        self._create_forecast()
        if self.settings.read == "export":
            rows = self._read_export(data, days)
        else:
            rows = self._read_query(data, days)
        frame = contract_frame(rows)
        return ForecastResult(frame=frame, chosen=dict.fromkeys(sorted(data.keys), ENGINE_NAME))

    def _dataset_group(self) -> str:
        name = self.settings.name("dsg")
        arn = self._create_or_reuse(
            "dataset group",
            name,
            lambda: self._forecast.create_dataset_group(DatasetGroupName=name, Domain=DOMAIN),
            arn_key="DatasetGroupArn",
            listing=("list_dataset_groups", "DatasetGroups", "DatasetGroupName"),
        )
        self.resources.dataset_group_arn = arn
        if "dataset group" in self.resources.reused:
            domain = self._forecast.describe_dataset_group(DatasetGroupArn=arn).get("Domain")
            if domain != DOMAIN:
                raise AmazonForecastError(f"dataset group {name} exists with domain {domain}, not {DOMAIN}")
        return arn

    def _dataset(self, has_location: bool) -> str:
        settings, group_arn = self.settings, self.resources.dataset_group_arn
        name = settings.name("tts")
        arn = self._create_or_reuse(
            "dataset",
            name,
            lambda: self._forecast.create_dataset(
                DatasetName=name,
                Domain=DOMAIN,
                DatasetType=DATASET_TYPE,
                DataFrequency=FREQUENCY,
                Schema={"Attributes": schema_attributes(has_location)},
                EncryptionConfig={"RoleArn": settings.role_arn, "KMSKeyArn": settings.kms_key_arn},
            ),
            arn_key="DatasetArn",
            listing=("list_datasets", "Datasets", "DatasetName"),
        )
        self.resources.dataset_arn = arn
        self._wait("dataset", name, lambda: self._forecast.describe_dataset(DatasetArn=arn))
        self._forecast.update_dataset_group(DatasetGroupArn=group_arn, DatasetArns=[arn])
        self._wait(
            "dataset group",
            settings.name("dsg"),
            lambda: self._forecast.describe_dataset_group(DatasetGroupArn=group_arn),
        )
        return arn

    def _import(self, data: SeriesFrame) -> str:
        settings, dataset_arn = self.settings, self.resources.dataset_arn
        body = training_csv(data)
        self._store.put_encrypted(settings.training_key, body, settings.kms_key_arn, "text/csv")
        self._progress(
            f"uploaded {len(data.frame):,} training rows ({len(body):,} bytes) to "
            f"s3://{self._store.bucket}/{settings.training_key}"
        )
        name = settings.name("import")
        arn = self._create_or_reuse(
            "dataset import job",
            name,
            lambda: self._forecast.create_dataset_import_job(
                DatasetImportJobName=name,
                DatasetArn=dataset_arn,
                DataSource={
                    "S3Config": {
                        "Path": f"s3://{self._store.bucket}/{settings.training_key}",
                        "RoleArn": settings.role_arn,
                        "KMSKeyArn": settings.kms_key_arn,
                    }
                },
                TimestampFormat=TIMESTAMP_FORMAT,
                Format="CSV",
            ),
            arn_key="DatasetImportJobArn",
            listing=("list_dataset_import_jobs", "DatasetImportJobs", "DatasetImportJobName"),
        )
        self.resources.import_job_arn = arn
        self._wait(
            "dataset import job",
            name,
            lambda: self._forecast.describe_dataset_import_job(DatasetImportJobArn=arn),
        )
        return arn

    def _predictor(self, horizon: int, has_location: bool) -> str:
        settings = self.settings
        name = settings.name("predictor")
        request: dict[str, Any] = {
            "PredictorName": name,
            "ForecastHorizon": horizon,
            "ForecastTypes": list(FORECAST_TYPES),
            "ForecastFrequency": FREQUENCY,
            "DataConfig": {"DatasetGroupArn": self.resources.dataset_group_arn},
            "EncryptionConfig": {"RoleArn": settings.role_arn, "KMSKeyArn": settings.kms_key_arn},
            "OptimizationMetric": OPTIMIZATION_METRIC,
        }
        if has_location:
            request["ForecastDimensions"] = ["location"]
        arn = self._create_or_reuse(
            "predictor",
            name,
            lambda: self._forecast.create_auto_predictor(**request),
            arn_key="PredictorArn",
            listing=("list_predictors", "Predictors", "PredictorName"),
        )
        self.resources.predictor_arn = arn
        self._wait("predictor", name, lambda: self._forecast.describe_auto_predictor(PredictorArn=arn))
        return arn

    def _create_forecast(self) -> str:
        name = self.settings.name("forecast")
        predictor_arn = self.resources.predictor_arn
        arn = self._create_or_reuse(
            "forecast",
            name,
            lambda: self._forecast.create_forecast(
                ForecastName=name, PredictorArn=predictor_arn, ForecastTypes=list(FORECAST_TYPES)
            ),
            arn_key="ForecastArn",
            listing=("list_forecasts", "Forecasts", "ForecastName"),
        )
        self.resources.forecast_arn = arn
        self._wait("forecast", name, lambda: self._forecast.describe_forecast(ForecastArn=arn))
        return arn

    def _read_query(
        self, data: SeriesFrame, days: list[dt.date]
    ) -> list[tuple[str, dt.date, float, float, float]]:
        rows: list[tuple[str, dt.date, float, float, float]] = []
        start, end = f"{days[0].isoformat()}T00:00:00", f"{days[-1].isoformat()}T00:00:00"
        for count, unique_id in enumerate(sorted(data.keys), start=1):
            workforce_type, location = data.keys[unique_id]
            filters = {"workforce_type": workforce_type}
            if location is not None:
                filters["location"] = location
            predictions = self._query_series(filters, start, end)
            rows += predictions_rows(unique_id, predictions, days, _describe_series(workforce_type, location))
            if count % 100 == 0 or count == len(data.keys):
                self._progress(f"queried {count} of {len(data.keys)} series")
        return rows

    def _query_series(self, filters: dict[str, str], start: str, end: str) -> dict[str, list[dict[str, Any]]]:
        merged: dict[str, list[dict[str, Any]]] = {}
        request: dict[str, Any] = {
            "ForecastArn": self.resources.forecast_arn,
            "StartDate": start,
            "EndDate": end,
            "Filters": filters,
        }
        while True:
            response = self._query.query_forecast(**request)
            for column, points in response.get("Forecast", {}).get("Predictions", {}).items():
                merged.setdefault(column, []).extend(points)
            token = response.get("NextToken")
            if not token:
                return merged
            request["NextToken"] = token

    def _read_export(
        self, data: SeriesFrame, days: list[dt.date]
    ) -> list[tuple[str, dt.date, float, float, float]]:
        settings = self.settings
        name = settings.name("export")
        forecast_arn = self.resources.forecast_arn
        arn = self._create_or_reuse(
            "forecast export job",
            name,
            lambda: self._forecast.create_forecast_export_job(
                ForecastExportJobName=name,
                ForecastArn=forecast_arn,
                Destination={
                    "S3Config": {
                        "Path": f"s3://{self._store.bucket}/{settings.export_prefix}",
                        "RoleArn": settings.role_arn,
                        "KMSKeyArn": settings.kms_key_arn,
                    }
                },
                Format="CSV",
            ),
            arn_key="ForecastExportJobArn",
            listing=("list_forecast_export_jobs", "ForecastExportJobs", "ForecastExportJobName"),
        )
        self.resources.export_job_arn = arn
        self._wait(
            "forecast export job",
            name,
            lambda: self._forecast.describe_forecast_export_job(ForecastExportJobArn=arn),
        )
        keys = [key for key in self._store.keys(settings.export_prefix) if key.endswith(".csv")]
        if not keys:
            raise AmazonForecastError(
                f"forecast export job {name} wrote no CSV under {settings.export_prefix}"
            )
        self._progress(f"reading {len(keys)} export file(s)")
        return export_rows((self._store.get(key).body.decode("utf-8") for key in keys), data, days)

    # Creating and waiting -----------------------------------------------------------------------

    def _create_or_reuse(
        self,
        kind: str,
        name: str,
        create: Callable[[], dict[str, Any]],
        *,
        arn_key: str,
        listing: tuple[str, str, str],
    ) -> str:
        """Create the resource, or find the one of that name (ResourceAlreadyExistsException)."""
        try:
            arn = str(create()[arn_key])
            self._progress(f"{kind} {name}: created")
            return arn
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceAlreadyExistsException":
                raise
        operation, items_key, name_key = listing
        for item in self._list(operation, items_key):
            if item.get(name_key) == name:
                self.resources.reused.append(kind)
                self._progress(f"{kind} {name}: exists, reused")
                return str(item[arn_key])
        raise AmazonForecastError(f"{kind} {name} already exists but {operation} does not list it")

    def _list(self, operation: str, items_key: str) -> Iterator[dict[str, Any]]:
        for page in self._forecast.get_paginator(operation).paginate():
            yield from page.get(items_key, [])

    def _wait(self, kind: str, name: str, describe: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Poll ``describe`` until ACTIVE; a failed, stopped or deleted resource or the timeout is
        an AmazonForecastError naming the resource (and its message, when it failed)."""
        settings = self.settings
        started = self._clock()
        last_status, last_report = "", started
        while True:
            response = describe()
            status = str(response.get("Status", ""))
            now = self._clock()
            minutes = (now - started) / 60
            if status != last_status or now - last_report >= REPORT_EVERY_SECONDS:
                self._progress(f"{kind} {name}: {status} ({minutes:.0f} min)")
                last_status, last_report = status, now
            if status == "ACTIVE":
                return response
            if status.endswith("_FAILED") or status.endswith("_STOPPED") or status.startswith("DELETE"):
                message = response.get("Message") or "no message"
                raise AmazonForecastError(f"{kind} {name} is {status}: {message}")
            if now - started + settings.poll_seconds > settings.timeout_seconds:
                raise AmazonForecastError(
                    f"{kind} {name} is still {status} after {minutes:.0f} min "
                    f"(timeout {settings.timeout_seconds / 60:.0f} min); it keeps running in Forecast: "
                    f"rerun with the same run id to pick it up, or clean up"
                )
            self._sleep(settings.poll_seconds)

    # Cleaning up --------------------------------------------------------------------------------

    def cleanup(self) -> None:
        """Delete the run's Forecast resources, newest first, each waited for, then its S3 objects
        (the training CSV and the export) in every version."""
        resources = self.resources
        # (kind, ARN, delete operation, describe operation, ARN parameter)
        steps = [
            (
                "forecast export job",
                resources.export_job_arn,
                "delete_forecast_export_job",
                "describe_forecast_export_job",
                "ForecastExportJobArn",
            ),
            ("forecast", resources.forecast_arn, "delete_forecast", "describe_forecast", "ForecastArn"),
            (
                "predictor",
                resources.predictor_arn,
                "delete_predictor",
                "describe_auto_predictor",
                "PredictorArn",
            ),
            (
                "dataset import job",
                resources.import_job_arn,
                "delete_dataset_import_job",
                "describe_dataset_import_job",
                "DatasetImportJobArn",
            ),
            ("dataset", resources.dataset_arn, "delete_dataset", "describe_dataset", "DatasetArn"),
            (
                "dataset group",
                resources.dataset_group_arn,
                "delete_dataset_group",
                "describe_dataset_group",
                "DatasetGroupArn",
            ),
        ]
        for kind, arn, delete_operation, describe_operation, arn_key in steps:
            if arn is None:
                continue
            request = {arn_key: arn}
            try:
                getattr(self._forecast, delete_operation)(**request)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                    raise
            self._wait_deleted(
                kind, arn, functools.partial(getattr(self._forecast, describe_operation), **request)
            )
        deleted = self._store.delete_every_version(self.settings.run_prefix)
        self._progress(f"deleted {deleted} S3 object version(s) under {self.settings.run_prefix}")
        self.resources = ForecastResources()

    def _wait_deleted(self, kind: str, arn: str, describe: Callable[[], dict[str, Any]]) -> None:
        name = arn.rsplit("/", 1)[-1]
        started = self._clock()
        while True:
            try:
                status = str(describe().get("Status", ""))
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    self._progress(f"{kind} {name}: deleted")
                    return
                raise
            if status == "DELETE_FAILED":
                raise AmazonForecastError(f"{kind} {name} could not be deleted (DELETE_FAILED)")
            elapsed = self._clock() - started
            if elapsed + self.settings.poll_seconds > self.settings.timeout_seconds:
                raise AmazonForecastError(f"{kind} {name} is still {status} after {elapsed / 60:.0f} min")
            self._sleep(self.settings.poll_seconds)

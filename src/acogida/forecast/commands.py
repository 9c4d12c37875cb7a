"""``acogida forecast predict`` and ``acogida forecast backtest`` (the command-line contract)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pandas as pd
from botocore.exceptions import BotoCoreError, ClientError

from acogida.forecast.amazon_forecast import (
    AmazonForecastEngine,
    AmazonForecastError,
    AmazonForecastSettings,
    new_run_id,
)
from acogida.forecast.engine import ForecastResult, forecast
from acogida.forecast.evaluate import backtest
from acogida.forecast.series import SeriesFrame, read_series

MAX_HORIZON = 366
ENGINES = ("statsforecast", "amazon_forecast")
# What the amazon_forecast engine fails with: the CLI reports these as errors, not tracebacks.
ENGINE_ERRORS = (AmazonForecastError, ClientError, BotoCoreError)


@dataclass(frozen=True)
class AmazonForecastOptions:
    """``--engine amazon_forecast`` settings; the unset ones come from the environment."""

    role_arn: str | None = None  # FORECAST_ROLE_ARN
    bucket: str | None = None  # FORECAST_BUCKET
    kms_key_arn: str | None = None  # FORECAST_KMS_KEY_ARN
    prefix: str = "forecast/amazon_forecast"
    run_id: str | None = None  # default: a new one from the UTC time
    read: str = "query"  # or "export"
    cleanup: bool = False


def progress(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def _check_horizon(horizon: int) -> None:
    if not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"--horizon must be between 1 and {MAX_HORIZON} days, got {horizon}")


def amazon_forecast_engine(
    options: AmazonForecastOptions, environ: Mapping[str, str] = os.environ
) -> AmazonForecastEngine:
    """The amazon_forecast engine for ``options``, its AWS clients in the region of the normal
    AWS configuration; a missing setting is a ValueError naming its option and variable."""
    import boto3  # noqa: PLC0415 - AWS only for this engine

    from acogida.adapters.aws import AwsTarget  # noqa: PLC0415
    from acogida.adapters.object_store import ObjectStore  # noqa: PLC0415

    settings = {
        "--forecast-role-arn": options.role_arn or environ.get("FORECAST_ROLE_ARN"),
        "--bucket": options.bucket or environ.get("FORECAST_BUCKET"),
        "--kms-key-arn": options.kms_key_arn or environ.get("FORECAST_KMS_KEY_ARN"),
    }
    variables = {
        "--forecast-role-arn": "FORECAST_ROLE_ARN",
        "--bucket": "FORECAST_BUCKET",
        "--kms-key-arn": "FORECAST_KMS_KEY_ARN",
    }
    missing = [f"{option} (or {variables[option]})" for option, value in settings.items() if not value]
    if missing:
        raise ValueError(f"--engine amazon_forecast needs {', '.join(missing)}")
    region = boto3.session.Session().region_name
    if not region:
        raise ValueError("--engine amazon_forecast needs an AWS region (AWS_REGION or the AWS config)")
    target = AwsTarget(region)
    run_id = options.run_id or new_run_id()
    engine_settings = AmazonForecastSettings(
        role_arn=str(settings["--forecast-role-arn"]),
        kms_key_arn=str(settings["--kms-key-arn"]),
        run_id=run_id,
        prefix=options.prefix,
        read="export" if options.read == "export" else "query",
    )
    store = ObjectStore(target.client("s3"), str(settings["--bucket"]))
    progress(f"amazon_forecast run {run_id} in {region}")
    return AmazonForecastEngine(
        target.client("forecast"), target.client("forecastquery"), store, engine_settings, progress=progress
    )


def _amazon_forecast(
    engine: AmazonForecastEngine, data: SeriesFrame, horizon: int, cleanup: bool
) -> ForecastResult:
    try:
        return engine.forecast(data, horizon)
    finally:
        if cleanup:
            engine.cleanup()


def predict_command(
    input_path: Path,
    horizon: int,
    output_path: Path,
    engine: str = "statsforecast",
    amazon: AmazonForecastOptions | None = None,
) -> int:
    _check_horizon(horizon)
    if engine not in ENGINES:
        raise ValueError(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    amazon = amazon or AmazonForecastOptions()
    amazon_engine = amazon_forecast_engine(amazon) if engine == "amazon_forecast" else None
    started = time.perf_counter()
    data = read_series(input_path)
    progress(f"{len(data.keys)} series, {len(data.frame):,} days from {input_path}")
    if amazon_engine is None:
        result = forecast(data.frame, horizon, progress=progress)
    else:
        result = _amazon_forecast(amazon_engine, data, horizon, amazon.cleanup)
    frame = result.frame
    keys = frame["unique_id"].map(data.keys)
    out = pd.DataFrame(
        {
            "timestamp": frame["ds"].dt.strftime("%Y-%m-%d"),
            "workforce_type": [key[0] for key in keys],
        }
    )
    if data.has_location:
        out["location"] = [key[1] for key in keys]
    for column in ("p10", "p50", "p90"):
        out[column] = frame[column].round(4)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(output_path, index=False)
    chosen = pd.Series(result.chosen).value_counts()
    progress("models: " + ", ".join(f"{name} {count}" for name, count in chosen.items()))
    progress(f"wrote {len(out):,} rows to {output_path} in {time.perf_counter() - started:.1f} s")
    return 0


def backtest_command(input_path: Path, horizon: int, stdout: TextIO = sys.stdout) -> int:
    _check_horizon(horizon)
    data = read_series(input_path)
    progress(f"{len(data.keys)} series from {input_path}: hiding the last {horizon} days of each")
    report = backtest(data.frame, horizon, progress=progress)

    def name(unique_id: str) -> str:
        workforce_type, location = data.keys[unique_id]
        return workforce_type if location is None else f"{workforce_type} @ {location}"

    def row(label: str, model: str, values: tuple[float, ...]) -> str:
        mase, naive, coverage, loss, naive_loss = values
        scores = f"{mase:>7.3f} {naive:>7.3f} {coverage:>6.2f} {loss:>7.3f} {naive_loss:>8.3f}"
        return f"{label[:40]:<40} {model:<24} {scores}"

    print(
        f"{'series':<40} {'model':<24} {'MASE':>7} {'sNaive':>7} {'cover':>6} {'QL':>7} {'sNaiveQL':>8}",
        file=stdout,
    )
    for score in report.scores:
        values = (
            score.mase,
            score.naive_mase,
            score.coverage,
            score.quantile_loss,
            score.naive_quantile_loss,
        )
        print(row(name(score.unique_id), score.model, values), file=stdout)
    overall = report.overall()
    if overall:
        keys = ("mase", "naive_mase", "coverage", "quantile_loss", "naive_quantile_loss")
        print(row("overall (mean of series)", "", tuple(overall[key] for key in keys)), file=stdout)
        print(
            f"MASE vs seasonal naive: {overall['mase_improvement']:+.1%} better; "
            f"[p10, p90] coverage {overall['coverage']:.2f} (target 0.80)",
            file=stdout,
        )
    for unique_id in report.skipped:
        print(f"skipped {name(unique_id)}: not longer than the horizon", file=stdout)
    return 0

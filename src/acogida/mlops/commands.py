"""The commands the pipeline's buildspecs run (``acogida mlops prepare``, ``acogida forecast
train|gate|publish``), with the settings of their CodeBuild project's environment; and
``acogida mlops run --local``."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ObjectStore
from acogida.forecast.commands import progress
from acogida.forecast.pipeline import gate, read_model
from acogida.mlops.stages import (
    PublishSettings,
    StageError,
    check_horizon,
    horizon_setting,
    prepare,
    publish,
    read_demand,
    setting,
    stage_clients,
    train_stage,
)


def _aws() -> AwsTarget:
    # CodeBuild sets AWS_REGION; boto3 itself honours AWS_ENDPOINT_URL when it is set.
    return AwsTarget(setting(dict(os.environ), "AWS_REGION"))


def prepare_command() -> int:
    prepare(_aws().client("glue"), setting(dict(os.environ), "GLUE_JOB_NAME"), progress)
    return 0


def train_command(output_dir: Path, input_path: Path | None, horizon: int | None = None) -> int:
    environment = dict(os.environ)
    horizon = horizon_setting(environment) if horizon is None else check_horizon("--horizon", horizon)
    if input_path is not None:
        if not input_path.is_file():
            raise StageError(f"{input_path}: no such file")
        text, source = input_path.read_text(encoding="utf-8-sig"), str(input_path)
    else:
        store = ObjectStore(_aws().client("s3"), setting(environment, "CURATED_BUCKET"))
        location = setting(environment, "CURATED_DEMAND_KEY")
        text, source = read_demand(store, location), f"s3://{store.bucket}/{location}"
    train_stage(text, source, horizon, output_dir, progress)
    return 0


def gate_command(input_dir: Path, min_improvement: float) -> int:
    decision = gate(read_model(input_dir).backtest, min_improvement)
    print(f"gate {'passed' if decision.passed else 'FAILED'}: {decision.reason}")
    if decision.coverage is not None:
        print(f"[p10, p90] coverage on the backtest: {decision.coverage:.2f} (target 0.80)")
    return 0 if decision.passed else 1


def publish_command(input_dir: Path, run_id: str) -> int:
    settings = PublishSettings.from_environment(dict(os.environ))
    target = _aws()
    clients = stage_clients(target)
    receipt = publish(input_dir, run_id, settings, clients, progress)
    print(
        f"published run {receipt.run_id}: {receipt.rows} forecast rows, "
        f"{len(receipt.report_keys)} report objects, {receipt.emails_sent} e-mail(s)"
    )
    return 0


def run_local_command(workdir: Path, endpoint: str, outputs: dict[str, object], etl_engine: str) -> int:
    from acogida.mlops.local import LocalPipeline, run_stages  # noqa: PLC0415 - local tooling only

    pipeline = LocalPipeline.from_outputs(outputs, endpoint, workdir, etl_engine=etl_engine)
    run_id = str(uuid.uuid4())
    progress(f"local pipeline run {run_id} (stages of CodePipeline, against the emulator)")
    receipt = run_stages(pipeline, run_id, progress)
    print(f"run {run_id} published: {receipt.rows} forecast rows, {len(receipt.report_keys)} report objects")
    for key in receipt.report_keys:
        print(f"  s3://{pipeline.stage_environment['publish']['REPORTS_BUCKET']}/{key}")
    return 0

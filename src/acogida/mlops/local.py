"""The forecast pipeline on the local stack, where the emulator cannot hold CodePipeline or
CodeBuild: the same stages, in the same order, with the settings Terraform gives the CodeBuild
projects (root output ``mlops_stage_environment``), against the emulator.

Two differences from AWS, both because the emulator cannot run them: prepare runs the Glue job's
transformation here (``acogida.etl``, pandas twin by default: byte-identical output, tested)
instead of starting the job, and there is no approval stage (local is not prod).

``LocalPipelineRuns`` is the stand-in the local runtime registers for ``forecast_api``: ``POST
/mlops/runs`` starts the stages in a thread and ``GET /mlops/runs/{id}`` reads their status.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ObjectStore
from acogida.adapters.pipeline_runs import PipelineBusyError, RunStatus, StageStatus
from acogida.etl.run import run_etl
from acogida.etl.workforce import load_workforce_config
from acogida.forecast.pipeline import GateDecision, gate, read_model
from acogida.local.lake_demo import download_prefix, upload_demand
from acogida.mlops.stages import (
    PublishReceipt,
    PublishSettings,
    StageError,
    horizon_setting,
    publish,
    read_demand,
    setting,
    stage_clients,
    train_stage,
)

Progress = Callable[[str], None]
STAGES = ("Source", "Prepare", "Train", "Gate", "Publish")


@dataclass(frozen=True)
class LocalPipeline:
    """What the local stages need from ``terraform output`` of the local workspace."""

    stage_environment: dict[str, dict[str, str]]
    raw_bucket: str
    target: AwsTarget
    workdir: Path
    etl_engine: str = "pandas"

    @classmethod
    def from_outputs(
        cls, outputs: Mapping[str, Any], endpoint: str, workdir: Path, *, etl_engine: str = "pandas"
    ) -> LocalPipeline:
        environment = outputs.get("mlops_stage_environment")
        if not isinstance(environment, dict) or not {"train", "publish"} <= set(environment):
            raise StageError(
                "terraform output mlops_stage_environment is missing: apply the local workspace first"
            )
        return cls(
            stage_environment={
                stage: {k: str(v) for k, v in values.items()} for stage, values in environment.items()
            },
            raw_bucket=str(outputs["s3_bucket_names"]["raw"]),
            target=AwsTarget(str(outputs["aws_region"]), endpoint),
            workdir=workdir,
            etl_engine=etl_engine,
        )

    def prepare(self, progress: Progress) -> str:
        """The Glue job's transformation over raw/submissions/ into curated/demand/."""
        train_env = self.stage_environment["train"]
        publish_env = self.stage_environment["publish"]
        s3 = self.target.client("s3")
        scratch = self.workdir / "prepare"
        shutil.rmtree(scratch, ignore_errors=True)
        count = download_prefix(ObjectStore(s3, self.raw_bucket), "submissions/", scratch / "raw")
        if count == 0:
            raise StageError(f"s3://{self.raw_bucket}/submissions/ is empty: nothing to compute demand from")
        summary = run_etl(
            scratch / "raw" / "submissions",
            scratch / "curated",
            load_workforce_config(),
            engine=self.etl_engine,
            progress=progress,
        )
        curated = ObjectStore(s3, setting(train_env, "CURATED_BUCKET"))
        upload_demand(curated, setting(publish_env, "S3_KMS_KEY_ARN"), scratch / "curated")
        return (
            f"{summary.series} demand series from {count} raw objects, "
            f"{summary.first_day}..{summary.last_day}"
        )

    def train(self, model_dir: Path, progress: Progress) -> str:
        environment = self.stage_environment["train"]
        store = ObjectStore(self.target.client("s3"), setting(environment, "CURATED_BUCKET"))
        location = setting(environment, "CURATED_DEMAND_KEY")
        text = read_demand(store, location)
        model = train_stage(
            text, f"s3://{store.bucket}/{location}", horizon_setting(environment), model_dir, progress
        )
        overall = model.backtest["overall"]
        return f"{model.backtest['series']} series; backtest MASE {overall.get('mase', float('nan')):.3f}"

    def gate(self, model_dir: Path) -> GateDecision:
        decision = gate(read_model(model_dir).backtest)
        if not decision.passed:
            raise StageError(f"gate: {decision.reason}")
        return decision

    def publish(self, model_dir: Path, run_id: str, progress: Progress) -> PublishReceipt:
        settings = PublishSettings.from_environment(self.stage_environment["publish"])
        clients = stage_clients(self.target)
        return publish(model_dir, run_id, settings, clients, progress)


def run_stages(
    pipeline: LocalPipeline,
    run_id: str,
    progress: Progress,
    on_stage: Callable[[StageStatus], None] = lambda _s: None,
) -> PublishReceipt:
    """Source → Prepare → Train → Gate → Publish; a failing stage stops the run (its error)."""
    model_dir = pipeline.workdir / "runs" / run_id / "model"
    receipts: list[PublishReceipt] = []

    def publish_step() -> str:
        receipt = pipeline.publish(model_dir, run_id, progress)
        receipts.append(receipt)
        return (
            f"{receipt.rows} rows, {len(receipt.report_keys)} report objects, {receipt.emails_sent} e-mail(s)"
        )

    steps: list[tuple[str, Callable[[], str]]] = [
        ("Source", lambda: "the working tree (the S3 source object on AWS)"),
        ("Prepare", lambda: pipeline.prepare(progress)),
        ("Train", lambda: pipeline.train(model_dir, progress)),
        ("Gate", lambda: pipeline.gate(model_dir).reason),
        ("Publish", publish_step),
    ]
    for name, work in steps:
        on_stage(StageStatus(name, "in_progress", None, _now()))
        progress(f"[{name}]")
        try:
            message = work()
        except Exception as error:
            on_stage(StageStatus(name, "failed", str(error), _now()))
            raise
        progress(f"[{name}] {message}")
        on_stage(StageStatus(name, "succeeded", message, _now()))
    return receipts[0]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class LocalPipelineRuns:
    """CodePipeline's start/status for the local runtime, one run at a time: a start while a run
    is going raises ``PipelineBusyError`` (the API answers 409)."""

    def __init__(self, pipeline: LocalPipeline, log: Progress = lambda _m: None) -> None:
        self._pipeline = pipeline
        self._log = log
        self._lock = threading.Lock()
        self._runs: dict[str, RunStatus] = {}

    def start(self, requested_by: str) -> str:
        del requested_by  # the API logs who asked; the run itself needs no user
        run_id = str(uuid.uuid4())
        with self._lock:
            busy = [run.run_id for run in self._runs.values() if run.status == "in_progress"]
            if busy:
                raise PipelineBusyError(f"run {busy[0]} is still in progress; wait for it to finish")
            self._runs[run_id] = RunStatus(
                run_id, "in_progress", [StageStatus(name, "pending") for name in STAGES]
            )
        threading.Thread(
            target=self._run, args=(run_id,), name=f"local-pipeline-{run_id[:8]}", daemon=True
        ).start()
        return run_id

    def status(self, run_id: str) -> RunStatus | None:
        with self._lock:
            return self._runs.get(run_id)

    def _update(self, run_id: str, stage: StageStatus) -> None:
        with self._lock:
            run = self._runs[run_id]
            stages = [stage if existing.name == stage.name else existing for existing in run.stages]
            self._runs[run_id] = replace(run, stages=stages)

    def _finish(self, run_id: str, status: str, message: str | None) -> None:
        with self._lock:
            run = self._runs[run_id]
            stages = [
                replace(stage, status="skipped") if stage.status == "pending" else stage
                for stage in run.stages
            ]
            self._runs[run_id] = replace(run, status=status, stages=stages, message=message)

    def _run(self, run_id: str) -> None:
        try:
            run_stages(self._pipeline, run_id, self._log, lambda stage: self._update(run_id, stage))
        except Exception as error:  # a failed stage is the run's outcome, as on AWS
            self._finish(run_id, "failed", str(error))
        else:
            self._finish(run_id, "succeeded", None)

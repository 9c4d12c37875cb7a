"""The local runtime: the platform's functions on 127.0.0.1 against the emulator, configured only
from ``terraform output`` of the local workspace (the same names the Lambdas get on AWS).

- the intake API behind the HTTP API's JWT authorizer (``acogida.local.api``);
- the browser front, as its container serves it, pointed at that API and the emulator's Cognito
  (``acogida.local.front``), when asked for a port;
- the batch transcription path's event sources: the audio-uploads queue and the Transcribe job
  state changes (``acogida.local.pump``);
- the data lake's event sources: the intakes stream and the bulk-uploads queue
  (``acogida.local.lake_pump``);
- the forecast pipeline's stand-in, when the workspace has the pipeline switched off (the emulator
  cannot hold CodePipeline): ``POST /mlops/runs`` runs the stages in a thread
  (``acogida.mlops.local``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acogida.adapters.aws import AwsTarget
from acogida.adapters.pipeline_runs import use_local_pipeline
from acogida.local.api import JwtAuthorizer, LocalHttpApi
from acogida.local.events import route_function
from acogida.local.front import LocalFront
from acogida.local.functions import LocalFunctions
from acogida.local.lake_pump import LakePump
from acogida.local.pump import TranscriptionPump


class RuntimeConfigurationError(RuntimeError):
    pass


def serve_until_interrupted() -> None:
    """Block the main thread (the servers run in theirs) until Ctrl-C."""
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopped")


def function_variables(outputs: dict[str, Any], function: str) -> dict[str, str]:
    """The environment Terraform gives ``function`` (root output ``lambda_environments``), plus the
    region Lambda itself sets (``lambda_regions``: the transcription functions run in the language
    region)."""
    environments = outputs.get("lambda_environments")
    if not isinstance(environments, dict) or function not in environments:
        raise RuntimeConfigurationError(
            f"terraform output lambda_environments has no {function!r}: apply the local workspace first"
        )
    variables = {name: str(value) for name, value in environments[function].items()}
    region = str(outputs.get("lambda_regions", {}).get(function, outputs["aws_region"]))
    variables.update({"AWS_REGION": region, "AWS_DEFAULT_REGION": region})
    return variables


@dataclass(frozen=True)
class LocalRuntime:
    api: LocalHttpApi
    pump: TranscriptionPump
    lake: LakePump
    functions: LocalFunctions
    pipeline: Any  # acogida.mlops.local.LocalPipelineRuns, or None without the stand-in
    front: LocalFront | None = None


@contextmanager
def local_runtime(
    outputs: dict[str, Any],
    emulator_endpoint: str,
    port: int,
    log_path: Path,
    *,
    pump_interval_s: float = 1.0,
    mlops_workdir: Path | None = None,
    front_port: int | None = None,
    front_dir: Path | None = None,
) -> Iterator[LocalRuntime]:
    """The API on http://127.0.0.1:``port`` and the event pump while the block runs, then stopped.

    What the functions print (JSON log lines, metrics) goes to ``log_path``. With ``mlops_workdir``
    and no CodePipeline in the workspace, pipeline runs happen in this process, files under it.
    With ``front_port``, the built front (``front_dir``, default src/front/dist) is served on
    http://127.0.0.1:``front_port``; its rendered configuration lives beside the log.
    """
    authorizer = JwtAuthorizer.for_user_pool(
        emulator_endpoint,
        outputs["aws_region"],
        outputs["cognito_user_pool_id"],
        outputs["cognito_user_pool_client_id"],
    )
    environments = {
        name: function_variables(outputs, name) for name in outputs.get("lambda_environments", {})
    }
    language = AwsTarget(str(outputs.get("language_region", outputs["aws_region"])), emulator_endpoint)
    home = AwsTarget(str(outputs["aws_region"]), emulator_endpoint)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log:
        functions = LocalFunctions(environments, emulator_endpoint, log)
        api = LocalHttpApi(
            lambda event: functions.invoke(route_function(event["routeKey"]), event),
            authorizer,
            port,
            cors_allowed_origins=outputs.get("api_cors_allowed_origins") or [],
        )
        front = None
        if front_port is not None:
            try:
                front = LocalFront(
                    {
                        **outputs["front_runtime_environment"],
                        "API_URL": api.url,
                        "COGNITO_ENDPOINT": emulator_endpoint,
                    },
                    front_port,
                    log_path.parent / "front",
                    front_dir=front_dir,
                )
            except BaseException:
                api.stop()
                raise
        pump = TranscriptionPump(
            functions,
            sqs=language.client("sqs"),
            transcribe=language.client("transcribe"),
            queue_url=outputs["audio_uploads_queue_url"],
            job_prefix=outputs["transcription_job_prefix"],
            account=outputs["aws_account_id"],
        )
        lake = LakePump(
            functions,
            streams=home.client("dynamodbstreams"),
            sqs=home.client("sqs"),
            stream_arn=outputs["dynamodb_intakes_table_stream_arn"],
            uploads_queue_url=outputs["bulk_uploads_queue_url"],
            export_dlq_url=outputs["export_dlq_url"],
        )
        pipeline = None
        stand_in_needed = outputs.get("mlops_stage_environment") and not outputs.get("mlops_pipeline_name")
        if mlops_workdir is not None and stand_in_needed:
            # Imported here: the forecast engine (statsforecast) is slow to load.
            from acogida.mlops.local import LocalPipeline, LocalPipelineRuns  # noqa: PLC0415

            pipeline = LocalPipelineRuns(
                LocalPipeline.from_outputs(outputs, emulator_endpoint, mlops_workdir),
                log=lambda message: print(
                    json.dumps({"service": "local_pipeline", "message": message}), file=log
                ),
            )
        use_local_pipeline(pipeline)
        api.start()
        if front is not None:
            front.start()
        pump.start(pump_interval_s)
        lake.start(pump_interval_s)
        try:
            yield LocalRuntime(
                api=api, pump=pump, lake=lake, functions=functions, pipeline=pipeline, front=front
            )
        finally:
            use_local_pipeline(None)
            lake.stop()
            pump.stop()
            if front is not None:
                front.stop()
            api.stop()
            functions.close()

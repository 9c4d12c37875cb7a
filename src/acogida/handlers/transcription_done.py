"""Transcribe job finished (EventBridge "Transcribe Job State Change") → the draft's transcript.

Reads Transcribe's output from the transcripts bucket, appends its speaker turns to the draft
(extraction runs as for streamed segments), then deletes the raw output. Replays are harmless:
Powertools idempotency answers a repeated event from its record, and the intake itself remembers
which jobs it has applied. Failures go to the function's on-failure destination after retries.
"""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field

from acogida.handlers.runtime import dependencies
from acogida.handlers.transcription import intake_id_of_job, output_key
from acogida.intake.transcribe_output import speaker_turns

logger = Logger(service="transcription_done")
tracer = Tracer(service="transcription_done")
metrics = Metrics(namespace="Acogida", service="transcription_done")


class TranscribeJobDetail(BaseModel):
    job_name: str = Field(alias="TranscriptionJobName", min_length=1, max_length=200)
    status: Literal["COMPLETED", "FAILED"] = Field(alias="TranscriptionJobStatus")
    failure_reason: str | None = Field(default=None, alias="FailureReason")


class TranscribeJobStateChange(EventBridgeModel):
    detail: TranscribeJobDetail


def apply_job(detail: dict[str, Any]) -> dict[str, Any]:
    deps = dependencies()
    job_name = detail["job_name"]
    intake_id = intake_id_of_job(job_name, deps.settings.transcription_job_prefix)
    if intake_id is None:
        logger.info("not one of our transcription jobs", extra={"job_name": job_name})
        return {"job_name": job_name, "outcome": "ignored"}
    if detail["status"] == "FAILED":
        # Transcribe's reason names the media problem, never the content.
        logger.warning("transcription job failed", extra={"intake_id": intake_id, "job_name": job_name})
        metrics.add_metric(name="TranscriptionJobsFailed", unit=MetricUnit.Count, value=1)
        return {"job_name": job_name, "outcome": "failed"}
    key = output_key(job_name)
    audio_store = deps.audio_store()
    turns = speaker_turns(audio_store.read_transcribe_output(key))
    intake = deps.intakes.apply_transcription(intake_id, job_name, turns)
    audio_store.delete_transcribe_output(key)
    if intake is None:
        logger.warning("transcript arrived after the intake closed", extra={"intake_id": intake_id})
        return {"job_name": job_name, "outcome": "intake closed"}
    logger.info(
        "transcript applied",
        extra={
            "intake_id": intake_id,
            "job_name": job_name,
            "turns": len(turns),
            "fields": sorted(intake.extracted),
        },
    )
    metrics.add_metric(name="TranscriptsApplied", unit=MetricUnit.Count, value=1)
    return {"job_name": job_name, "outcome": "applied", "segment_count": intake.segment_count}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    change = parse(event=event, model=TranscribeJobStateChange)
    deps = dependencies()
    deps.idempotency_config.register_lambda_context(context)
    once = idempotent_function(
        apply_job,
        data_keyword_argument="detail",
        persistence_store=deps.idempotency_store,
        config=deps.idempotency_config,
        key_prefix="transcription_done",
    )
    result: dict[str, Any] = once(detail=change.detail.model_dump())
    return result

"""Audio uploaded → Amazon Transcribe job (SQS batch of S3 notifications, partial failures).

S3 notifies the audio-uploads queue; this function takes batches from it. A record whose upload
can never be transcribed, or whose intake is not an open draft, fails alone (the rest of the batch
proceeds) and after the queue's retries lands in its dead-letter queue.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from acogida.handlers.runtime import dependencies
from acogida.handlers.transcription import RejectedAudioError, audio_object, start_job
from acogida.intake.record import IntakeStatus

logger = Logger(service="transcription_start")
tracer = Tracer(service="transcription_start")
metrics = Metrics(namespace="Acogida", service="transcription_start")
processor = BatchProcessor(event_type=EventType.SQS)


class IntakeNotOpenError(RuntimeError):
    pass


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    notification = json.loads(record.body)
    if notification.get("Event") == "s3:TestEvent":
        return  # S3 checks the queue when the notification is configured
    for s3_record in notification.get("Records", []):
        _start(s3_record)


def _start(s3_record: dict[str, Any]) -> None:
    deps = dependencies()
    s3_object = s3_record["s3"]["object"]
    try:
        audio = audio_object(
            bucket=s3_record["s3"]["bucket"]["name"],
            key=unquote_plus(s3_object["key"]),
            size=int(s3_object.get("size", 0)),
            version=str(
                s3_object.get("versionId") or s3_object.get("eTag") or s3_object.get("sequencer", "")
            ),
        )
    except RejectedAudioError as error:
        metrics.add_metric(name="AudioRejected", unit=MetricUnit.Count, value=1)
        logger.warning("audio upload rejected", extra={"reason": str(error)})
        raise
    intake = deps.intakes.find(audio.intake_id)
    if intake is None or intake.status is not IntakeStatus.DRAFT:
        metrics.add_metric(name="AudioRejected", unit=MetricUnit.Count, value=1)
        logger.warning("audio for an intake that is not an open draft", extra={"intake_id": audio.intake_id})
        raise IntakeNotOpenError(f"intake {audio.intake_id} is not an open draft")
    job_name = audio.job_name(deps.settings.transcription_job_prefix)
    audio_store = deps.audio_store()
    if audio.bucket != audio_store.bucket:
        raise RejectedAudioError("the notification is for another bucket")
    started = start_job(deps.transcribe(), audio, job_name, audio_store.kms_key_arn)
    logger.info(
        "transcription job started" if started else "transcription job already exists",
        extra={"intake_id": audio.intake_id, "job_name": job_name},
    )
    if started:
        metrics.add_metric(name="TranscriptionJobsStarted", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )

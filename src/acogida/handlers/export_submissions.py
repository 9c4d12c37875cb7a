"""Submitted intakes → the pseudonymised analytics copy (DynamoDB stream, batch, partial failures).

Each stream record whose new image is a submitted intake becomes
``raw/submissions/dt=YYYY-MM-DD/<intake_id>.csv`` (acogida.export.submission). The object depends
only on the record, so a replayed or reordered record yields the same bytes; it is written only
if the key holds no object yet (an S3 conditional write): exactly one version per intake in the
versioned bucket, however often the stream delivers the record. Drafts and removals write nothing. A
record that fails is reported alone and retried by the event source mapping.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from acogida.adapters.intake_repository import from_item
from acogida.adapters.lake import lake_target
from acogida.export.submission import key_version_metadata, object_key, submission_row, to_csv
from acogida.intake.record import IntakeStatus

logger = Logger(service="export_submissions")
tracer = Tracer(service="export_submissions")
metrics = Metrics(namespace="Acogida", service="export_submissions")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@tracer.capture_method
def record_handler(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else {}
    if not image or image.get("status") != IntakeStatus.SUBMITTED.value:
        return  # drafts, corrections before submission and removals have no analytics row
    intake = from_item(image)
    if intake.submitted_at is None:
        raise ValueError(f"intake {intake.intake_id} is submitted without submitted_at")
    target = lake_target()
    ring = target.key_ring()
    row = submission_row(
        intake_id=intake.intake_id,
        submitted_at=intake.submitted_at,
        office=intake.office,
        duration_s=intake.duration_s,
        values=intake.values(),
        ring=ring,
    )
    key = object_key(intake.intake_id, intake.submitted_at)
    # Put once: a replay finds the object (perhaps re-keyed since, with other bytes) and leaves it.
    written = target.raw.put_encrypted_once(
        key,
        to_csv([row]),
        target.kms_key_arn,
        "text/csv; charset=utf-8",
        metadata=key_version_metadata(ring.version),
    )
    if not written:
        logger.info("submission already exported", extra={"intake_id": intake.intake_id, "key": key})
        metrics.add_metric(name="SubmissionsAlreadyExported", unit=MetricUnit.Count, value=1)
        return
    logger.info("submission exported", extra={"intake_id": intake.intake_id, "key": key})
    metrics.add_metric(name="SubmissionsExported", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )

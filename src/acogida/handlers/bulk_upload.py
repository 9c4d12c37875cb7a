"""Coordinators' historical intakes (CSV under ``uploads/`` in the raw bucket) → pseudonymised
rows in ``submissions/``, a row-level report in ``rejected/``, a notice on SNS.

S3 notifies the bulk-uploads queue; this function takes its messages (SQS batch, partial
failures). For each uploaded object:

1. refuse it whole if it is over the size limit (no download), else validate every row
   (``acogida.export.bulk_upload``);
2. write the accepted rows, one CSV per day, named after the upload's digest: a retry writes the
   same keys with the same bytes;
3. write the report (line, column, reason; never a rejected value) when anything was rejected;
4. publish a summary (counts and keys, no personal data) to the uploads topic;
5. delete every version of the upload: it held document numbers and birth dates.

A message for an upload that is already gone (processed by an earlier delivery) is done.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from acogida.adapters.aws import AwsTarget
from acogida.adapters.lake import lake_target
from acogida.export.bulk_upload import (
    MAX_UPLOAD_BYTES,
    UPLOADS_PREFIX,
    RowError,
    UploadResult,
    accepted_objects,
    report_csv,
    report_key,
    validate_upload,
)
from acogida.export.submission import key_version_metadata
from acogida.handlers.runtime import required_setting

logger = Logger(service="bulk_upload")
tracer = Tracer(service="bulk_upload")
metrics = Metrics(namespace="Acogida", service="bulk_upload")
processor = BatchProcessor(event_type=EventType.SQS)
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class UploadSettings:
    topic_arn: str
    timezone: str
    sns: Any


@cache
def upload_settings() -> UploadSettings:
    return UploadSettings(
        topic_arn=required_setting("UPLOADS_TOPIC_ARN"),
        timezone=required_setting("OFFICE_TIMEZONE"),
        sns=AwsTarget(region=required_setting("AWS_REGION")).client("sns"),
    )


def uploaded_objects(body: str) -> list[tuple[str, int]]:
    """(key, size) of every object an S3 notification message announces under uploads/."""
    notification = json.loads(body)
    if notification.get("Event") == "s3:TestEvent":
        return []  # S3 sends it once when the notification is configured
    objects = []
    for record in notification.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        # Keys are flat: "uploads/../x.csv" is an upload like any other (and holds personal data
        # to process and delete); its name reaches only the report's, cleaned (report_key).
        if key.startswith(UPLOADS_PREFIX):
            objects.append((key, int(record["s3"]["object"].get("size", 0))))
    return objects


def process_upload(key: str, size: int, now: dt.datetime) -> UploadResult | None:
    """Steps 1-5 for one upload; None when it was already processed."""
    lake = lake_target()
    settings = upload_settings()
    if size > MAX_UPLOAD_BYTES:
        result = UploadResult(upload_id=f"size-{size}")
        result.errors.append(
            RowError(0, "", f"the file is {size:,} bytes; the limit is {MAX_UPLOAD_BYTES:,}")
        )
    else:
        try:
            content = lake.raw.get(key).body
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
                logger.info("upload already processed")
                return None
            raise
        result = validate_upload(content, ring=lake.key_ring(), now=now, timezone=settings.timezone)
    written = accepted_objects(result)
    # A redelivered message writes nothing new: the same keys, the same bytes, no second version
    # (after a key rotation the bytes differ, and the first write still stands until re-keyed).
    metadata = key_version_metadata(result.key_version)
    for object_key, body in written.items():
        lake.raw.put_encrypted_once(object_key, body, lake.kms_key_arn, CSV_CONTENT_TYPE, metadata=metadata)
    report = report_key(key, result.upload_id) if result.errors else None
    if report:
        lake.raw.put_encrypted_once(report, report_csv(result), lake.kms_key_arn, CSV_CONTENT_TYPE)
    summary = {
        "upload": key.removeprefix(UPLOADS_PREFIX),
        "upload_id": result.upload_id,
        "rows": result.rows,
        "accepted": len(result.accepted),
        "rejected_lines": result.rejected_lines,
        "refused": result.refused,
        "report": report,
        "objects_written": len(written),
    }
    settings.sns.publish(
        TopicArn=settings.topic_arn,
        Subject="Acogida: bulk upload " + ("refused" if result.refused else "processed"),
        Message=json.dumps(summary, ensure_ascii=False),
    )
    lake.raw.delete_every_version(key)
    # The file name stays out of the logs: coordinators may name files after people.
    logger.info(
        "bulk upload processed", extra={k: v for k, v in summary.items() if k not in ("upload", "report")}
    )
    metrics.add_metric(name="UploadRowsAccepted", unit=MetricUnit.Count, value=len(result.accepted))
    metrics.add_metric(name="UploadRowsRejected", unit=MetricUnit.Count, value=result.rejected_lines)
    return result


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    now = dt.datetime.now(dt.UTC)
    for key, size in uploaded_objects(record.body):
        process_upload(key, size, now)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )

"""The local event sources of the data lake, as AWS would drive the functions:

- the DynamoDB-stream event source mapping (terraform/modules/bi/export.tf): records of the
  intakes stream whose new image is a submitted intake (the mapping's filter) go to
  ``export_submissions`` in batches of up to 100. With ``ReportBatchItemFailures``, the records
  before the first failed one are done and the rest is retried; a batch that fails from its first
  record is split in two (``bisect_batch_on_function_error``: splitting uses no retry), until the
  failing record is alone; a record failing alone is retried ``MAX_RETRIES`` times, then its
  description (shard and sequence numbers, no data) goes to the export DLQ (the on-failure
  destination) and the shard moves on. So a poison record holds up nothing but itself;
- the SQS event source mapping of the bulk-uploads queue: one message at a time to
  ``bulk_upload``; a failed message returns to the queue and, after the queue's
  maxReceiveCount, the emulator moves it to the DLQ.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field, fields
from typing import Any

from acogida.local.functions import LocalFunctions
from acogida.local.pump import BackgroundPump, SqsEventSource

STREAM_BATCH_SIZE = 100
MAX_RETRIES = 5  # maximum_retry_attempts of the mapping (terraform/modules/bi/export.tf)


@dataclass
class LakePumpReport:
    exported_batches: int = 0
    exported_records: int = 0
    failed_batches: list[str] = field(default_factory=list)  # shard ids sent to the DLQ
    upload_messages: int = 0
    upload_failures: int = 0


def _is_submitted(record: dict[str, Any]) -> bool:
    """The mapping's filter: {"dynamodb": {"NewImage": {"status": {"S": ["submitted"]}}}}."""
    return bool(record.get("dynamodb", {}).get("NewImage", {}).get("status", {}).get("S") == "submitted")


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record as the event source mapping hands it to the function."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, dt.datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


@dataclass
class _ShardCursor:
    iterator: str | None
    pending: list[dict[str, Any]] = field(default_factory=list)  # read, not yet delivered
    batch_size: int = STREAM_BATCH_SIZE  # smaller while a failing batch is being bisected
    retries: int = 0  # of the record failing alone at the head of ``pending``


class LakePump(BackgroundPump):
    thread_name = "local-lake-pump"

    def __init__(
        self,
        functions: LocalFunctions,
        *,
        streams: Any,  # noqa: ANN401 - boto3 clients in the home region
        sqs: Any,  # noqa: ANN401
        stream_arn: str,
        uploads_queue_url: str,
        export_dlq_url: str,
    ) -> None:
        super().__init__()
        self._functions = functions
        self._streams = streams
        self._sqs = sqs
        self._stream_arn = stream_arn
        self._region = stream_arn.split(":")[3]
        # An upload can take minutes: one message per invocation (batch_size 1 in module bi).
        self._uploads = SqsEventSource(
            functions, "bulk_upload", sqs=sqs, queue_url=uploads_queue_url, batch_size=1
        )
        self._export_dlq_url = export_dlq_url
        self._cursors: dict[str, _ShardCursor] = {}
        self._lock = threading.Lock()

    def run_once(self) -> LakePumpReport:
        report = LakePumpReport()
        with self._lock:
            self._deliver_stream(report)
            self._deliver_uploads(report)
        return report

    def drain(self, max_rounds: int = 1000) -> LakePumpReport:
        """Deliver until a round finds nothing new (for the demo and tests)."""
        total = LakePumpReport()
        for _ in range(max_rounds):
            report = self.run_once()
            for name in (item.name for item in fields(LakePumpReport)):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            if not (report.exported_batches or report.upload_messages or report.failed_batches):
                break
        return total

    # --- the intakes stream → export_submissions --------------------------------------------------

    def _cursor(self, shard_id: str) -> _ShardCursor:
        if shard_id not in self._cursors:
            iterator = self._streams.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            self._cursors[shard_id] = _ShardCursor(iterator)
        return self._cursors[shard_id]

    def _deliver_stream(self, report: LakePumpReport) -> None:
        shards = self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            cursor = self._cursor(shard["ShardId"])
            if not cursor.pending and cursor.iterator:
                page = self._streams.get_records(ShardIterator=cursor.iterator, Limit=1000)
                cursor.iterator = page.get("NextShardIterator")
                cursor.pending = [record for record in page.get("Records", []) if _is_submitted(record)]
            while cursor.pending:
                if not self._deliver_batch(shard["ShardId"], cursor, report):
                    break  # the next round retries

    def _deliver_batch(self, shard_id: str, cursor: _ShardCursor, report: LakePumpReport) -> bool:
        """One invocation with the head of the shard; False when what failed waits for a retry."""
        batch = cursor.pending[: cursor.batch_size]
        event = {"Records": [lambda_record(r, self._stream_arn, self._region) for r in batch]}
        try:
            result = self._functions.invoke("export_submissions", event)
            failed = {f.get("itemIdentifier") for f in (result or {}).get("batchItemFailures", [])}
        except Exception:  # a function error fails the whole batch, as on AWS
            failed = {batch[0]["dynamodb"]["SequenceNumber"]}
        report.exported_batches += 1
        if not failed:
            report.exported_records += len(batch)
            cursor.pending = cursor.pending[len(batch) :]
            cursor.batch_size, cursor.retries = STREAM_BATCH_SIZE, 0
            return True
        # The checkpoint moves to the first failed record (an unknown identifier fails the batch).
        first = next((i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed), 0)
        report.exported_records += first
        cursor.pending = cursor.pending[first:]
        failing = len(batch) - first
        if first > 0:
            cursor.batch_size, cursor.retries = failing, 0  # retry only the remaining records
        elif failing > 1:
            cursor.batch_size = (failing + 1) // 2  # bisect
        else:
            cursor.retries += 1
            if cursor.retries > MAX_RETRIES:
                self._send_to_dlq(shard_id, cursor.pending[:1])
                report.failed_batches.append(shard_id)
                cursor.pending = cursor.pending[1:]
                cursor.batch_size, cursor.retries = STREAM_BATCH_SIZE, 0
                return True
        return False

    def _send_to_dlq(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        """What Lambda's on-failure destination records for a stream batch: where it is, not what."""
        sequence = records[0]["dynamodb"]["SequenceNumber"]
        body = {
            "requestContext": {
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": MAX_RETRIES + 1,
            },
            "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": sequence,
                "endSequenceNumber": sequence,
                "batchSize": len(records),
                "streamArn": self._stream_arn,
            },
        }
        self._sqs.send_message(QueueUrl=self._export_dlq_url, MessageBody=json.dumps(body))

    # --- the bulk-uploads queue → bulk_upload -----------------------------------------------------

    def _deliver_uploads(self, report: LakePumpReport) -> None:
        messages, failures = self._uploads.deliver()
        report.upload_messages += messages
        report.upload_failures += failures

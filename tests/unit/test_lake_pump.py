"""The local DynamoDB-stream event source mapping (LakePump) against stub clients: batches of up
to 100, partial failures retried from the failed record, a failing batch bisected down to the
failing record, which alone uses the retries and then goes to the DLQ; the others are delivered."""

from __future__ import annotations

import json
from typing import Any

from acogida.local.lake_pump import MAX_RETRIES, STREAM_BATCH_SIZE, LakePump

STREAM_ARN = "arn:aws:dynamodb:eu-south-2:123456789012:table/intakes/stream/2026-01-01T00:00:00.000"


def record(number: int, status: str = "submitted") -> dict[str, Any]:
    return {
        "eventID": f"e{number}",
        "eventName": "MODIFY",
        "dynamodb": {
            "SequenceNumber": f"{number:021d}",
            "NewImage": {"status": {"S": status}, "intake_id": {"S": f"i{number}"}},
        },
    }


class Streams:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records
        self.read = False

    def describe_stream(self, StreamArn: str) -> dict[str, Any]:  # noqa: N803 - boto3's names
        return {"StreamDescription": {"Shards": [{"ShardId": "shard-1"}]}}

    def get_shard_iterator(self, **_: Any) -> dict[str, Any]:
        return {"ShardIterator": "it-0"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803
        page, self.read = ([] if self.read else self.records), True
        return {"Records": page, "NextShardIterator": "it-1"}


class Sqs:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def get_queue_attributes(self, **_: Any) -> dict[str, Any]:
        return {"Attributes": {"QueueArn": "arn:aws:sqs:eu-south-2:123456789012:uploads"}}

    def receive_message(self, **_: Any) -> dict[str, Any]:
        return {}

    def send_message(self, QueueUrl: str, MessageBody: str) -> None:  # noqa: N803
        self.sent.append(json.loads(MessageBody))


class ExportFunction:
    """Processes every record but the poison ones and reports those, like BatchProcessor."""

    def __init__(self, poison: set[str]) -> None:
        self.poison = poison
        self.batches: list[list[str]] = []
        self.exported: list[str] = []

    def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        sequences = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        self.batches.append(sequences)
        self.exported += [s for s in sequences if s not in self.poison]
        return {"batchItemFailures": [{"itemIdentifier": s} for s in sequences if s in self.poison]}


def pump(records: list[dict[str, Any]], function: ExportFunction, sqs: Sqs) -> LakePump:
    return LakePump(
        function,  # type: ignore[arg-type]
        streams=Streams(records),
        sqs=sqs,
        stream_arn=STREAM_ARN,
        uploads_queue_url="uploads",
        export_dlq_url="dlq",
    )


def test_a_poison_record_goes_alone_to_the_dlq_and_the_batch_proceeds():
    records = [record(n) for n in range(1, 121)] + [record(121, status="draft")]
    poison = records[49]["dynamodb"]["SequenceNumber"]
    function, sqs = ExportFunction({poison}), Sqs()
    report = pump(records, function, sqs).drain()

    assert set(function.exported) == {r["dynamodb"]["SequenceNumber"] for r in records[:120]} - {poison}
    assert function.batches[0] == [r["dynamodb"]["SequenceNumber"] for r in records[:STREAM_BATCH_SIZE]]
    alone = [batch for batch in function.batches if batch == [poison]]
    assert len(alone) == MAX_RETRIES + 1  # the first try alone, then the retries
    assert [len(batch) for batch in function.batches if poison in batch][:3] == [
        100,
        51,
        26,
    ]  # the rest retried, then bisected
    (letter,) = sqs.sent
    assert letter["DDBStreamBatchInfo"]["startSequenceNumber"] == poison
    assert letter["DDBStreamBatchInfo"]["endSequenceNumber"] == poison
    assert letter["DDBStreamBatchInfo"]["batchSize"] == 1
    assert report.failed_batches == ["shard-1"]
    assert report.exported_records == 119


def test_a_function_error_bisects_the_batch():
    records = [record(n) for n in range(1, 9)]
    poison = records[5]["dynamodb"]["SequenceNumber"]

    class Crashing(ExportFunction):
        def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
            sequences = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
            self.batches.append(sequences)
            if poison in sequences:
                raise RuntimeError("unhandled")
            self.exported += sequences
            return {"batchItemFailures": []}

    function, sqs = Crashing(set()), Sqs()
    pump(records, function, sqs).drain()
    assert sorted(function.exported) == sorted(
        r["dynamodb"]["SequenceNumber"] for r in records if r is not records[5]
    )
    # halves until the poison is alone (the first half done, the next batch starts at the second)
    assert [len(b) for b in function.batches[:5]] == [8, 4, 4, 2, 1]
    assert len(sqs.sent) == 1

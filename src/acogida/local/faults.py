"""Faults of the data lake's export path, made on the local stack:

- ``replay_shuffled``: the intakes stream's own records, each delivered several times and in a
  shuffled order, straight to ``export_submissions`` (what a stream redelivery or a retried
  batch does, at its worst);
- ``put_poison_item``: a submitted intake the export cannot read (the attributes the export needs
  are missing, as after a schema drift or a hand edit), written to the intakes table so that its
  stream record sits among real ones;
- ``drain_queue``: the export DLQ's messages (each one a batch the mapping gave up on).

The emulator restart is ``LocalEmulator.down`` then ``up`` (its state is saved and loaded).
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

from acogida.local.functions import LocalFunctions
from acogida.local.lake_pump import STREAM_BATCH_SIZE, lambda_record

POISON_OFFICE = "reliability-poison"


def stream_records(streams: Any, stream_arn: str, intake_ids: set[str]) -> list[dict[str, Any]]:  # noqa: ANN401
    """Every record of the stream (all shards, from the trim horizon) whose new image is one of
    ``intake_ids`` submitted."""
    found = []
    description = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]
    for shard in description["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records = page.get("Records", [])
            for record in records:
                image = record.get("dynamodb", {}).get("NewImage", {})
                if image.get("status", {}).get("S") == "submitted" and image["intake_id"]["S"] in intake_ids:
                    found.append(record)
            if not records:
                break
            iterator = page.get("NextShardIterator")
    return found


def replay_shuffled(
    functions: LocalFunctions,
    records: list[dict[str, Any]],
    stream_arn: str,
    *,
    copies: int = 3,
    seed: int = 7,
) -> tuple[int, int]:
    """Each record ``copies`` times, shuffled, in batches as the mapping sends them; returns
    (records delivered, records the function reported as failed)."""
    region = stream_arn.split(":")[3]
    delivery = [lambda_record(record, stream_arn, region) for record in records for _ in range(copies)]
    random.Random(seed).shuffle(delivery)  # noqa: S311 - a reproducible order, not a secret
    failed = 0
    for start in range(0, len(delivery), STREAM_BATCH_SIZE):
        result = functions.invoke(
            "export_submissions", {"Records": delivery[start : start + STREAM_BATCH_SIZE]}
        )
        failed += len(result.get("batchItemFailures", []))
    return len(delivery), failed


def put_poison_item(dynamodb: Any, table: str) -> str:  # noqa: ANN401 - boto3 client
    """A submitted intake without the attributes the export reads; returns its id."""
    intake_id = uuid.uuid4().hex
    dynamodb.put_item(
        TableName=table,
        Item={
            "intake_id": {"S": intake_id},
            "office": {"S": POISON_OFFICE},
            "status": {"S": "submitted"},
        },
    )
    return intake_id


def drain_queue(sqs: Any, queue_url: str) -> list[dict[str, Any]]:  # noqa: ANN401 - boto3 client
    """Receive and delete every message of the queue; their JSON bodies."""
    bodies: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
            "Messages", []
        )
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

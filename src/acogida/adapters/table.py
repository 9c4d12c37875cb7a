"""DynamoDB items and the table's change stream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_attribute_values(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _serializer.serialize(value) for key, value in item.items()}


def from_attribute_values(image: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserializer.deserialize(value) for key, value in image.items()}


class Table:
    """One DynamoDB table through the low-level client (numbers come back as Decimal)."""

    def __init__(self, dynamodb_client: Any, table_name: str) -> None:  # noqa: ANN401
        self._dynamodb = dynamodb_client
        self.name = table_name

    def put(self, item: dict[str, Any]) -> None:
        self._dynamodb.put_item(TableName=self.name, Item=to_attribute_values(item))

    def get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        response = self._dynamodb.get_item(
            TableName=self.name, Key=to_attribute_values(key), ConsistentRead=True
        )
        item = response.get("Item")
        return from_attribute_values(item) if item else None

    def describe(self) -> dict[str, Any]:
        description: dict[str, Any] = self._dynamodb.describe_table(TableName=self.name)["Table"]
        return description


def read_stream(
    streams_client: Any,  # noqa: ANN401
    stream_arn: str,
    max_pages_per_shard: int = 20,
) -> Iterator[dict[str, Any]]:
    """Every record currently in the stream, shard by shard from the oldest (TRIM_HORIZON).

    Stops on a shard when a page comes back empty: a stream reader for the demo and tests, not a
    consumer (the export Lambda gets its records from the event source mapping).
    """
    shards = streams_client.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    for shard in shards:
        iterator = streams_client.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        for _ in range(max_pages_per_shard):
            if not iterator:
                break
            page = streams_client.get_records(ShardIterator=iterator, Limit=1000)
            yield from page["Records"]
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")

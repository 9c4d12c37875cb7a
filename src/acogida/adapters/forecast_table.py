"""The published forecast: DynamoDB table ``<prefix>-forecasts`` (module ml).

One item per series and day: hash key ``series`` = ``"<location>#<workforce_type>"``, range key
``date`` = ``YYYY-MM-DD``; ``p10, p50, p90`` in staff-hours, the ``run_id`` that published it,
``published_at``, and ``expires_at`` (epoch seconds, the table's TTL attribute) so that days no
later run overwrites age out. A later run overwrites the days it forecasts.

The same run also writes the series' recent observed demand (``observed`` in staff-hours, no
p10/p50/p90) for the days before its forecast, so a chart can show the forecast against the recent
past. A day once forecast and now observed becomes an observed day when the next run publishes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from acogida.adapters.table import from_attribute_values, to_attribute_values

BATCH_SIZE = 25  # BatchWriteItem's limit
MAX_UNPROCESSED_RETRIES = 8


class ForecastTableError(RuntimeError):
    pass


def series_key(location: str, workforce_type: str) -> str:
    return f"{location}#{workforce_type}"


@dataclass(frozen=True)
class ForecastDay:
    location: str
    workforce_type: str
    day: str  # YYYY-MM-DD
    p10: float
    p50: float
    p90: float
    run_id: str
    published_at: str


@dataclass(frozen=True)
class ObservedDay:
    location: str
    workforce_type: str
    day: str  # YYYY-MM-DD
    demand: float
    run_id: str
    published_at: str


class ForecastTable:
    def __init__(self, dynamodb_client: Any, table_name: str, sleep: Any = time.sleep) -> None:  # noqa: ANN401
        self._dynamodb = dynamodb_client
        self.name = table_name
        self._sleep = sleep

    def put_days(self, days: Iterable[ForecastDay], expires_at: int) -> int:
        """Write every forecast day; returns the count."""
        return self._put_items(
            {
                "series": series_key(day.location, day.workforce_type),
                "date": day.day,
                "location": day.location,
                "workforce_type": day.workforce_type,
                "p10": Decimal(str(day.p10)),
                "p50": Decimal(str(day.p50)),
                "p90": Decimal(str(day.p90)),
                "run_id": day.run_id,
                "published_at": day.published_at,
                "expires_at": expires_at,
            }
            for day in days
        )

    def put_observed(self, days: Iterable[ObservedDay], expires_at: int) -> int:
        """Write every observed day (replacing a forecast of that day); returns the count."""
        return self._put_items(
            {
                "series": series_key(day.location, day.workforce_type),
                "date": day.day,
                "location": day.location,
                "workforce_type": day.workforce_type,
                "observed": Decimal(str(day.demand)),
                "run_id": day.run_id,
                "published_at": day.published_at,
                "expires_at": expires_at,
            }
            for day in days
        )

    def _put_items(self, items: Iterable[dict[str, Any]]) -> int:
        """BatchWriteItem in batches of 25, unprocessed items retried with backoff."""
        requests = [{"PutRequest": {"Item": to_attribute_values(item)}} for item in items]
        for start in range(0, len(requests), BATCH_SIZE):
            pending = requests[start : start + BATCH_SIZE]
            for attempt in range(MAX_UNPROCESSED_RETRIES + 1):
                answer = self._dynamodb.batch_write_item(RequestItems={self.name: pending})
                pending = answer.get("UnprocessedItems", {}).get(self.name, [])
                if not pending:
                    break
                self._sleep(min(2.0, 0.05 * 2**attempt))
            else:
                unprocessed = len(pending)
                raise ForecastTableError(
                    f"{unprocessed} forecast item(s) unprocessed after {MAX_UNPROCESSED_RETRIES} retries"
                )
        return len(requests)

    def days(self, location: str, workforce_type: str, start: str, end: str) -> list[ForecastDay]:
        """The forecast days of one series from ``start`` to ``end`` (inclusive), in order."""
        return [
            ForecastDay(
                location=str(item["location"]),
                workforce_type=str(item["workforce_type"]),
                day=str(item["date"]),
                p10=float(item["p10"]),
                p50=float(item["p50"]),
                p90=float(item["p90"]),
                run_id=str(item["run_id"]),
                published_at=str(item["published_at"]),
            )
            for item in self._items(location, workforce_type, start, end)
            if "p50" in item
        ]

    def observed(self, location: str, workforce_type: str, start: str, end: str) -> list[ObservedDay]:
        """The observed days of one series from ``start`` to ``end`` (inclusive), in order."""
        return [
            ObservedDay(
                location=str(item["location"]),
                workforce_type=str(item["workforce_type"]),
                day=str(item["date"]),
                demand=float(item["observed"]),
                run_id=str(item["run_id"]),
                published_at=str(item["published_at"]),
            )
            for item in self._items(location, workforce_type, start, end)
            if "observed" in item
        ]

    def _items(self, location: str, workforce_type: str, start: str, end: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        arguments: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": "#series = :series AND #date BETWEEN :start AND :end",
            "ExpressionAttributeNames": {"#series": "series", "#date": "date"},
            "ExpressionAttributeValues": to_attribute_values(
                {":series": series_key(location, workforce_type), ":start": start, ":end": end}
            ),
        }
        while True:
            answer = self._dynamodb.query(**arguments)
            found.extend(from_attribute_values(raw) for raw in answer.get("Items", []))
            if "LastEvaluatedKey" not in answer:
                return found
            arguments["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

"""Intake records in the DynamoDB ``intakes`` table (optimistic concurrency on ``version``)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from acogida.adapters.table import from_attribute_values, to_attribute_values
from acogida.intake.record import Correction, Intake, IntakeError, IntakeStatus
from acogida.intake.service import ConcurrentChangeError, IntakePage, IntakeSummary


class InvalidCursorError(IntakeError):
    code = "invalid_cursor"


def to_item(intake: Intake) -> dict[str, Any]:
    item: dict[str, Any] = {
        "intake_id": intake.intake_id,
        "office": intake.office,
        "created_by": intake.created_by,
        "created_at": intake.created_at,
        "updated_at": intake.updated_at,
        "status": intake.status.value,
        "version": intake.version,
        "segment_count": intake.segment_count,
        "transcript_chars": intake.transcript_chars,
        "transcript_key": intake.transcript_key,
        "redacted_transcript_key": intake.redacted_transcript_key,
        "extracted": _to_dynamo(intake.extracted),
        "corrections": {
            name: {
                "value": _to_dynamo(c.value),
                "corrected_at": c.corrected_at,
                "corrected_by": c.corrected_by,
            }
            for name, c in intake.corrections.items()
        },
        "applied_transcription_jobs": list(intake.applied_transcription_jobs),
        "submitted_at": intake.submitted_at,
        "submitted_by": intake.submitted_by,
        "duration_s": intake.duration_s,
        "invalid_document_confirmed": intake.invalid_document_confirmed,
        "expires_at": intake.expires_at,
    }
    # Absent rather than NULL: the TTL attribute disappears when a draft is submitted.
    return {name: value for name, value in item.items() if value is not None}


def from_item(item: dict[str, Any]) -> Intake:
    plain = _from_dynamo(item)
    return Intake(
        intake_id=plain["intake_id"],
        office=plain["office"],
        created_by=plain["created_by"],
        created_at=plain["created_at"],
        updated_at=plain["updated_at"],
        status=IntakeStatus(plain["status"]),
        version=plain["version"],
        segment_count=plain["segment_count"],
        transcript_chars=plain["transcript_chars"],
        transcript_key=plain.get("transcript_key"),
        redacted_transcript_key=plain.get("redacted_transcript_key"),
        extracted=plain["extracted"],
        corrections={name: Correction(**value) for name, value in plain["corrections"].items()},
        applied_transcription_jobs=tuple(plain["applied_transcription_jobs"]),
        submitted_at=plain.get("submitted_at"),
        submitted_by=plain.get("submitted_by"),
        duration_s=plain.get("duration_s"),
        invalid_document_confirmed=plain["invalid_document_confirmed"],
        expires_at=plain.get("expires_at"),
    )


class DynamoIntakeRepository:
    def __init__(self, dynamodb_client: Any, table_name: str, office_index_name: str) -> None:  # noqa: ANN401
        self._dynamodb = dynamodb_client
        self._table = table_name
        self._office_index = office_index_name

    def create(self, intake: Intake) -> None:
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item=to_attribute_values(to_item(intake)),
                ConditionExpression="attribute_not_exists(intake_id)",
            )
        except ClientError as error:
            if _condition_failed(error):
                raise ConcurrentChangeError(f"intake {intake.intake_id} already exists") from None
            raise

    def get(self, intake_id: str) -> Intake | None:
        response = self._dynamodb.get_item(
            TableName=self._table, Key=to_attribute_values({"intake_id": intake_id}), ConsistentRead=True
        )
        item = response.get("Item")
        return from_item(from_attribute_values(item)) if item else None

    def save(self, intake: Intake, expected_version: int) -> Intake:
        stored = replace(intake, version=expected_version + 1)
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item=to_attribute_values(to_item(stored)),
                ConditionExpression="version = :expected",
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except ClientError as error:
            if _condition_failed(error):
                raise ConcurrentChangeError(
                    f"intake {intake.intake_id} changed meanwhile; read it again and retry"
                ) from None
            raise
        return stored

    def list_by_office(self, office: str, start: str, end: str, limit: int, cursor: str | None) -> IntakePage:
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": self._office_index,
            "KeyConditionExpression": "office = :office AND created_at BETWEEN :start AND :end",
            "ExpressionAttributeValues": to_attribute_values(
                {":office": office, ":start": start, ":end": end}
            ),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = _decode_cursor(cursor, office)
        response = self._dynamodb.query(**request)
        summaries = [
            _summary(_from_dynamo(from_attribute_values(item))) for item in response.get("Items", [])
        ]
        last_key = response.get("LastEvaluatedKey")
        return IntakePage(summaries, _encode_cursor(last_key) if last_key else None)


def _summary(item: dict[str, Any]) -> IntakeSummary:
    return IntakeSummary(
        intake_id=item["intake_id"],
        office=item["office"],
        created_at=item["created_at"],
        status=item["status"],
        updated_at=item["updated_at"],
        submitted_at=item.get("submitted_at"),
        segment_count=item["segment_count"],
    )


def _encode_cursor(last_key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(from_attribute_values(last_key)).encode()).decode()


def _decode_cursor(cursor: str, office: str) -> dict[str, Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursorError("cursor: not a cursor this API returned") from None
    expected = {"intake_id", "office", "created_at"}
    if not isinstance(key, dict) or set(key) != expected or not all(isinstance(v, str) for v in key.values()):
        raise InvalidCursorError("cursor: not a cursor this API returned")
    if key["office"] != office:
        raise InvalidCursorError("cursor: belongs to another office")
    return to_attribute_values(key)


def _condition_failed(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _to_dynamo(value: Any) -> Any:  # noqa: ANN401 - JSON-like values
    """Floats become Decimal (DynamoDB numbers); everything else as is, recursively."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: _to_dynamo(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(inner) for inner in value]
    return value


def _from_dynamo(value: Any) -> Any:  # noqa: ANN401
    """Decimals back to int or float; sets are not used in these items."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _from_dynamo(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(inner) for inner in value]
    return value

"""The event shapes AWS delivers to our handlers, built locally: API Gateway HTTP API (payload 2.0
with JWT authorizer claims), S3 notifications through SQS, and EventBridge Transcribe job state
changes. The local runtime and the tests hand these to the same handlers Lambda runs.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

# The HTTP API's routes and the function each proxies to (module app: intake_api; module ml:
# forecast_api; module privacy: privacy_api).
ROUTE_FUNCTIONS = {
    ("POST", "/intakes"): "intake_api",
    ("GET", "/intakes"): "intake_api",
    ("GET", "/intakes/{intake_id}"): "intake_api",
    ("POST", "/intakes/{intake_id}/segments"): "intake_api",
    ("PATCH", "/intakes/{intake_id}/fields"): "intake_api",
    ("POST", "/intakes/{intake_id}/submit"): "intake_api",
    ("GET", "/forecast"): "forecast_api",
    ("GET", "/reports"): "forecast_api",
    ("POST", "/mlops/runs"): "forecast_api",
    ("GET", "/mlops/runs/{run_id}"): "forecast_api",
    ("POST", "/privacy/access"): "privacy_api",
    ("POST", "/privacy/erasure"): "privacy_api",
}


def route_key(method: str, path: str) -> str | None:
    """The HTTP API route a request matches (``"POST /intakes/{intake_id}/segments"``), or None."""
    parts = path.rstrip("/").split("/") if path != "/" else [""]
    for route_method, template in ROUTE_FUNCTIONS:
        template_parts = template.split("/")
        if (
            route_method == method
            and len(template_parts) == len(parts)
            and all(t.startswith("{") or t == p for t, p in zip(template_parts, parts, strict=True))
        ):
            return f"{route_method} {template}"
    return None


def route_function(route: str) -> str:
    """The function behind a route key ("GET /forecast" → "forecast_api")."""
    method, template = route.split(" ", 1)
    return ROUTE_FUNCTIONS[(method, template)]


def http_api_event(
    method: str,
    path: str,
    *,
    claims: dict[str, Any] | None,
    body: str | bytes | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload format 2.0) request as the JWT authorizer passes it on."""
    now = dt.datetime.now(dt.UTC)
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key(method, path) or "$default",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": lowered,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": "127.0.0.1",
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": route_key(method, path) or "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = dict(query)
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    if body is not None:
        if isinstance(body, bytes):
            event["body"] = base64.b64encode(body).decode()
            event["isBase64Encoded"] = True
        else:
            event["body"] = body
    return event


def s3_object_created_record(
    bucket: str, key: str, size: int, version_id: str | None = None
) -> dict[str, Any]:
    """One record of an S3 ``ObjectCreated:Put`` notification (keys arrive URL-encoded)."""
    s3_object: dict[str, Any] = {
        "key": quote(key, safe="/"),
        "size": size,
        "sequencer": uuid.uuid4().hex[:16],
    }
    if version_id:
        s3_object["versionId"] = version_id
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "eu-south-2",
        "eventTime": dt.datetime.now(dt.UTC).isoformat(),
        "eventName": "ObjectCreated:Put",
        "s3": {
            "s3SchemaVersion": "1.0",
            "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
            "object": s3_object,
        },
    }


@dataclass(frozen=True)
class SqsMessage:
    message_id: str
    receipt_handle: str
    body: str
    receive_count: int = 1


def sqs_event(messages: list[SqsMessage], queue_arn: str) -> dict[str, Any]:
    """What an SQS event source mapping hands to a function."""
    return {
        "Records": [
            {
                "messageId": message.message_id,
                "receiptHandle": message.receipt_handle,
                "body": message.body,
                "attributes": {
                    "ApproximateReceiveCount": str(message.receive_count),
                    "SentTimestamp": str(int(dt.datetime.now(dt.UTC).timestamp() * 1000)),
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3],
            }
            for message in messages
        ]
    }


def transcribe_state_change_event(job_name: str, status: str, region: str, account: str) -> dict[str, Any]:
    """EventBridge "Transcribe Job State Change" for ``job_name``."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Transcribe Job State Change",
        "source": "aws.transcribe",
        "account": account,
        "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [],
        "detail": {"TranscriptionJobName": job_name, "TranscriptionJobStatus": status},
    }


def dynamodb_stream_record(
    new_image: dict[str, Any], keys: dict[str, Any], sequence_number: int, event_name: str = "MODIFY"
) -> dict[str, Any]:
    """One record of a DynamoDB stream (NEW_AND_OLD_IMAGES) as the event source mapping passes it;
    images in DynamoDB's attribute-value form."""
    return {
        "eventID": uuid.uuid4().hex,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-south-2",
        "dynamodb": {
            "ApproximateCreationDateTime": int(dt.datetime.now(dt.UTC).timestamp()),
            "Keys": keys,
            "NewImage": new_image,
            "SequenceNumber": str(sequence_number),
            "SizeBytes": len(json.dumps(new_image)),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }

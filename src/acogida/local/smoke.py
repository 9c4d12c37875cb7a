"""Smoke checks against a deployed environment, driven only by ``terraform output``.

They prove the wiring Terraform created works end to end through boto3: an object written to the
raw bucket under the S3 key comes back encrypted with that key; the TLS-only policy is on the bucket;
an intake item written to the table reads back; the write appears on the table's stream. The item is
synthetic (no personal data) and has a fixed id, so re-running overwrites rather than accumulates.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ObjectStore
from acogida.adapters.table import Table, from_attribute_values, read_stream

SMOKE_OBJECT_KEY = "smoke/demo-object.json"
SMOKE_INTAKE_ID = "smoke-demo-intake"
SMOKE_OFFICE = "smoke-office"


class SmokeCheckError(AssertionError):
    """A smoke check found the deployed platform not doing what it should."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    detail: str
    seconds: float


def _check_encrypted_object(target: AwsTarget, outputs: dict[str, Any], run_stamp: str) -> str:
    bucket = outputs["s3_bucket_names"]["raw"]
    key_arn = outputs["s3_bucket_kms_key_arns"]["raw"]
    store = ObjectStore(target.client("s3"), bucket)
    body = json.dumps({"check": "smoke", "run": run_stamp}).encode()
    store.put_encrypted(SMOKE_OBJECT_KEY, body, key_arn, "application/json")
    stored = store.get(SMOKE_OBJECT_KEY)
    if stored.body != body:
        raise SmokeCheckError(f"s3://{bucket}/{SMOKE_OBJECT_KEY} read back different bytes")
    if stored.server_side_encryption != "aws:kms":
        raise SmokeCheckError(f"object stored with {stored.server_side_encryption!r}, expected aws:kms")
    if stored.kms_key_id is None or stored.kms_key_id.split("/")[-1] != key_arn.split("/")[-1]:
        raise SmokeCheckError(f"object encrypted under {stored.kms_key_id!r}, expected the S3 key {key_arn}")
    if "DenyRequestsWithoutTls" not in store.policy_statement_ids():
        raise SmokeCheckError(f"bucket {bucket} has no TLS-only policy statement")
    alias = outputs["kms_alias_names"]["s3"]
    return f"s3://{bucket}/{SMOKE_OBJECT_KEY} SSE-KMS under {alias}, TLS-only policy present"


def _check_intake_item(target: AwsTarget, outputs: dict[str, Any], run_stamp: str) -> str:
    table = Table(target.client("dynamodb"), outputs["dynamodb_intakes_table_name"])
    created_at = datetime.now(UTC)
    item = {
        "intake_id": SMOKE_INTAKE_ID,
        "office": SMOKE_OFFICE,
        "created_at": created_at.isoformat(timespec="seconds"),
        "status": "draft",
        "smoke_run": run_stamp,
        # An abandoned draft: DynamoDB's TTL removes it a day later.
        outputs["dynamodb_intakes_ttl_attribute"]: int((created_at + timedelta(days=1)).timestamp()),
    }
    table.put(item)
    stored = table.get({"intake_id": SMOKE_INTAKE_ID})
    if stored is None or stored.get("smoke_run") != run_stamp:
        raise SmokeCheckError(f"intake {SMOKE_INTAKE_ID} did not read back from {table.name}")
    description = table.describe()
    encryption = description.get("SSEDescription", {})
    if (
        encryption.get("SSEType") != "KMS"
        or encryption.get("KMSMasterKeyArn") != outputs["kms_key_arns"]["dynamodb"]
    ):
        raise SmokeCheckError(f"table {table.name} is not encrypted with the DynamoDB key: {encryption}")
    alias = outputs["kms_alias_names"]["dynamodb"]
    return f"{table.name}: draft {SMOKE_INTAKE_ID} written and read back, CMK {alias}"


def _check_stream(target: AwsTarget, outputs: dict[str, Any], run_stamp: str) -> str:
    stream_arn = outputs["dynamodb_intakes_table_stream_arn"]
    streams = target.client("dynamodbstreams")
    for _ in range(20):
        for record in read_stream(streams, stream_arn):
            new_image = from_attribute_values(record["dynamodb"].get("NewImage", {}))
            if new_image.get("intake_id") == SMOKE_INTAKE_ID and new_image.get("smoke_run") == run_stamp:
                view = record["dynamodb"].get("StreamViewType")
                return f"stream delivered {record['eventName']} for {SMOKE_INTAKE_ID} ({view})"
        time.sleep(0.5)
    raise SmokeCheckError(f"the write of {SMOKE_INTAKE_ID} did not appear on {stream_arn}")


SMOKE_CHECKS: list[tuple[str, Callable[[AwsTarget, dict[str, Any], str], str]]] = [
    ("encrypted object in raw", _check_encrypted_object),
    ("intake item in the table", _check_intake_item),
    ("change on the table stream", _check_stream),
]


def run_smoke_checks(
    target: AwsTarget, outputs: dict[str, Any], report: Callable[[CheckResult], None] | None = None
) -> list[CheckResult]:
    run_stamp = datetime.now(UTC).isoformat(timespec="microseconds")
    results = []
    for name, check in SMOKE_CHECKS:
        started = time.monotonic()
        detail = check(target, outputs, run_stamp)
        result = CheckResult(name=name, detail=detail, seconds=time.monotonic() - started)
        results.append(result)
        if report is not None:
            report(result)
    return results

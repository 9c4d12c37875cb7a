"""The stores the rights of access and erasure search (acogida.privacy.rights), on AWS.

The intakes table is searched with a paged Scan, not an index: a request comes rarely (a DPO's,
a few a month), a Scan reads the whole table once (docs/privacy-rights.md has the figures), and
an index by document would need the document (or a keyed hash of it, re-computed at every key
rotation) on every item, making the table searchable by person for every reader of it. The Scan
projects only the intake id and the two document-number attributes, so other people's names,
phones and fields never reach this process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from acogida.adapters.audit_log import S3AuditLog
from acogida.adapters.aws import AwsTarget
from acogida.adapters.intake_repository import from_item
from acogida.adapters.object_store import ObjectStore
from acogida.adapters.table import from_attribute_values, to_attribute_values
from acogida.intake.record import Intake
from acogida.privacy.keyring import KeyRing
from acogida.privacy.rights import ObjectVersion, PersonStores


class S3VersionedBucket:
    """One versioned bucket; new versions are written under its customer-managed key."""

    def __init__(self, s3_client: Any, bucket: str, kms_key_arn: str) -> None:  # noqa: ANN401
        self._s3 = s3_client
        self._objects = ObjectStore(s3_client, bucket)
        self.name = bucket
        self._kms_key_arn = kms_key_arn

    def versions(self, prefix: str) -> list[ObjectVersion]:
        found: list[ObjectVersion] = []
        for page in self._s3.get_paginator("list_object_versions").paginate(Bucket=self.name, Prefix=prefix):
            found += [
                ObjectVersion(v["Key"], v["VersionId"], bool(v.get("IsLatest")))
                for v in page.get("Versions", [])
            ]
            found += [
                ObjectVersion(v["Key"], v["VersionId"], bool(v.get("IsLatest")), is_delete_marker=True)
                for v in page.get("DeleteMarkers", [])
            ]
        return found

    def read(self, version: ObjectVersion) -> bytes:
        response = self._s3.get_object(Bucket=self.name, Key=version.key, VersionId=version.version_id)
        body: bytes = response["Body"].read()
        return body

    def metadata(self, version: ObjectVersion) -> dict[str, str]:
        head = self._s3.head_object(Bucket=self.name, Key=version.key, VersionId=version.version_id)
        return dict(head.get("Metadata", {}))

    def write(self, key: str, body: bytes, content_type: str, metadata: Mapping[str, str]) -> str:
        version = self._objects.put_encrypted(
            key, body, self._kms_key_arn, content_type, metadata=dict(metadata)
        )
        return version or ""

    def delete_versions(self, versions: Sequence[ObjectVersion]) -> None:
        self._objects.delete_versions([{"Key": v.key, "VersionId": v.version_id} for v in versions])


class DynamoIntakeTable:
    # The two places an intake holds a document number: extracted.document_number.value and
    # corrections.document_number.value.
    _PROJECTION = "intake_id, extracted.document_number, corrections.document_number"

    def __init__(self, dynamodb_client: Any, table_name: str) -> None:  # noqa: ANN401
        self._dynamodb = dynamodb_client
        self._table = table_name

    def document_numbers(self) -> Iterator[tuple[str, list[str]]]:
        paginator = self._dynamodb.get_paginator("scan")
        for page in paginator.paginate(TableName=self._table, ProjectionExpression=self._PROJECTION):
            for raw in page.get("Items", []):
                item = from_attribute_values(raw)
                numbers = [
                    (item.get(part) or {}).get("document_number", {}).get("value")
                    for part in ("extracted", "corrections")
                ]
                yield str(item["intake_id"]), [n for n in numbers if isinstance(n, str)]

    def get(self, intake_id: str) -> Intake | None:
        response = self._dynamodb.get_item(
            TableName=self._table, Key=to_attribute_values({"intake_id": intake_id}), ConsistentRead=True
        )
        item = response.get("Item")
        return from_item(from_attribute_values(item)) if item else None

    def delete(self, intake_id: str) -> None:
        self._dynamodb.delete_item(TableName=self._table, Key=to_attribute_values({"intake_id": intake_id}))


class DynamoIdempotencyTable:
    """Powertools' records: ``id`` (key), ``data`` (the saved answer, JSON text), status, expiry."""

    def __init__(self, dynamodb_client: Any, table_name: str) -> None:  # noqa: ANN401
        self._dynamodb = dynamodb_client
        self._table = table_name

    def records(self) -> Iterator[tuple[str, str | None]]:
        paginator = self._dynamodb.get_paginator("scan")
        pages = paginator.paginate(
            TableName=self._table,
            ProjectionExpression="#id, #data",
            ExpressionAttributeNames={"#id": "id", "#data": "data"},
        )
        for page in pages:
            for raw in page.get("Items", []):
                item = from_attribute_values(raw)
                data = item.get("data")
                yield str(item["id"]), data if isinstance(data, str) else None

    def delete(self, record_id: str) -> None:
        self._dynamodb.delete_item(TableName=self._table, Key=to_attribute_values({"id": record_id}))


def keyring_from_secret(secrets_client: Any, secret_arn: str) -> KeyRing | None:  # noqa: ANN401
    """The pseudonymisation key ring, or None while the secret has no value yet (the first export
    puts one: until then no row carries a person_key)."""
    try:
        value = secrets_client.get_secret_value(SecretId=secret_arn)["SecretString"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
    return KeyRing.from_secret(value)


@dataclass(frozen=True)
class RightsSettings:
    """Names of the stores: the privacy_api function's environment (terraform/modules/privacy),
    which the CLI reads from ``terraform output lambda_environments`` too."""

    intakes_table: str
    idempotency_table: str
    transcripts_bucket: str
    transcripts_kms_key_arn: str
    audio_bucket: str
    audio_kms_key_arn: str
    raw_bucket: str
    raw_kms_key_arn: str
    pseudonymisation_secret_arn: str
    audit_bucket: str
    audit_kms_key_arn: str
    transcription_job_prefix: str

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> RightsSettings:
        names = {
            "intakes_table": "INTAKES_TABLE",
            "idempotency_table": "IDEMPOTENCY_TABLE",
            "transcripts_bucket": "TRANSCRIPTS_BUCKET",
            "transcripts_kms_key_arn": "TRANSCRIPTS_KMS_KEY_ARN",
            "audio_bucket": "AUDIO_BUCKET",
            "audio_kms_key_arn": "AUDIO_KMS_KEY_ARN",
            "raw_bucket": "RAW_BUCKET",
            "raw_kms_key_arn": "RAW_KMS_KEY_ARN",
            "pseudonymisation_secret_arn": "PSEUDONYMISATION_SECRET_ARN",
            "audit_bucket": "AUDIT_BUCKET",
            "audit_kms_key_arn": "AUDIT_KMS_KEY_ARN",
            "transcription_job_prefix": "TRANSCRIPTION_JOB_PREFIX",
        }
        missing = [variable for variable in names.values() if not str(environment.get(variable, "")).strip()]
        if missing:
            raise ValueError(f"privacy stores: {', '.join(missing)} not set")
        return cls(**{field: str(environment[variable]).strip() for field, variable in names.items()})


def person_stores(settings: RightsSettings, home: AwsTarget, language: AwsTarget) -> PersonStores:
    """The stores in the home region and the audio bucket in the language region."""
    s3 = home.client("s3")
    dynamodb = home.client("dynamodb")
    return PersonStores(
        intakes=DynamoIntakeTable(dynamodb, settings.intakes_table),
        idempotency=DynamoIdempotencyTable(dynamodb, settings.idempotency_table),
        transcripts=S3VersionedBucket(s3, settings.transcripts_bucket, settings.transcripts_kms_key_arn),
        audio=S3VersionedBucket(language.client("s3"), settings.audio_bucket, settings.audio_kms_key_arn),
        raw=S3VersionedBucket(s3, settings.raw_bucket, settings.raw_kms_key_arn),
        audit=S3AuditLog(s3, settings.audit_bucket, settings.audit_kms_key_arn),
        keyring=keyring_from_secret(home.client("secretsmanager"), settings.pseudonymisation_secret_arn),
        transcription_job_prefix=settings.transcription_job_prefix,
    )

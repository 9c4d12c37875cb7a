"""The intake stores in moto (in-process), shaped as terraform/modules/database and landing_zone
create them, and the environment the app module gives the functions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from acogida.handlers.runtime import dependencies

REGION = "eu-south-2"
LANGUAGE_REGION = "eu-west-1"  # Transcribe and Comprehend are not offered in eu-south-2
AUDIO_BUCKET = "acogida-test-audio-123456789012"
INTAKES_TABLE = "acogida-test-intakes"
OFFICE_INDEX = "by_office_created_at"
IDEMPOTENCY_TABLE = "acogida-test-idempotency"
TRANSCRIPTS_BUCKET = "acogida-test-transcripts-123456789012"
RAW_BUCKET = "acogida-test-raw-123456789012"
# The pseudonymisation key the lake fixture stores in Secrets Manager.
LAKE_SECRET = b"s" * 48
JOB_PREFIX = "acogida-test-"


@dataclass
class IntakeStores:
    s3: Any
    dynamodb: Any
    kms_key_arn: str
    audio_s3: Any
    audio_kms_key_arn: str
    bucket: str = TRANSCRIPTS_BUCKET

    def audio_uploads_queue_url(self, endpoint: str | None = None) -> str:
        """The audio-uploads queue in the language region, notified by the speech bucket for audio/."""
        sqs = boto3.client("sqs", region_name=LANGUAGE_REGION, endpoint_url=endpoint)
        url: str = sqs.create_queue(QueueName="acogida-test-audio-uploads")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.audio_s3.put_bucket_notification_configuration(
            Bucket=AUDIO_BUCKET,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": arn,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "audio/"}]}},
                    }
                ]
            },
        )
        return url

    def object_keys(self, prefix: str = "", bucket: str = TRANSCRIPTS_BUCKET) -> list[str]:
        s3 = self.audio_s3 if bucket == AUDIO_BUCKET else self.s3
        listing = s3.list_object_versions(Bucket=bucket, Prefix=prefix)
        return sorted(v["Key"] for v in listing.get("Versions", []))


def create_intake_stores() -> IntakeStores:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName=INTAKES_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "intake_id", "AttributeType": "S"},
            {"AttributeName": "office", "AttributeType": "S"},
            {"AttributeName": "created_at", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "intake_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": OFFICE_INDEX,
                "KeySchema": [
                    {"AttributeName": "office", "KeyType": "HASH"},
                    {"AttributeName": "created_at", "KeyType": "RANGE"},
                ],
                "Projection": {
                    "ProjectionType": "INCLUDE",
                    "NonKeyAttributes": ["status", "updated_at", "submitted_at", "segment_count"],
                },
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    dynamodb.create_table(
        TableName=IDEMPOTENCY_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=TRANSCRIPTS_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=TRANSCRIPTS_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    audio_s3 = boto3.client("s3", region_name=LANGUAGE_REGION)
    audio_s3.create_bucket(
        Bucket=AUDIO_BUCKET, CreateBucketConfiguration={"LocationConstraint": LANGUAGE_REGION}
    )
    audio_s3.put_bucket_versioning(Bucket=AUDIO_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    audio_key_arn = boto3.client("kms", region_name=LANGUAGE_REGION).create_key()["KeyMetadata"]["Arn"]
    return IntakeStores(
        s3=s3, dynamodb=dynamodb, kms_key_arn=key_arn, audio_s3=audio_s3, audio_kms_key_arn=audio_key_arn
    )


@pytest.fixture
def intake_stores(monkeypatch: pytest.MonkeyPatch) -> Iterator[IntakeStores]:
    """Moto with the intake stores, and the functions' environment pointing at them."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "ACOGIDA_LANGUAGE_REGION": LANGUAGE_REGION,
        "AUDIO_BUCKET": AUDIO_BUCKET,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "intake_api",
        "POWERTOOLS_METRICS_NAMESPACE": "Acogida",
        "INTAKES_TABLE": INTAKES_TABLE,
        "INTAKES_OFFICE_INDEX": OFFICE_INDEX,
        "IDEMPOTENCY_TABLE": IDEMPOTENCY_TABLE,
        "TRANSCRIPTS_BUCKET": TRANSCRIPTS_BUCKET,
        "TRANSCRIPTION_JOB_PREFIX": JOB_PREFIX,
        "COMPREHEND_ENABLED": "false",
        "DRAFT_TTL_DAYS": "7",
        "SUBMITTED_INTAKE_RETENTION_DAYS": "1826",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        stores = create_intake_stores()
        monkeypatch.setenv("TRANSCRIPTS_KMS_KEY_ARN", stores.kms_key_arn)
        monkeypatch.setenv("AUDIO_KMS_KEY_ARN", stores.audio_kms_key_arn)
        dependencies.cache_clear()
        yield stores
        dependencies.cache_clear()


@dataclass
class LakeStores:
    s3: Any
    raw_bucket: str
    kms_key_arn: str
    secret_arn: str


@pytest.fixture
def lake_stores(intake_stores: IntakeStores, monkeypatch: pytest.MonkeyPatch) -> Iterator[LakeStores]:
    """The raw bucket (versioned, as the landing zone makes it), its key and the pseudonymisation
    secret, and the lake functions' environment (RAW_BUCKET, RAW_KMS_KEY_ARN,
    PSEUDONYMISATION_SECRET_ARN) pointing at them."""
    from acogida.adapters.lake import lake_target  # noqa: PLC0415 - after moto is in place

    kms_key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    s3 = intake_stores.s3
    s3.create_bucket(Bucket=RAW_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=RAW_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    secret_arn = boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name="acogida-test-pseudonymisation", SecretString=LAKE_SECRET.decode()
    )["ARN"]
    monkeypatch.setenv("RAW_BUCKET", RAW_BUCKET)
    monkeypatch.setenv("RAW_KMS_KEY_ARN", kms_key_arn)
    monkeypatch.setenv("PSEUDONYMISATION_SECRET_ARN", secret_arn)
    lake_target.cache_clear()
    yield LakeStores(s3, RAW_BUCKET, kms_key_arn, secret_arn)
    lake_target.cache_clear()


def create_forecasts_table(dynamodb: Any, name: str) -> None:
    """The forecasts table as module ml makes it: series (hash), date (range)."""
    dynamodb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "series", "KeyType": "HASH"},
            {"AttributeName": "date", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "series", "AttributeType": "S"},
            {"AttributeName": "date", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )

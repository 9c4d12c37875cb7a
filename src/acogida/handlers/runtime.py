"""What every Lambda handler shares: settings from the environment and the adapters built once per
execution environment (warm invocations reuse them).

The variable names are a contract with terraform/modules/app (each function's environment). boto3
honours ``AWS_ENDPOINT_URL``, so the local runtime points the very same code at moto.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

from acogida.adapters.aws import AwsTarget
from acogida.adapters.comprehend import ComprehendEntityDetector
from acogida.adapters.intake_repository import DynamoIntakeRepository
from acogida.adapters.transcript_store import S3TranscriptStore
from acogida.intake.service import IntakeService


class MissingSettingError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    region: str
    intakes_table: str
    intakes_office_index: str
    idempotency_table: str
    transcripts_bucket: str
    transcripts_kms_key_arn: str
    comprehend_enabled: bool
    transcription_job_prefix: str
    draft_ttl_days: int

    @classmethod
    def from_environment(cls) -> Settings:
        def required(name: str) -> str:
            value = os.environ.get(name, "").strip()
            if not value:
                raise MissingSettingError(f"environment variable {name} is not set")
            return value

        return cls(
            region=required("AWS_REGION"),
            intakes_table=required("INTAKES_TABLE"),
            intakes_office_index=required("INTAKES_OFFICE_INDEX"),
            idempotency_table=required("IDEMPOTENCY_TABLE"),
            transcripts_bucket=required("TRANSCRIPTS_BUCKET"),
            transcripts_kms_key_arn=required("TRANSCRIPTS_KMS_KEY_ARN"),
            comprehend_enabled=os.environ.get("COMPREHEND_ENABLED", "false").lower() == "true",
            transcription_job_prefix=required("TRANSCRIPTION_JOB_PREFIX"),
            draft_ttl_days=int(os.environ.get("DRAFT_TTL_DAYS", "7")),
        )


@dataclass(frozen=True)
class Dependencies:
    settings: Settings
    target: AwsTarget
    intakes: IntakeService
    transcripts: S3TranscriptStore
    idempotency_store: DynamoDBPersistenceLayer
    idempotency_config: IdempotencyConfig


@cache
def dependencies() -> Dependencies:
    """Built on first use, not at import: importing a handler never needs AWS or settings."""
    settings = Settings.from_environment()
    target = AwsTarget(region=settings.region)
    transcripts = S3TranscriptStore(
        target.client("s3"), settings.transcripts_bucket, settings.transcripts_kms_key_arn
    )
    detector = ComprehendEntityDetector(target.client("comprehend")) if settings.comprehend_enabled else None
    service = IntakeService(
        DynamoIntakeRepository(
            target.client("dynamodb"), settings.intakes_table, settings.intakes_office_index
        ),
        transcripts,
        draft_ttl_days=settings.draft_ttl_days,
        entity_detector=detector,
    )
    return Dependencies(
        settings=settings,
        target=target,
        intakes=service,
        transcripts=transcripts,
        idempotency_store=DynamoDBPersistenceLayer(
            table_name=settings.idempotency_table, boto3_client=target.client("dynamodb")
        ),
        # Replays within a day get the first answer; the record then expires (table TTL).
        idempotency_config=IdempotencyConfig(expires_after_seconds=24 * 3600),
    )

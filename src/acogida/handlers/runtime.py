"""What every Lambda handler shares: settings from the environment and the adapters built once per
execution environment (warm invocations reuse them).

The variable names are a contract with terraform/modules/app and terraform/modules/transcription
(each function's environment). boto3
honours ``AWS_ENDPOINT_URL``, so the local runtime points the very same code at moto.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

from acogida.adapters.aws import AwsTarget
from acogida.adapters.comprehend import ComprehendEntityDetector
from acogida.adapters.intake_repository import DynamoIntakeRepository
from acogida.adapters.transcript_store import AudioStore, S3TranscriptStore
from acogida.intake.service import IntakeService


class MissingSettingError(RuntimeError):
    pass


def required_setting(name: str) -> str:
    """The value of environment variable ``name``, which Terraform must have set."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingSettingError(f"environment variable {name} is not set")
    return value


def _positive_days(name: str) -> int:
    """A whole number of days from environment variable ``name`` (Terraform validated it)."""
    value = required_setting(name)
    if not value.isdigit() or int(value) < 1:
        raise MissingSettingError(f"environment variable {name} must be a whole number of days: {value!r}")
    return int(value)


@dataclass(frozen=True)
class Settings:
    data_region: str
    language_region: str
    intakes_table: str
    intakes_office_index: str
    idempotency_table: str
    transcripts_bucket: str
    transcripts_kms_key_arn: str
    comprehend_enabled: bool
    transcription_job_prefix: str
    draft_ttl_days: int
    submitted_intake_retention_days: int
    # Only the batch transcription functions have these: the audio bucket lives in the language
    # region, because Transcribe reads media from and writes output to buckets of its own region.
    audio_bucket: str | None
    audio_kms_key_arn: str | None

    @classmethod
    def from_environment(cls) -> Settings:
        own_region = required_setting("AWS_REGION")
        return cls(
            data_region=os.environ.get("ACOGIDA_DATA_REGION") or own_region,
            language_region=os.environ.get("ACOGIDA_LANGUAGE_REGION") or own_region,
            intakes_table=required_setting("INTAKES_TABLE"),
            intakes_office_index=required_setting("INTAKES_OFFICE_INDEX"),
            idempotency_table=required_setting("IDEMPOTENCY_TABLE"),
            transcripts_bucket=required_setting("TRANSCRIPTS_BUCKET"),
            transcripts_kms_key_arn=required_setting("TRANSCRIPTS_KMS_KEY_ARN"),
            comprehend_enabled=os.environ.get("COMPREHEND_ENABLED", "false").lower() == "true",
            transcription_job_prefix=required_setting("TRANSCRIPTION_JOB_PREFIX"),
            draft_ttl_days=int(os.environ.get("DRAFT_TTL_DAYS", "7")),
            submitted_intake_retention_days=_positive_days("SUBMITTED_INTAKE_RETENTION_DAYS"),
            audio_bucket=os.environ.get("AUDIO_BUCKET") or None,
            audio_kms_key_arn=os.environ.get("AUDIO_KMS_KEY_ARN") or None,
        )


@dataclass(frozen=True)
class Dependencies:
    settings: Settings
    intakes: IntakeService
    transcripts: S3TranscriptStore
    idempotency_store: DynamoDBPersistenceLayer
    idempotency_config: IdempotencyConfig
    language: AwsTarget

    def audio_store(self) -> AudioStore:
        if not self.settings.audio_bucket or not self.settings.audio_kms_key_arn:
            raise MissingSettingError("AUDIO_BUCKET and AUDIO_KMS_KEY_ARN are not set for this function")
        return AudioStore(
            self.language.client("s3"), self.settings.audio_bucket, self.settings.audio_kms_key_arn
        )

    def transcribe(self) -> Any:  # noqa: ANN401 - boto3 client
        return self.language.client("transcribe")


@cache
def dependencies() -> Dependencies:
    """Built on first use, not at import: importing a handler never needs AWS or settings.

    Tables and the transcripts bucket are in the data region (eu-south-2); Transcribe and
    Comprehend are not offered there, so they are called in the language region.
    """
    settings = Settings.from_environment()
    data = AwsTarget(region=settings.data_region)
    language = AwsTarget(region=settings.language_region)
    transcripts = S3TranscriptStore(
        data.client("s3"), settings.transcripts_bucket, settings.transcripts_kms_key_arn
    )
    detector = (
        ComprehendEntityDetector(language.client("comprehend")) if settings.comprehend_enabled else None
    )
    dynamodb = data.client("dynamodb")
    service = IntakeService(
        DynamoIntakeRepository(dynamodb, settings.intakes_table, settings.intakes_office_index),
        transcripts,
        draft_ttl_days=settings.draft_ttl_days,
        submitted_retention_days=settings.submitted_intake_retention_days,
        entity_detector=detector,
    )
    return Dependencies(
        settings=settings,
        intakes=service,
        transcripts=transcripts,
        idempotency_store=DynamoDBPersistenceLayer(
            table_name=settings.idempotency_table, boto3_client=dynamodb
        ),
        # Replays within a day get the first answer; the record then expires (table TTL).
        idempotency_config=IdempotencyConfig(expires_after_seconds=24 * 3600),
        language=language,
    )

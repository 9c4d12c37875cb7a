"""Transcripts in the ``transcripts`` bucket, encrypted with the bucket's customer-managed key.

Layout (the app module's IAM policies and lifecycle rules follow these prefixes):

- ``drafts/<intake_id>/<version>.json``: the raw transcript of a draft, one snapshot per change.
  Only while the intake is a draft: submitting deletes every version of every snapshot.
- ``redacted/<intake_id>.json``: the redacted transcript of a submitted intake, what is kept.

The audio bucket (in the language region, where Transcribe runs) holds
``audio/<intake_id>/<file>`` recordings uploaded for batch transcription and
``transcribe/<job name>.json``, Transcribe's raw output, deleted once applied.
"""

from __future__ import annotations

from typing import Any

from acogida.adapters.object_store import ObjectStore
from acogida.intake.record import Intake, Segment
from acogida.intake.redact import Redaction

DRAFTS_PREFIX = "drafts/"
REDACTED_PREFIX = "redacted/"
AUDIO_PREFIX = "audio/"
TRANSCRIBE_OUTPUT_PREFIX = "transcribe/"


class S3TranscriptStore:
    def __init__(self, s3_client: Any, bucket: str, kms_key_arn: str) -> None:  # noqa: ANN401
        self._objects = ObjectStore(s3_client, bucket)
        self._kms_key_arn = kms_key_arn

    def put_draft(self, intake_id: str, version: int, segments: list[Segment]) -> str:
        key = f"{DRAFTS_PREFIX}{intake_id}/{version:06d}.json"
        body = {
            "intake_id": intake_id,
            "segments": [{"sequence": s.sequence, "speaker": s.speaker, "text": s.text} for s in segments],
        }
        self._objects.put_json(key, body, self._kms_key_arn)
        return key

    def get_draft(self, key: str) -> list[Segment]:
        body = self._objects.get_json(key)
        return [Segment(s["sequence"], s["text"], s["speaker"]) for s in body["segments"]]

    def delete_draft(self, key: str) -> None:
        self._objects.delete_every_version(key)

    def delete_all_drafts(self, intake_id: str) -> int:
        return self._objects.delete_every_version(f"{DRAFTS_PREFIX}{intake_id}/")

    def put_redacted(self, intake: Intake, redaction: Redaction) -> str:
        key = f"{REDACTED_PREFIX}{intake.intake_id}.json"
        labels: dict[str, int] = {}
        for span in redaction.spans:
            labels[span.label] = labels.get(span.label, 0) + 1
        document = {
            "intake_id": intake.intake_id,
            "office": intake.office,
            "submitted_at": intake.submitted_at,
            "redacted": redaction.redacted,
            "masked_spans_by_label": labels,
        }
        self._objects.put_json(key, document, self._kms_key_arn)
        return key

    def delete_redacted(self, key: str) -> None:
        self._objects.delete_every_version(key)


class AudioStore:
    """The audio bucket in the language region: uploads and Transcribe's raw output."""

    def __init__(self, s3_client: Any, bucket: str, kms_key_arn: str) -> None:  # noqa: ANN401
        self._objects = ObjectStore(s3_client, bucket)
        self.bucket = bucket
        self.kms_key_arn = kms_key_arn

    def read_transcribe_output(self, key: str) -> dict[str, Any]:
        body: dict[str, Any] = self._objects.get_json(key)
        return body

    def delete_transcribe_output(self, key: str) -> int:
        return self._objects.delete_every_version(key)

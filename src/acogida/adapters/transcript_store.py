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

import json
from typing import Any

from botocore.exceptions import ClientError

from acogida.intake.record import Intake, Segment
from acogida.intake.redact import Redaction

DRAFTS_PREFIX = "drafts/"
REDACTED_PREFIX = "redacted/"
AUDIO_PREFIX = "audio/"
TRANSCRIBE_OUTPUT_PREFIX = "transcribe/"


class S3TranscriptStore:
    def __init__(self, s3_client: Any, bucket: str, kms_key_arn: str) -> None:  # noqa: ANN401
        self._s3 = s3_client
        self._bucket = bucket
        self._kms_key_arn = kms_key_arn

    def put_draft(self, intake_id: str, version: int, segments: list[Segment]) -> str:
        key = f"{DRAFTS_PREFIX}{intake_id}/{version:06d}.json"
        body = {
            "intake_id": intake_id,
            "segments": [{"sequence": s.sequence, "speaker": s.speaker, "text": s.text} for s in segments],
        }
        self._put_json(key, body)
        return key

    def get_draft(self, key: str) -> list[Segment]:
        body = json.loads(self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read())
        return [Segment(s["sequence"], s["text"], s["speaker"]) for s in body["segments"]]

    def delete_draft(self, key: str) -> None:
        self._delete_every_version(key)

    def delete_all_drafts(self, intake_id: str) -> int:
        return self._delete_every_version(f"{DRAFTS_PREFIX}{intake_id}/")

    def put_redacted(self, intake: Intake, redaction: Redaction) -> str:
        key = f"{REDACTED_PREFIX}{intake.intake_id}.json"
        labels: dict[str, int] = {}
        for span in redaction.spans:
            labels[span.label] = labels.get(span.label, 0) + 1
        self._put_json(
            key,
            {
                "intake_id": intake.intake_id,
                "office": intake.office,
                "submitted_at": intake.submitted_at,
                "redacted": redaction.redacted,
                "masked_spans_by_label": labels,
            },
        )
        return key

    def delete_redacted(self, key: str) -> None:
        self._delete_every_version(key)

    def _put_json(self, key: str, body: dict[str, Any]) -> None:
        self._s3.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            ContentType="application/json",
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=self._kms_key_arn,
            BucketKeyEnabled=True,
        )

    def _delete_every_version(self, prefix: str) -> int:
        return delete_every_version(self._s3, self._bucket, prefix)


class AudioStore:
    """The audio bucket in the language region: uploads and Transcribe's raw output."""

    def __init__(self, s3_client: Any, bucket: str, kms_key_arn: str) -> None:  # noqa: ANN401
        self._s3 = s3_client
        self.bucket = bucket
        self.kms_key_arn = kms_key_arn

    def read_transcribe_output(self, key: str) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        return body

    def delete_transcribe_output(self, key: str) -> int:
        return delete_every_version(self._s3, self.bucket, key)


def delete_every_version(s3: Any, bucket: str, prefix: str) -> int:  # noqa: ANN401
    """Delete every version and delete marker under ``prefix`` (the bucket is versioned, so a
    plain delete would leave the personal data in a noncurrent version)."""
    deleted = 0
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        versions = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        # list_object_versions matches by prefix: "drafts/x/000001.json" must not take
        # "drafts/x/000001.json.bak" with it.
        exact = prefix.endswith("/")
        objects = [
            {"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions if exact or v["Key"] == prefix
        ]
        for start in range(0, len(objects), 1000):
            batch = objects[start : start + 1000]
            response = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            errors = response.get("Errors", [])
            if errors:
                raise ClientError(
                    {
                        "Error": {
                            "Code": errors[0].get("Code", "DeleteFailed"),
                            "Message": "delete_objects failed",
                        }
                    },
                    "DeleteObjects",
                )
            deleted += len(batch)
    return deleted

"""Batch transcription, the pieces both handlers share: audio keys, job names, the Transcribe calls.

Audio for an intake is uploaded to ``audio/<intake_id>/<file>`` in the transcripts bucket. The job
name is derived from the object (key and version), so a replayed S3 notification names the same
job and Transcribe refuses the duplicate instead of transcribing twice.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from acogida.adapters.transcript_store import AUDIO_PREFIX, TRANSCRIBE_OUTPUT_PREFIX

LANGUAGE_CODE = "es-ES"
MEDIA_FORMATS = {
    "mp3": "mp3",
    "mp4": "mp4",
    "m4a": "m4a",
    "wav": "wav",
    "flac": "flac",
    "ogg": "ogg",
    "amr": "amr",
    "webm": "webm",
}
MAX_AUDIO_BYTES = 2 * 1024**3  # Transcribe's limit for batch media files
_AUDIO_KEY = re.compile(
    re.escape(AUDIO_PREFIX) + r"(?P<intake_id>[0-9a-f]{32})/(?P<name>[A-Za-z0-9._-]{1,100})$"
)


class RejectedAudioError(ValueError):
    """An upload that can never be transcribed (wrong place, name, format or size)."""


@dataclass(frozen=True)
class AudioObject:
    bucket: str
    key: str
    intake_id: str
    media_format: str
    version: str

    def job_name(self, prefix: str) -> str:
        digest = hashlib.sha256(f"{self.bucket}/{self.key}#{self.version}".encode()).hexdigest()[:16]
        return f"{prefix}{self.intake_id}-{digest}"


def audio_object(bucket: str, key: str, size: int, version: str) -> AudioObject:
    match = _AUDIO_KEY.match(key)
    if match is None:
        raise RejectedAudioError("audio keys are audio/<intake_id>/<file name of letters, digits, . _ ->")
    extension = match["name"].rsplit(".", 1)[-1].lower() if "." in match["name"] else ""
    if extension not in MEDIA_FORMATS:
        raise RejectedAudioError(f"audio format must be one of {', '.join(sorted(MEDIA_FORMATS))}")
    if not 0 < size <= MAX_AUDIO_BYTES:
        raise RejectedAudioError("audio files are between 1 byte and 2 GiB")
    return AudioObject(bucket, key, match["intake_id"], MEDIA_FORMATS[extension], version)


def intake_id_of_job(job_name: str, prefix: str) -> str | None:
    """The intake a job of ours belongs to, or None for anybody else's job."""
    match = re.fullmatch(re.escape(prefix) + r"([0-9a-f]{32})-[0-9a-f]{16}", job_name)
    return match.group(1) if match else None


def output_key(job_name: str) -> str:
    return f"{TRANSCRIBE_OUTPUT_PREFIX}{job_name}.json"


def start_job(transcribe: Any, audio: AudioObject, job_name: str, kms_key_arn: str) -> bool:  # noqa: ANN401
    """Start the job; False when a job of that name exists already (a replayed notification).

    The output goes next to the media, in the audio bucket: Transcribe writes only to buckets of
    its own region, and the raw transcript must not outlive its use (transcription_done deletes it).
    """
    try:
        transcribe.start_transcription_job(
            TranscriptionJobName=job_name,
            LanguageCode=LANGUAGE_CODE,
            MediaFormat=audio.media_format,
            Media={"MediaFileUri": f"s3://{audio.bucket}/{audio.key}"},
            OutputBucketName=audio.bucket,
            OutputKey=output_key(job_name),
            OutputEncryptionKMSKeyId=kms_key_arn,
            Settings={"ShowSpeakerLabels": True, "MaxSpeakerLabels": 2},
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConflictException":
            return False
        raise
    return True

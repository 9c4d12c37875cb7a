"""Batch transcription against moto: audio upload → job (replays, poison records), job done →
draft transcript (replays, failures, foreign jobs), and Transcribe output parsing."""

from __future__ import annotations

import json

import boto3
import pytest
from pydantic import ValidationError

from acogida.handlers import transcription_done, transcription_start
from acogida.handlers.runtime import dependencies
from acogida.handlers.transcription import RejectedAudioError, audio_object, intake_id_of_job
from acogida.intake.record import MAX_TRANSCRIPT_CHARS, TranscriptTooLongError
from acogida.intake.transcribe_output import speaker_turns
from acogida.local.events import (
    SqsMessage,
    s3_object_created_record,
    sqs_event,
    transcribe_state_change_event,
)
from acogida.local.lambda_context import LocalLambdaContext
from tests.unit.aws_fixtures import AUDIO_BUCKET, JOB_PREFIX, LANGUAGE_REGION, REGION

QUEUE_ARN = f"arn:aws:sqs:{LANGUAGE_REGION}:123456789012:acogida-test-audio-uploads"


def transcribe_output(words: list[tuple[str, str, str]]) -> dict:
    """An asrOutput document: (speaker, type, content) items."""
    return {
        "jobName": "x",
        "results": {
            "transcripts": [{"transcript": " ".join(content for _, _, content in words)}],
            "items": [
                {"type": kind, "alternatives": [{"content": content, "confidence": "0.99"}]}
                | ({"speaker_label": speaker} if kind == "pronunciation" else {})
                for speaker, kind, content in words
            ],
        },
    }


def spoken(speaker: str, sentence: str) -> list[tuple[str, str, str]]:
    items = []
    for word in sentence.split():
        core = word.rstrip(".,?")
        if core:
            items.append((speaker, "pronunciation", core))
        if word != core:
            items.append((speaker, "punctuation", word[len(core) :]))
    return items


def test_speaker_turns_group_items_and_glue_punctuation():
    output = transcribe_output(
        spoken("spk_0", "¿Cómo se llama?")
        + spoken("spk_1", "Me llamo Ana Pérez.")
        + spoken("spk_1", "Gracias.")
    )
    assert speaker_turns(output) == [("staff", "¿Cómo se llama?"), ("person", "Me llamo Ana Pérez. Gracias.")]


def test_speaker_turns_without_labels_is_one_turn():
    assert speaker_turns({"results": {"transcripts": [{"transcript": "hola"}], "items": []}}) == [
        (None, "hola")
    ]
    with pytest.raises(ValueError, match="not an Amazon Transcribe output"):
        speaker_turns({"jobName": "x"})


@pytest.mark.parametrize(
    ("key", "size", "reason"),
    [
        ("uploads/x.mp3", 10, "audio/<intake_id>"),
        ("audio/" + "a" * 32 + "/../../etc/passwd", 10, "audio/<intake_id>"),
        ("audio/" + "a" * 32 + "/nota.txt", 10, "format"),
        ("audio/" + "a" * 32 + "/entrevista.mp3", 0, "between"),
    ],
)
def test_uploads_that_can_never_be_transcribed_are_rejected(key, size, reason):
    with pytest.raises(RejectedAudioError, match=reason):
        audio_object(AUDIO_BUCKET, key, size, "v1")


def test_job_names_are_stable_per_object_version_and_map_back_to_the_intake():
    audio = audio_object(AUDIO_BUCKET, "audio/" + "b" * 32 + "/e.wav", 100, "v1")
    assert audio.job_name(JOB_PREFIX) == audio.job_name(JOB_PREFIX)
    assert audio.job_name(JOB_PREFIX) != audio_object(AUDIO_BUCKET, audio.key, 100, "v2").job_name(JOB_PREFIX)
    assert intake_id_of_job(audio.job_name(JOB_PREFIX), JOB_PREFIX) == "b" * 32
    assert intake_id_of_job("someone-else-job", JOB_PREFIX) is None


def new_draft() -> str:
    return dependencies().intakes.create_draft("madrid-centro", "tech-0001").intake_id


def upload_message(message_id: str, key: str, size: int = 2048) -> SqsMessage:
    body = json.dumps({"Records": [s3_object_created_record(AUDIO_BUCKET, key, size, version_id="v1")]})
    return SqsMessage(message_id, f"receipt-{message_id}", body)


def test_uploads_start_one_job_each_and_a_poison_record_fails_alone(intake_stores):
    intake_id = new_draft()
    messages = [
        upload_message("m1", f"audio/{intake_id}/entrevista 1.mp3".replace(" ", "_")),
        upload_message("m2", "audio/not-an-intake/x.mp3"),
        upload_message("m3", "audio/" + "c" * 32 + "/x.mp3"),  # no such intake
        SqsMessage("m4", "receipt-m4", json.dumps({"Event": "s3:TestEvent"})),
    ]
    result = transcription_start.handler(
        sqs_event(messages, QUEUE_ARN), LocalLambdaContext("transcription_start")
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]}
    transcribe = boto3.client("transcribe", region_name=LANGUAGE_REGION)
    jobs = transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]
    assert [job["TranscriptionJobName"] for job in jobs] == [
        audio_object(AUDIO_BUCKET, f"audio/{intake_id}/entrevista_1.mp3", 2048, "v1").job_name(JOB_PREFIX)
    ]
    job = transcribe.get_transcription_job(TranscriptionJobName=jobs[0]["TranscriptionJobName"])[
        "TranscriptionJob"
    ]
    assert job["LanguageCode"] == "es-ES"
    # The same notification again (SQS delivers at least once): no second job, no failure.
    again = transcription_start.handler(
        sqs_event(messages[:1], QUEUE_ARN), LocalLambdaContext("transcription_start")
    )
    assert again == {"batchItemFailures": []}
    assert len(transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]) == 1


def put_transcribe_output(stores, job_name: str, document: dict) -> str:
    key = f"transcribe/{job_name}.json"
    stores.audio_s3.put_object(Bucket=AUDIO_BUCKET, Key=key, Body=json.dumps(document).encode())
    return key


CONVERSATION = (
    spoken("spk_0", "Buenos días. ¿Cómo se llama?")
    + spoken(
        "spk_1",
        "Me llamo Oksana Kovalenko, soy ucraniana y mi teléfono es "
        "seis nueve nueve, uno dos tres, cuatro cinco seis.",
    )
    + spoken("spk_1", "Necesito trabajo.")
)


def test_a_finished_job_fills_the_draft_once_and_its_raw_output_is_deleted(intake_stores):
    intake_id = new_draft()
    job_name = f"{JOB_PREFIX}{intake_id}-{'0' * 16}"
    key = put_transcribe_output(intake_stores, job_name, transcribe_output(CONVERSATION))
    event = transcribe_state_change_event(job_name, "COMPLETED", LANGUAGE_REGION, "123456789012")
    result = transcription_done.handler(event, LocalLambdaContext("transcription_done"))
    assert result == {"job_name": job_name, "outcome": "applied", "segment_count": 2}
    intake = dependencies().intakes.find(intake_id)
    assert intake is not None
    assert intake.values() == {
        "given_name": "Oksana",
        "surnames": "Kovalenko",
        "nationality": "UA",
        "phone": "+34699123456",
        "needs": ["employment"],
    }
    assert intake_stores.object_keys(key, bucket=AUDIO_BUCKET) == []
    # EventBridge delivers at least once: the replay changes nothing.
    replay = transcription_done.handler(event, LocalLambdaContext("transcription_done"))
    assert replay == result
    assert dependencies().intakes.find(intake_id).segment_count == 2


def test_the_intake_remembers_applied_jobs_even_without_the_idempotency_record(intake_stores):
    intake_id = new_draft()
    job_name = f"{JOB_PREFIX}{intake_id}-{'1' * 16}"
    put_transcribe_output(intake_stores, job_name, transcribe_output(CONVERSATION))
    turns = speaker_turns(transcribe_output(CONVERSATION))
    service = dependencies().intakes
    first = service.apply_transcription(intake_id, job_name, turns)
    second = service.apply_transcription(intake_id, job_name, turns)
    assert first == second


def test_failed_and_foreign_jobs_change_nothing_and_malformed_events_are_refused(intake_stores):
    intake_id = new_draft()
    context = LocalLambdaContext("transcription_done")
    failed = transcribe_state_change_event(
        f"{JOB_PREFIX}{intake_id}-{'2' * 16}", "FAILED", REGION, "123456789012"
    )
    assert transcription_done.handler(failed, context)["outcome"] == "failed"
    foreign = transcribe_state_change_event("other-team-job", "COMPLETED", REGION, "123456789012")
    assert transcription_done.handler(foreign, context)["outcome"] == "ignored"
    assert dependencies().intakes.find(intake_id).segment_count == 0
    broken = transcribe_state_change_event("x", "COMPLETED", REGION, "123456789012")
    del broken["detail"]["TranscriptionJobStatus"]
    with pytest.raises(ValidationError):
        transcription_done.handler(broken, context)


def test_a_batch_transcript_past_the_draft_limit_is_refused_and_writes_nothing(intake_stores):
    intake_id = new_draft()
    words = "palabra " * (MAX_TRANSCRIPT_CHARS // 8 + 100)
    with pytest.raises(TranscriptTooLongError):
        dependencies().intakes.apply_transcription(
            intake_id, f"{JOB_PREFIX}{intake_id}-{'3' * 16}", [(None, words)]
        )
    assert dependencies().intakes.find(intake_id).segment_count == 0
    assert intake_stores.object_keys("drafts/") == []

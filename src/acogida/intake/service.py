"""The intake use cases: create a draft, grow its transcript, correct, submit, read and list.

Storage comes in through the ``IntakeRepository`` and ``TranscriptStore`` protocols (DynamoDB and
S3 adapters on AWS, in-memory fakes in tests), and the optional ``EntityDetector`` (Amazon
Comprehend) through its own; nothing here calls AWS.

Write order keeps every record whole: a new transcript snapshot is written under a key of its
own, then the record is saved with a condition on its version; if the save loses a race the new
snapshot is deleted and nothing else changed. Raw transcripts live only while the intake is a
draft; submitting stores the redacted transcript and deletes every raw snapshot version.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from acogida.intake.entities import Entity, fields_from_entities, redaction_spans_from_entities
from acogida.intake.extract import extract
from acogida.intake.record import (
    MAX_SEGMENT_CHARS,
    Intake,
    IntakeError,
    IntakeStatus,
    Segment,
    check_segment,
    iso_utc,
    new_draft,
    submitted,
    transcript_text,
    with_corrections,
    with_transcript,
)
from acogida.intake.redact import Redaction, mask, merge_spans, redact

OFFICE_TIME_ZONE = ZoneInfo("Europe/Madrid")


class IntakeNotFoundError(IntakeError):
    """No such intake for this caller (another office's intake looks exactly like a missing one)."""

    code = "not_found"


class ConcurrentChangeError(IntakeError):
    """The record changed between read and write; the caller re-reads and retries."""

    code = "concurrent_change"


@dataclass(frozen=True)
class IntakeSummary:
    """What a list shows: no names, documents or phones (the office index projects only these)."""

    intake_id: str
    office: str
    created_at: str
    status: str
    updated_at: str
    submitted_at: str | None
    segment_count: int


@dataclass(frozen=True)
class IntakePage:
    intakes: list[IntakeSummary]
    next_cursor: str | None


class IntakeRepository(Protocol):
    def create(self, intake: Intake) -> None: ...

    def get(self, intake_id: str) -> Intake | None: ...

    def save(self, intake: Intake, expected_version: int) -> Intake:
        """Store ``intake`` with version ``expected_version + 1`` if the stored version is still
        ``expected_version``; raise ``ConcurrentChangeError`` otherwise."""
        ...

    def list_by_office(
        self, office: str, start: str, end: str, limit: int, cursor: str | None
    ) -> IntakePage: ...


class TranscriptStore(Protocol):
    def put_draft(self, intake_id: str, version: int, segments: list[Segment]) -> str: ...

    def get_draft(self, key: str) -> list[Segment]: ...

    def delete_draft(self, key: str) -> None:
        """Delete one snapshot, every version of it."""
        ...

    def delete_all_drafts(self, intake_id: str) -> int:
        """Delete every raw snapshot of the intake, every version; returns how many were deleted."""
        ...

    def put_redacted(self, intake: Intake, redaction: Redaction) -> str: ...

    def delete_redacted(self, key: str) -> None: ...


class EntityDetector(Protocol):
    """Named entities of a Spanish text (Amazon Comprehend DetectEntities/DetectPiiEntities)."""

    def entities(self, text: str) -> list[Entity]: ...

    def pii_entities(self, text: str) -> list[Entity]: ...


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_intake_id() -> str:
    return uuid.uuid4().hex


class IntakeService:
    def __init__(
        self,
        repository: IntakeRepository,
        transcripts: TranscriptStore,
        *,
        draft_ttl_days: int = 7,
        submitted_retention_days: int,
        entity_detector: EntityDetector | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
        new_id: Callable[[], str] = new_intake_id,
    ) -> None:
        self._repository = repository
        self._transcripts = transcripts
        self._draft_ttl_days = draft_ttl_days
        self._submitted_retention_days = submitted_retention_days
        self._entity_detector = entity_detector
        self._clock = clock
        self._new_id = new_id

    # Reads ------------------------------------------------------------------------------------------

    def get(self, intake_id: str, office: str) -> Intake:
        intake = self._repository.get(intake_id)
        if intake is None or intake.office != office:
            raise IntakeNotFoundError(f"no intake {intake_id} in your office")
        return intake

    def find(self, intake_id: str) -> Intake | None:
        """Any office's intake: for the platform's own functions (transcription), never for users."""
        return self._repository.get(intake_id)

    def list_by_office(
        self, office: str, start: dt.datetime, end: dt.datetime, limit: int = 50, cursor: str | None = None
    ) -> IntakePage:
        return self._repository.list_by_office(office, iso_utc(start), iso_utc(end), limit, cursor)

    # Writes -----------------------------------------------------------------------------------------

    def create_draft(self, office: str, created_by: str) -> Intake:
        intake = new_draft(self._new_id(), office, created_by, self._clock(), self._draft_ttl_days)
        self._repository.create(intake)
        return intake

    def append_segment(self, intake_id: str, office: str, segment: Segment) -> Intake:
        intake = self.get(intake_id, office)
        if not check_segment(intake, segment):
            return intake  # a replay of a segment already applied: the current state, nothing written
        return self._store_transcript(intake, [*self._segments(intake), segment])

    def apply_transcription(
        self, intake_id: str, job_name: str, turns: list[tuple[str | None, str]]
    ) -> Intake | None:
        """Append a batch transcription job's speaker turns to the draft, once per job.

        Returns None when the intake is gone or already submitted (the job came too late).
        Retries a lost race with a segment arriving through the API at the same time.
        """
        for _attempt in range(3):
            intake = self._repository.get(intake_id)
            if intake is None or intake.status is not IntakeStatus.DRAFT:
                return None
            if job_name in intake.applied_transcription_jobs:
                return intake
            segments = self._segments(intake)
            grown = intake  # the draft as each new segment finds it: the limits count what came before
            for speaker, text in turns:
                for piece in _pieces(text, MAX_SEGMENT_CHARS):
                    segment = Segment(grown.segment_count, piece, speaker)
                    check_segment(grown, segment)
                    segments.append(segment)
                    grown = replace(
                        grown,
                        segment_count=len(segments),
                        transcript_chars=grown.transcript_chars + len(segment.as_line()) + 1,
                    )
            try:
                return self._store_transcript(intake, segments, transcription_job=job_name)
            except ConcurrentChangeError:
                continue
        raise ConcurrentChangeError(f"intake {intake_id} kept changing while applying {job_name}")

    def correct(self, intake_id: str, office: str, corrected_by: str, corrections: dict[str, Any]) -> Intake:
        intake = self.get(intake_id, office)
        updated = with_corrections(intake, corrections, corrected_by, self._clock(), self._draft_ttl_days)
        return self._repository.save(updated, intake.version)

    def submit(
        self, intake_id: str, office: str, submitted_by: str, confirm_invalid_document: bool
    ) -> Intake:
        intake = self.get(intake_id, office)
        if intake.status is IntakeStatus.SUBMITTED:
            # A submit whose answer was lost may have stopped before deleting the raw transcript
            # (an outage between the two writes): the retry finishes that, then is refused.
            self._transcripts.delete_all_drafts(intake_id)
        final = submitted(
            intake,
            submitted_by,
            self._clock(),
            confirm_invalid_document,
            retention_days=self._submitted_retention_days,
        )
        redacted_key = None
        if intake.transcript_key is not None:
            text = transcript_text(self._transcripts.get_draft(intake.transcript_key))
            redacted_key = self._transcripts.put_redacted(final, self._redact(text))
        final = replace(final, redacted_transcript_key=redacted_key)
        try:
            saved = self._repository.save(final, intake.version)
        except ConcurrentChangeError:
            if redacted_key is not None:
                self._transcripts.delete_redacted(redacted_key)
            raise
        self._transcripts.delete_all_drafts(intake_id)
        return saved

    # Internals --------------------------------------------------------------------------------------

    def _segments(self, intake: Intake) -> list[Segment]:
        return self._transcripts.get_draft(intake.transcript_key) if intake.transcript_key else []

    def _store_transcript(
        self, intake: Intake, segments: list[Segment], transcription_job: str | None = None
    ) -> Intake:
        now = self._clock()
        text = transcript_text(segments)
        new_key = self._transcripts.put_draft(intake.intake_id, intake.version + 1, segments)
        updated = with_transcript(
            intake,
            segments=segments,
            transcript_key=new_key,
            extracted=self._extract(text, now),
            now=now,
            draft_ttl_days=self._draft_ttl_days,
            transcription_job=transcription_job,
        )
        try:
            saved = self._repository.save(updated, intake.version)
        except ConcurrentChangeError:
            self._transcripts.delete_draft(new_key)
            raise
        if intake.transcript_key is not None:
            self._transcripts.delete_draft(intake.transcript_key)
        return saved

    def _extract(self, text: str, now: dt.datetime) -> dict[str, dict[str, Any]]:
        fields = extract(text, now.astimezone(OFFICE_TIME_ZONE).date())
        if self._entity_detector is not None:
            fields = fields_from_entities(fields, text, self._entity_detector.entities(text))
        return fields

    def _redact(self, text: str) -> Redaction:
        redaction = redact(text)
        if self._entity_detector is None:
            return redaction
        extra = redaction_spans_from_entities(self._entity_detector.pii_entities(text))
        if not extra:
            return redaction
        spans = merge_spans([*redaction.spans, *extra])
        return Redaction(spans=spans, redacted=mask(text, spans))


def _pieces(text: str, limit: int) -> list[str]:
    """``text`` cut at sentence ends (or spaces) into pieces of at most ``limit`` characters."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind(". ", 0, limit), rest.rfind("? ", 0, limit))
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        cut = cut + 1 if cut > 0 else limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces

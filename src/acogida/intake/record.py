"""The intake record: a draft that fills itself from the transcript, corrected by the technician,
then submitted.

Pure domain code (no AWS calls). The rules that matter:

- Extraction runs over the whole draft transcript after every segment; its fields are replaced
  each time, so a later statement ("…no, perdona, el último es un 3") wins as the extractor says.
- A technician's correction always wins over extraction, now and after later segments. A
  correction to ``None`` removes a field that was extracted but never said by the person.
- ``document_valid`` is never corrected by hand: it is recomputed from the effective document
  type and number, so a wrong check letter stays visible.
- Submitting refuses a document whose check letter is wrong unless the technician confirms it,
  and a submitted intake is final: no more segments or corrections.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from acogida.intake.extract import FIELD_NAMES, NEEDS
from acogida.intake.identifiers import document_is_valid, normalise_document_number
from acogida.intake.lexicon import municipalities
from acogida.intake.tokens import fold

# Limits that keep one request (and one DynamoDB item) bounded. A one-hour conversation is about
# 60,000 characters; a final Transcribe streaming segment is rarely over 1,000.
MAX_SEGMENT_CHARS = 5_000
MAX_TRANSCRIPT_CHARS = 200_000
MAX_SEGMENTS = 2_000
MAX_NAME_CHARS = 120

SPEAKER_LABELS = {"staff": "Técnico", "person": "Persona"}
CORRECTABLE_FIELDS = tuple(name for name in FIELD_NAMES if name != "document_valid")
DOCUMENT_TYPES = ("DNI", "NIE", "PASSPORT")
_DOCUMENT_SHAPES = {
    "DNI": re.compile(r"^[0-9]{8}[A-Z]$"),
    "NIE": re.compile(r"^[XYZ][0-9]{7}[A-Z]$"),
    "PASSPORT": re.compile(r"^[A-Z0-9]{5,20}$"),
}
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\u2019.-]+[^\W\d_]+)*\.?$")


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code: a nationality the extractor does not know can still be typed."""
    text = resources.files("acogida.intake").joinpath("data/iso3166_alpha2.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


class IntakeStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class IntakeError(Exception):
    """A request the intake rules refuse; ``code`` is stable for clients, the message is for people."""

    code = "invalid_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidCorrectionError(IntakeError):
    code = "invalid_field"

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field_name = field_name


class NotADraftError(IntakeError):
    code = "not_a_draft"


class SegmentOutOfOrderError(IntakeError):
    code = "segment_out_of_order"

    def __init__(self, expected: int, received: int) -> None:
        super().__init__(f"segment sequence {received} received, the next expected is {expected}")
        self.expected = expected


class TranscriptTooLongError(IntakeError):
    code = "transcript_too_long"


@dataclass(frozen=True)
class SubmissionProblem:
    field: str
    reason: str


class SubmissionRefusedError(IntakeError):
    code = "submission_refused"

    def __init__(self, problems: list[SubmissionProblem]) -> None:
        super().__init__("; ".join(f"{problem.field}: {problem.reason}" for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Segment:
    sequence: int
    text: str
    speaker: str | None = None

    def as_line(self) -> str:
        label = SPEAKER_LABELS.get(self.speaker or "")
        return f"{label}: {self.text}" if label else self.text


def transcript_text(segments: list[Segment]) -> str:
    """The draft transcript the extractor reads: one line per segment, speaker-labelled when known."""
    return "\n".join(segment.as_line() for segment in segments)


@dataclass(frozen=True)
class Correction:
    value: Any
    corrected_at: str
    corrected_by: str


@dataclass(frozen=True)
class Intake:
    intake_id: str
    office: str
    created_by: str
    created_at: str
    updated_at: str
    status: IntakeStatus = IntakeStatus.DRAFT
    version: int = 0
    segment_count: int = 0
    transcript_chars: int = 0
    transcript_key: str | None = None
    redacted_transcript_key: str | None = None
    extracted: dict[str, dict[str, Any]] = field(default_factory=dict)
    corrections: dict[str, Correction] = field(default_factory=dict)
    applied_transcription_jobs: tuple[str, ...] = ()
    submitted_at: str | None = None
    submitted_by: str | None = None
    duration_s: int | None = None
    invalid_document_confirmed: bool = False
    expires_at: int | None = None

    def effective_fields(self) -> dict[str, dict[str, Any]]:
        """Extraction overlaid with the technician's corrections, in the contract's field order."""
        fields: dict[str, dict[str, Any]] = {
            name: {**value, "source": "transcript"} for name, value in self.extracted.items()
        }
        for name, correction in self.corrections.items():
            if correction.value is None:
                fields.pop(name, None)
            else:
                fields[name] = {"value": correction.value, "confidence": 1.0, "source": "technician"}
        if "document_type" in self.corrections or "document_number" in self.corrections:
            fields.pop("document_valid", None)
            if "document_type" in fields and "document_number" in fields:
                valid = document_is_valid(
                    fields["document_type"]["value"], fields["document_number"]["value"]
                )
                fields["document_valid"] = {"value": valid, "confidence": 1.0, "source": "technician"}
        return {name: fields[name] for name in FIELD_NAMES if name in fields}

    def values(self) -> dict[str, Any]:
        return {name: value["value"] for name, value in self.effective_fields().items()}


def new_draft(intake_id: str, office: str, created_by: str, now: dt.datetime, draft_ttl_days: int) -> Intake:
    stamp = iso_utc(now)
    return Intake(
        intake_id=intake_id,
        office=office,
        created_by=created_by,
        created_at=stamp,
        updated_at=stamp,
        expires_at=_expiry(now, draft_ttl_days),
    )


def check_segment(intake: Intake, segment: Segment) -> bool:
    """Whether ``segment`` is new (True) or a replay of one already applied (False).

    Raises when the draft is closed, the sequence skips ahead, or the transcript would grow past
    its limits, so the caller writes nothing.
    """
    _require_draft(intake)
    if segment.sequence < intake.segment_count:
        return False
    if segment.sequence > intake.segment_count:
        raise SegmentOutOfOrderError(intake.segment_count, segment.sequence)
    if not segment.text.strip():
        raise IntakeError("text: a segment needs some text")
    if len(segment.text) > MAX_SEGMENT_CHARS:
        raise TranscriptTooLongError(f"text: a segment holds at most {MAX_SEGMENT_CHARS} characters")
    if intake.segment_count + 1 > MAX_SEGMENTS:
        raise TranscriptTooLongError(f"a draft holds at most {MAX_SEGMENTS} segments")
    if intake.transcript_chars + len(segment.text) + 1 > MAX_TRANSCRIPT_CHARS:
        raise TranscriptTooLongError(f"a draft transcript holds at most {MAX_TRANSCRIPT_CHARS} characters")
    return True


def with_transcript(
    intake: Intake,
    *,
    segments: list[Segment],
    transcript_key: str,
    extracted: dict[str, dict[str, Any]],
    now: dt.datetime,
    draft_ttl_days: int,
    transcription_job: str | None = None,
) -> Intake:
    """The draft after its transcript grew to ``segments`` and extraction ran over it."""
    _require_draft(intake)
    jobs = intake.applied_transcription_jobs
    if transcription_job is not None:
        jobs = (*jobs, transcription_job)
    return replace(
        intake,
        segment_count=len(segments),
        transcript_chars=len(transcript_text(segments)),
        transcript_key=transcript_key,
        extracted=extracted,
        applied_transcription_jobs=jobs,
        updated_at=iso_utc(now),
        expires_at=_expiry(now, draft_ttl_days),
    )


def with_corrections(
    intake: Intake, corrections: dict[str, Any], corrected_by: str, now: dt.datetime, draft_ttl_days: int
) -> Intake:
    """The draft with the technician's corrections (validated and normalised) applied."""
    _require_draft(intake)
    if not corrections:
        raise IntakeError("fields: name at least one field to correct")
    stamp = iso_utc(now)
    merged = dict(intake.corrections)
    for name, raw_value in corrections.items():
        merged[name] = Correction(normalise_field(name, raw_value, now.date()), stamp, corrected_by)
    # A corrected number whose type was never said: the type follows from the number's shape.
    number = merged.get("document_number")
    if number is not None and number.value is not None and "document_type" not in corrections:
        current_type = intake.extracted.get("document_type", {}).get("value")
        if "document_type" in merged and merged["document_type"].value is not None:
            current_type = merged["document_type"].value
        if current_type is None or not _DOCUMENT_SHAPES[current_type].match(number.value):
            merged["document_type"] = Correction(_document_type_of(number.value), stamp, corrected_by)
    return replace(intake, corrections=merged, updated_at=stamp, expires_at=_expiry(now, draft_ttl_days))


def submission_problems(intake: Intake, confirm_invalid_document: bool) -> list[SubmissionProblem]:
    values = intake.values()
    problems: list[SubmissionProblem] = []
    if not values.get("given_name"):
        problems.append(SubmissionProblem("given_name", "the person's given name is required"))
    if not values.get("needs"):
        problems.append(SubmissionProblem("needs", "at least one need is required"))
    if "document_number" in values and "document_type" not in values:
        problems.append(SubmissionProblem("document_type", "the document type is required with a number"))
    if values.get("document_valid") is False and not confirm_invalid_document:
        problems.append(
            SubmissionProblem(
                "document_number",
                "the check letter does not match the number; correct it, or confirm the document as "
                "written with confirm_invalid_document",
            )
        )
    return problems


def submitted(
    intake: Intake,
    submitted_by: str,
    now: dt.datetime,
    confirm_invalid_document: bool,
    *,
    retention_days: int,
) -> Intake:
    """The final record; it is kept ``retention_days`` after submission, then the table's TTL
    removes it (``expires_at``), as the transcripts bucket's lifecycle removes its redacted
    transcript (terraform: submitted_intake_retention_days)."""
    _require_draft(intake)
    problems = submission_problems(intake, confirm_invalid_document)
    if problems:
        raise SubmissionRefusedError(problems)
    created = parse_iso_utc(intake.created_at)
    return replace(
        intake,
        status=IntakeStatus.SUBMITTED,
        submitted_at=iso_utc(now),
        submitted_by=submitted_by,
        updated_at=iso_utc(now),
        duration_s=max(0, round((now - created).total_seconds())),
        invalid_document_confirmed=intake.values().get("document_valid") is False,
        transcript_key=None,
        expires_at=_expiry(now, retention_days),
    )


# --------------------------------------------------------------------------------------------------
# Field values typed by a technician: validated and normalised to the extraction contract
# --------------------------------------------------------------------------------------------------


# Bidirectional overrides and isolates reorder what a reader sees (U+202E turns "Z87654321" into
# "12345678Z" on screen), and a byte order mark has nothing to mark inside a text.
_INVISIBLE_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a transcript segment (None when it can): it must be valid Unicode
    (no unpaired surrogate), carry no control character but tab and line breaks, no bidirectional
    override or byte order mark, and hold at least one letter or digit."""
    for character in text:
        category = unicodedata.category(character)
        if category == "Cs":
            return "is not valid Unicode (an unpaired surrogate)"
        if category == "Cc" and character not in "\t\n\r":
            return f"holds a control character (U+{ord(character):04X})"
        if character in _INVISIBLE_CONTROLS:
            return f"holds an invisible formatting character (U+{ord(character):04X})"
    if not any(unicodedata.category(character)[0] in "LN" for character in text):
        return "holds no letter or digit"
    return None


def normalise_field(name: str, value: Any, today: dt.date) -> Any:  # noqa: ANN401 - JSON values
    if name == "document_valid":
        raise InvalidCorrectionError(name, "is computed from the document type and number, correct those")
    if name not in CORRECTABLE_FIELDS:
        raise InvalidCorrectionError(name, f"unknown field; the fields are {', '.join(CORRECTABLE_FIELDS)}")
    if value is None:
        return None
    normaliser = _NORMALISERS[name]
    return normaliser(name, value, today)


def _text(name: str, value: Any) -> str:  # noqa: ANN401
    if not isinstance(value, str):
        raise InvalidCorrectionError(name, "must be a string")
    cleaned = " ".join(unicodedata.normalize("NFC", value).split())
    if not cleaned:
        raise InvalidCorrectionError(name, "must not be empty (send null to remove the field)")
    return cleaned


def _person_name(name: str, value: Any, _today: dt.date) -> str:  # noqa: ANN401
    cleaned = _text(name, value)
    if len(cleaned) > MAX_NAME_CHARS:
        raise InvalidCorrectionError(name, f"at most {MAX_NAME_CHARS} characters")
    if not _NAME.match(cleaned):
        raise InvalidCorrectionError(name, "only letters, spaces, hyphens, apostrophes and dots")
    return cleaned


def _document_type(name: str, value: Any, _today: dt.date) -> str:  # noqa: ANN401
    cleaned = _text(name, value).upper()
    if cleaned not in DOCUMENT_TYPES:
        raise InvalidCorrectionError(name, f"one of {', '.join(DOCUMENT_TYPES)}")
    return cleaned


def _document_type_of(number: str) -> str:
    for document_type in DOCUMENT_TYPES:
        if _DOCUMENT_SHAPES[document_type].match(number):
            return document_type
    return "PASSPORT"


def _document_number(name: str, value: Any, _today: dt.date) -> str:  # noqa: ANN401
    cleaned = normalise_document_number(_text(name, value))
    if not _DOCUMENT_SHAPES["PASSPORT"].match(cleaned):
        raise InvalidCorrectionError(
            name, "5 to 20 letters and digits (DNI 12345678Z, NIE X1234567L, or a passport number)"
        )
    return cleaned


def _birth_date(name: str, value: Any, today: dt.date) -> str:  # noqa: ANN401
    cleaned = _text(name, value)
    try:
        parsed = dt.date.fromisoformat(cleaned)
    except ValueError:
        raise InvalidCorrectionError(name, "an ISO date YYYY-MM-DD") from None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cleaned):
        raise InvalidCorrectionError(name, "an ISO date YYYY-MM-DD")
    if parsed > today:
        raise InvalidCorrectionError(name, "is in the future")
    if parsed.year < 1900:
        raise InvalidCorrectionError(name, "is before 1900")
    return parsed.isoformat()


def _nationality(name: str, value: Any, _today: dt.date) -> str:  # noqa: ANN401
    cleaned = _text(name, value).upper()
    if cleaned not in country_codes():
        raise InvalidCorrectionError(name, "an ISO 3166-1 alpha-2 country code such as MA, CO, UA or ES")
    return cleaned


def _municipality(name: str, value: Any, _today: dt.date) -> str:  # noqa: ANN401
    cleaned = _text(name, value)
    official = municipalities().get(fold(cleaned))
    if official is None:
        raise InvalidCorrectionError(name, "not an official Spanish municipality name")
    return official


def _phone(name: str, value: Any, _today: dt.date) -> str:  # noqa: ANN401
    cleaned = re.sub(r"[\s.\-()]", "", _text(name, value))
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    if re.fullmatch(r"[6789][0-9]{8}", cleaned):
        cleaned = "+34" + cleaned
    if not _E164.match(cleaned):
        raise InvalidCorrectionError(name, "an E.164 number such as +34612345678 (or 9 Spanish digits)")
    return cleaned


def _household_size(name: str, value: Any, _today: dt.date) -> int:  # noqa: ANN401
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidCorrectionError(name, "a whole number, the person included")
    if not 1 <= value <= 30:
        raise InvalidCorrectionError(name, "between 1 and 30")
    return value


def _needs(name: str, value: Any, _today: dt.date) -> list[str]:  # noqa: ANN401
    if not isinstance(value, list) or not all(isinstance(need, str) for need in value):
        raise InvalidCorrectionError(name, "a list of needs")
    unknown = sorted(set(value) - set(NEEDS))
    if unknown:
        raise InvalidCorrectionError(name, f"unknown need {unknown[0]!r}; the needs are {', '.join(NEEDS)}")
    return [need for need in NEEDS if need in value]


_NORMALISERS = {
    "given_name": _person_name,
    "surnames": _person_name,
    "document_type": _document_type,
    "document_number": _document_number,
    "birth_date": _birth_date,
    "nationality": _nationality,
    "municipality": _municipality,
    "phone": _phone,
    "household_size": _household_size,
    "needs": _needs,
}


# --------------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------------


def iso_utc(moment: dt.datetime) -> str:
    """UTC ISO 8601 with milliseconds and Z: sorts as text, so the office index can range over it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso_utc(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _expiry(now: dt.datetime, days: int) -> int:
    return int((now + dt.timedelta(days=days)).timestamp())


def _require_draft(intake: Intake) -> None:
    if intake.status is not IntakeStatus.DRAFT:
        raise NotADraftError("the intake is already submitted; it can no longer change")

"""The intake record's rules: corrections win, document validity is derived, submission checks."""

from __future__ import annotations

import datetime as dt

import pytest

from acogida.intake.record import (
    MAX_SEGMENT_CHARS,
    IntakeStatus,
    InvalidCorrectionError,
    NotADraftError,
    Segment,
    SegmentOutOfOrderError,
    SubmissionRefusedError,
    TranscriptTooLongError,
    check_segment,
    iso_utc,
    new_draft,
    normalise_field,
    submitted,
    text_problem,
    transcript_text,
    with_corrections,
    with_transcript,
)

NOW = dt.datetime(2026, 11, 23, 9, 30, 0, 123000, tzinfo=dt.UTC)
TODAY = NOW.date()


def draft():
    return new_draft("a" * 32, "madrid-centro", "user-1", NOW, draft_ttl_days=7)


def with_fields(intake, **values):
    extracted = {
        name: {"value": value, "confidence": 0.9, "start": 0, "end": 1} for name, value in values.items()
    }
    return with_transcript(
        intake,
        segments=[Segment(0, "x")],
        transcript_key="drafts/k",
        extracted=extracted,
        now=NOW,
        draft_ttl_days=7,
    )


def test_a_new_draft_expires_after_its_ttl_and_stamps_utc_milliseconds():
    intake = draft()
    assert intake.status is IntakeStatus.DRAFT
    assert intake.created_at == "2026-11-23T09:30:00.123Z"
    assert intake.expires_at == int((NOW + dt.timedelta(days=7)).timestamp())


def test_iso_utc_converts_other_time_zones():
    madrid = dt.timezone(dt.timedelta(hours=1))
    assert iso_utc(dt.datetime(2026, 1, 1, 0, 30, tzinfo=madrid)) == "2025-12-31T23:30:00.000Z"


def test_segments_must_arrive_in_order_and_replays_are_recognised():
    intake = with_fields(draft())
    assert intake.segment_count == 1
    assert check_segment(intake, Segment(0, "again")) is False
    assert check_segment(intake, Segment(1, "next")) is True
    with pytest.raises(SegmentOutOfOrderError) as error:
        check_segment(intake, Segment(3, "ahead"))
    assert error.value.expected == 1


def test_oversized_and_empty_segments_are_refused():
    with pytest.raises(TranscriptTooLongError):
        check_segment(draft(), Segment(0, "a" * (MAX_SEGMENT_CHARS + 1)))
    with pytest.raises(Exception, match="needs some text"):
        check_segment(draft(), Segment(0, "   "))


def test_transcript_text_labels_known_speakers():
    text = transcript_text(
        [Segment(0, "¿Su nombre?", "staff"), Segment(1, "Amina", "person"), Segment(2, "sí")]
    )
    assert text == "Técnico: ¿Su nombre?\nPersona: Amina\nsí"


def test_a_correction_wins_over_extraction_and_survives_new_extraction():
    intake = with_fields(draft(), given_name="Maria", needs=["food"])
    corrected = with_corrections(intake, {"given_name": "María"}, "user-1", NOW, 7)
    assert corrected.effective_fields()["given_name"] == {
        "value": "María",
        "confidence": 1.0,
        "source": "technician",
    }
    later = with_transcript(
        corrected,
        segments=[Segment(0, "x"), Segment(1, "y")],
        transcript_key="drafts/k2",
        extracted={"given_name": {"value": "Mario", "confidence": 0.9, "start": 0, "end": 5}},
        now=NOW,
        draft_ttl_days=7,
    )
    assert later.values()["given_name"] == "María"


def test_a_correction_to_null_removes_an_extracted_field():
    intake = with_fields(draft(), phone="+34912345678")
    corrected = with_corrections(intake, {"phone": None}, "user-1", NOW, 7)
    assert "phone" not in corrected.effective_fields()


def test_document_validity_is_recomputed_never_corrected():
    intake = with_fields(draft(), document_type="DNI", document_number="12345678A", document_valid=False)
    with pytest.raises(InvalidCorrectionError, match="computed"):
        with_corrections(intake, {"document_valid": True}, "user-1", NOW, 7)
    fixed = with_corrections(intake, {"document_number": "12.345.678-z"}, "user-1", NOW, 7)
    assert fixed.values()["document_number"] == "12345678Z"
    assert fixed.values()["document_valid"] is True


def test_a_corrected_number_of_another_shape_changes_the_type():
    intake = with_fields(draft(), document_type="DNI", document_number="12345678Z", document_valid=True)
    fixed = with_corrections(intake, {"document_number": "X1234567L"}, "user-1", NOW, 7)
    assert fixed.values()["document_type"] == "NIE"
    assert fixed.values()["document_valid"] is True


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("given_name", "  María   del Carmen ", "María del Carmen"),
        ("surnames", "O'Brien-García", "O'Brien-García"),
        ("document_type", "nie", "NIE"),
        ("birth_date", "1992-08-15", "1992-08-15"),
        ("nationality", "ma", "MA"),
        ("nationality", "FJ", "FJ"),
        ("municipality", "alcala de henares", "Alcalá de Henares"),
        ("phone", "612 34 56 78", "+34612345678"),
        ("phone", "00212 612345678", "+212612345678"),
        ("household_size", 4, 4),
        ("needs", ["legal", "food", "legal"], ["food", "legal"]),
    ],
)
def test_corrections_are_normalised_to_the_contract(name, value, expected):
    assert normalise_field(name, value, TODAY) == expected


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("colour", "red", "unknown field"),
        ("given_name", 7, "must be a string"),
        ("given_name", "R2D2", "only letters"),
        ("given_name", "=HYPERLINK(1)", "only letters"),
        ("birth_date", "15/08/1992", "ISO date"),
        ("birth_date", "2999-01-01", "future"),
        ("birth_date", "1850-01-01", "before 1900"),
        ("nationality", "XX", "ISO 3166-1"),
        ("municipality", "Atlantis", "not an official"),
        ("phone", "12345", "E.164"),
        ("household_size", True, "whole number"),
        ("household_size", 0, "between 1 and 30"),
        ("needs", ["food", "money"], "unknown need 'money'"),
        ("document_number", "../../etc", "5 to 20"),
    ],
)
def test_bad_corrections_name_the_field_and_the_reason(name, value, reason):
    with pytest.raises(InvalidCorrectionError, match=reason) as error:
        normalise_field(name, value, TODAY)
    assert error.value.field_name == name


def test_submission_requires_a_name_and_a_need():
    with pytest.raises(SubmissionRefusedError) as error:
        submitted(with_fields(draft()), "user-1", NOW, confirm_invalid_document=False, retention_days=365)
    assert {problem.field for problem in error.value.problems} == {"given_name", "needs"}


def test_an_invalid_document_needs_confirmation():
    intake = with_fields(
        draft(),
        given_name="Amina",
        needs=["food"],
        document_type="DNI",
        document_number="12345678A",
        document_valid=False,
    )
    with pytest.raises(SubmissionRefusedError, match="check letter"):
        submitted(intake, "user-1", NOW, confirm_invalid_document=False, retention_days=365)
    final = submitted(
        intake, "user-1", NOW + dt.timedelta(minutes=12), confirm_invalid_document=True, retention_days=365
    )
    assert final.status is IntakeStatus.SUBMITTED
    assert final.invalid_document_confirmed is True
    assert final.duration_s == 720
    # Kept for the retention of submitted intakes from the submission on (the draft TTL is gone).
    assert final.expires_at == int((NOW + dt.timedelta(minutes=12, days=365)).timestamp())
    assert final.transcript_key is None
    assert final.values()["document_number"] == "12345678A"  # never silently "corrected"


def test_a_submitted_intake_is_final():
    final = submitted(
        with_fields(draft(), given_name="Amina", needs=["food"]), "user-1", NOW, False, retention_days=30
    )
    with pytest.raises(NotADraftError):
        check_segment(final, Segment(1, "más"))
    with pytest.raises(NotADraftError):
        with_corrections(final, {"given_name": "Ana"}, "user-1", NOW, 7)
    with pytest.raises(NotADraftError):
        submitted(final, "user-1", NOW, False, retention_days=30)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Me llamo Ana.", None),
        ("línea uno\nlínea dos\tcon tabulador", None),
        ("🙂 vale, 12", None),
        ("\ud800", "is not valid Unicode (an unpaired surrogate)"),
        ("Ana\x00Pérez", "holds a control character (U+0000)"),
        ("Ana\u202eZ87654321", "holds an invisible formatting character (U+202E)"),
        ("\ufeffhola", "holds an invisible formatting character (U+FEFF)"),
        ("\u200b", "holds no letter or digit"),
        ("\u0301\u0301", "holds no letter or digit"),
        ("\u2028", "holds no letter or digit"),
    ],
)
def test_text_problem_names_what_makes_a_segment_unreadable(text, problem):
    assert text_problem(text) == problem

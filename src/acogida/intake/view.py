"""An intake as the intake API answers it: one shape shared by the API and the right of access
(``acogida privacy export`` returns each of a person's intakes exactly as the API would)."""

from __future__ import annotations

from typing import Any

from acogida.intake.record import Intake


def intake_view(intake: Intake) -> dict[str, Any]:
    return {
        "intake_id": intake.intake_id,
        "office": intake.office,
        "status": intake.status.value,
        "version": intake.version,
        "created_at": intake.created_at,
        "updated_at": intake.updated_at,
        "submitted_at": intake.submitted_at,
        "duration_s": intake.duration_s,
        "segment_count": intake.segment_count,
        "next_sequence": intake.segment_count,
        "invalid_document_confirmed": intake.invalid_document_confirmed,
        "fields": intake.effective_fields(),
    }

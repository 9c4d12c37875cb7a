"""Named entities from a detector (Amazon Comprehend) folded into extraction and redaction.

Rules win: entities only fill fields the rules left empty (names, municipality), always with a low
confidence so the form marks them for the technician, and only add redaction spans. Identifiers
(document, phone, birth date) never come from a detector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from acogida.intake.extract import FIELD_NAMES
from acogida.intake.lexicon import first_names, municipalities
from acogida.intake.redact import RedactionSpan
from acogida.intake.speakers import find_turns
from acogida.intake.tokens import fold

# The detector's answers are suggestions: a field they fill is shown as "check this".
ENTITY_FIELD_CONFIDENCE = 0.6
MIN_ENTITY_SCORE = 0.8

# Comprehend DetectPiiEntities types → our redaction labels (see acogida.intake.redact.LABELS).
PII_LABELS = {
    "NAME": "NAME",
    "ADDRESS": "ADDRESS",
    "PHONE": "PHONE",
    "EMAIL": "EMAIL",
    "DATE_TIME": "DATE",
    "AGE": "AGE",
    "PASSPORT_NUMBER": "ID",
    "DRIVER_ID": "ID",
    "SSN": "ID",
    "BANK_ACCOUNT_NUMBER": "ID",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER": "ID",
    "CREDIT_DEBIT_NUMBER": "ID",
    "IP_ADDRESS": "OTHER",
    "URL": "OTHER",
}


@dataclass(frozen=True)
class Entity:
    """``text[start:end]`` is an entity of ``kind`` (Comprehend's Type) with confidence ``score``."""

    start: int
    end: int
    kind: str
    score: float


def fields_from_entities(
    fields: dict[str, dict[str, Any]], text: str, entities: list[Entity]
) -> dict[str, dict[str, Any]]:
    """``fields`` plus names and municipality taken from entities where the rules found none."""
    turns = find_turns(text)
    confident = [
        entity
        for entity in sorted(entities, key=lambda entity: entity.start)
        if entity.score >= MIN_ENTITY_SCORE and turns.speaker_at(entity.start) != "staff"
    ]
    added: dict[str, dict[str, Any]] = {}
    if "given_name" not in fields and "surnames" not in fields:
        for entity in confident:
            if entity.kind == "PERSON":
                added.update(_name_fields(text, entity))
                if added:
                    break
    if "municipality" not in fields:
        for entity in confident:
            official = municipalities().get(fold(text[entity.start : entity.end]))
            if entity.kind == "LOCATION" and official is not None:
                added["municipality"] = _field(official, entity.start, entity.end)
                break
    if not added:
        return fields
    merged = {**fields, **added}
    return {name: merged[name] for name in _field_order(fields, added)}


def redaction_spans_from_entities(entities: list[Entity]) -> list[RedactionSpan]:
    return [
        RedactionSpan(entity.start, entity.end, PII_LABELS[entity.kind])
        for entity in entities
        if entity.kind in PII_LABELS and entity.score >= MIN_ENTITY_SCORE
    ]


def _name_fields(text: str, entity: Entity) -> dict[str, dict[str, Any]]:
    """Given name = the leading known first names (at least one word), surnames = the rest."""
    words = [
        (entity.start + match.start(), entity.start + match.end())
        for match in re.finditer(r"\S+", text[entity.start : entity.end])
    ]
    if len(words) < 2:
        return {}
    known = first_names()
    given_count = 1
    while given_count < len(words) - 1 and fold(text[slice(*words[given_count])]) in known:
        given_count += 1
    given_end, surnames_start = words[given_count - 1][1], words[given_count][0]
    return {
        "given_name": _field(
            " ".join(text[slice(*word)] for word in words[:given_count]), entity.start, given_end
        ),
        "surnames": _field(
            " ".join(text[slice(*word)] for word in words[given_count:]), surnames_start, entity.end
        ),
    }


def _field(value: str, start: int, end: int) -> dict[str, Any]:
    return {"value": value, "confidence": ENTITY_FIELD_CONFIDENCE, "start": start, "end": end}


def _field_order(fields: dict[str, Any], added: dict[str, Any]) -> list[str]:
    return [name for name in FIELD_NAMES if name in fields or name in added]

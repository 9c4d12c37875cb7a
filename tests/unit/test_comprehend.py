"""The Comprehend adapter (botocore Stubber: moto has no DetectEntities) and how its entities join
extraction and redaction: rules win, entities only fill gaps, with low confidence."""

from __future__ import annotations

import boto3
from botocore.stub import ANY, Stubber

from acogida.adapters.comprehend import ComprehendEntityDetector, chunks
from acogida.intake.entities import (
    ENTITY_FIELD_CONFIDENCE,
    Entity,
    fields_from_entities,
    redaction_spans_from_entities,
)
from acogida.intake.extract import extract
from acogida.intake.redact import merge_spans, redact


def test_chunks_stay_under_the_byte_limit_and_keep_offsets():
    text = "ñandú " * 50
    pieces = chunks(text, max_bytes=40)
    assert all(len(piece.encode("utf-8")) <= 40 for _, piece in pieces)
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)


def test_detector_calls_comprehend_in_spanish_and_shifts_offsets():
    stub_credentials = {"aws_access_key_id": "stub", "aws_secret_access_key": "stub"}
    client = boto3.client("comprehend", region_name="eu-west-1", **stub_credentials)
    line = "Persona: me llamo Aliou Ndiaye Sow\n"
    text = line * 2
    entity = {"Type": "PERSON", "Text": "Aliou Ndiaye Sow", "Score": 0.99, "BeginOffset": 18, "EndOffset": 34}
    stubber = Stubber(client)
    for _ in chunks(text, max_bytes=40):
        stubber.add_response("detect_entities", {"Entities": [entity]}, {"Text": ANY, "LanguageCode": "es"})
    with stubber:
        found = ComprehendEntityDetector(client, max_chunk_bytes=40).entities(text)
    stubber.assert_no_pending_responses()
    assert [(e.start, e.end, e.kind) for e in found] == [
        (18, 34, "PERSON"),
        (len(line) + 18, len(line) + 34, "PERSON"),
    ]
    assert text[found[1].start : found[1].end] == "Aliou Ndiaye Sow"


def test_entities_fill_only_what_the_rules_left_empty():
    text = "Técnico: ¿Cómo se llama?\nPersona: Aliou Ndiaye Sow, de Getafe."
    fields = {"municipality": {"value": "Getafe", "confidence": 0.9, "start": 0, "end": 1}}
    person = Entity(text.index("Aliou"), text.index(","), "PERSON", 0.97)
    place = Entity(text.index("Getafe"), text.index("Getafe") + 6, "LOCATION", 0.99)
    merged = fields_from_entities(fields, text, [person, place])
    assert merged["given_name"] == {
        "value": "Aliou",
        "confidence": ENTITY_FIELD_CONFIDENCE,
        "start": person.start,
        "end": person.start + 5,
    }
    assert merged["surnames"]["value"] == "Ndiaye Sow"
    assert merged["municipality"] is fields["municipality"]  # the rules' value stays
    staff_name = Entity(9, 20, "PERSON", 0.99)  # said by the technician: never the person's name
    assert "given_name" not in fields_from_entities({}, "Técnico: Lucía Gómez al habla.", [staff_name])
    rules = extract("Me llamo Amina Diallo.")
    assert fields_from_entities(rules, "Me llamo Amina Diallo.", [Entity(9, 21, "PERSON", 0.9)]) == rules


def test_pii_entities_add_redaction_spans():
    text = "Vive en la calle Inventada 5 con Kwame."
    extra = redaction_spans_from_entities([Entity(33, 38, "NAME", 0.95), Entity(0, 4, "QUANTITY", 0.99)])
    assert [(s.start, s.end, s.label) for s in extra] == [(33, 38, "NAME")]
    assert any(s.start <= 33 and s.end >= 38 for s in merge_spans([*redact(text).spans, *extra]))

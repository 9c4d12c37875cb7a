"""acogida.intake.redact on hand-written Spanish intake snippets (rules + the shipped NER model)."""

from __future__ import annotations

import itertools
import threading

import pytest

from acogida.intake.redact import (
    LABELS,
    MEDDOCAN_LABELS,
    Redaction,
    RedactionSpan,
    merge_spans,
    redact,
    rule_spans,
)


def found(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in redact(text).spans]


def assert_span(text: str, value: str, label: str) -> None:
    start = text.index(value)
    spans = redact(text).spans
    assert RedactionSpan(start, start + len(value), label) in spans, [
        (text[s.start : s.end], s.label) for s in spans
    ]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Mi DNI es 12345678Z, lo tengo aquí.", "12345678Z", "ID"),
        ("El DNI: 12.345.678-Z caducado.", "12.345.678-Z", "ID"),
        ("Tengo NIE, es el X-1234567-L.", "X-1234567-L", "ID"),
        ("Mi NIE Y1234567X está en trámite.", "Y1234567X", "ID"),
        ("Llámeme al 612 34 56 78 por la tarde.", "612 34 56 78", "PHONE"),
        ("Mi móvil es +34 612345678, gracias.", "+34 612345678", "PHONE"),
        ("Escriba a fatima.elidrissi@gmail.com si hace falta.", "fatima.elidrissi@gmail.com", "EMAIL"),
        ("Vivo en la calle Mayor 23, 2º B desde marzo.", "calle Mayor 23, 2º B", "ADDRESS"),
        ("Nací el 15 de agosto de 1992 en un pueblo.", "15 de agosto de 1992", "DATE"),
        ("Fecha de nacimiento 15/08/1992.", "15/08/1992", "DATE"),
        ("Ahora mismo tengo 34 años y dos hijos.", "34 años", "AGE"),
        ("Hola, me llamo Fátima El Idrissi y vengo sola.", "Fátima El Idrissi", "NAME"),
        ("Soy de Marruecos y llegué hace un mes.", "Marruecos", "PLACE"),
        (
            "Me atendieron en el Hospital Universitario La Paz la semana pasada.",
            "Hospital Universitario La Paz",
            "INSTITUTION",
        ),
    ],
)
def test_each_kind_of_personal_data_with_exact_offsets(text: str, value: str, label: str) -> None:
    assert_span(text, value, label)


def test_conversational_intake_segment() -> None:
    text = (
        "Buenos días. Me llamo Ahmed Benali, tengo 29 años y mi NIE es Y-7654321-K. "
        "Vivo en la calle de Alcalá 120, 3º izquierda, en Madrid, y mi teléfono es el 699 12 34 56."
    )
    result = redact(text)
    assert ("Ahmed Benali", "NAME") in found(text)
    assert ("29 años", "AGE") in found(text)
    assert ("Y-7654321-K", "ID") in found(text)
    assert ("699 12 34 56", "PHONE") in found(text)
    assert ("Madrid", "PLACE") in found(text)
    assert any(
        text[s.start : s.end].startswith("calle de Alcalá 120") and s.label == "ADDRESS" for s in result.spans
    )
    for secret in ("Ahmed", "Benali", "Y-7654321-K", "699 12 34 56", "Alcalá", "Madrid"):
        assert secret not in result.redacted
    assert result.redacted.startswith("Buenos días. Me llamo [NAME], tengo [AGE] y mi NIE es [ID].")


def test_redacted_text_replaces_each_span_with_its_label() -> None:
    text = "DNI 12345678Z, tel. 612 34 56 78."
    result = redact(text)
    assert result.redacted == "DNI [ID], tel. [PHONE]."
    assert isinstance(result, Redaction)


def test_spans_sorted_non_overlapping_with_known_labels() -> None:
    text = (
        "Remitido por: Dra. Lucía Fernández Ruiz. Hospital Clínico San Carlos, "
        "calle del Prof. Martín Lagos s/n, 28040 Madrid. Correo: lfernandez@salud.madrid.org. "
        "Paciente de 67 años, NHC 4537821, ingreso el 03/02/2021."
    )
    spans = redact(text).spans
    assert spans
    assert all(s.label in LABELS for s in spans)
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    values = {text[s.start : s.end] for s in spans}
    assert {"lfernandez@salud.madrid.org", "4537821", "03/02/2021", "67 años"} <= values


def test_overlapping_spans_are_merged() -> None:
    merged = merge_spans(
        [
            RedactionSpan(10, 20, "NAME"),
            RedactionSpan(0, 5, "ID"),
            RedactionSpan(15, 30, "INSTITUTION"),
            RedactionSpan(3, 4, "PHONE"),
            RedactionSpan(30, 35, "INSTITUTION"),
            RedactionSpan(40, 45, "DATE"),
            RedactionSpan(45, 50, "AGE"),
        ]
    )
    assert merged == [
        RedactionSpan(0, 5, "ID"),
        RedactionSpan(10, 35, "INSTITUTION"),
        RedactionSpan(40, 45, "DATE"),
        RedactionSpan(45, 50, "AGE"),
    ]


def test_overlapping_detections_in_text_come_out_merged() -> None:
    # "Madrid" is a place inside the institution's name: one INSTITUTION span covers both.
    text = "Estuvo ingresado en el Hospital Universitario de Madrid en enero."
    assert_span(text, "Hospital Universitario de Madrid", "INSTITUTION")
    assert not any(s.label == "PLACE" for s in redact(text).spans)


@pytest.mark.parametrize(
    "text",
    [
        "El paciente refiere dolor abdominal desde ayer, sin fiebre.",
        "Necesito ayuda con la comida y con el alquiler de este mes.",
        "Tomó 500 mg de paracetamol cada 8 horas durante 3 días.",
        "Hace dos años que no tengo trabajo ni papeles.",
    ],
)
def test_text_without_personal_data_is_unchanged(text: str) -> None:
    result = redact(text)
    assert result.spans == []
    assert result.redacted == text


@pytest.mark.parametrize("text", ["", " ", "\n\n", "¿Qué?", "😀 ñandú — «ü» 中文", "\u200b\u00a0x"])
def test_no_crash_on_empty_or_unusual_unicode(text: str) -> None:
    result = redact(text)
    assert all(0 <= s.start < s.end <= len(text) for s in result.spans)
    if not result.spans:
        assert result.redacted == text


def test_offsets_index_original_text_with_multibyte_characters() -> None:
    text = "Ñoño 😀😀 — mi correo es josé.ñúñez@correo.es y mi DNI 87654321X."
    assert_span(text, "josé.ñúñez@correo.es", "EMAIL")
    assert_span(text, "87654321X", "ID")


def test_rules_alone_cover_identifiers_without_the_model() -> None:
    text = "NIE X-1234567-L, tel +34 612345678, fatima@example.org"
    labels = {(text[s.start : s.end], s.label) for s in merge_spans(rule_spans(text))}
    assert labels == {("X-1234567-L", "ID"), ("+34 612345678", "PHONE"), ("fatima@example.org", "EMAIL")}


def test_model_label_map_covers_only_known_labels() -> None:
    assert set(MEDDOCAN_LABELS.values()) <= LABELS


def test_concurrent_calls_agree() -> None:
    text = "Me llamo Ahmed Benali, vivo en la calle Mayor 23 y mi NIE es Y-7654321-K."
    expected = redact(text)
    results: list[Redaction] = []

    def work() -> None:
        for _ in range(5):
            results.append(redact(text))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20
    assert all(r == expected for r in results)

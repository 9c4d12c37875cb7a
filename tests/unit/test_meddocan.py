from __future__ import annotations

from acogida.intake.meddocan import read_brat


def test_brat_documents_and_spans(tmp_path):
    (tmp_path / "b.txt").write_text("Paciente: Ana Pérez, 34 años.", encoding="utf-8")
    (tmp_path / "b.ann").write_text(
        "T1\tNOMBRE_SUJETO_ASISTENCIA 10 19\tAna Pérez\n"
        "R1\tRel Arg1:T1 Arg2:T2\n"
        "T2\tEDAD_SUJETO_ASISTENCIA 21 28\t34 años\n",
        encoding="utf-8",
    )
    (tmp_path / "a.txt").write_text("Sin datos.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("", encoding="utf-8")
    documents = read_brat(tmp_path)
    assert [name for name, _, _ in documents] == ["a", "b"]
    _, text, spans = documents[1]
    assert spans == [(10, 19, "NOMBRE_SUJETO_ASISTENCIA"), (21, 28, "EDAD_SUJETO_ASISTENCIA")]
    assert text[10:19] == "Ana Pérez"

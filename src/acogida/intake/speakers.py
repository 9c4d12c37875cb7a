"""Who is speaking: the technician ("staff") or the person attended, from speaker labels when the
transcript has them (Amazon Transcribe streaming only has them with speaker identification)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from acogida.intake.tokens import fold

STAFF_LABELS = {
    "tecnica",
    "tecnico",
    "trabajadora social",
    "trabajador social",
    "ts",
    "entrevistadora",
    "entrevistador",
    "voluntaria",
    "voluntario",
    "profesional",
    "cruz roja",
    "staff",
    "agente",
    "educadora",
    "educador",
    "mediadora",
    "mediador",
    "spk_0",
    "spk0",
    "speaker 0",
    "hablante 1",
    "t",
    "tec",
}
PERSON_LABELS = {
    "usuario",
    "usuaria",
    "persona",
    "acogido",
    "acogida",
    "solicitante",
    "beneficiario",
    "beneficiaria",
    "entrevistado",
    "entrevistada",
    "participante",
    "spk_1",
    "spk1",
    "speaker 1",
    "hablante 2",
    "senor",
    "senora",
    "p",
    "u",
    "usu",
}
_LABEL = re.compile(r"(?:(?<=\n)|^|(?<=[.!?]\s))\s*([A-Za-zÁÉÍÓÚÑáéíóúñ_ ]{1,25}?)\s*:\s", re.UNICODE)


@dataclass(frozen=True)
class Turns:
    starts: list[int]
    speakers: list[str | None]

    def speaker_at(self, offset: int) -> str | None:
        index = bisect_right(self.starts, offset) - 1
        return self.speakers[index] if index >= 0 else None

    @property
    def labelled(self) -> bool:
        return any(speaker is not None for speaker in self.speakers)


def find_turns(text: str) -> Turns:
    starts: list[int] = []
    speakers: list[str | None] = []
    for match in _LABEL.finditer(text):
        label = fold(match.group(1).strip())
        if label in STAFF_LABELS:
            speaker: str | None = "staff"
        elif label in PERSON_LABELS:
            speaker = "person"
        else:
            continue
        starts.append(match.start(1))
        speakers.append(speaker)
    return Turns(starts, speakers)

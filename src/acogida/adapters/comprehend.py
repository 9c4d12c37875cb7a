"""Amazon Comprehend DetectEntities / DetectPiiEntities in Spanish, as ``Entity`` spans.

Switched per environment (COMPREHEND_ENABLED); the local default runs without it, since moto does
not implement DetectEntities. Long texts go in chunks cut at line ends (Comprehend takes at most
100 KB of UTF-8 per call) and offsets are shifted back onto the whole text.
"""

from __future__ import annotations

from typing import Any

from acogida.intake.entities import Entity

LANGUAGE = "es"
MAX_CHUNK_BYTES = 90_000  # under the 100 KB request limit, with room for multi-byte characters


class ComprehendEntityDetector:
    def __init__(self, comprehend_client: Any, max_chunk_bytes: int = MAX_CHUNK_BYTES) -> None:  # noqa: ANN401
        self._comprehend = comprehend_client
        self._max_chunk_bytes = max_chunk_bytes

    def entities(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        for offset, chunk in chunks(text, self._max_chunk_bytes):
            response = self._comprehend.detect_entities(Text=chunk, LanguageCode=LANGUAGE)
            found.extend(_entity(offset, item) for item in response.get("Entities", []))
        return found

    def pii_entities(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        for offset, chunk in chunks(text, self._max_chunk_bytes):
            response = self._comprehend.detect_pii_entities(Text=chunk, LanguageCode=LANGUAGE)
            found.extend(_entity(offset, item) for item in response.get("Entities", []))
        return found


def chunks(text: str, max_bytes: int) -> list[tuple[int, str]]:
    """(offset, chunk) pieces of ``text`` under ``max_bytes`` of UTF-8, cut after a newline or space
    when there is one, never inside a character."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = start
        size = 0
        cut = -1
        while end < len(text):
            width = len(text[end].encode("utf-8"))
            if size + width > max_bytes:
                break
            size += width
            if text[end] in "\n ":
                cut = end + 1
            end += 1
        if end < len(text) and cut > start:
            end = cut
        if text[start:end].strip():
            pieces.append((start, text[start:end]))
        start = end
    return pieces


def _entity(offset: int, item: dict[str, Any]) -> Entity:
    return Entity(
        start=offset + int(item["BeginOffset"]),
        end=offset + int(item["EndOffset"]),
        kind=str(item["Type"]),
        score=float(item.get("Score", 0.0)),
    )

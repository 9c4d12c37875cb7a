"""Amazon Transcribe batch output (``asrOutput`` JSON) as speaker turns.

With speaker identification (``ShowSpeakerLabels``, two speakers) every pronunciation item carries
a ``speaker_label``; consecutive items of one speaker make a turn. The technician opens the
conversation in an intake, so ``spk_0`` is taken as staff and ``spk_1`` as the person; any other
label stays unlabelled. Without labels the whole transcript is one unlabelled turn.
"""

from __future__ import annotations

from typing import Any

SPEAKERS = {"spk_0": "staff", "spk_1": "person"}


class TranscribeOutputError(ValueError):
    pass


def speaker_turns(output: dict[str, Any]) -> list[tuple[str | None, str]]:
    try:
        results = output["results"]
        items: list[dict[str, Any]] = results.get("items", [])
        transcripts = results.get("transcripts", [])
    except (KeyError, AttributeError, TypeError):
        raise TranscribeOutputError("not an Amazon Transcribe output: no results") from None
    labelled = any("speaker_label" in item for item in items)
    if not labelled:
        text = " ".join(t.get("transcript", "") for t in transcripts).strip()
        return [(None, text)] if text else []

    turns: list[tuple[str | None, list[str]]] = []
    current_label: str | None = None
    for item in items:
        alternatives = item.get("alternatives") or [{}]
        content = str(alternatives[0].get("content", ""))
        if not content:
            continue
        if item.get("type") == "punctuation":
            if turns:
                turns[-1][1].append(content)  # glued to the previous word
            continue
        label = item.get("speaker_label")
        if not turns or label != current_label:
            turns.append((SPEAKERS.get(label or ""), []))
            current_label = label
        turns[-1][1].append(" " + content if turns[-1][1] else content)
    return [(speaker, "".join(words).strip()) for speaker, words in turns if "".join(words).strip()]

"""JSON Lines input of the ``acogida extract`` / ``acogida redact`` commands, validated before any
output is written, so a bad line stops the run with its line number and nothing half-written."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


class InputLineError(ValueError):
    """A line of the input is not what the command expects."""

    def __init__(self, line_number: int, reason: str) -> None:
        super().__init__(f"line {line_number}: {reason}")
        self.line_number = line_number


def read_records(lines: Iterable[str], text_key: str) -> list[tuple[Any, str]]:
    """(id, text) of every non-blank line ``{"id": ..., "<text_key>": "..."}``."""
    records: list[tuple[Any, str]] = []
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputLineError(
                line_number, f"not valid JSON ({error.msg} at column {error.colno})"
            ) from None
        if not isinstance(record, dict):
            raise InputLineError(line_number, "expected a JSON object")
        if "id" not in record:
            raise InputLineError(line_number, 'missing field "id"')
        text = record.get(text_key)
        if not isinstance(text, str):
            raise InputLineError(line_number, f'field "{text_key}" must be a string')
        records.append((record["id"], text))
    return records


def dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))

"""Benchmark of the intake field extractor against the development set (``bench/intake_dev.jsonl``).

``score`` compares gold and predicted fields (per-field precision, recall and F1, micro-averaged totals);
``run_benchmark`` feeds each conversation's segments to an extractor and adds per-segment latency;
``format_report`` prints the result as a table. ``streaming_extract`` runs
``acogida.intake.StreamingExtractor`` the way the intake API does: one extractor per conversation, one
``add_segment`` call per streaming segment, the fields after the last segment are the prediction.

Scoring rules: a predicted field is a true positive when its value equals the gold value exactly
(``True`` is not ``1``); a wrong value is both a false positive and a false negative; a field predicted
but absent from the gold is a false positive, one in the gold but not predicted a false negative; a
predicted value of ``None`` counts as not predicted. ``needs`` is scored per need: each need is one item.
Fields outside the contract are ignored.
"""

from __future__ import annotations

import importlib
import json
import math
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acogida.intake.extract import FIELD_NAMES

FIELDS: tuple[str, ...] = FIELD_NAMES
GROUPS: dict[str, tuple[str, ...]] = {
    "all": FIELDS,
    "identifiers": ("document_number", "phone", "birth_date"),
    "names": ("given_name", "surnames"),
}
LIST_FIELDS = frozenset({"needs"})

ExtractSegments = Callable[[list[str]], tuple[Mapping[str, Any], Sequence[float]]]
"""Takes a conversation's segments, returns (final fields, latency in ms of each segment)."""


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, Any]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "support": self.tp + self.fn,
            "predicted": self.tp + self.fp,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }


def field_value(entry: object) -> object:
    """A predicted field's value: from the extractor's ``{"value": ..., "confidence": ...}`` or bare."""
    if isinstance(entry, Mapping) and "value" in entry:
        return entry["value"]
    return entry


def _same(gold: object, predicted: object) -> bool:
    if isinstance(gold, bool) or isinstance(predicted, bool):
        return isinstance(gold, bool) and isinstance(predicted, bool) and gold == predicted
    return bool(gold == predicted)


def _items(value: object) -> set[object]:
    if value is None:
        return set()
    if isinstance(value, str) or not isinstance(value, Iterable):
        return {value}
    return {item if isinstance(item, str | int | float | bool) else repr(item) for item in value}


def compare_field(name: str, gold: object, predicted: object) -> Counts:
    """Counts for one field of one conversation (``None`` = absent)."""
    if name in LIST_FIELDS:
        gold_items, predicted_items = _items(gold), _items(predicted)
        return Counts(
            tp=len(gold_items & predicted_items),
            fp=len(predicted_items - gold_items),
            fn=len(gold_items - predicted_items),
        )
    if gold is None and predicted is None:
        return Counts()
    if gold is None:
        return Counts(fp=1)
    if predicted is None:
        return Counts(fn=1)
    if _same(gold, predicted):
        return Counts(tp=1)
    return Counts(fp=1, fn=1)


def score(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-field and micro-averaged precision, recall and F1 of ``predicted`` against ``gold``.

    Both lists hold one fields mapping per conversation, in the same order. Predicted mappings may hold
    bare values or the extractor's ``{"value": ..., "confidence": ...}`` entries.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold conversations but {len(predicted)} predictions")
    per_field = {name: Counts() for name in FIELDS}
    exact = 0
    for gold_fields, predicted_fields in zip(gold, predicted, strict=True):
        all_right = True
        for name in FIELDS:
            counts = compare_field(name, gold_fields.get(name), field_value(predicted_fields.get(name)))
            per_field[name].add(counts)
            all_right = all_right and counts.fp == 0 and counts.fn == 0
        exact += all_right
    micro: dict[str, dict[str, Any]] = {}
    for group, names in GROUPS.items():
        total = Counts()
        for name in names:
            total.add(per_field[name])
        micro[group] = total.as_dict()
    return {
        "conversations": len(gold),
        "exact_conversations": exact,
        "fields": {name: counts.as_dict() for name, counts in per_field.items()},
        "micro": micro,
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between closest ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def load_devset(path: str | Path) -> list[dict[str, Any]]:
    records = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if not isinstance(record.get("segments"), list) or not isinstance(record.get("fields"), dict):
                raise ValueError(f"{path}:{number}: a record needs 'segments' (list) and 'fields' (object)")
            records.append(record)
    return records


def streaming_extract(segments: list[str]) -> tuple[dict[str, Any], list[float]]:
    """Run ``acogida.intake.StreamingExtractor`` over one conversation, timing each segment."""
    intake = importlib.import_module("acogida.intake")  # lazy: the benchmark must not need the extractor
    extractor = intake.StreamingExtractor()
    fields: Mapping[str, Any] = {}
    latencies: list[float] = []
    for segment in segments:
        started = time.perf_counter()
        fields = extractor.add_segment(segment)
        latencies.append((time.perf_counter() - started) * 1000)
    return {name: field_value(entry) for name, entry in fields.items()}, latencies


def run_benchmark(devset_path: str | Path, extract_segments: ExtractSegments) -> dict[str, Any]:
    """Score ``extract_segments`` on every conversation of the development set.

    An exception raised for one conversation is recorded under ``errors`` and that conversation counts as
    predicting nothing, so one crash does not hide the other scores.
    """
    records = load_devset(devset_path)
    gold = [record["fields"] for record in records]
    predicted: list[dict[str, Any]] = []
    latencies: list[float] = []
    errors: list[dict[str, str]] = []
    for record in records:
        try:
            fields, segment_ms = extract_segments(list(record["segments"]))
        except Exception as error:
            frames = traceback.extract_tb(error.__traceback__)
            where = (
                f" ({Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})"
                if frames
                else ""
            )
            errors.append({"id": str(record.get("id")), "error": f"{type(error).__name__}: {error}{where}"})
            predicted.append({})
            continue
        predicted.append({name: field_value(entry) for name, entry in fields.items()})
        latencies.extend(float(ms) for ms in segment_ms)
    report = score(gold, predicted)
    report["devset"] = str(devset_path)
    report["latency_ms"] = {
        "segments": len(latencies),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "max": max(latencies) if latencies else None,
        "mean": sum(latencies) / len(latencies) if latencies else None,
    }
    by_difficulty: dict[str, dict[str, Any]] = {}
    for difficulty in sorted({str(r["difficulty"]) for r in records if "difficulty" in r}):
        chosen = [i for i, r in enumerate(records) if r.get("difficulty") == difficulty]
        subset = score([gold[i] for i in chosen], [predicted[i] for i in chosen])
        by_difficulty[difficulty] = {"conversations": len(chosen), **subset["micro"]["all"]}
    report["by_difficulty"] = by_difficulty
    report["errors"] = errors
    report["mismatches"] = mismatches(records, predicted)
    return report


def mismatches(
    records: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Every field where a prediction differs from the gold, for reading the errors one by one."""
    out = []
    for record, predicted_fields in zip(records, predicted, strict=True):
        gold_fields = record["fields"]
        for name in FIELDS:
            gold_value, predicted_value = gold_fields.get(name), field_value(predicted_fields.get(name))
            counts = compare_field(name, gold_value, predicted_value)
            if counts.fp or counts.fn:
                out.append(
                    {"id": record.get("id"), "field": name, "gold": gold_value, "predicted": predicted_value}
                )
    return out


def _row(label: str, counts: Mapping[str, Any]) -> str:
    return (
        f"{label:<26}{counts['support']:>8}{counts['tp']:>7}{counts['fp']:>7}{counts['fn']:>7}"
        f"{counts['precision']:>11.3f}{counts['recall']:>9.3f}{counts['f1']:>8.3f}"
    )


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} ms"


def format_report(report: Mapping[str, Any]) -> str:
    """A plain-text table of a ``score`` or ``run_benchmark`` result."""
    header = f"{'field':<26}{'support':>8}{'tp':>7}{'fp':>7}{'fn':>7}{'precision':>11}{'recall':>9}{'f1':>8}"
    lines = []
    if "devset" in report:
        lines += [
            f"Intake extractor benchmark: {report['devset']} ({report['conversations']} conversations)",
            "",
        ]
    lines += [header, "-" * len(header)]
    lines += [_row(name, counts) for name, counts in report["fields"].items()]
    lines.append("-" * len(header))
    lines += [_row(f"micro: {group}", counts) for group, counts in report["micro"].items()]
    conversations = report["conversations"]
    exact = report["exact_conversations"]
    share = exact / conversations if conversations else 0.0
    lines += ["", f"conversations fully right: {exact}/{conversations} ({share:.1%})"]
    if report.get("by_difficulty"):
        parts = [
            f"{name} {values['f1']:.3f} ({values['conversations']})"
            for name, values in report["by_difficulty"].items()
        ]
        lines.append("micro F1 by difficulty: " + ", ".join(parts))
    latency = report.get("latency_ms")
    if latency:
        lines.append(
            f"latency per segment ({latency['segments']} segments): p50 {_ms(latency['p50'])}, "
            f"p95 {_ms(latency['p95'])}, max {_ms(latency['max'])}"
        )
    if "errors" in report:
        lines.append(f"errors: {len(report['errors'])}")
        lines += [f"  {error['id']}: {error['error']}" for error in report["errors"][:10]]
    return "\n".join(lines)

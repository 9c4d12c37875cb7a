#!/usr/bin/env python3
"""Measure `acogida.intake.redact` on MEDDOCAN: character-level recall and precision, and latency.

    .venv/bin/python scripts/bench_redact.py --split dev [--mode combined|rules|model] [--json out.json]

Recall: share of gold PHI characters (all 21 MEDDOCAN labels) covered by some predicted span.
Precision: share of predicted characters that fall inside some gold span.
Latency: wall time of one call per document (whole MEDDOCAN documents, ~3,000 characters) and per
300-character text (the first 300 characters of each document, cut back to a space), after warm-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from acogida.intake.meddocan import DEFAULT_MEDDOCAN, Document, read_brat
from acogida.intake.redact import RedactionSpan, merge_spans, model_spans, redact, rule_spans


def detector(mode: str) -> Callable[[str], list[RedactionSpan]]:
    if mode == "rules":
        return lambda text: merge_spans(rule_spans(text))
    if mode == "model":
        return lambda text: merge_spans(model_spans(text))
    return lambda text: redact(text).spans


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Scores:
    char_recall: float
    char_precision: float
    gold_chars: int
    predicted_chars: int
    recall_per_meddocan_label: dict[str, dict[str, float]]
    precision_per_predicted_label: dict[str, dict[str, float]]
    misses: list[str] = field(default_factory=list)


def score(docs: list[Document], detect: Callable[[str], list[RedactionSpan]]) -> Scores:
    gold_chars: dict[str, int] = defaultdict(int)
    gold_hit: dict[str, int] = defaultdict(int)
    pred_chars: dict[str, int] = defaultdict(int)
    pred_in: dict[str, int] = defaultdict(int)
    misses: list[str] = []
    for name, text, gold in docs:
        predicted = detect(text)
        covered = bytearray(len(text))
        for span in predicted:
            covered[span.start : span.end] = b"\x01" * (span.end - span.start)
        in_gold = bytearray(len(text))
        for start, end, label in gold:
            in_gold[start:end] = b"\x01" * (end - start)
            gold_chars[label] += end - start
            hit = sum(covered[start:end])
            gold_hit[label] += hit
            if hit < end - start:
                misses.append(f"{name}\t{label}\t{text[start:end]!r}\t{hit}/{end - start}")
        for span in predicted:
            pred_chars[span.label] += span.end - span.start
            pred_in[span.label] += sum(in_gold[span.start : span.end])
    total_gold, total_hit = sum(gold_chars.values()), sum(gold_hit.values())
    total_pred, total_in = sum(pred_chars.values()), sum(pred_in.values())
    return Scores(
        char_recall=total_hit / total_gold,
        char_precision=total_in / total_pred if total_pred else 1.0,
        gold_chars=total_gold,
        predicted_chars=total_pred,
        recall_per_meddocan_label={
            label: {"recall": gold_hit[label] / n, "gold_chars": n}
            for label, n in sorted(gold_chars.items(), key=lambda kv: -kv[1])
        },
        precision_per_predicted_label={
            label: {"precision": pred_in[label] / n, "predicted_chars": n}
            for label, n in sorted(pred_chars.items(), key=lambda kv: -kv[1])
        },
        misses=misses,
    )


def latency(docs: list[Document], detect: Callable[[str], list[RedactionSpan]]) -> dict[str, float]:
    texts = [text for _, text, _ in docs]
    short = []
    for text in texts:
        cut = text[:300]
        if len(text) > 300 and " " in cut:
            cut = cut[: cut.rfind(" ")]
        short.append(cut)
    for text in texts[:20]:  # warm-up (model load, regex caches)
        detect(text)
    out: dict[str, float] = {}
    for name, sample in (("document", texts), ("300_chars", short)):
        times = []
        for text in sample:
            t0 = time.perf_counter()
            detect(text)
            times.append((time.perf_counter() - t0) * 1000)
        out[f"{name}_p50_ms"] = statistics.median(times)
        out[f"{name}_p95_ms"] = percentile(times, 0.95)
        out[f"{name}_mean_chars"] = statistics.mean(len(t) for t in sample)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_MEDDOCAN)
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--mode", default="combined", choices=["combined", "rules", "model"])
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--misses", type=Path, help="write every partly or wholly missed gold span here")
    args = ap.parse_args(argv)

    docs = read_brat(args.data / args.split)
    detect = detector(args.mode)
    t0 = time.perf_counter()
    scores = score(docs, detect)
    seconds = time.perf_counter() - t0
    lat = latency(docs, detect)

    print(f"MEDDOCAN {args.split}: {len(docs)} documents, mode {args.mode}")
    print(f"  char recall    {scores.char_recall:.4f}  ({scores.gold_chars} gold characters)")
    print(f"  char precision {scores.char_precision:.4f}  ({scores.predicted_chars} predicted characters)")
    print("  recall per MEDDOCAN label:")
    for label, row in scores.recall_per_meddocan_label.items():
        print(f"    {label:34s} {row['recall']:.4f}  ({row['gold_chars']:.0f} chars)")
    print("  precision per predicted label:")
    for label, row in scores.precision_per_predicted_label.items():
        print(f"    {label:34s} {row['precision']:.4f}  ({row['predicted_chars']:.0f} chars)")
    print(
        f"  latency per document ({lat['document_mean_chars']:.0f} chars on average): "
        f"p50 {lat['document_p50_ms']:.2f} ms, p95 {lat['document_p95_ms']:.2f} ms"
    )
    print(
        f"  latency per 300-character text ({lat['300_chars_mean_chars']:.0f} chars on average): "
        f"p50 {lat['300_chars_p50_ms']:.2f} ms, p95 {lat['300_chars_p95_ms']:.2f} ms"
    )
    if args.json:
        result = {**asdict(scores), "split": args.split, "mode": args.mode, "documents": len(docs)}
        result.pop("misses")
        result |= {"score_seconds": seconds, "latency": lat}
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.misses:
        args.misses.write_text("\n".join(scores.misses) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

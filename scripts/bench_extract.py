#!/usr/bin/env python3
"""Benchmark the intake field extractor (acogida.intake.StreamingExtractor) on the development set.

    python scripts/bench_extract.py [--devset bench/intake_dev.jsonl] [--json out.json] [--mismatches N]

Feeds every conversation to a fresh StreamingExtractor one streaming segment at a time, scores the
fields after the last segment against the gold labels and prints per-field precision, recall and F1,
micro-averaged totals and per-segment latency. Exits 0 whatever the scores; 1 when the devset cannot
be read, the extractor cannot be imported or raises on a conversation.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEVSET = ROOT / "bench" / "intake_dev.jsonl"

try:
    from acogida import intake_bench
except ModuleNotFoundError:  # run without the package installed: use the checkout's src/
    sys.path.insert(0, str(ROOT / "src"))
    from acogida import intake_bench


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET, help="JSON lines devset")
    parser.add_argument("--json", type=Path, help="also write the full report (with every mismatch) here")
    parser.add_argument("--mismatches", type=int, default=0, metavar="N", help="print the first N mismatches")
    args = parser.parse_args(argv)

    if not args.devset.is_file():
        print(f"error: devset not found: {args.devset}", file=sys.stderr)
        return 1
    try:
        importlib.import_module("acogida.intake").StreamingExtractor  # noqa: B018 - fail early and clearly
    except (ImportError, AttributeError) as error:
        print(f"error: cannot import acogida.intake.StreamingExtractor: {error}", file=sys.stderr)
        return 1
    try:
        report = intake_bench.run_benchmark(args.devset, intake_bench.streaming_extract)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    print(intake_bench.format_report(report))
    if args.mismatches:
        print(f"\nfirst {args.mismatches} of {len(report['mismatches'])} mismatches:")
        for item in report["mismatches"][: args.mismatches]:
            print(f"  {item['id']} {item['field']}: gold={item['gold']!r} predicted={item['predicted']!r}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nreport written to {args.json}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

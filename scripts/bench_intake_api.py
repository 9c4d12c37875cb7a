#!/usr/bin/env python3
"""Benchmark the intake API handler end to end on moto (in-process): latency per request.

    python scripts/bench_intake_api.py [--devset bench/intake_dev.jsonl] [--conversations 100]

For each conversation of the development set: create a draft, append every segment (each one
re-extracts the whole transcript, writes a new encrypted draft snapshot to S3, saves the record
with its version condition and deletes the previous snapshot), then submit (redaction of the whole
transcript, the redacted copy written, every raw snapshot version deleted). Prints p50/p95/max per
kind of request. Moto answers in microseconds where AWS takes milliseconds, so this measures our
code's share of the latency, not DynamoDB's or S3's.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.unit.aws_fixtures: the stores shaped as Terraform makes them

from moto import mock_aws  # noqa: E402
from tests.unit import aws_fixtures  # noqa: E402

from acogida.handlers import intake_api  # noqa: E402
from acogida.handlers.runtime import dependencies  # noqa: E402
from acogida.local.events import http_api_event  # noqa: E402
from acogida.local.lambda_context import LocalLambdaContext  # noqa: E402

CLAIMS = {"sub": "bench", "cognito:groups": "[technician]", "custom:office": "bench-office"}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devset", type=Path, default=ROOT / "bench" / "intake_dev.jsonl")
    parser.add_argument("--conversations", type=int, default=100)
    args = parser.parse_args(argv)

    conversations = [
        json.loads(line) for line in args.devset.read_text(encoding="utf-8").splitlines() if line
    ]
    conversations = conversations[: args.conversations]
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": aws_fixtures.REGION,
            "AWS_DEFAULT_REGION": aws_fixtures.REGION,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "INTAKES_TABLE": aws_fixtures.INTAKES_TABLE,
            "INTAKES_OFFICE_INDEX": aws_fixtures.OFFICE_INDEX,
            "IDEMPOTENCY_TABLE": aws_fixtures.IDEMPOTENCY_TABLE,
            "TRANSCRIPTS_BUCKET": aws_fixtures.TRANSCRIPTS_BUCKET,
            "TRANSCRIPTION_JOB_PREFIX": aws_fixtures.JOB_PREFIX,
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    intake_api.logger.setLevel("WARNING")  # the benchmark's output, not the request logs
    timings: dict[str, list[float]] = defaultdict(list)
    context = LocalLambdaContext("intake_api")
    metrics_sink = io.StringIO()

    def call(kind: str, method: str, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
        event = http_api_event(
            method, path, claims=CLAIMS, body=json.dumps(body) if body is not None else None
        )
        started = time.perf_counter()
        with redirect_stdout(metrics_sink):  # the handler's metric lines, not the benchmark's output
            response = intake_api.handler(event, context)
        timings[kind].append((time.perf_counter() - started) * 1000)
        if response["statusCode"] >= 300 and not (kind == "submit" and response["statusCode"] == 422):
            raise RuntimeError(f"{kind}: HTTP {response['statusCode']} {response['body']}")
        parsed: dict[str, object] = json.loads(response["body"])
        return parsed

    with mock_aws():
        stores = aws_fixtures.create_intake_stores()
        os.environ["TRANSCRIPTS_KMS_KEY_ARN"] = stores.kms_key_arn
        dependencies.cache_clear()
        call("warm-up", "POST", "/intakes")
        for number, conversation in enumerate(conversations, start=1):
            intake_id = call("create", "POST", "/intakes")["intake_id"]
            for sequence, text in enumerate(conversation["segments"]):
                call(
                    "segment", "POST", f"/intakes/{intake_id}/segments", {"sequence": sequence, "text": text}
                )
            call("submit", "POST", f"/intakes/{intake_id}/submit", {"confirm_invalid_document": True})
            if number % 20 == 0:
                print(f"  {number}/{len(conversations)} conversations", file=sys.stderr)

    print(
        f"Intake API handler on moto (in-process): {len(conversations)} conversations from {args.devset.name}"
    )
    print(f"{'request':<10} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in ("create", "segment", "submit"):
        values = timings[kind]
        print(
            f"{kind:<10} {len(values):>6} {statistics.median(values):>8.1f} "
            f"{percentile(values, 0.95):>8.1f} {max(values):>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

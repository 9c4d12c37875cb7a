"""Reliability scenarios on the local stack (the applied local workspace and its runtime), shared by
``make bench-reliability`` (scripts/bench_reliability.py) and tests/integration/test_reliability.py:

- ``load_scenario``: N intakes through the API at a bounded concurrency, then the lake audit;
- ``replay_scenario``: the stream records of submitted intakes redelivered three times, shuffled;
- ``poison_scenario``: a record the export cannot process among real ones: the DLQ gets it (and
  only it), the others are exported;
- ``restart_scenario``: a load run during which the emulator is stopped (its state saved) and
  started again (its state loaded); the API and the pumps keep running;
- ``bad_input_scenario``: the malformed requests of ``acogida.local.bad_input`` and malformed
  bulk uploads, with the tables and buckets counted before and after.

Every scenario works in the ``reliability`` office with its own users, and returns its figures.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from acogida.adapters.aws import AwsTarget
from acogida.adapters.key_rotation import read_key_ring
from acogida.export.bulk_upload import REJECTED_PREFIX, UPLOADS_PREFIX, report_key, upload_id_of
from acogida.export.submission import SUBMISSIONS_PREFIX
from acogida.local.bad_input import ProbeReport, ProbeTargets, probes, run_probes
from acogida.local.faults import drain_queue, put_poison_item, replay_shuffled, stream_records
from acogida.local.intake_demo import DEMO_PASSWORD, DemoUser, ensure_demo_users, sign_in
from acogida.local.load import LakeAudit, LoadResult, RequestStats, RetryingClient, audit_exports, run_load
from acogida.local.load import wait_for_exports as wait_for_lake
from acogida.local.runtime import LocalRuntime
from acogida.local.stack import LocalEmulator
from acogida.privacy.keyring import KeyRing

RELIABILITY_OFFICE = "reliability"
TECHNICIAN = DemoUser("tecnica.fiabilidad@acogida.local", "technician", RELIABILITY_OFFICE)
COORDINATOR = DemoUser("coordinadora.fiabilidad@acogida.local", "coordinator", RELIABILITY_OFFICE)
TOKEN_MAX_AGE_S = 30 * 60  # Cognito ID tokens last an hour

Emit = Callable[[str], None]


class Tokens:
    """ID tokens of the reliability users, signed in again before they expire."""

    def __init__(self, cognito: Any, client_id: str) -> None:  # noqa: ANN401 - boto3 client
        self._cognito = cognito
        self._client_id = client_id
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, role: str = "technician") -> str:
        user = TECHNICIAN if role == "technician" else COORDINATOR
        with self._lock:
            token, signed_in = self._tokens.get(role, ("", 0.0))
            if not token or time.monotonic() - signed_in > TOKEN_MAX_AGE_S:
                token = sign_in(self._cognito, self._client_id, user.username, DEMO_PASSWORD)
                self._tokens[role] = (token, time.monotonic())
            return token


@dataclass
class ReliabilityStack:
    runtime: LocalRuntime
    outputs: dict[str, Any]
    emulator: LocalEmulator
    tokens: Tokens = field(init=False)

    def __post_init__(self) -> None:
        cognito = self.target.client("cognito-idp")
        ensure_demo_users(cognito, self.outputs["cognito_user_pool_id"], (TECHNICIAN, COORDINATOR))
        self.tokens = Tokens(cognito, self.outputs["cognito_user_pool_client_id"])

    @property
    def target(self) -> AwsTarget:
        return AwsTarget(str(self.outputs["aws_region"]), self.emulator.endpoint)

    @property
    def raw_bucket(self) -> str:
        return str(self.outputs["s3_bucket_names"]["raw"])

    def key_ring(self) -> KeyRing:
        return read_key_ring(
            self.target.client("secretsmanager"), str(self.outputs["pseudonymisation_secret_arn"])
        )

    def client(self, stats: RequestStats | None = None) -> RetryingClient:
        return RetryingClient(self.runtime.api.url, self.tokens, stats or RequestStats(), retry_deadline_s=60)


# --------------------------------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------------------------------


@dataclass
class LoadOutcome:
    load: LoadResult
    audit: LakeAudit
    export_wait_s: float


def load_scenario(
    stack: ReliabilityStack,
    *,
    intakes: int,
    concurrency: int,
    emit: Emit = print,
    export_timeout_s: float = 600.0,
    during: Callable[[int], None] | None = None,
    before_audit: Callable[[], None] | None = None,
) -> LoadOutcome:
    """``intakes`` through the API, then (after ``before_audit``) wait for the lake pump and audit
    raw/."""
    run_id = f"load-{uuid.uuid4().hex[:8]}"
    load = run_load(
        stack.runtime.api.url,
        lambda: stack.tokens("technician"),
        intakes=intakes,
        concurrency=concurrency,
        run_id=run_id,
        emit=emit,
        on_done=during,
    )
    if before_audit is not None:
        before_audit()
    s3 = stack.target.client("s3")
    waited = wait_for_lake(s3, stack.raw_bucket, load.submitted, timeout_s=export_timeout_s, emit=emit)
    audit = audit_exports(s3, stack.raw_bucket, stack.key_ring(), load.submitted, load.persons)
    return LoadOutcome(load, audit, waited)


# --------------------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------------------


@dataclass
class ReplayOutcome:
    records: int  # stream records found for the intakes
    delivered: int  # deliveries (each record several times, shuffled)
    reported_failures: int
    versions_before: int
    versions_after: int
    audit: LakeAudit


def replay_scenario(stack: ReliabilityStack, outcome: LoadOutcome, *, limit: int = 200) -> ReplayOutcome:
    """Redeliver the stream records of (up to ``limit`` of) the load's intakes: same objects, same
    bytes, no new version."""
    chosen = dict(list(outcome.load.submitted.items())[:limit])
    s3 = stack.target.client("s3")
    before = sum(len(v) for v in _versions(s3, stack.raw_bucket, SUBMISSIONS_PREFIX).values())
    records = stream_records(
        stack.target.client("dynamodbstreams"),
        stack.outputs["dynamodb_intakes_table_stream_arn"],
        set(chosen),
    )
    delivered, failed = replay_shuffled(
        stack.runtime.functions, records, stack.outputs["dynamodb_intakes_table_stream_arn"]
    )
    after = sum(len(v) for v in _versions(s3, stack.raw_bucket, SUBMISSIONS_PREFIX).values())
    persons = {intake_id: outcome.load.persons[intake_id] for intake_id in chosen}
    audit = audit_exports(s3, stack.raw_bucket, stack.key_ring(), chosen, persons)
    return ReplayOutcome(len(records), delivered, failed, before, after, audit)


@dataclass
class PoisonOutcome:
    submitted: int
    poison_id: str
    dead_letters: list[dict[str, Any]]
    poison_sequence: str
    audit: LakeAudit

    @property
    def only_the_poison_in_the_dlq(self) -> bool:
        return [letter["DDBStreamBatchInfo"] for letter in self.dead_letters] == [
            {**self.dead_letters[0]["DDBStreamBatchInfo"], "startSequenceNumber": self.poison_sequence}
        ] and self.dead_letters[0]["DDBStreamBatchInfo"]["batchSize"] == 1


def poison_scenario(stack: ReliabilityStack, *, intakes: int = 10, emit: Emit = print) -> PoisonOutcome:
    """Submitted intakes with a poison record in the middle of their batch, delivered by the lake
    pump (stopped in the background meanwhile, so that one batch holds them all)."""
    lake = stack.runtime.lake
    sqs = stack.target.client("sqs")
    dlq = stack.outputs["export_dlq_url"]
    lake.stop()
    try:
        lake.drain()
        drain_queue(sqs, dlq)
        client = stack.client()
        run_id = f"poison-{uuid.uuid4().hex[:8]}"
        from acogida.local.load import run_intake, synthetic_person  # noqa: PLC0415

        submitted: dict[str, dict[str, Any]] = {}
        persons = {}
        poison_id = ""
        for index in range(intakes):
            if index == intakes // 2:
                poison_id = put_poison_item(
                    stack.target.client("dynamodb"), stack.outputs["dynamodb_intakes_table_name"]
                )
            intake_id, answer = run_intake(client, run_id, index)
            submitted[intake_id] = answer
            persons[intake_id] = synthetic_person(index)
        report = lake.drain()
        emit(
            f"    poison: {report.exported_batches} invocations, {report.exported_records} records exported, "
            f"{len(report.failed_batches)} sent to the DLQ"
        )
        letters = drain_queue(sqs, dlq)
        (poison_record,) = stream_records(
            stack.target.client("dynamodbstreams"),
            stack.outputs["dynamodb_intakes_table_stream_arn"],
            {poison_id},
        )
        stack.target.client("dynamodb").delete_item(
            TableName=stack.outputs["dynamodb_intakes_table_name"], Key={"intake_id": {"S": poison_id}}
        )
        lake.drain()  # the removal (not a submission: filtered out)
    finally:
        lake.start()
    audit = audit_exports(stack.target.client("s3"), stack.raw_bucket, stack.key_ring(), submitted, persons)
    return PoisonOutcome(
        len(submitted), poison_id, letters, poison_record["dynamodb"]["SequenceNumber"], audit
    )


@dataclass
class RestartOutcome:
    load: LoadOutcome
    stopped_after: int  # intakes done when the emulator was stopped
    stop_s: float  # quiesce and save
    outage_s: float
    start_s: float  # load and answer
    snapshot_bytes: int


def restart_scenario(
    stack: ReliabilityStack,
    *,
    intakes: int,
    concurrency: int,
    outage_s: float = 5.0,
    emit: Emit = print,
) -> RestartOutcome:
    """A load run during which the emulator goes down (state saved) and comes back (state loaded)
    once a third of the intakes are done; the runtime keeps serving and polling throughout."""
    third = threading.Event()
    timings: dict[str, float] = {}

    def during(done: int) -> None:
        if done >= intakes // 3:
            third.set()

    def restart() -> None:
        third.wait()
        timings["stopped_after"] = float(intakes // 3)
        started = time.monotonic()
        stack.emulator.down()
        timings["stop_s"] = time.monotonic() - started
        emit(f"    emulator stopped (state saved) in {timings['stop_s']:.1f} s; down for {outage_s:g} s")
        time.sleep(outage_s)
        started = time.monotonic()
        stack.emulator.up()
        timings["start_s"] = time.monotonic() - started
        emit(f"    emulator started (state loaded) in {timings['start_s']:.1f} s")

    def back_up() -> None:
        third.set()  # a load faster than expected: restart after it all the same
        restarter.join(timeout=300)

    restarter = threading.Thread(target=restart, name="emulator-restart", daemon=True)
    restarter.start()
    outcome = load_scenario(
        stack, intakes=intakes, concurrency=concurrency, emit=emit, during=during, before_audit=back_up
    )
    return RestartOutcome(
        load=outcome,
        stopped_after=int(timings.get("stopped_after", 0)),
        stop_s=timings.get("stop_s", 0.0),
        outage_s=outage_s,
        start_s=timings.get("start_s", 0.0),
        snapshot_bytes=stack.emulator.state_file.stat().st_size if stack.emulator.state_file.exists() else 0,
    )


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------

# Uploads a coordinator might send by mistake or malice: every row of each must be refused, so
# nothing of them reaches submissions/, and each gets its report under rejected/.
UPLOAD_PROBES: dict[str, bytes] = {
    "uploads/../submissions/evil.csv": b"intake_id,submitted_at,office\nx,2026-02-30T00:00:00Z,ok-office\n",
    "uploads//etc/passwd.csv": b"intake_id,submitted_at,office\n../../x,2025-01-01T00:00:00Z,o\n",
    # (No NUL in a key: the emulator lists it raw in XML, which no client can parse; AWS encodes it.)
    "uploads/a\tb\u200b.csv": b"intake_id,submitted_at,office\nnul-1,99999-01-01T00:00:00Z,madrid\n",
    "uploads/cafe\u0301.csv": (
        b"intake_id,submitted_at,office\n=cmd|' /C calc'!A0,2025-01-01T00:00:00Z,+SUM(A1)\n"
    ),
    "uploads/caf\u00e9.csv": b"intake_id,submitted_at,office,given_name\nx,2025-01-01T00:00:00Z,o,Ana\n",
    "uploads/\u202eslx.csv": b"intake_id,submitted_at,office\n@SUM(1),2025-01-01T10:00:00+25:00,-2+3\n",
    "uploads/" + "n" * 900 + ".csv": b"intake_id,submitted_at,office\n\xff\xfe,2025-01-01,x\n",
    "uploads/getafe/../madrid-centro/hist.csv": (
        b"intake_id,submitted_at,office,household_size\nh-1,2025-01-01T00:00:00Z,getafe,=1+1\n"
    ),
    "uploads/empty.csv": b"",
    "uploads/emoji-\U0001f642.csv": (
        "intake_id,submitted_at,office\n\U0001f642,2025-01-01T00:00:00Z,\U0001f642\n".encode()
    ),
}


# Values of those files that their reports must not repeat (a report says line, column, reason).
REJECTED_VALUES = ("=cmd", "+SUM", "@SUM", "-2+3", "=1+1", "Ana", "../../x", "nul-1", "\U0001f642")


@dataclass
class StoreCounts:
    intakes: int
    idempotency_records: int
    transcript_versions: int
    raw_versions: dict[str, int]  # by prefix: submissions/, rejected/, uploads/

    def as_dict(self) -> dict[str, Any]:
        return {
            "intakes": self.intakes,
            "idempotency_records": self.idempotency_records,
            "transcript_versions": self.transcript_versions,
            **{f"raw {prefix}": count for prefix, count in self.raw_versions.items()},
        }


def _count_items(dynamodb: Any, table: str) -> int:  # noqa: ANN401
    total = 0
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, Select="COUNT"):
        total += int(page["Count"])
    return total


def _versions(s3: Any, bucket: str, prefix: str = "") -> dict[str, list[str]]:  # noqa: ANN401
    found: dict[str, list[str]] = {}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for version in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            found.setdefault(version["Key"], []).append(version["VersionId"])
    return found


def store_counts(stack: ReliabilityStack) -> StoreCounts:
    dynamodb, s3 = stack.target.client("dynamodb"), stack.target.client("s3")
    buckets = stack.outputs["s3_bucket_names"]
    return StoreCounts(
        intakes=_count_items(dynamodb, stack.outputs["dynamodb_intakes_table_name"]),
        idempotency_records=_count_items(dynamodb, stack.outputs["dynamodb_idempotency_table_name"]),
        transcript_versions=sum(len(v) for v in _versions(s3, buckets["transcripts"]).values()),
        raw_versions={
            prefix: sum(len(v) for v in _versions(s3, stack.raw_bucket, prefix).values())
            for prefix in (SUBMISSIONS_PREFIX, REJECTED_PREFIX, UPLOADS_PREFIX)
        },
    )


@dataclass
class BadInputOutcome:
    report: ProbeReport
    before: StoreCounts
    after: StoreCounts
    draft_before: dict[str, Any]
    draft_after: dict[str, Any]
    uploads: int = 0
    upload_reports: int = 0
    upload_rows_in_submissions: int = 0
    uploads_left: int = 0
    report_leaks: list[str] = field(default_factory=list)  # reports holding a rejected value

    @property
    def no_partial_write(self) -> bool:
        return self.before == self.after and self.draft_before == self.draft_after


def bad_input_scenario(stack: ReliabilityStack, *, emit: Emit = print) -> BadInputOutcome:
    """Every malformed request once, the stores counted before and after (the lake pump stopped
    meantime, so that nothing else writes); then the malformed uploads through S3, SQS and the
    pump."""
    client = stack.client()
    status, draft = client.call("POST", "/intakes", "POST /intakes")
    if status != 201:
        raise RuntimeError(f"the probes' draft could not be created: {status} {draft}")
    from acogida.local.load import run_intake  # noqa: PLC0415

    submitted_id, _ = run_intake(client, f"probe-{uuid.uuid4().hex[:8]}", 0)
    targets = ProbeTargets(draft_id=draft["intake_id"], submitted_id=submitted_id)
    tokens = {"technician": stack.tokens("technician"), "coordinator": stack.tokens("coordinator")}
    lake = stack.runtime.lake
    lake.stop()
    try:
        lake.drain()
        before = store_counts(stack)
        draft_before = client.call("GET", f"/intakes/{targets.draft_id}", "GET /intakes/{id}")[1]
        report = run_probes(stack.runtime.api.url, tokens, probes(targets), emit)
        after = store_counts(stack)
        draft_after = client.call("GET", f"/intakes/{targets.draft_id}", "GET /intakes/{id}")[1]
        outcome = BadInputOutcome(report, before, after, draft_before, draft_after)

        s3 = stack.target.client("s3")
        submissions_before = sum(len(v) for v in _versions(s3, stack.raw_bucket, SUBMISSIONS_PREFIX).values())
        for key, body in UPLOAD_PROBES.items():
            s3.put_object(Bucket=stack.raw_bucket, Key=key, Body=body)
        delivered = 0
        deadline = time.monotonic() + 120
        while delivered < len(UPLOAD_PROBES) and time.monotonic() < deadline:
            delivered += lake.drain().upload_messages
            time.sleep(0.5)
        # Where the design puts each file's report: rejected/<clean name>-<digest>.report.csv.
        expected = {report_key(key, upload_id_of(body)) for key, body in UPLOAD_PROBES.items()}
        reports = sorted(expected & set(_versions(s3, stack.raw_bucket, REJECTED_PREFIX)))
        outcome.uploads = len(UPLOAD_PROBES)
        outcome.upload_reports = len(reports)
        outcome.upload_rows_in_submissions = (
            sum(len(v) for v in _versions(s3, stack.raw_bucket, SUBMISSIONS_PREFIX).values())
            - submissions_before
        )
        outcome.uploads_left = sum(len(v) for v in _versions(s3, stack.raw_bucket, UPLOADS_PREFIX).values())
        for key in reports:
            text = s3.get_object(Bucket=stack.raw_bucket, Key=key)["Body"].read().decode("utf-8")
            if any(value in text for value in REJECTED_VALUES):
                outcome.report_leaks.append(key)
        emit(
            f"    uploads: {outcome.uploads} malformed files, {outcome.upload_reports} reports, "
            f"{outcome.upload_rows_in_submissions} rows accepted, {outcome.uploads_left} left in uploads/"
        )
    finally:
        lake.start()
    return outcome

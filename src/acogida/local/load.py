"""Load on the local stack: many intakes through the local HTTP API at once, then an audit of what
reached the data lake.

Each intake goes as the front sends it: create a draft (with an ``Idempotency-Key``), three
transcript segments of a synthetic person (name, DNI on three intakes out of four, phone,
municipality, needs), submit. ``concurrency`` clients work in parallel threads; every attempt is
recorded with its route, status and latency. A client retries what may not have happened (no
answer, a 5xx, ``409 request_in_progress``) with the same idempotency key or segment number, as
the front would, until ``retry_deadline_s``: so an outage of the emulator costs time, not intakes.

The local API serves the function in this process one invocation at a time (one execution
environment, ``acogida.local.functions``): the load is concurrent at the clients and the HTTP
server, the handler work is serialised. Throughput figures are those of one execution
environment on this machine, not of Lambda's concurrency.

The audit (``audit_exports``) lists every version under ``raw/submissions/`` and checks, for each
intake the API acknowledged as submitted: exactly one object with exactly one version, whose
bytes are the pseudonymised row computed from the API's own answer (so no name, DNI or phone, and
a ``person_key`` exactly when a document was given); and nothing for an intake never submitted.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from http.client import HTTPException
from typing import Any

from acogida.export.submission import SUBMISSIONS_PREFIX, object_key, submission_row, to_csv
from acogida.privacy.keyring import KeyRing

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
GIVEN_NAMES = ("Amina", "Yusuf", "Olena", "Carlos", "Fatou", "Irina", "Mateo", "Samira", "Bilal", "Lucía")
SURNAMES = ("Benali Haddad", "Okafor Eze", "Petrenko Bondar", "Quispe Mamani", "Diallo Sow", "Ruiz Vidal")
MUNICIPALITIES = ("Getafe", "Madrid", "Alcalá de Henares", "Valencia", "Sevilla", "Zaragoza")
NEEDS = ("necesito comida", "busco trabajo", "necesito un abogado", "necesitamos un piso")
RETRYABLE_CONFLICT = "request_in_progress"

Emit = Callable[[str], None]


@dataclass(frozen=True)
class SyntheticPerson:
    """Who intake number ``index`` of a load run talks about (made up, never a real person)."""

    given_name: str
    surnames: str
    document_number: str | None
    phone: str
    municipality: str
    need: str

    def segments(self) -> list[tuple[str, str]]:
        document = (
            f"Mi DNI es {self.document_number}." if self.document_number else "Todavía no tengo documento."
        )
        return [
            ("person", f"Me llamo {self.given_name} {self.surnames}."),
            ("person", document),
            ("person", f"Mi teléfono es el {self.phone}. Vivo en {self.municipality} y {self.need}."),
        ]

    def identifiers(self) -> list[str]:
        """What must never reach the lake."""
        surnames = self.surnames.split()
        return [
            self.given_name,
            *surnames,
            self.phone,
            *([self.document_number] if self.document_number else []),
        ]


def dni(number: int) -> str:
    """A DNI with its check letter for an 8-digit number."""
    return f"{number:08d}{DNI_LETTERS[number % 23]}"


def synthetic_person(index: int) -> SyntheticPerson:
    number = 10_000_000 + (index * 7_919) % 89_999_999
    return SyntheticPerson(
        given_name=GIVEN_NAMES[index % len(GIVEN_NAMES)],
        surnames=SURNAMES[index % len(SURNAMES)],
        document_number=None if index % 4 == 3 else dni(number),
        phone=f"6{(index * 104_729) % 100_000_000:08d}",
        municipality=MUNICIPALITIES[index % len(MUNICIPALITIES)],
        need=NEEDS[index % len(NEEDS)],
    )


# --------------------------------------------------------------------------------------------------
# Requests and their figures
# --------------------------------------------------------------------------------------------------


@dataclass
class RequestStats:
    """Every attempt: status (or ``error:<Exception>`` when no answer came) and latency, by route."""

    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, route: str, status: str, latency_s: float) -> None:
        with self._lock:
            self.statuses[route][status] += 1
            self.latencies[route].append(latency_s)

    @property
    def requests(self) -> int:
        return sum(sum(counter.values()) for counter in self.statuses.values())

    def failures(self) -> Counter[str]:
        """Attempts not answered 2xx, by status (including the ones a retry then made good)."""
        total: Counter[str] = Counter()
        for counter in self.statuses.values():
            total.update({status: n for status, n in counter.items() if not status.startswith("2")})
        return total

    def latency_summary(self) -> dict[str, dict[str, float]]:
        """p50 / p95 / max in milliseconds per route."""
        summary = {}
        for route, values in sorted(self.latencies.items()):
            ordered = sorted(values)
            summary[route] = {
                "count": len(ordered),
                "p50_ms": round(1000 * statistics.median(ordered), 1),
                "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
                "max_ms": round(1000 * ordered[-1], 1),
            }
        return summary


class LoadError(RuntimeError):
    pass


class RetryingClient:
    """JSON over HTTP to the local API with a bearer token; retries what may not have happened."""

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        stats: RequestStats,
        *,
        retry_deadline_s: float = 180.0,
        timeout_s: float = 60.0,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._stats = stats
        self._retry_deadline_s = retry_deadline_s
        self._timeout_s = timeout_s

    def once(
        self,
        method: str,
        path: str,
        route: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """One attempt: (status, JSON body); status 0 when no answer came."""
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the local API on loopback
            self._base_url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self._token()}",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self._timeout_s) as response:  # noqa: S310
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        except (urllib.error.URLError, HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            self._stats.record(route, f"error:{type(reason).__name__}", time.monotonic() - started)
            return 0, {}
        self._stats.record(route, str(status), time.monotonic() - started)
        try:
            document = json.loads(payload or b"{}")
        except json.JSONDecodeError:
            document = {}
        return status, document if isinstance(document, dict) else {}

    def call(
        self,
        method: str,
        path: str,
        route: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Attempts until an answer that is final (2xx, or a 4xx other than request_in_progress)."""
        deadline = time.monotonic() + self._retry_deadline_s
        pause = 0.2
        while True:
            status, document = self.once(method, path, route, body, headers)
            retry = status == 0 or status >= 500 or document.get("error") == RETRYABLE_CONFLICT
            if not retry or time.monotonic() + pause > deadline:
                return status, document
            time.sleep(pause)
            pause = min(2.0, pause * 2)


def run_intake(client: RetryingClient, run_id: str, index: int) -> tuple[str, dict[str, Any]]:
    """One intake as the front sends it; (intake id, the submitted intake as the API answered)."""
    person = synthetic_person(index)
    status, draft = client.call(
        "POST", "/intakes", "POST /intakes", headers={"Idempotency-Key": f"{run_id}-{index:06d}"}
    )
    if status != 201:
        raise LoadError(f"intake {index}: create answered {status} {draft.get('error')}")
    intake_id = str(draft["intake_id"])
    for sequence, (speaker, text) in enumerate(person.segments()):
        status, answer = client.call(
            "POST",
            f"/intakes/{intake_id}/segments",
            "POST /intakes/{id}/segments",
            {"sequence": sequence, "speaker": speaker, "text": text},
        )
        already_applied = (
            status == 409
            and answer.get("error") == "segment_out_of_order"
            and int(answer.get("expected_sequence", -1)) > sequence
        )
        if status != 200 and not already_applied:
            raise LoadError(f"intake {index}: segment {sequence} answered {status} {answer.get('error')}")
    status, submitted = client.call("POST", f"/intakes/{intake_id}/submit", "POST /intakes/{id}/submit")
    if status == 409 and submitted.get("error") == "not_a_draft":
        # An earlier attempt submitted it and its answer was lost: read what was submitted.
        status, submitted = client.call("GET", f"/intakes/{intake_id}", "GET /intakes/{id}")
        if status == 200 and submitted.get("status") != "submitted":
            status = 409
    if status != 200:
        raise LoadError(f"intake {index}: submit answered {status} {submitted.get('error')}")
    return intake_id, submitted


@dataclass
class LoadResult:
    intakes: int
    concurrency: int
    elapsed_s: float
    stats: RequestStats
    submitted: dict[str, dict[str, Any]]  # intake id → the API's answer to the submission
    persons: dict[str, SyntheticPerson]
    failed: list[str]  # intakes that could not be submitted, with the reason

    @property
    def throughput(self) -> float:
        return len(self.submitted) / self.elapsed_s if self.elapsed_s else 0.0


def run_load(
    api_url: str,
    token: Callable[[], str],
    *,
    intakes: int,
    concurrency: int,
    run_id: str,
    emit: Emit = print,
    retry_deadline_s: float = 180.0,
    on_done: Callable[[int], None] | None = None,
) -> LoadResult:
    """``intakes`` intakes through the API with at most ``concurrency`` in flight; progress on
    ``emit`` about every tenth of the run, and ``on_done(intakes done so far)`` after each."""
    stats = RequestStats()
    client = RetryingClient(api_url, token, stats, retry_deadline_s=retry_deadline_s)
    submitted: dict[str, dict[str, Any]] = {}
    persons: dict[str, SyntheticPerson] = {}
    failed: list[str] = []
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="load-client") as pool:
        futures = {pool.submit(run_intake, client, run_id, index): index for index in range(intakes)}
        try:
            _collect(futures, intakes, stats, submitted, persons, failed, started, emit, on_done)
        except BaseException:
            for future in futures:  # interrupted: the intakes not started yet are not started
                future.cancel()
            raise
    return LoadResult(
        intakes=intakes,
        concurrency=concurrency,
        elapsed_s=time.monotonic() - started,
        stats=stats,
        submitted=submitted,
        persons=persons,
        failed=failed,
    )


def _collect(  # noqa: PLR0917 - run_load's state, collected as intakes finish
    futures: dict[Future[tuple[str, dict[str, Any]]], int],
    intakes: int,
    stats: RequestStats,
    submitted: dict[str, dict[str, Any]],
    persons: dict[str, SyntheticPerson],
    failed: list[str],
    started: float,
    emit: Emit,
    on_done: Callable[[int], None] | None,
) -> None:
    step = max(1, intakes // 10)
    for done, future in enumerate(as_completed(futures), start=1):
        index = futures[future]
        try:
            intake_id, answer = future.result()
        except LoadError as error:
            failed.append(str(error))
        else:
            submitted[intake_id] = answer
            persons[intake_id] = synthetic_person(index)
        if on_done is not None:
            on_done(done)
        if done % step == 0 or done == intakes:
            elapsed = time.monotonic() - started
            emit(
                f"    {done:>6}/{intakes} intakes, {stats.requests} requests, "
                f"{len(failed)} failed, {elapsed:.0f} s ({done / elapsed:.1f} intakes/s)"
            )


# --------------------------------------------------------------------------------------------------
# What reached the lake
# --------------------------------------------------------------------------------------------------


def expected_row(answer: dict[str, Any], ring: KeyRing) -> bytes:
    """The object the export must write for a submitted intake, from the API's answer."""
    return to_csv(
        [
            submission_row(
                intake_id=answer["intake_id"],
                submitted_at=answer["submitted_at"],
                office=answer["office"],
                duration_s=answer["duration_s"],
                values={name: field["value"] for name, field in answer["fields"].items()},
                ring=ring,
            )
        ]
    )


def submission_versions(s3: Any, bucket: str) -> dict[str, list[str]]:  # noqa: ANN401 - boto3 client
    """{intake id: [version ids]} of every object under raw/submissions/ (delete markers aside)."""
    versions: dict[str, list[str]] = defaultdict(list)
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=SUBMISSIONS_PREFIX):
        for version in page.get("Versions", []):
            key = version["Key"]
            versions[key.rsplit("/", 1)[-1].removesuffix(".csv")].append(version["VersionId"])
    return versions


def wait_for_exports(
    s3: Any,  # noqa: ANN401 - boto3 client
    bucket: str,
    intake_ids: Iterable[str],
    *,
    timeout_s: float,
    emit: Emit = print,
) -> float:
    """Poll raw/ until every intake has an object (the lake pump delivers in the background);
    returns the seconds waited."""
    wanted = set(intake_ids)
    started = time.monotonic()
    reported = started
    while True:
        missing = wanted - set(submission_versions(s3, bucket))
        if not missing or time.monotonic() - started > timeout_s:
            return time.monotonic() - started
        if time.monotonic() - reported > 10:
            emit(f"    waiting for the export: {len(wanted) - len(missing)}/{len(wanted)} in raw/")
            reported = time.monotonic()
        time.sleep(0.5)


@dataclass
class LakeAudit:
    expected: int
    exported: int
    losses: list[str]  # acknowledged as submitted, not in raw/
    duplicates: int  # versions beyond one per intake
    unexpected: list[str]  # in raw/ but never acknowledged as submitted
    content_mismatches: list[str]  # the object differs from the row the API's answer implies
    privacy_leaks: list[str]  # a name, DNI or phone of the person in the object

    @property
    def clean(self) -> bool:
        return not (
            self.losses or self.duplicates or self.unexpected or self.content_mismatches or self.privacy_leaks
        )


def audit_exports(
    s3: Any,  # noqa: ANN401 - boto3 client
    bucket: str,
    ring: KeyRing,
    submitted: dict[str, dict[str, Any]],
    persons: dict[str, SyntheticPerson],
    *,
    never_submitted: Iterable[str] = (),
) -> LakeAudit:
    versions = submission_versions(s3, bucket)
    losses, mismatches, leaks = [], [], []
    duplicates = 0
    for intake_id, answer in submitted.items():
        found = versions.get(intake_id, [])
        if not found:
            losses.append(intake_id)
            continue
        duplicates += len(found) - 1
        key = object_key(intake_id, answer["submitted_at"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        if body != expected_row(answer, ring):
            mismatches.append(intake_id)
        person = persons.get(intake_id)
        text = body.decode("utf-8")
        if person is not None and any(identifier in text for identifier in person.identifiers()):
            leaks.append(intake_id)
    return LakeAudit(
        expected=len(submitted),
        exported=len(submitted) - len(losses),
        losses=losses,
        duplicates=duplicates,
        unexpected=[intake_id for intake_id in never_submitted if intake_id in versions],
        content_mismatches=mismatches,
        privacy_leaks=leaks,
    )

"""The rights of access (GDPR art. 15) and erasure (art. 17): everything the platform holds about one
person, found by their document number across every store, exported or erased.

Where a person's data lives (the stores are behind the protocols below; no AWS calls here):

- the intakes table: the intake records whose extracted or corrected ``document_number`` is the
  person's (normalised: ``X-1234567-l`` finds ``X1234567L``);
- the idempotency table: Powertools records whose saved answer (``data``, the intake view, kept
  for a day) is one of those intakes;
- the transcripts bucket: ``drafts/<intake_id>/`` (every snapshot) and ``redacted/<intake_id>.json``;
- the audio bucket (language region): ``audio/<intake_id>/`` and Transcribe's output
  ``transcribe/<job prefix><intake_id>-<n>.json``;
- the raw bucket (the lake): rows under ``submissions/`` whose ``person_key`` is the person's under
  any key version of the ring (or whose ``intake_id`` is one of theirs): a whole object per
  exported intake, or some rows of a shared bulk-upload object;
- the raw bucket's ``uploads/``: bulk upload files not processed yet (the bulk upload deletes each
  once processed), whose rows hold document numbers in clear. ``rejected/`` reports hold line
  numbers, column names and reasons, never a value: nothing of a person.

Every version of every object counts (the buckets are versioned): a noncurrent version is still
held data. Erasure goes store by store with the intake records last, so a run cut short leaves
the records that find the rest, and running it again completes it; a shared object is rewritten
under the same key without the person's rows (the Glue partitions and Athena see the same files),
then every version that held the rows is deleted.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from acogida.intake.identifiers import normalise_document_number
from acogida.intake.record import Intake
from acogida.intake.view import intake_view
from acogida.privacy.audit import AuditAction, AuditEvent, AuditLog, new_event, utc_timestamp
from acogida.privacy.keyring import KeyRing

DRAFTS_PREFIX = "drafts/"
REDACTED_PREFIX = "redacted/"
AUDIO_PREFIX = "audio/"
TRANSCRIBE_OUTPUT_PREFIX = "transcribe/"
SUBMISSIONS_PREFIX = "submissions/"
# acogida.export.bulk_upload.UPLOADS_PREFIX (not imported: that module needs pandas, which the
# intake image running privacy_api does not ship; a unit test holds the two equal).
UPLOADS_PREFIX = "uploads/"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# After normalisation: letters and digits only, the lengths of DNI (9), NIE (9) and passports.
_DOCUMENT = re.compile(r"[A-Z0-9]{5,20}")
MAX_REASON_CHARS = 2_000


class RightsRequestError(ValueError):
    """A request the DPO must correct; ``field`` names the argument or body field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.reason = message


def requested_document(raw: object) -> str:
    """The normalised document number of a request, or RightsRequestError."""
    if not isinstance(raw, str) or not raw.strip():
        raise RightsRequestError("document_number", "required (the person's DNI, NIE or passport number)")
    number = normalise_document_number(raw)
    if not _DOCUMENT.fullmatch(number) or not any(character.isdigit() for character in number):
        raise RightsRequestError(
            "document_number",
            "not a document number (5 to 20 letters and digits, as printed on the document)",
        )
    return number


def requested_reason(raw: object) -> str:
    """The erasure's reason text, required. It is never stored: the audit event and the receipt
    keep its length only (a free text may name the person)."""
    if not isinstance(raw, str) or not raw.strip():
        raise RightsRequestError("reason", "required: why the data is erased (art. 17 ground, case)")
    if len(raw) > MAX_REASON_CHARS:
        raise RightsRequestError("reason", f"at most {MAX_REASON_CHARS} characters")
    return raw.strip()


# --------------------------------------------------------------------------------------------------
# The stores
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectVersion:
    key: str
    version_id: str
    is_latest: bool
    is_delete_marker: bool = False


class VersionedBucket(Protocol):
    name: str

    def versions(self, prefix: str) -> list[ObjectVersion]:
        """Every version and delete marker under ``prefix``."""
        ...

    def read(self, version: ObjectVersion) -> bytes: ...

    def metadata(self, version: ObjectVersion) -> dict[str, str]:
        """The version's user metadata (the lake's ``key-version``)."""
        ...

    def write(self, key: str, body: bytes, content_type: str, metadata: Mapping[str, str]) -> str:
        """A new current version of ``key``; returns its version id."""
        ...

    def delete_versions(self, versions: Sequence[ObjectVersion]) -> None:
        """Permanently, by version id (delete markers too)."""
        ...


class IntakeTable(Protocol):
    def document_numbers(self) -> Iterator[tuple[str, list[str]]]:
        """Every intake id with the document numbers its record holds (extracted, corrected)."""
        ...

    def get(self, intake_id: str) -> Intake | None: ...

    def delete(self, intake_id: str) -> None: ...


class IdempotencyTable(Protocol):
    def records(self) -> Iterator[tuple[str, str | None]]:
        """(record id, saved answer as JSON text or None) of every record."""
        ...

    def delete(self, record_id: str) -> None: ...


@dataclass(frozen=True)
class PersonStores:
    intakes: IntakeTable
    idempotency: IdempotencyTable
    transcripts: VersionedBucket
    audio: VersionedBucket
    raw: VersionedBucket
    audit: AuditLog
    keyring: KeyRing | None  # None while the pseudonymisation secret has no value (no row has a key)
    transcription_job_prefix: str


@dataclass(frozen=True)
class Actor:
    """Who asks (recorded in the audit events): a Cognito sub or ``cli:<principal>``."""

    actor: str
    source: str
    groups: tuple[str, ...] = ()
    office: str | None = None
    request_id: str | None = None


# --------------------------------------------------------------------------------------------------
# Finding a person's data
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvMatch:
    """One version of a CSV object with some of the person's rows."""

    version: ObjectVersion
    matched_rows: list[dict[str, str]]


@dataclass
class PersonData:
    document_number: str
    intakes: list[Intake] = field(default_factory=list)
    idempotency_ids: list[str] = field(default_factory=list)
    transcript_versions: list[ObjectVersion] = field(default_factory=list)
    audio_versions: list[ObjectVersion] = field(default_factory=list)
    lake: list[CsvMatch] = field(default_factory=list)
    uploads: list[CsvMatch] = field(default_factory=list)

    @property
    def intake_ids(self) -> list[str]:
        return [intake.intake_id for intake in self.intakes]

    @property
    def empty(self) -> bool:
        return not (
            self.intakes
            or self.idempotency_ids
            or self.transcript_versions
            or self.audio_versions
            or self.lake
            or self.uploads
        )


def _same_document(raw: object, document: str) -> bool:
    return isinstance(raw, str) and normalise_document_number(raw) == document


def find_person(stores: PersonStores, document: str) -> PersonData:
    """Everything held about the person with (normalised) ``document``, in every store."""
    found = PersonData(document)
    ids = [
        intake_id
        for intake_id, numbers in stores.intakes.document_numbers()
        if any(_same_document(number, document) for number in numbers)
    ]
    found.intakes = [intake for intake in map(stores.intakes.get, sorted(ids)) if intake is not None]
    wanted = set(found.intake_ids)
    found.idempotency_ids = sorted(
        record_id for record_id, data in stores.idempotency.records() if _answer_intake(data) in wanted
    )
    for intake_id in sorted(wanted):
        found.transcript_versions += stores.transcripts.versions(f"{DRAFTS_PREFIX}{intake_id}/")
        found.transcript_versions += [
            version
            for version in stores.transcripts.versions(f"{REDACTED_PREFIX}{intake_id}.json")
            if version.key == f"{REDACTED_PREFIX}{intake_id}.json"
        ]
        found.audio_versions += stores.audio.versions(f"{AUDIO_PREFIX}{intake_id}/")
        found.audio_versions += stores.audio.versions(
            f"{TRANSCRIBE_OUTPUT_PREFIX}{stores.transcription_job_prefix}{intake_id}-"
        )
    found.lake = _csv_matches(stores.raw, SUBMISSIONS_PREFIX, _lake_row_matcher(stores, document, wanted))
    found.uploads = _csv_matches(stores.raw, UPLOADS_PREFIX, _upload_row_matcher(document))
    return found


RowMatcher = Callable[[Mapping[str, str]], bool]


def _lake_row_matcher(stores: PersonStores, document: str, intake_ids: Iterable[str]) -> RowMatcher:
    """A lake row is the person's when its person_key is theirs under any key version (a row
    written before a rotation and not re-keyed yet), or its intake is one of theirs."""
    person_keys = set(stores.keyring.person_keys(document).values()) if stores.keyring else set()
    ids = set(intake_ids)
    return lambda row: row.get("person_key", "") in person_keys or row.get("intake_id", "") in ids


def _upload_row_matcher(document: str) -> RowMatcher:
    return lambda row: _same_document(row.get("document_number"), document)


def _answer_intake(data: str | None) -> str | None:
    """The intake id of an idempotency record's saved answer (an intake view), if any."""
    if not data:
        return None
    try:
        answer = json.loads(data)
    except ValueError:
        return None
    intake_id = answer.get("intake_id") if isinstance(answer, dict) else None
    return intake_id if isinstance(intake_id, str) else None


def _csv_matches(bucket: VersionedBucket, prefix: str, matches: RowMatcher) -> list[CsvMatch]:
    found: list[CsvMatch] = []
    for version in bucket.versions(prefix):
        if version.is_delete_marker:
            continue
        rows = _csv_rows(bucket.read(version))
        matched = [row for row in rows if matches(row)]
        if matched:
            found.append(CsvMatch(version, matched))
    return found


# --------------------------------------------------------------------------------------------------
# CSV rows, byte for byte
# --------------------------------------------------------------------------------------------------


def _csv_records(content: bytes) -> tuple[str, list[tuple[str, dict[str, str]]]]:
    """The header's text and each record after it as (its own text, its row). The texts are the
    file's own lines, so a file rewritten without some records keeps every other byte as it was."""
    lines = content.decode("utf-8", errors="replace").splitlines(keepends=True)
    read = 0  # lines the reader has taken: it takes no more than the record it returns

    def feed() -> Iterator[str]:
        nonlocal read
        while read < len(lines):
            read += 1
            yield lines[read - 1]

    reader = csv.reader(feed())
    try:
        header = [name.strip().lower().lstrip("\ufeff") for name in next(reader)]
    except (StopIteration, csv.Error):
        return "".join(lines), []
    header_text = "".join(lines[:read])
    records: list[tuple[str, dict[str, str]]] = []
    while True:
        start = read
        try:
            record = next(reader)
        except StopIteration:
            return header_text, records
        except csv.Error:
            # A malformed tail cannot be matched; it is kept as it is, without a row.
            records.append(("".join(lines[start:]), {}))
            return header_text, records
        cells = [cell.strip() for cell in record] + [""] * (len(header) - len(record))
        records.append(("".join(lines[start:read]), dict(zip(header, cells, strict=False))))


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    return [row for _, row in _csv_records(content)[1] if row]


def without_rows(content: bytes, drop: Callable[[Mapping[str, str]], bool]) -> tuple[bytes, int, int]:
    """``content`` without the records ``drop`` matches: (new bytes, kept, dropped). The header and
    every kept record stay byte for byte."""
    header, records = _csv_records(content)
    kept = [text for text, row in records if not (row and drop(row))]
    dropped = len(records) - len(kept)
    return (header + "".join(kept)).encode("utf-8"), sum(1 for text in kept if text.strip()), dropped


# --------------------------------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------------------------------


def export_person(stores: PersonStores, document: str, actor: Actor, now: dt.datetime) -> dict[str, Any]:
    """Everything held about the person as one JSON document, and one ACCESS_REQUEST audit event
    (intake ids and counts; never the document number)."""
    found = find_person(stores, document)
    request_id = actor.request_id or uuid.uuid4().hex
    transcripts: dict[str, Any] = {}
    for intake in found.intakes:
        transcripts[intake.intake_id] = _transcript_of(stores.transcripts, found, intake.intake_id)
    audio: dict[str, list[str]] = {}
    for version in found.audio_versions:
        if not version.is_delete_marker:
            audio.setdefault(_intake_of_key(version.key, found.intake_ids), []).append(version.key)
    lake_rows = [
        {
            "key": match.version.key,
            "version_id": match.version.version_id,
            "current": match.version.is_latest,
            "row": row,
        }
        for match in found.lake
        for row in match.matched_rows
    ]
    upload_rows = [
        {"key": match.version.key, "version_id": match.version.version_id, "row": row}
        for match in found.uploads
        for row in match.matched_rows
    ]
    audit_history = {
        intake_id: [event.to_json() for event in stores.audit.history(intake_id)]
        for intake_id in found.intake_ids
    }
    stores.audit.append(
        _event(
            AuditAction.ACCESS_REQUEST,
            actor,
            request_id=request_id,
            now=now,
            details={
                "intake_ids": found.intake_ids,
                "intakes": len(found.intakes),
                "lake_rows": len(lake_rows),
                "upload_rows": len(upload_rows),
                "audio_objects": sum(len(keys) for keys in audio.values()),
            },
        )
    )
    return {
        "request_id": request_id,
        "generated_at": utc_timestamp(now),
        "document_number": document,
        "intakes": [intake_view(intake) for intake in found.intakes],
        "transcripts": transcripts,
        "audio_objects": audio,
        "lake_rows": lake_rows,
        "pending_upload_rows": upload_rows,
        "idempotency_records": len(found.idempotency_ids),
        "audit_history": audit_history,
    }


def _transcript_of(bucket: VersionedBucket, found: PersonData, intake_id: str) -> dict[str, Any]:
    """The redacted transcript of a submitted intake, or the latest snapshot of a draft's."""
    current = [v for v in found.transcript_versions if v.is_latest and not v.is_delete_marker]
    redacted = [v for v in current if v.key == f"{REDACTED_PREFIX}{intake_id}.json"]
    if redacted:
        document = json.loads(bucket.read(redacted[0]))
        return {"kind": "redacted", "key": redacted[0].key, "text": document.get("redacted", "")}
    drafts = sorted(
        (v for v in current if v.key.startswith(f"{DRAFTS_PREFIX}{intake_id}/")), key=lambda v: v.key
    )
    if drafts:
        document = json.loads(bucket.read(drafts[-1]))
        return {"kind": "draft", "key": drafts[-1].key, "segments": document.get("segments", [])}
    return {"kind": "none"}


def _intake_of_key(key: str, intake_ids: Iterable[str]) -> str:
    return next((intake_id for intake_id in intake_ids if intake_id in key), "")


# --------------------------------------------------------------------------------------------------
# Erasure
# --------------------------------------------------------------------------------------------------


def erase_person(
    stores: PersonStores, document: str, reason: str, actor: Actor, now: dt.datetime
) -> dict[str, Any]:
    """Erase everything held about the person; the receipt (ids, keys and counts, never the
    person's data). Running it again finds nothing and says so."""
    reason = requested_reason(reason)
    found = find_person(stores, document)
    request_id = actor.request_id or uuid.uuid4().hex
    receipt: dict[str, Any] = {
        "request_id": request_id,
        "at": utc_timestamp(now),
        "reason_chars": len(reason),
        "found": not found.empty,
    }
    if found.empty:
        receipt["message"] = "nothing is held for this document number: nothing was erased"
        stores.audit.append(
            _event(
                AuditAction.ERASURE,
                actor,
                request_id=request_id,
                now=now,
                details={"found": False, "reason_chars": len(reason)},
            )
        )
        return receipt
    # The lake and the objects first, the records that find them last: an interrupted run is
    # completed by running it again.
    receipt["lake"] = _erase_csv_rows(
        stores.raw, found.lake, _lake_row_matcher(stores, document, found.intake_ids)
    )
    receipt["uploads"] = _erase_csv_rows(stores.raw, found.uploads, _upload_row_matcher(document))
    receipt["audio"] = _erase_versions(stores.audio, found.audio_versions)
    receipt["transcripts"] = _erase_versions(stores.transcripts, found.transcript_versions)
    for record_id in found.idempotency_ids:
        stores.idempotency.delete(record_id)
    receipt["idempotency_records"] = {"deleted": found.idempotency_ids}
    for intake in found.intakes:
        stores.intakes.delete(intake.intake_id)
        stores.audit.append(
            _event(
                AuditAction.ERASURE,
                actor,
                request_id=request_id,
                now=now,
                details={"scope": "intake", "status": intake.status.value, "reason_chars": len(reason)},
                intake=intake,
            )
        )
    receipt["intakes"] = {"deleted": found.intake_ids}
    stores.audit.append(
        _event(
            AuditAction.ERASURE,
            actor,
            request_id=request_id,
            now=now,
            details={
                "found": True,
                "reason_chars": len(reason),
                "intake_ids": found.intake_ids,
                "intakes": len(found.intakes),
                "idempotency_records": len(found.idempotency_ids),
                "transcript_versions": receipt["transcripts"]["versions_deleted"],
                "audio_versions": receipt["audio"]["versions_deleted"],
                "lake_rows": receipt["lake"]["rows_removed"],
                "lake_objects_rewritten": len(receipt["lake"]["objects_rewritten"]),
                "lake_objects_deleted": len(receipt["lake"]["objects_deleted"]),
                "upload_rows": receipt["uploads"]["rows_removed"],
            },
        )
    )
    return receipt


def _erase_versions(bucket: VersionedBucket, versions: list[ObjectVersion]) -> dict[str, Any]:
    bucket.delete_versions(versions)
    return {
        "bucket": bucket.name,
        "keys": sorted({version.key for version in versions}),
        "versions_deleted": len(versions),
    }


def _erase_csv_rows(
    bucket: VersionedBucket, matches: list[CsvMatch], drop: Callable[[Mapping[str, str]], bool]
) -> dict[str, Any]:
    """Per key: rewrite the current version without the rows (when others' rows remain), then
    delete every version that held the rows; a key left with no rows goes with all its versions."""
    rewritten: list[str] = []
    deleted: list[str] = []
    versions_deleted = 0
    rows_removed = 0
    for key in sorted({match.version.key for match in matches}):
        holding = [match.version for match in matches if match.version.key == key]
        every = [version for version in bucket.versions(key) if version.key == key]
        current = next((v for v in every if v.is_latest and not v.is_delete_marker), None)
        if current is not None and current in holding:
            remaining, kept, dropped = without_rows(bucket.read(current), drop)
            rows_removed += dropped
        else:
            remaining, kept = b"", 0
        if current is not None and kept:
            # Others' rows stay, under the same key (the same partition and file for Glue/Athena).
            # The same metadata: the key version the remaining rows were written under.
            bucket.write(key, remaining, CSV_CONTENT_TYPE, bucket.metadata(current))
            rewritten.append(key)
            gone = holding
        elif current is not None and current not in holding:
            gone = holding  # the current version is clean: only older versions held rows
        else:
            gone = every  # nothing current of anyone else under this key: every version goes
            deleted.append(key)
        bucket.delete_versions(gone)
        versions_deleted += len(gone)
    return {
        "bucket": bucket.name,
        "objects_rewritten": rewritten,
        "objects_deleted": deleted,
        "rows_removed": rows_removed,
        "versions_deleted": versions_deleted,
    }


def _event(
    action: AuditAction,
    actor: Actor,
    *,
    request_id: str,
    now: dt.datetime,
    details: Mapping[str, Any],
    intake: Intake | None = None,
) -> AuditEvent:
    return new_event(
        action,
        actor=actor.actor,
        source=actor.source,
        actor_groups=actor.groups,
        actor_office=actor.office,
        intake_id=intake.intake_id if intake else None,
        office=intake.office if intake else None,
        request_id=request_id,
        details=dict(details),
        clock=lambda: now,
    )

"""One submitted intake as one pseudonymised CSV row for the data lake.

What the analytics copy keeps and what it drops:

- ``person_key``: HMAC-SHA256 of the normalised document number under the pseudonymisation key
  ring (Secrets Manager; ``acogida.privacy.keyring``), so one person's intakes can be counted
  together without the document itself; no document, no key. Each object records the ring version
  its rows were keyed with (``KEY_VERSION_METADATA``), for re-keying after a rotation.
- ``age_band`` instead of the birth date; the municipality and its province, never the street.
- No names, phone, birth date, document number or transcript.

The row depends only on the record, so a replayed or reordered stream record writes the same
object with the same bytes. Text cells are neutralised against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from acogida.intake.identifiers import normalise_document_number
from acogida.intake.record import parse_iso_utc
from acogida.privacy.keyring import KeyRing

SUBMISSION_COLUMNS = (
    "intake_id",
    "submitted_at",
    "office",
    "municipality",
    "province",
    "nationality",
    "age_band",
    "household_size",
    "needs",
    "document_type",
    "person_key",
    "duration_s",
)
AGE_BANDS = ((0, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64))
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
SUBMISSIONS_PREFIX = "submissions/"
# S3 user metadata of every raw submissions/ object: the key ring version of its person_key
# column. An object without it was written before rings existed: version 1.
KEY_VERSION_METADATA = "key-version"


class ExportError(ValueError):
    pass


def person_key(document_number: str | None, secret: bytes) -> str:
    """The keyed hash of the normalised document number under one bare secret ("" when there is
    no document): what ``KeyRing`` gives at version 1, the platform's hash before rings."""
    if not document_number:
        return ""
    if len(secret) < 32:
        raise ExportError("the pseudonymisation secret must be at least 32 bytes")
    return hmac.new(
        secret, normalise_document_number(document_number).encode("utf-8"), hashlib.sha256
    ).hexdigest()


def age_band(birth_date: str | None, on: dt.date) -> str:
    """ "18-24" … "65+" on the day of the intake ("" when the birth date is unknown or impossible)."""
    if not birth_date:
        return ""
    try:
        born = dt.date.fromisoformat(birth_date)
    except ValueError:
        return ""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age < 0:
        return ""
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return "65+"


@cache
def _provinces() -> dict[str, str]:
    table: dict[str, str] = {}
    path = resources.files("acogida.intake").joinpath("data/municipalities.csv")
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["name"], row["province"])
    return table


def province_of(municipality: str | None) -> str:
    return _provinces().get(municipality or "", "")


def safe_cell(value: object) -> str:
    """Text a spreadsheet shows as text: a leading =, +, -, @, tab or newline gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def submission_row(
    *,
    intake_id: str,
    submitted_at: str,
    office: str,
    duration_s: int | None,
    values: Mapping[str, Any],
    ring: KeyRing,
) -> dict[str, str]:
    """The analytics row of one submitted intake; ``values`` are its effective form fields."""
    submitted = parse_iso_utc(submitted_at).astimezone(dt.UTC)
    needs = values.get("needs") or []
    household = values.get("household_size")
    row = {
        "intake_id": intake_id,
        "submitted_at": submitted.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "office": office,
        "municipality": values.get("municipality") or "",
        "province": province_of(values.get("municipality")),
        "nationality": values.get("nationality") or "",
        "age_band": age_band(values.get("birth_date"), submitted.date()),
        "household_size": "" if household is None else str(int(household)),
        "needs": "|".join(needs),
        "document_type": values.get("document_type") or "",
        "person_key": ring.person_key(values.get("document_number")),
        "duration_s": "" if duration_s is None else str(int(duration_s)),
    }
    return {column: safe_cell(row[column]) for column in SUBMISSION_COLUMNS}


def to_csv(rows: Iterable[Mapping[str, str]]) -> bytes:
    """Header and rows, UTF-8, ``\\n`` line ends, every cell quoted only when needed: deterministic."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUBMISSION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def key_version_metadata(version: int) -> dict[str, str]:
    """The S3 metadata of an object whose rows were keyed under ring version ``version``."""
    return {KEY_VERSION_METADATA: str(version)}


def key_version_of(metadata: Mapping[str, str]) -> int:
    """The ring version an object's rows were keyed with (1 when it predates the metadata)."""
    value = metadata.get(KEY_VERSION_METADATA, "1")
    if not value.isdigit() or int(value) < 1:
        raise ExportError(f"{KEY_VERSION_METADATA} metadata {value!r} is not a key version")
    return int(value)


def rekeyed_csv(body: bytes, ring: KeyRing, from_version: int) -> tuple[bytes, int]:
    """A submissions CSV keyed under ``from_version`` with every ``person_key`` brought to the ring's
    current version, without the document numbers; and its number of rows. The other cells and
    the row order stay as they were."""
    reader = csv.DictReader(io.StringIO(body.decode("utf-8"), newline=""))
    if tuple(reader.fieldnames or ()) != SUBMISSION_COLUMNS:
        raise ExportError("not a submissions CSV: the header differs from SUBMISSION_COLUMNS")
    rows = [{**row, "person_key": ring.rekeyed(row["person_key"], from_version)} for row in reader]
    return to_csv(rows), len(rows)


def object_key(intake_id: str, submitted_at: str) -> str:
    """raw/ key of a submission, partitioned by the UTC day it was submitted."""
    day = parse_iso_utc(submitted_at).astimezone(dt.UTC).date()
    return f"{SUBMISSIONS_PREFIX}dt={day.isoformat()}/{intake_id}.csv"

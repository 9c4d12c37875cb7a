"""Historical intakes a coordinator uploads as CSV: validated row by row, pseudonymised like the
export, with a report of every rejected row.

The upload file holds direct identifiers (document number, birth date), so nothing of it reaches
the lake as is: accepted rows become submission rows (``submission_row``, the export's own
function) and the upload itself is deleted once processed (the handler's job).

Rules, in the order a row is checked:

- the header: ``intake_id, submitted_at, office`` are required; the other known columns are
  optional; columns with names, phones, addresses or transcripts refuse the whole file, as does
  any unknown column (a typo would otherwise drop data silently);
- ``intake_id``: 1-64 letters, digits, ``.``, ``_`` or ``-``; unique in the file;
- ``submitted_at``: ISO 8601; without an offset it is the offices' local time; not in the future,
  not before 2000;
- ``office``: 2-64 letters, digits, ``-`` or ``_``;
- the form fields: the same rules as a technician's correction in the intake API
  (``acogida.intake.record.normalise_field``), plus a DNI/NIE whose check letter does not match;
- ``household_size``: a whole number 1-30; ``duration_s``: a whole number 0-14,400;
  ``needs``: pipe-separated (``legal|housing``).

Limits are explicit (``MAX_UPLOAD_BYTES``, ``MAX_UPLOAD_ROWS``); a file over them is refused
whole, with the reason in the report, never truncated.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import unicodedata
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from acogida.export.submission import submission_row, to_csv
from acogida.intake.identifiers import document_is_valid
from acogida.intake.record import InvalidCorrectionError, normalise_field
from acogida.privacy.keyring import KeyRing

UPLOADS_PREFIX = "uploads/"
REJECTED_PREFIX = "rejected/"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UPLOAD_ROWS = 200_000
REQUIRED_COLUMNS = ("intake_id", "submitted_at", "office")
FORM_COLUMNS = (
    "document_type",
    "document_number",
    "birth_date",
    "nationality",
    "municipality",
    "household_size",
    "needs",
)
UPLOAD_COLUMNS = (*REQUIRED_COLUMNS, *FORM_COLUMNS, "duration_s")
# Columns refused by name: the lake never holds them, so a file carrying them is a mistake.
IDENTIFYING_COLUMNS = frozenset(
    {"given_name", "surnames", "name", "names", "phone", "address", "street", "email", "transcript"}
)
REPORT_COLUMNS = ("line", "column", "reason")
EARLIEST_SUBMISSION = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
MAX_DURATION_S = 4 * 3600
_INTAKE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_OFFICE = r"^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$"
_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"


@dataclass(frozen=True)
class RowError:
    line: int  # the physical line in the file; the header is line 1 (0: the file as a whole)
    column: str
    reason: str


@dataclass
class UploadResult:
    upload_id: str  # a digest of the file's bytes: the same upload always writes the same objects
    rows: int = 0
    accepted: list[dict[str, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    key_version: int = 1  # the key ring version of the accepted rows' person_key

    @property
    def rejected_lines(self) -> int:
        return len({error.line for error in self.errors if error.line > 0})

    @property
    def refused(self) -> bool:
        """The file as a whole was refused (header, encoding, limits)."""
        return any(error.line == 0 for error in self.errors)


class _RefusedError(Exception):
    """The file as a whole is refused; the message says why."""


def upload_id_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


def _header_errors(header: list[str]) -> list[RowError]:
    errors: list[RowError] = []
    refused = [name for name in header if name in IDENTIFYING_COLUMNS]
    unknown = [name for name in header if name not in UPLOAD_COLUMNS and name not in IDENTIFYING_COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    for name in refused:
        errors.append(
            RowError(
                1,
                name,
                "identifying column: the lake holds no names, phones, addresses or transcripts; remove it",
            )
        )
    for name in unknown:
        errors.append(RowError(1, name, f"unknown column; the columns are {', '.join(UPLOAD_COLUMNS)}"))
    for name in missing:
        errors.append(RowError(1, name, "required column is missing"))
    for name in duplicated:
        errors.append(RowError(1, name, "column appears more than once"))
    return errors


def _read_rows(content: bytes, result: UploadResult) -> pd.DataFrame:
    """The rows as strings, with their line numbers; _RefusedError refuses the whole file."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise _RefusedError(f"the file is {len(content):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _RefusedError(f"not UTF-8 (byte {error.start}); save the CSV as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise _RefusedError("the file is empty; the first line must be the header")
    header = [name.strip().lower() for name in header]
    result.errors.extend(_header_errors(header))
    if result.errors:
        raise _RefusedError("header not accepted; no row was read")
    lines: list[int] = []
    records: list[list[str]] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # blank lines, often at the end of exported sheets
            if len(records) >= MAX_UPLOAD_ROWS:
                raise _RefusedError(f"more than {MAX_UPLOAD_ROWS:,} rows; split the file")
            if len(record) != len(header):
                result.errors.append(
                    RowError(reader.line_num, "", f"{len(record)} cells; the header has {len(header)}")
                )
                continue
            lines.append(reader.line_num)
            records.append([cell.strip() for cell in record])
    except csv.Error as error:
        raise _RefusedError(f"line {reader.line_num}: malformed CSV ({error})") from None
    frame = pd.DataFrame(records, columns=header, dtype="string").fillna("")
    for name in UPLOAD_COLUMNS:
        if name not in frame:
            frame[name] = ""
    frame.insert(0, "line", lines)
    return frame


def _submitted_at(values: pd.Series, timezone: str) -> pd.Series:
    """UTC timestamps; values without an offset are local time in ``timezone``; NaT when unreadable."""
    with_offset = values.str.contains(_OFFSET, regex=True)
    aware = pd.to_datetime(values.where(with_offset), format="ISO8601", utc=True, errors="coerce")
    naive = pd.to_datetime(values.where(~with_offset), format="ISO8601", errors="coerce")
    localised = naive.dt.tz_localize(zoneinfo.ZoneInfo(timezone), ambiguous="NaT", nonexistent="NaT")
    return aware.fillna(localised.dt.tz_convert("UTC"))


def _whole_numbers(values: pd.Series, low: int, high: int) -> tuple[pd.Series, pd.Series]:
    """The numbers, and a mask of the non-empty cells that are not whole numbers in [low, high]."""
    numbers = pd.to_numeric(values.where(values.str.fullmatch(r"[0-9]{1,6}")), errors="coerce")
    in_range = numbers.between(low, high).fillna(False).astype(bool)
    bad = (values != "") & ~in_range
    return numbers, bad


def _form_fields(
    frame: pd.DataFrame, today: dt.date, flag: Callable[[pd.Series, str, str], None]
) -> dict[str, list[Any]]:
    """The form fields under the intake API's own rules, applied once per distinct value; a list
    per column (None for an empty or rejected cell), so that no dtype turns None into NaN."""
    normalised: dict[str, list[Any]] = {}
    for column in ("document_type", "document_number", "birth_date", "nationality", "municipality", "needs"):
        outcomes: dict[str, tuple[Any, str | None]] = {}
        for value in frame[column].unique():
            if value == "":
                outcomes[value] = (None, None)
                continue
            cell: Any = (
                [need.strip() for need in value.split("|") if need.strip()] if column == "needs" else value
            )
            try:
                outcomes[value] = (normalise_field(column, cell, today), None)
            except InvalidCorrectionError as error:
                outcomes[value] = (None, str(error).split(": ", 1)[1])
        reasons = frame[column].map(lambda value, outcomes=outcomes: outcomes[value][1])
        for reason in reasons.dropna().unique():
            flag(reasons == reason, column, str(reason))
        normalised[column] = [outcomes[value][0] for value in frame[column]]
    return normalised


def validate_upload(
    content: bytes, *, ring: KeyRing, now: dt.datetime, timezone: str = "Europe/Madrid"
) -> UploadResult:
    """Accepted rows (already pseudonymised submission rows) and every error, by line and column."""
    result = UploadResult(upload_id=upload_id_of(content), key_version=ring.version)
    try:
        frame = _read_rows(content, result)
    except _RefusedError as refusal:
        result.errors.append(RowError(0, "", str(refusal)))
        return result
    result.rows = len(frame)
    errors: list[RowError] = []

    def flag(mask: pd.Series, column: str, reason: str) -> None:
        # Nullable masks (pd.NA where a cell was unreadable) count as flagged only when True.
        definite = mask.fillna(False).astype(bool)
        errors.extend(RowError(int(line), column, reason) for line in frame.loc[definite, "line"])

    flag(~frame["intake_id"].str.fullmatch(_INTAKE_ID), "intake_id", "1-64 letters, digits, '.', '_' or '-'")
    first_line = frame.groupby("intake_id")["line"].transform("min")
    duplicate = frame["intake_id"].duplicated(keep="first") & (frame["intake_id"] != "")
    errors.extend(
        RowError(int(line), "intake_id", f"duplicate of line {int(first)}")
        for line, first in zip(frame.loc[duplicate, "line"], first_line[duplicate], strict=True)
    )
    flag(~frame["office"].str.fullmatch(_OFFICE), "office", "2-64 letters, digits, '-' or '_'")

    submitted = _submitted_at(frame["submitted_at"], timezone)
    flag(submitted.isna(), "submitted_at", "an ISO 8601 date-time such as 2025-03-02T09:30:00Z")
    flag(submitted > pd.Timestamp(now), "submitted_at", "is in the future")
    flag(submitted < pd.Timestamp(EARLIEST_SUBMISSION), "submitted_at", "is before 2000")

    household, bad_household = _whole_numbers(frame["household_size"], 1, 30)
    flag(bad_household, "household_size", "a whole number between 1 and 30")
    duration, bad_duration = _whole_numbers(frame["duration_s"], 0, MAX_DURATION_S)
    flag(bad_duration, "duration_s", f"a whole number of seconds between 0 and {MAX_DURATION_S}")

    normalised = _form_fields(frame, now.date(), flag)
    has_number = pd.Series(
        [number is not None for number in normalised["document_number"]], index=frame.index
    )
    flag(
        has_number & pd.Series([kind is None for kind in normalised["document_type"]], index=frame.index),
        "document_type",
        "required when document_number is given",
    )
    check_letter_wrong = [
        isinstance(number, str)
        and isinstance(document_type, str)
        and document_type in ("DNI", "NIE")
        and not document_is_valid(document_type, number)
        for document_type, number in zip(
            normalised["document_type"], normalised["document_number"], strict=True
        )
    ]
    flag(
        has_number & pd.Series(check_letter_wrong, index=frame.index),
        "document_number",
        "the check letter does not match the number",
    )
    born = pd.to_datetime(pd.Series(normalised["birth_date"], index=frame.index), errors="coerce", utc=True)
    flag(born.notna() & submitted.notna() & (born > submitted), "birth_date", "is after submitted_at")

    result.errors = sorted(result.errors + errors, key=lambda error: (error.line, error.column))
    rejected = {error.line for error in result.errors}
    lines = frame["line"].tolist()
    for position, line in enumerate(lines):
        if line in rejected:
            continue
        values = {column: cells[position] for column, cells in normalised.items()}
        size = household.iloc[position]
        seconds = duration.iloc[position]
        values["household_size"] = None if pd.isna(size) else int(size)
        result.accepted.append(
            submission_row(
                intake_id=str(frame["intake_id"].iloc[position]),
                submitted_at=submitted.iloc[position].strftime("%Y-%m-%dT%H:%M:%SZ"),
                office=str(frame["office"].iloc[position]),
                duration_s=None if pd.isna(seconds) else int(seconds),
                values=values,
                ring=ring,
            )
        )
    return result


def accepted_objects(result: UploadResult) -> dict[str, bytes]:
    """raw/ objects of the accepted rows: one CSV per UTC day, named after the upload, so that
    processing the same file twice writes the same keys with the same bytes."""
    by_day: dict[str, list[Mapping[str, str]]] = {}
    for row in sorted(result.accepted, key=lambda row: (row["submitted_at"], row["intake_id"])):
        by_day.setdefault(row["submitted_at"][:10], []).append(row)
    return {
        f"submissions/dt={day}/upload-{result.upload_id}.csv": to_csv(rows) for day, rows in by_day.items()
    }


MAX_REPORT_STEM_CHARS = 100


def report_key(upload_key: str, upload_id: str) -> str:
    """``rejected/<file name>-<upload id>.report.csv``: only the file's own name (no folder, no
    ``..``), in NFC, with anything but letters, digits, spaces, ``.``, ``_`` and ``-`` (control,
    format and bidirectional characters, NUL) replaced by ``_``, and cut to a length S3 takes."""
    name = upload_key.removeprefix(UPLOADS_PREFIX).rsplit("/", 1)[-1]
    stem = name[:-4] if name.lower().endswith(".csv") else name
    cleaned = "".join(
        character if character.isalnum() or character in " ._-" else "_"
        for character in unicodedata.normalize("NFC", stem)
    ).strip(" .")
    return f"{REJECTED_PREFIX}{cleaned[:MAX_REPORT_STEM_CHARS] or 'upload'}-{upload_id}.report.csv"


def report_csv(result: UploadResult) -> bytes:
    """line, column, reason for every error; never the rejected value (it may be a document)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for error in result.errors:
        writer.writerow((error.line, error.column, error.reason))
    return buffer.getvalue().encode("utf-8")

"""Reading daily demand series: ``timestamp, workforce_type, workforce_demand[, location]``.

Each (workforce_type, location) is one series. Days missing inside a series are days without
demand (0), as the ETL writes them. Errors name the line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REQUIRED = ("timestamp", "workforce_type", "workforce_demand")
SERIES_SEPARATOR = "\x1f"  # joins workforce_type and location into one id


class SeriesInputError(ValueError):
    pass


@dataclass(frozen=True)
class SeriesFrame:
    """Long frame ``unique_id, ds, y`` (statsforecast's shape) and what each id stands for."""

    frame: pd.DataFrame
    keys: dict[str, tuple[str, str | None]]  # unique_id -> (workforce_type, location)
    has_location: bool


def series_id(workforce_type: str, location: str | None) -> str:
    return workforce_type if location is None else f"{workforce_type}{SERIES_SEPARATOR}{location}"


def read_series(path: Path) -> SeriesFrame:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SeriesInputError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise SeriesInputError(f"{path}: not UTF-8 (byte {error.start})") from None
    return parse_series(text, str(path))


def parse_series(text: str, source: str = "input") -> SeriesFrame:
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise SeriesInputError(f"{source}: line 1: missing column(s) {', '.join(missing)}; found {header}")
    has_location = "location" in header
    index = {name: header.index(name) for name in (*REQUIRED, *(("location",) if has_location else ()))}
    rows: list[tuple[str, dt.date, float]] = []
    keys: dict[str, tuple[str, str | None]] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            raise SeriesInputError(
                f"{source}: line {line}: {len(record)} cells, the header has {len(header)}"
            )
        workforce_type = record[index["workforce_type"]].strip()
        if not workforce_type:
            raise SeriesInputError(f"{source}: line {line}: column workforce_type is empty")
        location = record[index["location"]].strip() if has_location else None
        stamp, demand = record[index["timestamp"]].strip(), record[index["workforce_demand"]].strip()
        try:
            day = dt.date.fromisoformat(stamp[:10])
        except ValueError:
            raise SeriesInputError(
                f"{source}: line {line}: column timestamp: {stamp!r} is not a date YYYY-MM-DD"
            ) from None
        try:
            value = float(demand)
        except ValueError:
            raise SeriesInputError(
                f"{source}: line {line}: column workforce_demand: {demand!r} is not a number"
            ) from None
        if not math.isfinite(value):
            raise SeriesInputError(f"{source}: line {line}: column workforce_demand: not a finite number")
        key = series_id(workforce_type, location)
        keys[key] = (workforce_type, location)
        rows.append((key, day, value))
    if not rows:
        raise SeriesInputError(f"{source}: no data rows")
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    frame["ds"] = pd.to_datetime(frame["ds"])
    duplicated = frame.duplicated(["unique_id", "ds"])
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        workforce_type, location = keys[str(first["unique_id"])]
        where = workforce_type if location is None else f"{workforce_type} at {location}"
        raise SeriesInputError(f"{source}: {where} has two rows for {first['ds'].date()}")
    return SeriesFrame(fill_missing_days(frame), keys, has_location)


def fill_missing_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Every day from each series' first to its last; a missing day is 0 demand."""
    parts = []
    for unique_id, part in frame.groupby("unique_id", sort=True):
        days = pd.date_range(part["ds"].min(), part["ds"].max(), freq="D")
        values = part.set_index("ds")["y"].reindex(days, fill_value=0.0)
        parts.append(pd.DataFrame({"unique_id": unique_id, "ds": days, "y": values.to_numpy()}))
    return pd.concat(parts, ignore_index=True)

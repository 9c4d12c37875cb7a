"""The workforce-demand transformation in plain pandas, on one machine.

Same input, rules and output as ``spark_demand`` (the tests hold them equal). It is the yardstick
``make bench-etl`` measures Spark against, and what small jobs (a demo, a test) can use without a
JVM.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd

from acogida.etl.workforce import (
    DEMAND_COLUMNS,
    DEMAND_DECIMALS,
    EVERY_INTAKE,
    MALFORMED_COLUMN,
    WORKLOAD_COLUMNS,
    WorkforceConfig,
)
from acogida.export.submission import SUBMISSION_COLUMNS


def _malformed_lines(file: Path, width: int) -> list[tuple[int, str]]:
    """(line, first cell) of every row whose cell count differs from the header's."""
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        return [
            (reader.line_num, record[0] if record else "")
            for record in reader
            if record and len(record) > width
        ]


def read_submissions(path: Path) -> pd.DataFrame:
    """Every ``*.csv`` under ``path`` (recursively), as strings; a file with other columns fails.

    A row with more cells than the header is kept as a row marked in ``_malformed`` (its line)
    and left out of the workload, as Spark's reader does.
    """
    files = sorted(path.rglob("*.csv")) if path.is_dir() else [path]
    frames = []
    for file in files:
        try:
            frame = pd.read_csv(file, dtype=str, keep_default_na=False)
            malformed: list[tuple[int, str]] = []
        except pd.errors.ParserError:
            malformed = _malformed_lines(file, len(SUBMISSION_COLUMNS))
            frame = pd.read_csv(file, dtype=str, keep_default_na=False, on_bad_lines="skip")
        if tuple(frame.columns) != SUBMISSION_COLUMNS:
            raise ValueError(f"{file}: columns {list(frame.columns)} are not {list(SUBMISSION_COLUMNS)}")
        frame[MALFORMED_COLUMN] = ""
        marked = pd.DataFrame(
            [{"intake_id": first, MALFORMED_COLUMN: f"{file.name}:{line}"} for line, first in malformed],
            columns=frame.columns,
        )
        frames.append(pd.concat([frame, marked], ignore_index=True).fillna(""))
    if not frames:
        return pd.DataFrame(columns=[*SUBMISSION_COLUMNS, MALFORMED_COLUMN], dtype=str)
    return pd.concat(frames, ignore_index=True)


def _malformed(submissions: pd.DataFrame) -> pd.Series:
    """Rows read_submissions marked; a frame built elsewhere (no such column) has none."""
    if MALFORMED_COLUMN in submissions:
        return submissions[MALFORMED_COLUMN] != ""
    return pd.Series(False, index=submissions.index)


def _submitted_at(submissions: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(submissions["submitted_at"], format="%Y-%m-%dT%H:%M:%SZ", utc=True, errors="coerce")


def invalid_submissions(submissions: pd.DataFrame) -> pd.DataFrame:
    """Rows the transformation cannot place, with a ``reason`` (the same rules as Spark's)."""
    reason = pd.Series(pd.NA, index=submissions.index, dtype="string")
    reason = reason.mask(_submitted_at(submissions).isna(), "submitted_at is not yyyy-mm-ddThh:mm:ssZ")
    reason = reason.mask(submissions["office"].str.strip() == "", "office is empty")
    reason = reason.mask(submissions["intake_id"].str.strip() == "", "intake_id is empty")
    reason = reason.mask(_malformed(submissions), "malformed CSV row: its cells do not match the header")
    return submissions.assign(reason=reason)[reason.notna()]


def intake_workload(submissions: pd.DataFrame, config: WorkforceConfig) -> pd.DataFrame:
    submitted = _submitted_at(submissions)
    valid = submissions.assign(_submitted=submitted, location=submissions["office"].str.strip())[
        ~_malformed(submissions)
        & (submissions["intake_id"].str.strip() != "")
        & (submissions["office"].str.strip() != "")
        & submitted.notna()
    ]
    # One row per intake id: the latest submission, ties broken by the greatest (office, needs).
    unique = valid.sort_values(
        ["intake_id", "submitted_at", "office", "needs"], ascending=False
    ).drop_duplicates("intake_id", keep="first")
    days = unique["_submitted"].dt.tz_convert(config.timezone).dt.date
    needs = (EVERY_INTAKE + "|" + unique["needs"]).str.split("|")
    intakes = pd.DataFrame(
        {"intake_id": unique["intake_id"], "day": days, "location": unique["location"], "need": needs}
    ).explode("need")
    intakes = intakes[intakes["need"] != ""].drop_duplicates(["intake_id", "need"])
    rules = pd.DataFrame(
        [(rule.need, rule.workforce_type, rule.minutes) for rule in config.rules],
        columns=["need", "workforce_type", "minutes"],
    )
    joined = intakes.merge(rules, on="need")
    keys = ["intake_id", "day", "location", "workforce_type"]
    workload = joined.groupby(keys)["minutes"].sum().reset_index()
    return workload[list(WORKLOAD_COLUMNS)]


def daily_demand(
    workload: pd.DataFrame, config: WorkforceConfig, *, end: dt.date | None = None
) -> pd.DataFrame:
    if workload.empty:
        return pd.DataFrame(columns=list(DEMAND_COLUMNS))
    per_day = workload.groupby(["day", "location", "workforce_type"])["minutes"].sum() / 60.0
    last_day = max(workload["day"].max(), end) if end else workload["day"].max()
    grid = [
        (day.date(), location, workforce_type)
        for location, first_day in workload.groupby("location")["day"].min().items()
        for day in pd.date_range(first_day, last_day, freq="D")
        for workforce_type in config.workforce_types
    ]
    index = pd.MultiIndex.from_tuples(grid, names=["day", "location", "workforce_type"])
    demand = (
        per_day.reindex(index, fill_value=0.0).round(DEMAND_DECIMALS).rename("workforce_demand").reset_index()
    )
    demand["timestamp"] = pd.to_datetime(demand["day"]).dt.strftime("%Y-%m-%d")
    return (
        demand[list(DEMAND_COLUMNS)]
        .sort_values(["location", "workforce_type", "timestamp"])
        .reset_index(drop=True)
    )

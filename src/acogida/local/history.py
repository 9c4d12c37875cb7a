"""Synthetic intake history with the shape of the real thing, for the demo, tests and benchmarks.

Per office and day, the number of intakes is Poisson around a rate that carries what a forecast
has to find:

- weekly: busiest on Monday, a little on Saturday, closed on Sunday;
- yearly: a winter peak, an August trough;
- national holidays closed (``acogida.holidays``);
- a slow upward trend (about 10% a year).

Each intake gets the needs, nationality, document, age and household a Red Cross reception
office sees in the public figures (weights below), and about a third of the people come back.
Document numbers are generated with valid check letters, so the pseudonymisation path runs as on
real uploads. No real person is in here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zoneinfo

import numpy as np
import pandas as pd

from acogida.export.bulk_upload import UPLOAD_COLUMNS
from acogida.export.submission import SUBMISSION_COLUMNS, province_of
from acogida.holidays import is_national_holiday
from acogida.intake.identifiers import dni_letter

# office -> (mean intakes on an ordinary Wednesday, municipalities its people live in)
OFFICES: dict[str, tuple[float, tuple[str, ...]]] = {
    "madrid-centro": (16.0, ("Madrid", "Alcalá de Henares")),
    "getafe": (7.0, ("Getafe", "Leganés", "Fuenlabrada", "Parla")),
    "barcelona": (11.0, ("Barcelona", "Badalona", "L'Hospitalet de Llobregat")),
    "sevilla": (8.0, ("Sevilla", "Dos Hermanas")),
}
WEEKDAY_FACTOR = (1.3, 1.1, 1.0, 1.0, 0.85, 0.25, 0.0)  # Monday .. Sunday
NEED_PROBABILITY = {
    "food": 0.45,
    "housing": 0.32,
    "employment": 0.25,
    "health": 0.15,
    "legal": 0.22,
    "financial": 0.2,
    "psychological": 0.1,
    "education": 0.12,
}
NATIONALITIES = {
    "MA": 0.2,
    "CO": 0.14,
    "VE": 0.12,
    "UA": 0.1,
    "PE": 0.08,
    "HN": 0.07,
    "SN": 0.06,
    "ES": 0.08,
    "RO": 0.05,
    "NG": 0.04,
    "GE": 0.03,
    "ML": 0.03,
}
DOCUMENT_TYPES = {"NIE": 0.55, "PASSPORT": 0.25, "DNI": 0.1, "": 0.1}
RETURNING_SHARE = 0.35
TIMEZONE = zoneinfo.ZoneInfo("Europe/Madrid")


def daily_rate(base: float, day: dt.date, start: dt.date) -> float:
    """Expected intakes of an office on ``day``; 0 on Sundays and national holidays."""
    if is_national_holiday(day):
        return 0.0
    day_of_year = day.timetuple().tm_yday
    yearly = 1.0 + 0.2 * math.cos(2 * math.pi * (day_of_year - 20) / 365.25)
    august = 0.7 if day.month == 8 else 1.0
    trend = 1.0 + 0.1 * (day - start).days / 365.25
    return base * WEEKDAY_FACTOR[day.weekday()] * yearly * august * trend


def _choice(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    names = list(weights)
    probabilities = np.array([weights[name] for name in names])
    return rng.choice(names, size=size, p=probabilities / probabilities.sum())


def _document_number(rng: np.random.Generator, document_type: str) -> str:
    digits = int(rng.integers(0, 10_000_000))
    if document_type == "DNI":
        number = int(rng.integers(10_000_000, 99_999_999))
        return f"{number:08d}{dni_letter(number)}"
    if document_type == "NIE":
        prefix = int(rng.integers(0, 3))  # X, Y, Z stand for 0, 1, 2 in the check
        return f"{'XYZ'[prefix]}{digits:07d}{dni_letter(prefix * 10_000_000 + digits)}"
    if document_type == "PASSPORT":
        return f"P{int(rng.integers(0, 100_000_000)):08d}"
    return ""


def history_upload_rows(start: dt.date, end: dt.date, *, seed: int = 7) -> list[dict[str, str]]:
    """Every intake from ``start`` to ``end`` (inclusive) at every office, as bulk-upload rows."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, str]] = []
    for office, (base, municipalities) in OFFICES.items():
        people: list[dict[str, str]] = []
        day = start
        while day <= end:
            count = int(rng.poisson(daily_rate(base, day, start)))
            for _ in range(count):
                if people and rng.random() < RETURNING_SHARE:
                    person = people[int(rng.integers(0, len(people)))]
                else:
                    document_type = str(_choice(rng, DOCUMENT_TYPES, 1)[0])
                    born = day - dt.timedelta(days=int(rng.integers(18 * 365, 70 * 365)))
                    person = {
                        "document_type": document_type,
                        "document_number": _document_number(rng, document_type),
                        "birth_date": born.isoformat() if rng.random() < 0.9 else "",
                        "nationality": str(_choice(rng, NATIONALITIES, 1)[0]),
                        "municipality": str(rng.choice(list(municipalities))),
                        "household_size": str(int(rng.integers(1, 7))),
                    }
                    people.append(person)
                moment = dt.datetime.combine(day, dt.time(9), TIMEZONE) + dt.timedelta(
                    seconds=int(rng.integers(0, 5 * 3600))
                )
                needs = [need for need, p in NEED_PROBABILITY.items() if rng.random() < p]
                rows.append(
                    {
                        "intake_id": f"H-{office}-{len(rows):07d}",
                        "submitted_at": moment.isoformat(),
                        "office": office,
                        **person,
                        "needs": "|".join(needs),
                        "duration_s": str(int(rng.integers(600, 2400))),
                    }
                )
            day += dt.timedelta(days=1)
    return rows


def history_upload_csv(start: dt.date, end: dt.date, *, seed: int = 7) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=UPLOAD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(history_upload_rows(start, end, seed=seed))
    return buffer.getvalue().encode("utf-8")


def synthetic_submissions(rows: int, *, start: dt.date, seed: int = 11) -> pd.DataFrame:
    """``rows`` pseudonymised submission rows (the ETL's input) drawn from the same daily rates,
    built column-wise so that millions take seconds; for benchmarks."""
    rng = np.random.default_rng(seed)
    offices = list(OFFICES)
    day_stamps = pd.date_range(start, periods=3 * 365, freq="D")
    days = [stamp.date() for stamp in day_stamps]
    weights = np.array([[daily_rate(OFFICES[o][0], d, start) for d in days] for o in offices]).ravel()
    cells = rng.choice(weights.size, size=rows, p=weights / weights.sum())
    office_index, day_index = np.divmod(cells, len(days))
    seconds = rng.integers(9 * 3600, 14 * 3600, size=rows)
    submitted = (
        (pd.to_datetime(np.asarray(days)[day_index]) + pd.to_timedelta(seconds, unit="s"))
        .tz_localize(TIMEZONE, ambiguous="NaT", nonexistent="shift_forward")
        .tz_convert("UTC")
    )
    needs_matrix = np.column_stack([rng.random(rows) < p for p in NEED_PROBABILITY.values()])
    need_names = np.array(list(NEED_PROBABILITY))
    needs = ["|".join(need_names[mask]) for mask in needs_matrix]
    municipalities = [str(rng.choice(OFFICES[offices[i]][1])) for i in range(len(offices))]
    frame = pd.DataFrame(
        {
            "intake_id": [f"B{i:09d}" for i in range(rows)],
            "submitted_at": submitted.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "office": np.array(offices)[office_index],
            "municipality": np.array(municipalities)[office_index],
            "nationality": _choice(rng, NATIONALITIES, rows),
            "age_band": rng.choice(["18-24", "25-34", "35-44", "45-54", "55-64", "65+"], size=rows),
            "household_size": rng.integers(1, 7, size=rows).astype(str),
            "needs": needs,
            "document_type": _choice(rng, DOCUMENT_TYPES, rows),
            "person_key": [
                "".join(f"{part:016x}" for part in parts) for parts in rng.integers(0, 2**63, size=(rows, 4))
            ],
            "duration_s": rng.integers(600, 2400, size=rows).astype(str),
        }
    )
    frame["province"] = frame["municipality"].map(province_of)
    return frame[list(SUBMISSION_COLUMNS)]

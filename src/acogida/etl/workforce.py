"""Which staff, and how many minutes of their work, one submitted intake creates.

The mapping lives in a JSON file (``data/workforce.json`` by default) so that an office can
change the minutes without touching the transformation:

- ``every_intake``: minutes per workforce type that any intake takes (the interview itself);
- ``needs``: for each need the extractor reports, the minutes it adds per workforce type;
- ``timezone``: the offices' time zone; a submission counts on its local day.

Demand is the sum of minutes per office, local day and workforce type, in staff-hours.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from acogida.intake.extract import NEEDS

# The Amazon Forecast WORK_FORCE target schema, in its column order; timestamps are yyyy-MM-dd.
DEMAND_COLUMNS = ("timestamp", "workforce_type", "workforce_demand", "location")
# Minutes of work per intake and workforce type: the step between submissions and demand.
WORKLOAD_COLUMNS = ("intake_id", "day", "location", "workforce_type", "minutes")
DEMAND_DECIMALS = 4
# Both engines keep a row whose cells do not match the header, marked here, and leave it out.
MALFORMED_COLUMN = "_malformed"
# The pseudo-need under which every_intake minutes travel in the rule table.
EVERY_INTAKE = "*"
WORKFORCE_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_MINUTES = 8 * 60


class WorkforceConfigError(ValueError):
    pass


@dataclass(frozen=True)
class WorkforceRule:
    need: str  # a need, or EVERY_INTAKE
    workforce_type: str
    minutes: float


@dataclass(frozen=True)
class WorkforceConfig:
    timezone: str
    rules: tuple[WorkforceRule, ...]

    @property
    def workforce_types(self) -> tuple[str, ...]:
        return tuple(sorted({rule.workforce_type for rule in self.rules}))


def _minutes_table(where: str, table: object) -> list[tuple[str, float]]:
    if not isinstance(table, dict) or not table:
        raise WorkforceConfigError(f"{where}: expected an object of workforce_type -> minutes")
    entries = []
    for workforce_type, minutes in table.items():
        if not WORKFORCE_TYPE_PATTERN.match(workforce_type):
            raise WorkforceConfigError(
                f"{where}: workforce type {workforce_type!r} must be lower_snake_case (a-z, 0-9, _)"
            )
        is_number = isinstance(minutes, int | float) and not isinstance(minutes, bool)
        if not is_number or not 0 < minutes <= MAX_MINUTES:
            raise WorkforceConfigError(
                f"{where}.{workforce_type}: minutes must be a number in (0, {MAX_MINUTES}], got {minutes!r}"
            )
        entries.append((workforce_type, float(minutes)))
    return entries


def parse_workforce_config(document: object) -> WorkforceConfig:
    if not isinstance(document, dict):
        raise WorkforceConfigError("the workforce configuration must be a JSON object")
    unknown = set(document) - {"description", "timezone", "every_intake", "needs"}
    if unknown:
        raise WorkforceConfigError(f"unknown keys in the workforce configuration: {sorted(unknown)}")
    timezone = document.get("timezone", "Europe/Madrid")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise WorkforceConfigError(f"timezone: unknown time zone {timezone!r}") from error
    rules = [
        WorkforceRule(EVERY_INTAKE, workforce_type, minutes)
        for workforce_type, minutes in _minutes_table("every_intake", document.get("every_intake"))
    ]
    needs = document.get("needs", {})
    if not isinstance(needs, dict):
        raise WorkforceConfigError("needs: expected an object of need -> {workforce_type: minutes}")
    for need, table in needs.items():
        if need not in NEEDS:
            raise WorkforceConfigError(f"needs: unknown need {need!r}; the extractor reports {list(NEEDS)}")
        rules.extend(
            WorkforceRule(need, workforce_type, minutes)
            for workforce_type, minutes in _minutes_table(f"needs.{need}", table)
        )
    return WorkforceConfig(timezone=timezone, rules=tuple(rules))


def load_workforce_config(path: Path | None = None) -> WorkforceConfig:
    """The configuration at ``path``, or the packaged default."""
    if path is None:
        text = resources.files("acogida.etl").joinpath("data/workforce.json").read_text(encoding="utf-8")
        where = "the packaged workforce.json"
    else:
        text = path.read_text(encoding="utf-8")
        where = str(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise WorkforceConfigError(f"{where}: not JSON ({error.msg} at line {error.lineno})") from error
    try:
        return parse_workforce_config(document)
    except WorkforceConfigError as error:
        raise WorkforceConfigError(f"{where}: {error}") from error

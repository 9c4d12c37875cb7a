"""The forecast part of ``make demo``: the coordinator presses "retrain" (``POST /mlops/runs``),
follows the stages (``GET /mlops/runs/{id}``) to publish, reads the published forecast of two
workforce types (``GET /forecast``) and downloads the office's chart from ``GET /reports``.

Everything goes through the local HTTP API with the coordinator's Cognito token, as the front
does; the stages run in the local runtime's stand-in for CodePipeline (``acogida.mlops.local``).
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from acogida.local.intake_demo import ApiClient, DemoError

DEMO_TYPES = ("social_worker", "lawyer")
TABLE_DAYS = 14
RUN_TIMEOUT_S = 900.0


def follow_run(client: ApiClient, emit: Callable[[str], None], poll_s: float = 2.0) -> dict[str, Any]:
    """Start a run and print each stage as it changes, until the run ends."""
    status, started = client.call("POST", "/mlops/runs")
    if status != 202:
        raise DemoError(f"POST /mlops/runs answered {status}: {started}")
    run_id = started["run_id"]
    emit(f"    POST /mlops/runs → 202, run {run_id}")
    seen: dict[str, str] = {}
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        status, run = client.call("GET", f"/mlops/runs/{run_id}")
        if status != 200:
            raise DemoError(f"GET /mlops/runs/{run_id} answered {status}: {run}")
        for stage in run["stages"]:
            if seen.get(stage["name"]) != stage["status"]:
                seen[stage["name"]] = stage["status"]
                detail = f": {stage['message']}" if stage.get("message") else ""
                emit(f"      {stage['name']:<8} {stage['status']}{detail}")
        if run["status"] != "in_progress":
            break
        if time.monotonic() > deadline:
            raise DemoError(f"run {run_id} still in progress after {RUN_TIMEOUT_S:.0f} s")
        time.sleep(poll_s)
    if run["status"] != "succeeded":
        raise DemoError(f"run {run_id} {run['status']}: {run.get('message')}")
    return run


def forecast_table(client: ApiClient, start: dt.date, days: int = TABLE_DAYS) -> list[str]:
    """The published p10/p50/p90 of DEMO_TYPES side by side, one line per day."""
    end = start + dt.timedelta(days=days - 1)
    columns: dict[str, dict[str, dict[str, float]]] = {}
    office = ""
    for workforce_type in DEMO_TYPES:
        query = f"/forecast?workforce_type={workforce_type}&start={start}&end={end}"
        status, body = client.call("GET", query)
        if status != 200:
            raise DemoError(f"GET {query} answered {status}: {body}")
        office = body["location"]
        columns[workforce_type] = {day["date"]: day for day in body["days"]}
    header = "    " + f"{'day':<12}" + "".join(f"{name + ' p10/p50/p90':>32}" for name in DEMO_TYPES)
    lines = [f"    GET /forecast ({office}, staff-hours per day)", header]
    for offset in range(days):
        day = (start + dt.timedelta(days=offset)).isoformat()
        cells = []
        for workforce_type in DEMO_TYPES:
            value = columns[workforce_type].get(day)
            cells.append(
                f"{value['p10']:>10.1f}{value['p50']:>10.1f}{value['p90']:>10.1f}  "
                if value
                else f"{'-':>32}"
            )
        lines.append((f"    {day:<12}" + "".join(cells)).rstrip())
    return lines


def download_chart(client: ApiClient, run_id: str, target_dir: Path) -> Path:
    """The run's PNG for the office, through ``GET /reports`` and its pre-signed link."""
    status, body = client.call("GET", "/reports")
    if status != 200:
        raise DemoError(f"GET /reports answered {status}: {body}")
    report = next((item for item in body["reports"] if item["run_id"] == run_id), None)
    chart = next((f for f in (report or {}).get("files", []) if f["name"].endswith(".png")), None)
    if chart is None:
        raise DemoError(f"GET /reports lists no chart for run {run_id}")
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / str(chart["name"])
    with urllib.request.urlopen(chart["url"], timeout=30) as response:  # noqa: S310 - the emulator's pre-signed link
        path.write_bytes(response.read())
    return path


def run_forecast_demo(client: ApiClient, workdir: Path, emit: Callable[[str], None]) -> Path:
    run = follow_run(client, emit)
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    for line in forecast_table(client, tomorrow):
        emit(line)
    chart = download_chart(client, run["run_id"], workdir)
    emit(f"    chart (history, p50, p10-p90 band) from GET /reports: {chart}")
    return chart

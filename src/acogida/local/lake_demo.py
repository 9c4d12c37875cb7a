"""The data-lake part of ``make demo``: history through the bulk upload, the stream export of the
demo's own intakes, and the ETL with its chart.

Everything goes the way it goes on AWS: the history is a CSV a coordinator drops under
``uploads/`` (S3 notifies the bulk-uploads queue, the local runtime hands the message to
``bulk_upload``), the demo's intakes reach ``submissions/`` through the table's stream and
``export_submissions``, and the ETL reads ``submissions/`` and writes ``demand/`` to the curated
bucket, as the Glue job does.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ObjectStore
from acogida.etl.run import EtlSummary, run_etl
from acogida.etl.workforce import load_workforce_config
from acogida.local.history import history_upload_csv
from acogida.local.lake_pump import LakePump

HISTORY_YEARS = 2
# Rows a coordinator's export typically gets wrong, appended to the history so that the report
# in rejected/ has something to say (a future date, a DNI with the wrong letter, an unknown need).
FLAWED_ROWS = (
    "H-flawed-1,2099-01-07T10:00:00+01:00,getafe,NIE,X1234567L,1990-01-01,MA,Getafe,2,food,900\n"
    "H-flawed-2,2025-01-07T10:00:00+01:00,getafe,DNI,12345678A,1990-01-01,ES,Getafe,2,food,900\n"
    "H-flawed-3,2025-01-07T11:00:00+01:00,getafe,NIE,X1234567L,1990-01-01,MA,Getafe,2,karaoke,900\n"
)


def upload_history(s3: Any, raw_bucket: str, today: dt.date) -> tuple[str, int]:  # noqa: ANN401
    """Put two years of synthetic history (plus three flawed rows) under uploads/."""
    start = today.replace(year=today.year - HISTORY_YEARS)
    content = history_upload_csv(start, today - dt.timedelta(days=1)) + FLAWED_ROWS.encode("utf-8")
    key = f"uploads/historico-{start.isoformat()}-{today.isoformat()}.csv"
    s3.put_object(Bucket=raw_bucket, Key=key, Body=content)
    return key, content.count(b"\n") - 1


def latest_upload_notice(sqs: Any, inbox_url: str) -> dict[str, Any] | None:  # noqa: ANN401
    messages = sqs.receive_message(QueueUrl=inbox_url, MaxNumberOfMessages=10).get("Messages", [])
    notices = [json.loads(json.loads(message["Body"])["Message"]) for message in messages]
    return notices[-1] if notices else None


def download_prefix(store: ObjectStore, prefix: str, target: Path) -> int:
    """Copy every object under ``prefix`` into ``target`` (keys as paths); returns the count."""
    keys = store.keys(prefix)
    for key in keys:
        path = target / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(store.get(key).body)
    return len(keys)


def upload_demand(store: ObjectStore, kms_key_arn: str, output: Path) -> list[str]:
    """The ETL's outputs into curated/demand/, where the Glue job writes them, replacing what was
    there as the job's overwrite does (a stale part file would be read as more demand). Stale
    objects go with every version: delete markers are what the emulator fails to empty on destroy."""
    for folder in ("demand/forecast_import/", "demand/parquet/"):
        store.delete_every_version(folder)
    keys = []
    files = [
        output / "workforce_demand.csv",
        *sorted((output / "workforce_demand.parquet").glob("*.parquet")),
    ]
    for path in files:
        folder, content_type = (
            ("forecast_import", "text/csv; charset=utf-8")
            if path.suffix == ".csv"
            else ("parquet", "application/vnd.apache.parquet")
        )
        key = f"demand/{folder}/{path.name}"
        store.put_encrypted(key, path.read_bytes(), kms_key_arn, content_type)
        keys.append(key)
    return keys


def run_lake_demo(
    outputs: dict[str, Any], target: AwsTarget, lake: LakePump, workdir: Path, emit: Callable[[str], None]
) -> EtlSummary:
    s3, sqs, sns = target.client("s3"), target.client("sqs"), target.client("sns")
    buckets = outputs["s3_bucket_names"]
    raw, curated = buckets["raw"], buckets["curated"]
    raw_store, curated_store = ObjectStore(s3, raw), ObjectStore(s3, curated)
    # Read the uploads topic the way a coordinator's mailbox would: a queue subscribed to it.
    inbox = sqs.create_queue(QueueName="acogida-local-demo-upload-notices")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=outputs["bulk_uploads_topic_arn"], Protocol="sqs", Endpoint=inbox_arn)

    lake.drain()  # the runtime's pump may already have delivered some; this waits for the rest
    exported = [
        key for key in raw_store.keys("submissions/") if not key.rsplit("/", 1)[-1].startswith("upload-")
    ]
    emit(f"    stream → export_submissions: {len(exported)} submitted intake(s) in raw/submissions/")

    key, rows = upload_history(s3, raw, dt.datetime.now(dt.UTC).date())
    emit(f"    coordinator upload: s3://{raw}/{key} ({rows:,} rows, {HISTORY_YEARS} years, 4 offices)")
    uploaded = lake.drain()
    notice = latest_upload_notice(sqs, inbox)
    if notice is None or uploaded.upload_failures:
        raise RuntimeError("the bulk upload was not processed: see the function log")
    emit(
        f"    bulk_upload: {notice['accepted']:,} rows accepted "
        f"into {notice['objects_written']} daily files, "
        f"{notice['rejected_lines']} rejected (report s3://{raw}/{notice['report']}); the upload is deleted"
    )
    report = raw_store.get(notice["report"]).body.decode("utf-8")
    for line in report.splitlines()[1:]:
        emit(f"      {line}")

    # A fresh copy each run: an earlier demo's files (another emulator) must not count twice.
    shutil.rmtree(workdir, ignore_errors=True)
    local_raw = workdir / "raw"
    count = download_prefix(raw_store, "submissions/", local_raw)
    emit(f"    ETL (Spark local mode, the Glue job's functions) over {count} raw object(s)")
    summary = run_etl(
        local_raw / "submissions",
        workdir / "curated",
        load_workforce_config(),
        engine="spark",
        progress=lambda message: emit(f"      {message}"),
    )
    keys = upload_demand(curated_store, outputs["kms_key_arns"]["s3"], workdir / "curated")
    emit(
        f"    demand: {summary.series} series (office x workforce type), "
        f"{summary.first_day} .. {summary.last_day}, "
        f"written to s3://{curated}/demand/ ({len(keys)} objects)"
    )
    for workforce_type, hours in sorted(summary.staff_hours.items(), key=lambda item: -item[1]):
        emit(f"      {workforce_type:<20} {hours:>10,.0f} staff-hours")
    emit(f"    chart: {workdir / 'curated' / 'workforce_demand.png'}")
    return summary

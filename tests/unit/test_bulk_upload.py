"""Bulk upload of historical intakes: row-level validation and the handler on moto."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import boto3
import pytest

from acogida.adapters.lake import lake_target
from acogida.export.bulk_upload import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    UPLOAD_COLUMNS,
    accepted_objects,
    report_csv,
    report_key,
    validate_upload,
)
from acogida.export.submission import SUBMISSION_COLUMNS, person_key
from acogida.handlers import bulk_upload
from acogida.local.events import SqsMessage, s3_object_created_record, sqs_event
from acogida.local.lambda_context import LocalLambdaContext
from acogida.privacy.keyring import KeyRing
from tests.unit.aws_fixtures import LAKE_SECRET, RAW_BUCKET, REGION

SECRET = LAKE_SECRET
RING = KeyRing.from_secret(LAKE_SECRET)  # the bare secret of the platform before rings: version 1
NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
GOOD = {
    "intake_id": "h-1",
    "submitted_at": "2025-03-03T10:15:00+01:00",
    "office": "madrid-centro",
    "document_type": "NIE",
    "document_number": "X1234567L",
    "birth_date": "1990-05-04",
    "nationality": "ma",
    "municipality": "getafe",
    "household_size": "3",
    "needs": "legal|food",
    "duration_s": "900",
}


def upload(*rows: dict[str, str], columns: tuple[str, ...] = UPLOAD_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def errors_of(content: bytes) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.reason) for e in validate_upload(content, ring=RING, now=NOW).errors]


def test_a_good_row_is_pseudonymised_like_the_export() -> None:
    result = validate_upload(upload(GOOD), ring=RING, now=NOW)
    assert result.errors == []
    (row,) = result.accepted
    assert row == {
        "intake_id": "h-1",
        "submitted_at": "2025-03-03T09:15:00Z",
        "office": "madrid-centro",
        "municipality": "Getafe",
        "province": "Madrid",
        "nationality": "MA",
        "age_band": "25-34",
        "household_size": "3",
        "needs": "food|legal",
        "document_type": "NIE",
        "person_key": person_key("X1234567L", SECRET),
        "duration_s": "900",
    }
    assert list(accepted_objects(result)) == [f"submissions/dt=2025-03-03/upload-{result.upload_id}.csv"]
    body = next(iter(accepted_objects(result).values())).decode()
    assert body.splitlines()[0] == ",".join(SUBMISSION_COLUMNS)
    assert "X1234567L" not in body
    assert "1990-05-04" not in body


def test_local_time_without_offset_is_the_offices_time() -> None:
    summer = dict(GOOD, submitted_at="2025-07-01 00:30:00")
    (row,) = validate_upload(upload(summer), ring=RING, now=NOW).accepted
    assert row["submitted_at"] == "2025-06-30T22:30:00Z"


def test_each_bad_row_is_reported_by_line_and_column_and_the_rest_is_kept() -> None:
    rows = [
        GOOD,
        dict(GOOD, intake_id="h-2", submitted_at="ayer"),
        dict(GOOD, intake_id="h-3", document_number="X1234567A"),
        dict(GOOD, intake_id="h-1"),
        dict(GOOD, intake_id="h-5", household_size="tres", needs="legal|karaoke"),
        dict(GOOD, intake_id="=HYPERLINK(1)"),
        dict(GOOD, intake_id="h-7", submitted_at="2099-01-01T00:00:00Z"),
        dict(GOOD, intake_id="h-8", birth_date="2026-01-01", submitted_at="2025-01-01T00:00:00Z"),
        dict(GOOD, intake_id="h-9", document_type="", document_number="X1234567L"),
        dict(GOOD, intake_id="h-10", municipality="Atlantis", nationality="XX"),
        dict(GOOD, intake_id="h-11", office=""),
        dict(GOOD, intake_id="h-12", duration_s="-4"),
        dict(GOOD, intake_id="h-13", document_type="", document_number="", birth_date="", needs=""),
    ]
    result = validate_upload(upload(*rows), ring=RING, now=NOW)
    found = {(e.line, e.column) for e in result.errors}
    assert found == {
        (3, "submitted_at"),
        (4, "document_number"),
        (5, "intake_id"),
        (6, "household_size"),
        (6, "needs"),
        (7, "intake_id"),
        (8, "submitted_at"),
        (9, "birth_date"),
        (10, "document_type"),
        (11, "municipality"),
        (11, "nationality"),
        (12, "office"),
        (13, "duration_s"),
    }
    reasons = {(e.line, e.column): e.reason for e in result.errors}
    assert reasons[(5, "intake_id")] == "duplicate of line 2"
    assert reasons[(4, "document_number")] == "the check letter does not match the number"
    assert "karaoke" in reasons[(6, "needs")]
    assert result.rows == 13
    assert result.rejected_lines == 11
    assert [row["intake_id"] for row in result.accepted] == ["h-1", "h-13"]
    report = report_csv(result).decode()
    assert report.splitlines()[0] == "line,column,reason"
    assert "X1234567A" not in report
    assert "Atlantis" not in report


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        ("intake_id,submitted_at,office\n1,2025-01-01T00:00:00Z,Málaga\n".encode("latin-1"), "not UTF-8"),
        (upload(GOOD, columns=("intake_id", "submitted_at")), "header not accepted"),
        (upload(GOOD, columns=(*UPLOAD_COLUMNS, "phone")), "header not accepted"),
        (upload(GOOD, columns=(*UPLOAD_COLUMNS, "colour")), "header not accepted"),
        (b"intake_id,submitted_at,office\n" + b"x" * (MAX_UPLOAD_BYTES + 1), "the limit is"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole_with_the_reason(content: bytes, reason: str) -> None:
    result = validate_upload(content, ring=RING, now=NOW)
    assert result.refused
    assert result.accepted == []
    assert any(reason in error.reason for error in result.errors), result.errors


def test_the_header_errors_name_the_column() -> None:
    refused = errors_of(upload(GOOD, columns=(*UPLOAD_COLUMNS, "phone")))
    assert [(line, column) for line, column, reason in refused if reason.startswith("identifying")] == [
        (1, "phone")
    ]
    missing = errors_of(upload(GOOD, columns=("intake_id", "office")))
    assert (1, "submitted_at", "required column is missing") in missing


def test_too_many_rows_is_refused_not_truncated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("acogida.export.bulk_upload.MAX_UPLOAD_ROWS", 3)
    rows = [dict(GOOD, intake_id=f"h-{i}") for i in range(4)]
    result = validate_upload(upload(*rows), ring=RING, now=NOW)
    assert result.refused
    assert result.accepted == []
    assert MAX_UPLOAD_ROWS > 3


def test_a_row_with_the_wrong_number_of_cells_is_rejected_alone() -> None:
    content = (
        upload(GOOD) + b"h-2,2025-03-03T10:15:00Z\n" + upload(dict(GOOD, intake_id="h-3")).split(b"\n", 1)[1]
    )
    result = validate_upload(content, ring=RING, now=NOW)
    assert [(e.line, e.reason) for e in result.errors] == [(3, "2 cells; the header has 11")]
    assert [row["intake_id"] for row in result.accepted] == ["h-1", "h-3"]


def test_report_keys_cannot_leave_rejected() -> None:
    assert report_key("uploads/../../x/2024.csv", "abc") == "rejected/2024-abc.report.csv"
    assert report_key("uploads/office/historico 2024.CSV", "abc") == "rejected/historico 2024-abc.report.csv"


def test_report_keys_are_clean_whatever_the_upload_is_called() -> None:
    assert report_key("uploads/a\x00b\u202ec.csv", "abc") == "rejected/a_b_c-abc.report.csv"
    assert report_key("uploads/cafe\u0301.csv", "abc") == report_key("uploads/caf\u00e9.csv", "abc")
    assert report_key("uploads/..", "abc") == "rejected/upload-abc.report.csv"
    assert report_key("uploads/=cmd|' calc'!A0.csv", "abc") == "rejected/_cmd__ calc__A0-abc.report.csv"
    long_name = report_key("uploads/" + "n" * 2000 + ".csv", "abc")
    assert long_name == f"rejected/{'n' * 100}-abc.report.csv"


# --- the handler on moto ---------------------------------------------------------------------------


@pytest.fixture
def upload_env(lake_stores, monkeypatch):
    sns = boto3.client("sns", region_name=REGION)
    topic_arn = sns.create_topic(Name="acogida-test-uploads")["TopicArn"]
    sqs = boto3.client("sqs", region_name=REGION)
    inbox = sqs.create_queue(QueueName="topic-inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=inbox_arn)
    monkeypatch.setenv("UPLOADS_TOPIC_ARN", topic_arn)
    monkeypatch.setenv("OFFICE_TIMEZONE", "Europe/Madrid")
    bulk_upload.upload_settings.cache_clear()
    yield {"s3": lake_stores.s3, "sqs": sqs, "inbox": inbox}
    bulk_upload.upload_settings.cache_clear()


def deliver(key: str, size: int, message_id: str = "m-1") -> dict:
    body = json.dumps({"Records": [s3_object_created_record(RAW_BUCKET, key, size)]})
    event = sqs_event([SqsMessage(message_id, "r", body)], f"arn:aws:sqs:{REGION}:123456789012:uploads")
    return bulk_upload.handler(event, LocalLambdaContext("bulk_upload"))


def keys(s3, prefix: str) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=RAW_BUCKET, Prefix=prefix).get("Contents", []))


def test_an_upload_lands_in_raw_with_a_report_a_notice_and_no_trace_of_the_file(upload_env) -> None:
    s3 = upload_env["s3"]
    content = upload(
        GOOD,
        dict(GOOD, intake_id="h-2", submitted_at="nope"),
        dict(GOOD, intake_id="h-3", submitted_at="2025-03-04T09:00:00Z"),
    )
    s3.put_object(Bucket=RAW_BUCKET, Key="uploads/historico marzo.csv", Body=content)
    assert deliver("uploads/historico marzo.csv", len(content)) == {"batchItemFailures": []}
    written = keys(s3, "submissions/")
    assert [key.split("/")[1] for key in written] == ["dt=2025-03-03", "dt=2025-03-04"]
    for key in written:
        stored = s3.get_object(Bucket=RAW_BUCKET, Key=key)
        assert stored["ServerSideEncryption"] == "aws:kms"
        assert stored["Metadata"] == {"key-version": "1"}  # the ring version of its person_key
        assert b"X1234567L" not in stored["Body"].read()
    (report,) = keys(s3, "rejected/")
    assert report.startswith("rejected/historico marzo-")
    assert s3.get_object(Bucket=RAW_BUCKET, Key=report)["Body"].read().decode().splitlines()[1] == (
        "3,submitted_at,an ISO 8601 date-time such as 2025-03-02T09:30:00Z"
    )
    # Every version of the upload is gone: it held document numbers.
    assert s3.list_object_versions(Bucket=RAW_BUCKET, Prefix="uploads/").get("Versions") is None
    notice = json.loads(
        json.loads(upload_env["sqs"].receive_message(QueueUrl=upload_env["inbox"])["Messages"][0]["Body"])[
            "Message"
        ]
    )
    assert notice["accepted"] == 2
    assert notice["rejected_lines"] == 1
    assert notice["report"] == report
    # The same message delivered again finds the upload gone: nothing more is written.
    before = {key: s3.get_object(Bucket=RAW_BUCKET, Key=key)["ETag"] for key in written}
    assert deliver("uploads/historico marzo.csv", len(content)) == {"batchItemFailures": []}
    assert {
        key: s3.get_object(Bucket=RAW_BUCKET, Key=key)["ETag"] for key in keys(s3, "submissions/")
    } == before


def test_the_same_file_uploaded_twice_writes_the_same_objects(upload_env) -> None:
    s3 = upload_env["s3"]
    content = upload(GOOD)
    for attempt in range(2):
        s3.put_object(Bucket=RAW_BUCKET, Key="uploads/a.csv", Body=content)
        deliver("uploads/a.csv", len(content), f"m-{attempt}")
    (key,) = keys(s3, "submissions/")
    versions = s3.list_object_versions(Bucket=RAW_BUCKET, Prefix=key)["Versions"]
    assert len({version["ETag"] for version in versions}) == 1


def test_an_oversized_upload_is_refused_without_reading_it(upload_env) -> None:
    s3 = upload_env["s3"]
    s3.put_object(Bucket=RAW_BUCKET, Key="uploads/huge.csv", Body=b"intake_id\n")
    deliver("uploads/huge.csv", MAX_UPLOAD_BYTES + 1)
    assert keys(s3, "submissions/") == []
    (report,) = keys(s3, "rejected/")
    assert "the limit is" in s3.get_object(Bucket=RAW_BUCKET, Key=report)["Body"].read().decode()


def test_objects_outside_uploads_and_test_events_are_ignored() -> None:
    assert bulk_upload.uploaded_objects(json.dumps({"Event": "s3:TestEvent"})) == []
    body = json.dumps({"Records": [s3_object_created_record(RAW_BUCKET, "submissions/x.csv", 3)]})
    assert bulk_upload.uploaded_objects(body) == []
    # S3 keys are flat: a "../" in an upload's name is part of its name, and the upload is processed
    # (then deleted) like any other instead of lying in uploads/ with its personal data.
    body = json.dumps({"Records": [s3_object_created_record(RAW_BUCKET, "uploads/../submissions/x.csv", 3)]})
    assert bulk_upload.uploaded_objects(body) == [("uploads/../submissions/x.csv", 3)]


def test_an_empty_pseudonymisation_secret_gets_one_random_key_shared_by_every_caller(
    intake_stores, monkeypatch
):
    """Terraform creates the secret without a value: the first caller puts a key, later callers
    (and a concurrent first caller with another candidate) read that same key."""
    kms = boto3.client("kms", region_name=REGION)
    secrets = boto3.client("secretsmanager", region_name=REGION)
    arn = secrets.create_secret(
        Name="acogida-test/empty-key", KmsKeyId=kms.create_key()["KeyMetadata"]["Arn"]
    )["ARN"]
    monkeypatch.setenv("RAW_BUCKET", RAW_BUCKET)
    monkeypatch.setenv("RAW_KMS_KEY_ARN", "arn:aws:kms:eu-south-2:123456789012:key/x")
    monkeypatch.setenv("PSEUDONYMISATION_SECRET_ARN", arn)
    lake_target.cache_clear()
    first = lake_target().key_ring()
    # A key ring of one random key: version 1.
    assert first.version == 1
    assert len(first.secrets[0]) == 64
    assert KeyRing.from_secret(secrets.get_secret_value(SecretId=arn)["SecretString"]) == first
    # A second cold start that lost the race: its put is refused, it reads the first key.
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415

    parameters.clear_caches()
    assert lake_target().key_ring() == first
    versions = secrets.list_secret_version_ids(SecretId=arn)["Versions"]
    assert len(versions) == 1
    lake_target.cache_clear()

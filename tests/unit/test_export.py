"""The pseudonymised analytics row, and the export handler on the real table stream (moto)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json

import pytest

from acogida.export.submission import (
    SUBMISSION_COLUMNS,
    age_band,
    object_key,
    person_key,
    submission_row,
    to_csv,
)
from acogida.handlers import export_submissions, intake_api
from acogida.handlers.runtime import dependencies
from acogida.local.events import dynamodb_stream_record, http_api_event
from acogida.local.lambda_context import LocalLambdaContext
from acogida.privacy.keyring import KeyRing
from tests.unit.aws_fixtures import INTAKES_TABLE, RAW_BUCKET

SECRET = b"k" * 32
VALUES = {
    "given_name": "Fatima Zahra",
    "surnames": "El Amrani",
    "document_type": "NIE",
    "document_number": "X1234567L",
    "document_valid": True,
    "birth_date": "1992-08-15",
    "nationality": "MA",
    "municipality": "Getafe",
    "phone": "+34612345678",
    "household_size": 4,
    "needs": ["food", "legal"],
}


def row(**overrides):
    arguments = {
        "intake_id": "a" * 32,
        "submitted_at": "2026-11-23T09:30:00.123Z",
        "office": "madrid-centro",
        "duration_s": 840,
        "values": VALUES,
        "ring": KeyRing((SECRET,)),
    }
    return submission_row(**{**arguments, **overrides})


def test_the_row_keeps_what_analytics_needs_and_no_direct_identifier():
    got = row()
    assert tuple(got) == SUBMISSION_COLUMNS
    assert got == {
        "intake_id": "a" * 32,
        "submitted_at": "2026-11-23T09:30:00Z",
        "office": "madrid-centro",
        "municipality": "Getafe",
        "province": "Madrid",
        "nationality": "MA",
        "age_band": "25-34",
        "household_size": "4",
        "needs": "food|legal",
        "document_type": "NIE",
        "person_key": hmac.new(SECRET, b"X1234567L", hashlib.sha256).hexdigest(),
        "duration_s": "840",
    }
    text = to_csv([got]).decode()
    for identifier in ("Fatima", "Amrani", "X1234567L", "612345678", "1992"):
        assert identifier not in text


def test_person_key_follows_the_normalised_document_and_the_secret():
    assert person_key("x-1234567.l", SECRET) == person_key("X1234567L", SECRET)
    assert person_key("X1234567L", SECRET) != person_key("X1234567L", b"o" * 32)
    assert person_key(None, SECRET) == ""
    with pytest.raises(ValueError, match="32 bytes"):
        person_key("X1234567L", b"short")


@pytest.mark.parametrize(
    ("birth", "band"),
    [
        ("2008-11-24", "0-17"),
        ("2008-11-23", "18-24"),
        ("1961-11-23", "65+"),
        ("1961-11-24", "55-64"),
        (None, ""),
        ("2030-01-01", ""),
        ("not a date", ""),
    ],
)
def test_age_band_on_the_day_of_the_intake(birth, band):
    assert age_band(birth, dt.date(2026, 11, 23)) == band


def test_cells_are_safe_against_formula_injection_and_rows_are_deterministic():
    hostile = row(
        office='=HYPERLINK("http://x")', values={**VALUES, "nationality": "+MA", "municipality": "@x"}
    )
    assert hostile["office"].startswith("'=")
    assert hostile["nationality"] == "'+MA"
    parsed = list(csv.DictReader(io.StringIO(to_csv([hostile]).decode())))
    assert parsed[0]["office"] == '\'=HYPERLINK("http://x")'
    assert to_csv([row()]) == to_csv([row()])
    assert object_key("b" * 32, "2026-11-23T23:59:59.999Z") == f"submissions/dt=2026-11-23/{'b' * 32}.csv"


@pytest.fixture
def export_env(intake_stores, lake_stores):
    return intake_stores


def submit_one() -> str:
    claims = {"sub": "t", "cognito:groups": "[technician]", "custom:office": "madrid-centro"}
    context = LocalLambdaContext("intake_api")
    intake_id = json.loads(
        intake_api.handler(http_api_event("POST", "/intakes", claims=claims), context)["body"]
    )["intake_id"]
    text = (
        "Me llamo Fatima Zahra El Amrani, mi NIE es equis uno dos tres cuatro cinco seis siete ele, nací el "
        "quince de agosto del noventa y dos, vivo en Getafe, mi teléfono es el 612 345 678 y necesito comida."
    )
    for path, body in (
        (f"/intakes/{intake_id}/segments", {"sequence": 0, "text": text}),
        (f"/intakes/{intake_id}/submit", None),
    ):
        event = http_api_event("POST", path, claims=claims, body=json.dumps(body) if body else None)
        assert intake_api.handler(event, context)["statusCode"] == 200
    return intake_id


def stream_event(stores) -> dict:
    """The table's items as the stream's records (moto's in-process mock has no DescribeStream)."""
    items = stores.dynamodb.scan(TableName=INTAKES_TABLE)["Items"]
    return {
        "Records": [
            dynamodb_stream_record(item, {"intake_id": item["intake_id"]}, number)
            for number, item in enumerate(items, start=1)
        ]
    }


def test_the_stream_exports_each_submitted_intake_once_without_identifiers(export_env):
    intake_id = submit_one()
    dependencies().intakes.create_draft("madrid-centro", "t")  # a draft: no row
    event = stream_event(export_env)
    context = LocalLambdaContext("export_submissions")
    assert export_submissions.handler(event, context) == {"batchItemFailures": []}
    listing = export_env.s3.list_objects_v2(Bucket=RAW_BUCKET)["Contents"]
    assert [item["Key"] for item in listing] == [
        f"submissions/dt={dt.datetime.now(dt.UTC).date()}/{intake_id}.csv"
    ]
    stored = export_env.s3.get_object(Bucket=RAW_BUCKET, Key=listing[0]["Key"])
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert stored["Metadata"] == {"key-version": "1"}
    body = stored["Body"].read()
    for identifier in ("Fatima", "Amrani", "X1234567L", "612345678", "1992-08-15", "quince"):
        assert identifier.encode() not in body
    (exported,) = csv.DictReader(io.StringIO(body.decode()))
    assert (exported["municipality"], exported["province"], exported["needs"]) == ("Getafe", "Madrid", "food")
    assert len(exported["person_key"]) == 64
    # Replayed, and in reverse order: the same object, the same bytes.
    replay = {"Records": list(reversed(event["Records"]))}
    assert export_submissions.handler(replay, context) == {"batchItemFailures": []}
    assert export_env.s3.get_object(Bucket=RAW_BUCKET, Key=listing[0]["Key"])["Body"].read() == body
    # ... and no second version in the versioned bucket: exactly once, at the version level.
    versions = export_env.s3.list_object_versions(Bucket=RAW_BUCKET, Prefix="submissions/")["Versions"]
    assert len(versions) == 1


def test_a_broken_record_fails_alone(export_env):
    submit_one()
    event = stream_event(export_env)
    broken = json.loads(json.dumps(event["Records"][-1]))
    broken["eventID"] = "broken-1"
    broken["dynamodb"]["NewImage"] = {"status": {"S": "submitted"}, "intake_id": {"S": "x"}}
    event["Records"].append(broken)
    result = export_submissions.handler(event, LocalLambdaContext("export_submissions"))
    assert result["batchItemFailures"] == [{"itemIdentifier": broken["dynamodb"]["SequenceNumber"]}]

"""Rotating the pseudonymisation key ring and re-keying the lake (moto): one person's rows share
one person_key after re-keying, the versions with old hashes are gone, a second run changes
nothing, an interrupted run resumes, and the export's put-once writes stay safe."""

from __future__ import annotations

import csv
import io
import json

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters

from acogida.adapters.key_rotation import (
    KeyRotationError,
    read_key_ring,
    rekey_lake,
    rotate_key_ring,
)
from acogida.adapters.lake import lake_target
from acogida.adapters.object_store import ObjectStore
from acogida.cli import main
from acogida.export.submission import (
    ExportError,
    key_version_metadata,
    person_key,
    rekeyed_csv,
    submission_row,
    to_csv,
)
from acogida.handlers import export_submissions
from acogida.local.lambda_context import LocalLambdaContext
from acogida.privacy.commands import run_rotate_key
from acogida.privacy.keyring import KeyRing, KeyRingError
from tests.unit.aws_fixtures import LAKE_SECRET, RAW_BUCKET, REGION
from tests.unit.test_export import stream_event, submit_one

DOCUMENT = "X1234567L"  # the NIE submit_one dictates
OTHER_DOCUMENT = "12345678Z"


@pytest.fixture
def lake(intake_stores, lake_stores):
    parameters.clear_caches()
    yield lake_stores
    parameters.clear_caches()


def secrets_manager():
    return boto3.client("secretsmanager", region_name=REGION)


def put_row(lake, intake_id: str, day: str, document: str | None, ring: KeyRing, *, legacy: bool = False):
    """A submissions object as the export writes it (``legacy``: before objects had key-version)."""
    row = submission_row(
        intake_id=intake_id,
        submitted_at=f"{day}T10:00:00Z",
        office="madrid-centro",
        duration_s=60,
        values={"document_type": "NIE", "document_number": document, "municipality": "Getafe"},
        ring=ring,
    )
    key = f"submissions/dt={day}/{intake_id}.csv"
    ObjectStore(lake.s3, RAW_BUCKET).put_encrypted_once(
        key,
        to_csv([row]),
        lake.kms_key_arn,
        "text/csv; charset=utf-8",
        metadata=None if legacy else key_version_metadata(ring.version),
    )
    return key


def person_keys(lake) -> dict[str, list[str]]:
    """{key: [person_key of each row]} of every current submissions/ object."""
    found = {}
    for item in lake.s3.list_objects_v2(Bucket=RAW_BUCKET, Prefix="submissions/").get("Contents", []):
        body = lake.s3.get_object(Bucket=RAW_BUCKET, Key=item["Key"])["Body"].read().decode()
        found[item["Key"]] = [row["person_key"] for row in csv.DictReader(io.StringIO(body))]
    return found


def versions(lake) -> dict[str, list[str]]:
    listing = lake.s3.list_object_versions(Bucket=RAW_BUCKET, Prefix="submissions/")
    by_key: dict[str, list[str]] = {}
    for entry in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]:
        by_key.setdefault(entry["Key"], []).append(entry["VersionId"])
    return by_key


def key_version(lake, key: str) -> str:
    return lake.s3.head_object(Bucket=RAW_BUCKET, Key=key)["Metadata"].get("key-version", "")


def rotate(lake, **options) -> tuple:
    out = io.StringIO()
    summary = run_rotate_key(
        secrets_manager=secrets_manager(),
        s3=lake.s3,
        secret_arn=lake.secret_arn,
        bucket=RAW_BUCKET,
        kms_key_arn=lake.kms_key_arn,
        resume_hint="acogida privacy rotate-key --rekey-only",
        out=out,
        **{"rotate": True, "wait_s": 0.0, **options},
    )
    return summary, out.getvalue()


def test_rekeyed_csv_changes_person_key_only_and_refuses_other_files():
    v1 = KeyRing((b"a" * 32,))
    v2 = v1.rotated("b" * 32)
    rows = [
        submission_row(
            intake_id=f"i{n}",
            submitted_at="2026-01-02T03:04:05Z",
            office="madrid-centro",
            duration_s=None,
            values={"document_number": document, "needs": ["legal"], "nationality": "=cmd"},
            ring=v1,
        )
        for n, document in enumerate((DOCUMENT, None))
    ]
    rekeyed, count = rekeyed_csv(to_csv(rows), v2, 1)
    assert count == 2
    expected = [dict(rows[0], person_key=v2.person_key(DOCUMENT)), dict(rows[1], person_key="")]
    assert rekeyed == to_csv(expected)
    with pytest.raises(ExportError, match="not a submissions CSV"):
        rekeyed_csv(b"line,column,reason\n3,x,y\n", v2, 1)
    with pytest.raises(KeyRingError):
        rekeyed_csv(to_csv(rows), v2, 3)


def test_the_first_key_a_function_puts_is_a_ring_of_version_one(lake, monkeypatch):
    arn = secrets_manager().create_secret(Name="acogida-test/first-ring")["ARN"]
    monkeypatch.setenv("PSEUDONYMISATION_SECRET_ARN", arn)
    lake_target.cache_clear()
    ring = lake_target().key_ring()
    stored = json.loads(secrets_manager().get_secret_value(SecretId=arn)["SecretString"])
    assert stored["format"] == "acogida-keyring"
    assert [key["version"] for key in stored["keys"]] == [1]
    assert ring == KeyRing.from_secret(json.dumps(stored))


def test_rotation_adds_a_key_and_keeps_the_old_ones(lake):
    legacy = KeyRing.from_secret(LAKE_SECRET)
    ring = rotate_key_ring(secrets_manager(), lake.secret_arn)
    assert ring.version == 2
    assert ring.secrets[0] == LAKE_SECRET
    assert read_key_ring(secrets_manager(), lake.secret_arn) == ring
    # The chain: what version 1 wrote, brought to version 2, is what version 2 writes.
    assert ring.rekeyed(legacy.person_key(DOCUMENT), 1) == ring.person_key(DOCUMENT)
    # Another rotation that read version 1 and races to version 2 is refused, not lost.
    client = secrets_manager()

    class StaleRead:
        def get_secret_value(self, **_):
            return {"SecretString": legacy.to_secret()}

        def put_secret_value(self, **request):
            return client.put_secret_value(**request)

    with pytest.raises(KeyRotationError, match="another rotation"):
        rotate_key_ring(StaleRead(), lake.secret_arn)
    assert read_key_ring(client, lake.secret_arn) == ring


def test_an_empty_secret_has_nothing_to_rotate(lake):
    arn = secrets_manager().create_secret(Name="acogida-test/never-used")["ARN"]
    with pytest.raises(KeyRotationError, match="nothing to rotate"):
        rotate_key_ring(secrets_manager(), arn)


def test_after_rekeying_one_person_has_one_key_and_no_old_hash_remains(lake, intake_stores):
    legacy = KeyRing.from_secret(LAKE_SECRET)
    context = LocalLambdaContext("export_submissions")
    exported_id = submit_one()  # NIE X1234567L, through the intake API and the stream export
    assert export_submissions.handler(stream_event(intake_stores), context) == {"batchItemFailures": []}
    old_keys = [
        put_row(lake, "legacy-1", "2025-01-02", DOCUMENT, legacy, legacy=True),  # before key-version
        put_row(lake, "other-1", "2025-01-03", OTHER_DOCUMENT, legacy),
        put_row(lake, "nodoc-1", "2025-01-03", None, legacy),
    ]
    old_hash = legacy.person_key(DOCUMENT)
    assert person_key(DOCUMENT, LAKE_SECRET) == old_hash

    summary, printed = rotate(lake)
    ring = read_key_ring(secrets_manager(), lake.secret_arn)
    assert ring.version == 2
    assert (summary.objects, summary.objects_rekeyed, summary.rows_rekeyed) == (4, 4, 4)
    assert summary.versions_deleted == 4
    assert "version 2 added" in printed
    assert "rotate-key --rekey-only" in printed  # not waiting: says how to catch late writers
    assert "done: 4 objects looked at, 4 re-keyed (4 rows), 4 old versions deleted" in printed

    # A function now reads the new ring: a new intake of the same person is written under version 2.
    parameters.clear_caches()
    put_row(lake, "after-1", "2025-02-01", DOCUMENT, lake_target().key_ring())
    keys = person_keys(lake)
    same_person = [keys[key][0] for key in keys if not key.endswith(("other-1.csv", "nodoc-1.csv"))]
    assert len(same_person) == 3
    assert set(same_person) == {ring.person_key(DOCUMENT)}
    assert keys[old_keys[1]] == [ring.person_key(OTHER_DOCUMENT)]
    assert keys[old_keys[2]] == [""]
    # No version anywhere still holds the old hash.
    for key, ids in versions(lake).items():
        assert len(ids) == 1, key
        assert key_version(lake, key) == "2"
        assert old_hash.encode() not in lake.s3.get_object(Bucket=RAW_BUCKET, Key=key)["Body"].read()

    # A replayed stream record finds its (re-keyed) object and leaves it: no failure, no new version.
    before = versions(lake)
    assert export_submissions.handler(stream_event(intake_stores), context) == {"batchItemFailures": []}
    assert versions(lake) == before
    assert any(exported_id in key for key in before)

    # Idempotent: a second run re-keys nothing and deletes nothing.
    again, _ = rotate(lake, rotate=False)
    assert (again.objects, again.objects_rekeyed, again.versions_deleted) == (5, 0, 0)
    assert versions(lake) == before


def test_a_row_written_with_a_cached_old_ring_is_caught_by_the_second_pass(lake):
    legacy = KeyRing.from_secret(LAKE_SECRET)
    put_row(lake, "early", "2025-03-01", DOCUMENT, legacy)
    rotate(lake)
    ring = read_key_ring(secrets_manager(), lake.secret_arn)
    # A warm function still holding version 1 exports after the first pass.
    late = put_row(lake, "late", "2025-03-02", DOCUMENT, legacy)
    assert key_version(lake, late) == "1"
    summary, _ = rotate(lake, rotate=False)
    assert (summary.objects_rekeyed, summary.rows_rekeyed) == (1, 1)
    assert {key for keys in person_keys(lake).values() for key in keys} == {ring.person_key(DOCUMENT)}


def test_an_interrupted_run_resumes_where_it_stopped(lake):
    legacy = KeyRing.from_secret(LAKE_SECRET)
    written = [put_row(lake, f"p{n}", "2025-04-01", DOCUMENT, legacy) for n in range(5)]

    class StopError(Exception):
        pass

    def stop_after_two(summary):
        if summary.objects == 2:
            raise StopError

    ring = rotate_key_ring(secrets_manager(), lake.secret_arn)
    with pytest.raises(StopError):
        rekey_lake(lake.s3, RAW_BUCKET, lake.kms_key_arn, ring, progress=stop_after_two)
    assert [key_version(lake, key) for key in written] == ["2", "2", "1", "1", "1"]
    # A stop between the write and the delete leaves a new current version and the old one.
    lake.s3.put_object(
        Bucket=RAW_BUCKET,
        Key=written[2],
        Body=rekeyed_csv(lake.s3.get_object(Bucket=RAW_BUCKET, Key=written[2])["Body"].read(), ring, 1)[0],
        Metadata=key_version_metadata(2),
    )
    assert len(versions(lake)[written[2]]) == 2

    out = io.StringIO()
    summary = run_rotate_key(
        secrets_manager=secrets_manager(),
        s3=lake.s3,
        secret_arn=lake.secret_arn,
        bucket=RAW_BUCKET,
        kms_key_arn=lake.kms_key_arn,
        rotate=False,
        wait_s=0.0,
        resume_hint="-",
        out=out,
    )
    assert (summary.objects, summary.objects_rekeyed, summary.versions_deleted) == (5, 2, 3)
    assert all(len(ids) == 1 for ids in versions(lake).values())
    assert {key for keys in person_keys(lake).values() for key in keys} == {ring.person_key(DOCUMENT)}


def test_a_deleted_objects_old_versions_go_too(lake):
    legacy = KeyRing.from_secret(LAKE_SECRET)
    key = put_row(lake, "gone", "2025-05-01", DOCUMENT, legacy)
    lake.s3.delete_object(Bucket=RAW_BUCKET, Key=key)  # a delete marker over version 1
    summary, _ = rotate(lake)
    assert (summary.objects_rekeyed, summary.versions_deleted) == (0, 2)
    assert versions(lake) == {}


def test_waiting_for_warm_functions_is_shown(lake):
    slept = []
    put_row(lake, "w", "2025-06-01", DOCUMENT, KeyRing.from_secret(LAKE_SECRET))
    _, printed = rotate(lake, wait_s=75.0, sleep=slept.append)
    assert slept == [30.0, 30.0, 15.0]
    assert "waiting 75 s" in printed
    assert "45 s left" in printed


def test_the_command_asks_for_confirmation(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["privacy", "rotate-key", "--env", "local"]) == 2
    assert "confirm with --yes" in capsys.readouterr().err

"""The privacy contract the other privacy code builds on: audit events carry no personal data, and
the key ring's chained hashes (rotation, re-keying, the legacy bare secret)."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from moto import mock_aws

from acogida.adapters.audit_log import S3AuditLog, event_key
from acogida.export.submission import person_key
from acogida.privacy.audit import (
    AuditAction,
    AuditEvent,
    AuditOutcome,
    InvalidAuditEventError,
    MemoryAuditLog,
    new_event,
)
from acogida.privacy.keyring import KeyRing, KeyRingError

INTAKE = "0123456789abcdef0123456789abcdef"
LEGACY = "a" * 64


def event(**overrides: object) -> AuditEvent:
    arguments: dict[str, object] = {
        "actor": "4f1c9a2e-user",
        "source": "10.1.2.3",
        "intake_id": INTAKE,
        "office": "madrid-centro",
        "clock": lambda: dt.datetime(2026, 12, 2, 10, 15, 0, 123456, tzinfo=dt.UTC),
    }
    arguments.update(overrides)
    return new_event(AuditAction.CORRECT, **arguments)  # type: ignore[arg-type]


def test_an_event_round_trips_through_json() -> None:
    original = event(details={"fields": ["phone", "birth_date"], "count": 2, "confirmed": True})
    assert original.at == "2026-12-02T10:15:00.123Z"
    assert AuditEvent.from_json(original.to_json()) == original


@pytest.mark.parametrize(
    "overrides",
    [
        {"details": {"reason": "Juan García pidió borrar"}},  # free text: spaces
        {"details": {"fields": ["nombre completo"]}},
        {"details": {"value": 3.5}},
        {"intake_id": "../other"},
        {"actor": "Juan García"},
        {"source": "x" * 200},
    ],
)
def test_free_text_or_odd_values_cannot_be_recorded(overrides: dict[str, object]) -> None:
    with pytest.raises(InvalidAuditEventError):
        event(**overrides)


def test_memory_log_history_is_per_intake_and_in_time_order() -> None:
    log = MemoryAuditLog()
    later = event(clock=lambda: dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.UTC))
    log.append(later)
    log.append(event())
    log.append(event(intake_id=None))
    assert [e.at for e in log.history(INTAKE)] == ["2026-12-02T10:15:00.123Z", "2026-12-02T11:00:00.000Z"]


def test_s3_audit_log_writes_one_object_per_event_and_reads_the_history(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-south-2")
        s3.create_bucket(Bucket="audit", CreateBucketConfiguration={"LocationConstraint": "eu-south-2"})
        key_arn = boto3.client("kms", region_name="eu-south-2").create_key()["KeyMetadata"]["Arn"]
        log = S3AuditLog(s3, "audit", key_arn)
        first, second = event(), event(outcome=AuditOutcome.REFUSED)
        log.append(first)
        log.append(second)
        log.append(first)  # a retried append does not add a second copy
        versions = s3.list_object_versions(Bucket="audit")["Versions"]
        assert sorted(v["Key"] for v in versions) == sorted([event_key(first), event_key(second)])
        assert event_key(first).startswith(f"events/intake_id={INTAKE}/2026-12-02T10:15:00.123Z_")
        stored = s3.get_object(Bucket="audit", Key=event_key(first))
        assert stored["ServerSideEncryption"] == "aws:kms"
        assert {e.event_id for e in log.history(INTAKE)} == {first.event_id, second.event_id}


def test_a_one_key_ring_gives_the_hashes_of_the_bare_secret() -> None:
    ring = KeyRing.from_secret(LEGACY)
    assert ring.version == 1
    assert ring.person_key("x-1234567.l") == person_key("X1234567L", LEGACY.encode())
    assert ring.person_key(None) == ""
    assert ring.person_keys("") == {}


def test_rotation_rekeys_old_rows_to_the_new_hash_without_the_document() -> None:
    old = KeyRing.from_secret(LEGACY)
    new = old.rotated("b" * 64)
    written_before = old.person_key("X1234567L")
    assert new.version == 2
    assert new.person_key("X1234567L") != written_before
    assert new.rekeyed(written_before, from_version=1) == new.person_key("X1234567L")
    assert new.rekeyed(new.person_key("X1234567L"), from_version=2) == new.person_key("X1234567L")
    assert new.person_keys("X1234567L") == {1: written_before, 2: new.person_key("X1234567L")}
    assert new.rekeyed("", from_version=1) == ""
    with pytest.raises(KeyRingError):
        new.rekeyed(written_before, from_version=3)


def test_the_ring_round_trips_and_refuses_what_is_not_a_ring() -> None:
    ring = KeyRing.from_secret(LEGACY).rotated("c" * 64)
    assert KeyRing.from_secret(ring.to_secret()) == ring
    assert KeyRing.from_secret(ring.to_secret().encode()) == ring
    for broken in (
        '{"format": "acogida-keyring", "keys": [{"version": 2, "secret": "' + "d" * 64 + '"}]}',
        '{"format": "other", "keys": []}',
        "{not json",
    ):
        with pytest.raises(KeyRingError):
            KeyRing.from_secret(broken)
    with pytest.raises(KeyRingError):
        KeyRing.from_secret("short")

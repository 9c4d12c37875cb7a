"""The audit trail on moto: one event per API request on a person's record and per exported
intake, never the person's data in it, refusals recorded, and no action when the audit store
cannot take its event. Plus office isolation of the callers (a dpo, a malformed office)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from acogida.adapters.audit_log import S3AuditLog
from acogida.handlers import export_submissions
from acogida.handlers.runtime import dependencies, function_audit_log
from acogida.local.lambda_context import LocalLambdaContext
from acogida.privacy.audit import AuditAction, AuditOutcome, MemoryAuditLog, new_event
from tests.unit.aws_fixtures import AUDIT_BUCKET, INTAKES_TABLE, RAW_BUCKET
from tests.unit.test_export import stream_event, submit_one
from tests.unit.test_forecast_api import call as forecast_call
from tests.unit.test_forecast_api import forecast_stores  # noqa: F401 - the fixture
from tests.unit.test_intake_api import (
    CONVERSATION,
    COORDINATOR,
    OTHER_OFFICE,
    PERSONAL_DATA,
    TECHNICIAN,
    call,
    create_draft,
)

# What the person said and what the technician typed: none of it may reach an event.
PERSON_WORDS = [
    *PERSONAL_DATA,
    "El Amrani",
    "abogado",
    "comida",
    "hijos",
    "Diallo",
    "1992-08-15",
    "+34612345678",
]
DPO = {"sub": "dpo-0001", "cognito:groups": "[dpo]", "custom:office": "madrid-centro"}


def new_events(stores: Any, before: int) -> list[Any]:
    """The events written since there were ``before`` (by write order: the object versions)."""
    return stores.audit_events()[before:]


def one_event(stores: Any, before: int) -> Any:
    events = new_events(stores, before)
    assert len(events) == 1, [(e.action, e.outcome) for e in events]
    return events[0]


def assert_no_personal_data(stores: Any) -> None:
    objects = stores.audit_objects()
    assert objects
    for body in objects:
        text = body.decode("utf-8")
        for word in PERSON_WORDS:
            assert word.lower() not in text.lower(), word


def test_every_route_writes_exactly_one_event_without_personal_data(intake_stores):
    stores = intake_stores
    status, draft = call("POST", "/intakes")
    assert status == 201
    intake_id = draft["intake_id"]
    (event,) = stores.audit_events()
    assert (event.action, event.outcome, event.intake_id) == (AuditAction.CREATE, AuditOutcome.OK, intake_id)
    assert (event.actor, event.actor_office, event.office) == ("tech-0001", "madrid-centro", "madrid-centro")
    assert event.actor_groups == ("technician",)
    assert event.source == "127.0.0.1"
    assert event.request_id

    for sequence, (speaker, text) in enumerate(CONVERSATION):
        before = len(stores.audit_events())
        status, _ = call(
            "POST",
            f"/intakes/{intake_id}/segments",
            body={"sequence": sequence, "speaker": speaker, "text": text},
        )
        assert status == 200
        event = one_event(stores, before)
        assert (event.action, event.intake_id, dict(event.details)) == (
            AuditAction.APPEND_SEGMENT,
            intake_id,
            {"sequence": sequence},
        )

    before = len(stores.audit_events())
    status, _ = call(
        "PATCH",
        f"/intakes/{intake_id}/fields",
        body={"fields": {"surnames": "El Amrani Diallo", "phone": "612345678"}},
    )
    assert status == 200
    event = one_event(stores, before)
    assert (event.action, dict(event.details)) == (AuditAction.CORRECT, {"fields": ["phone", "surnames"]})

    for method, path, action in [
        ("GET", f"/intakes/{intake_id}", AuditAction.READ),
        ("POST", f"/intakes/{intake_id}/submit", AuditAction.SUBMIT),
        ("GET", f"/intakes/{intake_id}", AuditAction.READ),
    ]:
        before = len(stores.audit_events())
        status, body = call(method, path)
        assert status == 200, body
        event = one_event(stores, before)
        assert (event.action, event.outcome, event.intake_id) == (action, AuditOutcome.OK, intake_id)

    before = len(stores.audit_events())
    status, page = call("GET", "/intakes")
    assert status == 200
    event = one_event(stores, before)
    assert (event.action, event.intake_id, event.details["count"]) == (
        AuditAction.LIST,
        None,
        len(page["intakes"]),
    )

    history = S3AuditLog(stores.s3, AUDIT_BUCKET, stores.audit_kms_key_arn).history(intake_id)
    assert [e.action for e in history] == [
        AuditAction.CREATE,
        *[AuditAction.APPEND_SEGMENT] * len(CONVERSATION),
        AuditAction.CORRECT,
        AuditAction.READ,
        AuditAction.SUBMIT,
        AuditAction.READ,
    ]
    assert_no_personal_data(stores)


def test_events_are_locked_and_encrypted_under_the_audit_key(intake_stores):
    create_draft()
    (key,) = intake_stores.object_keys("events/", bucket=AUDIT_BUCKET)
    assert key.startswith("events/intake_id=")
    head = intake_stores.s3.head_object(Bucket=AUDIT_BUCKET, Key=key)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == intake_stores.audit_kms_key_arn
    version = intake_stores.s3.list_object_versions(Bucket=AUDIT_BUCKET, Prefix=key)["Versions"][0]
    with pytest.raises(ClientError):  # not even the account can delete it before it is due
        intake_stores.s3.delete_object(Bucket=AUDIT_BUCKET, Key=key, VersionId=version["VersionId"])


def test_replays_write_one_event_each_marked_as_replays(intake_stores):
    headers = {"Idempotency-Key": "tablet-7-0001"}
    status, first = call("POST", "/intakes", headers=headers)
    assert call("POST", "/intakes", headers=headers) == (status, first)
    events = intake_stores.audit_events()
    assert [(e.action, dict(e.details)) for e in events] == [
        (AuditAction.CREATE, {}),
        (AuditAction.CREATE, {"replay": True}),
    ]
    intake_id = first["intake_id"]
    segment = {"sequence": 0, "text": "Me llamo Amina Diallo, mi DNI es 12345678Z y necesito comida."}
    call("POST", f"/intakes/{intake_id}/segments", body=segment)
    before = len(intake_stores.audit_events())
    assert call("POST", f"/intakes/{intake_id}/segments", body=segment)[0] == 200
    assert one_event(intake_stores, before).details == {"sequence": 0, "replay": True}
    assert call("POST", f"/intakes/{intake_id}/submit")[0] == 200
    before = len(intake_stores.audit_events())
    assert call("POST", f"/intakes/{intake_id}/submit")[0] == 200
    assert (one_event(intake_stores, before).action, one_event(intake_stores, before).details) == (
        AuditAction.SUBMIT,
        {"replay": True},
    )
    assert_no_personal_data(intake_stores)


@pytest.mark.parametrize(
    ("claims", "method", "path", "body", "action", "status", "error"),
    [
        (OTHER_OFFICE, "GET", "/intakes/{id}", None, AuditAction.READ, 404, "not_found"),
        (
            OTHER_OFFICE,
            "POST",
            "/intakes/{id}/segments",
            {"sequence": 0, "text": "Fatima"},
            "append_segment",
            404,
            "not_found",
        ),
        (
            OTHER_OFFICE,
            "PATCH",
            "/intakes/{id}/fields",
            {"fields": {"given_name": "Fatima"}},
            "correct",
            404,
            "not_found",
        ),
        (OTHER_OFFICE, "POST", "/intakes/{id}/submit", None, AuditAction.SUBMIT, 404, "not_found"),
        (DPO, "GET", "/intakes/{id}", None, AuditAction.READ, 403, "forbidden"),
        (DPO, "GET", "/intakes", None, AuditAction.LIST, 403, "forbidden"),
        (
            COORDINATOR,
            "PATCH",
            "/intakes/{id}/fields",
            {"fields": {"given_name": "Fatima"}},
            "correct",
            403,
            "forbidden",
        ),
        (
            TECHNICIAN,
            "PATCH",
            "/intakes/{id}/fields",
            {"fields": {"birth_date": "Fatima"}},
            "correct",
            422,
            "invalid_field",
        ),
        (TECHNICIAN, "POST", "/intakes/{id}/submit", None, AuditAction.SUBMIT, 422, "submission_refused"),
    ],
)
def test_a_refused_action_is_one_refused_event_and_changes_nothing(  # noqa: PLR0917 - one per column
    intake_stores, claims, method, path, body, action, status, error
):
    intake_id = create_draft()
    before_items = intake_stores.dynamodb.scan(TableName=INTAKES_TABLE)["Items"]
    before = len(intake_stores.audit_events())
    got_status, got = call(method, path.replace("{id}", intake_id), claims=claims, body=body)
    assert (got_status, got["error"]) == (status, error)
    event = one_event(intake_stores, before)
    assert (event.action, event.outcome) == (AuditAction(action), AuditOutcome.REFUSED)
    assert event.details == {"status": status, "error": error}
    assert event.actor == claims["sub"]
    assert event.actor_office == claims["custom:office"]
    assert event.intake_id == (intake_id if "{id}" in path else None)
    assert event.office is None  # a refusal does not tell whose record it was
    assert intake_stores.dynamodb.scan(TableName=INTAKES_TABLE)["Items"] == before_items
    assert_no_personal_data(intake_stores)


def test_another_offices_intake_never_appears_in_a_list(intake_stores):
    mine = {create_draft() for _ in range(2)}
    status, theirs = call("POST", "/intakes", claims=OTHER_OFFICE)
    assert status == 201
    listed = {summary["intake_id"] for summary in call("GET", "/intakes")[1]["intakes"]}
    assert listed == mine
    listed_there = {s["intake_id"] for s in call("GET", "/intakes", claims=OTHER_OFFICE)[1]["intakes"]}
    assert listed_there == {theirs["intake_id"]}
    coordinator_listed = {s["intake_id"] for s in call("GET", "/intakes", claims=COORDINATOR)[1]["intakes"]}
    assert coordinator_listed == mine


@pytest.mark.parametrize("office", ["", "  ", "madrid-centro/other", "*", "madrid centro", "../sevilla-sur"])
def test_an_office_that_is_not_an_office_is_refused(intake_stores, forecast_stores, office):  # noqa: F811
    claims = {**TECHNICIAN, "custom:office": office}
    assert call("GET", "/intakes", claims=claims)[1]["error"] == "no_office"
    coordinator = {"sub": "coord-9", "cognito:groups": "[coordinator]", "custom:office": office}
    status, body = forecast_call("GET", "/reports", coordinator)
    assert (status, body["error"]) == (403, "no_office")


def test_a_dpo_gets_no_technician_or_coordinator_powers(intake_stores, forecast_stores):  # noqa: F811
    intake_id = create_draft()
    assert call("POST", "/intakes", claims=DPO)[0] == 403
    assert call("GET", f"/intakes/{intake_id}", claims=DPO)[0] == 403
    assert call("POST", f"/intakes/{intake_id}/submit", claims=DPO)[0] == 403
    dpo = {**DPO, "custom:office": "getafe"}
    assert forecast_call("GET", "/reports", dpo)[0] == 403
    assert (
        forecast_call("GET", "/forecast", dpo, workforce_type="lawyer", start="2026-12-01", end="2026-12-02")[
            0
        ]
        == 403
    )
    assert forecast_call("POST", "/mlops/runs", dpo)[0] == 403


# --- The audit store fails: 503, and nothing committed or disclosed ------------------------------


@pytest.fixture
def audit_outage(intake_stores, monkeypatch):
    """From now on the audit bucket refuses every write."""

    def refuse(self: S3AuditLog, _event: Any) -> None:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "PutObject")

    def start() -> None:
        monkeypatch.setattr(S3AuditLog, "append", refuse)

    return start


def snapshot(stores: Any) -> tuple[Any, ...]:
    items = stores.dynamodb.scan(TableName=INTAKES_TABLE)["Items"]
    return (
        sorted(json.dumps(item, sort_keys=True) for item in items),
        stores.object_keys("drafts/"),
        stores.object_keys("redacted/"),
        stores.object_keys("events/", bucket=AUDIT_BUCKET),
    )


def test_without_the_audit_store_no_change_is_committed_and_nothing_is_read(intake_stores, audit_outage):
    intake_id = create_draft()
    call("POST", f"/intakes/{intake_id}/segments", body={"sequence": 0, "text": CONVERSATION[1][1]})
    before = snapshot(intake_stores)
    audit_outage()
    requests = [
        ("POST", "/intakes", None),
        ("POST", f"/intakes/{intake_id}/segments", {"sequence": 1, "text": CONVERSATION[3][1]}),
        ("PATCH", f"/intakes/{intake_id}/fields", {"fields": {"given_name": "Amina"}}),
        ("POST", f"/intakes/{intake_id}/submit", {"confirm_invalid_document": True}),
        ("GET", f"/intakes/{intake_id}", None),
        ("GET", "/intakes", None),
        ("GET", f"/intakes/{'0' * 32}", None),  # even a refusal is not answered without its event
    ]
    for method, path, body in requests:
        status, answer = call(method, path, body=body)
        assert (status, answer["error"]) == (503, "backend_unavailable"), (method, path)
        assert answer["message"] == "the audit trail is unavailable; retry later"
        assert "fields" not in answer
        assert snapshot(intake_stores) == before, (method, path)


def test_an_idempotent_create_retried_after_an_audit_outage_creates_once(intake_stores, monkeypatch):
    append = S3AuditLog.append
    failures = iter([True])

    def flaky(self: S3AuditLog, event: Any) -> None:
        if next(failures, False):
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "slow"}}, "PutObject")
        append(self, event)

    monkeypatch.setattr(S3AuditLog, "append", flaky)
    headers = {"Idempotency-Key": "tablet-9-0001"}
    assert call("POST", "/intakes", headers=headers)[0] == 503
    assert intake_stores.dynamodb.scan(TableName=INTAKES_TABLE)["Items"] == []
    status, body = call("POST", "/intakes", headers=headers)
    assert status == 201
    assert [(e.action, e.intake_id) for e in intake_stores.audit_events()] == [
        (AuditAction.CREATE, body["intake_id"])
    ]


# --- The analytics export ---------------------------------------------------------------------------


@pytest.fixture
def export_env(intake_stores, lake_stores):
    return intake_stores


def test_the_export_writes_one_event_per_exported_intake_and_none_for_replays(export_env):
    first, second = submit_one(), submit_one()
    dependencies().intakes.create_draft("madrid-centro", "t")  # a draft: not exported, no event
    seen = {e.event_id for e in export_env.audit_events()}
    before = len(seen)
    event = stream_event(export_env)
    context = LocalLambdaContext("export_submissions")
    assert export_submissions.handler(event, context) == {"batchItemFailures": []}
    # The export's events carry the submission's time: they sort among the earlier ones.
    exported = [e for e in export_env.audit_events() if e.event_id not in seen]
    assert sorted((e.action, e.intake_id) for e in exported) == sorted(
        [(AuditAction.LAKE_EXPORT, first), (AuditAction.LAKE_EXPORT, second)]
    )
    for audit_event in exported:
        assert (audit_event.actor, audit_event.source, audit_event.office) == (
            "function:export_submissions",
            "stream",
            "madrid-centro",
        )
        assert audit_event.outcome is AuditOutcome.OK
    # Replayed, reordered: the lake keeps one object per intake and the trail one event.
    replay = {"Records": list(reversed(event["Records"]))}
    assert export_submissions.handler(replay, context) == {"batchItemFailures": []}
    assert len(export_env.audit_events()) == before + 2
    assert len(export_env.object_keys("events/", bucket=AUDIT_BUCKET)) == before + 2
    # In the intake's history the export follows its submission.
    actions = [e.action for e in function_audit_log().history(first)]
    assert actions[-2:] == [AuditAction.SUBMIT, AuditAction.LAKE_EXPORT]
    assert_no_personal_data(export_env)


def test_without_the_audit_store_nothing_is_exported_and_the_record_is_retried(export_env, monkeypatch):
    submit_one()
    dependencies().intakes.create_draft("madrid-centro", "t")  # succeeds: the batch fails in part
    event = stream_event(export_env)
    append = S3AuditLog.append

    def refuse(self: S3AuditLog, _event: Any) -> None:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "PutObject")

    monkeypatch.setattr(S3AuditLog, "append", refuse)
    result = export_submissions.handler(event, LocalLambdaContext("export_submissions"))
    (submitted,) = [r for r in event["Records"] if r["dynamodb"]["NewImage"]["status"]["S"] == "submitted"]
    assert result["batchItemFailures"] == [{"itemIdentifier": submitted["dynamodb"]["SequenceNumber"]}]
    assert export_env.object_keys("submissions/", bucket=RAW_BUCKET) == []
    monkeypatch.setattr(S3AuditLog, "append", append)
    # The retry exports it, with its one event.
    assert export_submissions.handler(event, LocalLambdaContext("export_submissions")) == {
        "batchItemFailures": []
    }
    assert len(export_env.object_keys("submissions/", bucket=RAW_BUCKET)) == 1
    assert [e.action for e in export_env.audit_events()].count(AuditAction.LAKE_EXPORT) == 1


def test_history_puts_a_submission_before_its_export_at_the_same_millisecond():
    log = MemoryAuditLog()
    at = "2026-12-02T10:00:00.000Z"
    for action in (AuditAction.LAKE_EXPORT, AuditAction.SUBMIT, AuditAction.CREATE):
        event = new_event(action, actor="t", source="stream", intake_id="a" * 32)
        log.append(type(event).from_json({**event.to_json(), "at": at}))
    assert [e.action for e in log.history("a" * 32)] == [
        AuditAction.CREATE,
        AuditAction.SUBMIT,
        AuditAction.LAKE_EXPORT,
    ]

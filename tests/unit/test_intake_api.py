"""The intake API handler against moto: the whole draft → submit flow, replays, malformed input,
office isolation, and logs free of the person's data."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from typing import Any

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from botocore.exceptions import EndpointConnectionError

from acogida.handlers import intake_api
from acogida.handlers.runtime import dependencies
from acogida.local.events import http_api_event
from acogida.local.lambda_context import LocalLambdaContext
from tests.unit.aws_fixtures import INTAKES_TABLE

TECHNICIAN = {"sub": "tech-0001", "cognito:groups": "[technician]", "custom:office": "madrid-centro"}
OTHER_OFFICE = {"sub": "tech-0002", "cognito:groups": "[technician]", "custom:office": "sevilla-sur"}
COORDINATOR = {"sub": "coord-01", "cognito:groups": ["coordinator"], "custom:office": "madrid-centro"}

CONVERSATION = [
    ("staff", "Buenos días, soy Lucía, la trabajadora social. ¿Cómo se llama usted?"),
    ("person", "Me llamo Fatima Zahra El Amrani."),
    ("staff", "¿Tiene documento? Dígame el número."),
    ("person", "Sí, el NIE es equis uno dos tres cuatro cinco seis siete ele."),
    ("staff", "¿Fecha de nacimiento?"),
    ("person", "El quince de agosto del noventa y dos. Soy marroquí."),
    ("staff", "¿Un teléfono de contacto?"),
    ("person", "Seis uno dos, tres cuatro cinco, seis siete ocho."),
    ("person", "Vivo en Getafe con mi marido y mis dos hijos, necesitamos comida y un abogado."),
]
PERSONAL_DATA = ["Fatima", "Zahra", "Amrani", "X1234567L", "612345678", "Getafe", "marido"]


def call(method: str, path: str, claims: dict[str, Any] | None = TECHNICIAN, body: Any = None, **kwargs: Any):
    raw = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
    event = http_api_event(method, path, claims=claims, body=raw, **kwargs)
    response = intake_api.handler(event, LocalLambdaContext("intake_api"))
    payload = json.loads(response["body"]) if response.get("body") else None
    return response["statusCode"], payload


def create_draft() -> str:
    status, body = call("POST", "/intakes")
    assert status == 201, body
    return body["intake_id"]


def talk(intake_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for sequence, (speaker, text) in enumerate(CONVERSATION):
        status, body = call(
            "POST",
            f"/intakes/{intake_id}/segments",
            body={"sequence": sequence, "speaker": speaker, "text": text},
        )
        assert status == 200, body
    return body


def test_a_conversation_fills_the_form_segment_by_segment(intake_stores):
    intake_id = create_draft()
    status, body = call(
        "POST",
        f"/intakes/{intake_id}/segments",
        body={"sequence": 0, "speaker": "staff", "text": CONVERSATION[0][1]},
    )
    assert status == 200
    assert body["fields"] == {}
    assert body["next_sequence"] == 1
    for sequence, (speaker, text) in enumerate(CONVERSATION[1:], start=1):
        status, body = call(
            "POST",
            f"/intakes/{intake_id}/segments",
            body={"sequence": sequence, "speaker": speaker, "text": text},
        )
        assert status == 200
    values = {name: field["value"] for name, field in body["fields"].items()}
    assert values == {
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
    assert all(field["source"] == "transcript" for field in body["fields"].values())


def test_only_structured_fields_reach_the_table_and_only_one_raw_snapshot_exists(intake_stores):
    intake_id = create_draft()
    talk(intake_id)
    item = intake_stores.dynamodb.get_item(TableName=INTAKES_TABLE, Key={"intake_id": {"S": intake_id}})[
        "Item"
    ]
    assert "marido" not in json.dumps(item)
    assert intake_stores.object_keys("drafts/") == [f"drafts/{intake_id}/{len(CONVERSATION):06d}.json"]
    head = intake_stores.s3.head_object(
        Bucket=intake_stores.bucket, Key=f"drafts/{intake_id}/{len(CONVERSATION):06d}.json"
    )
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == intake_stores.kms_key_arn


def test_submit_keeps_only_the_redacted_transcript(intake_stores):
    intake_id = create_draft()
    talk(intake_id)
    status, body = call("POST", f"/intakes/{intake_id}/submit")
    assert status == 200, body
    assert body["status"] == "submitted"
    assert body["submitted_at"]
    assert body["duration_s"] >= 0
    assert intake_stores.object_keys("drafts/") == []
    versions = intake_stores.s3.list_object_versions(Bucket=intake_stores.bucket, Prefix="drafts/")
    assert not versions.get("Versions")
    assert not versions.get("DeleteMarkers")
    stored = json.loads(
        intake_stores.s3.get_object(Bucket=intake_stores.bucket, Key=f"redacted/{intake_id}.json")[
            "Body"
        ].read()
    )
    for value in ["Fatima", "Amrani", "X1234567L", "seis uno dos"]:
        assert value not in stored["redacted"]
    assert "necesitamos comida" in stored["redacted"]
    item = intake_stores.dynamodb.get_item(TableName=INTAKES_TABLE, Key={"intake_id": {"S": intake_id}})[
        "Item"
    ]
    # The table's TTL removes it after the retention of submitted intakes (the function's
    # SUBMITTED_INTAKE_RETENTION_DAYS, 1826 days here), counted from the submission.
    submitted_at = dt.datetime.fromisoformat(body["submitted_at"].replace("Z", "+00:00"))
    assert int(item["expires_at"]["N"]) == int((submitted_at + dt.timedelta(days=1826)).timestamp())
    assert item["status"]["S"] == "submitted"


def test_a_replayed_submit_gets_the_first_answer_and_later_changes_are_refused(intake_stores):
    intake_id = create_draft()
    talk(intake_id)
    first = call("POST", f"/intakes/{intake_id}/submit")
    assert call("POST", f"/intakes/{intake_id}/submit") == first
    status, body = call("POST", f"/intakes/{intake_id}/segments", body={"sequence": 9, "text": "otra cosa"})
    assert (status, body["error"]) == (409, "not_a_draft")
    status, body = call("PATCH", f"/intakes/{intake_id}/fields", body={"fields": {"given_name": "Ana"}})
    assert (status, body["error"]) == (409, "not_a_draft")


def test_replayed_segments_change_nothing_and_gaps_are_refused(intake_stores):
    intake_id = create_draft()
    first = call(
        "POST", f"/intakes/{intake_id}/segments", body={"sequence": 0, "text": "Me llamo Amina Diallo."}
    )
    again = call(
        "POST", f"/intakes/{intake_id}/segments", body={"sequence": 0, "text": "Me llamo Amina Diallo."}
    )
    assert first == again
    assert first[1]["version"] == 1
    status, body = call("POST", f"/intakes/{intake_id}/segments", body={"sequence": 5, "text": "hola"})
    assert (status, body["error"], body["expected_sequence"]) == (409, "segment_out_of_order", 1)


def test_create_with_an_idempotency_key_creates_once(intake_stores):
    headers = {"Idempotency-Key": "tablet-7-0001"}
    first = call("POST", "/intakes", headers=headers)
    second = call("POST", "/intakes", headers=headers)
    assert first == second
    assert first[0] == 201
    assert call("POST", "/intakes", headers={"Idempotency-Key": "short"})[0] == 400


def test_corrections_win_and_an_invalid_document_needs_confirmation(intake_stores):
    intake_id = create_draft()
    call(
        "POST",
        f"/intakes/{intake_id}/segments",
        body={"sequence": 0, "text": "Me llamo Amina Diallo, mi DNI es 12345678A y necesito comida."},
    )
    status, body = call("POST", f"/intakes/{intake_id}/submit")
    assert status == 422
    assert body["error"] == "submission_refused"
    assert [problem["field"] for problem in body["problems"]] == ["document_number"]
    status, body = call(
        "PATCH",
        f"/intakes/{intake_id}/fields",
        body={"fields": {"surnames": "Diallo Ba", "birth_date": "31/12/1990"}},
    )
    assert (status, body["error"], body["field"]) == (422, "invalid_field", "birth_date")
    status, body = call("GET", f"/intakes/{intake_id}")
    assert body["fields"]["surnames"]["value"] == "Diallo"  # the refused request wrote nothing
    status, body = call("PATCH", f"/intakes/{intake_id}/fields", body={"fields": {"surnames": "Diallo Ba"}})
    assert body["fields"]["surnames"] == {"value": "Diallo Ba", "confidence": 1.0, "source": "technician"}
    status, body = call("POST", f"/intakes/{intake_id}/submit", body={"confirm_invalid_document": True})
    assert status == 200
    assert body["invalid_document_confirmed"] is True
    assert body["fields"]["document_number"]["value"] == "12345678A"


def test_another_offices_intake_looks_missing(intake_stores):
    intake_id = create_draft()
    assert call("GET", f"/intakes/{intake_id}", claims=OTHER_OFFICE)[0] == 404
    status, _ = call(
        "POST", f"/intakes/{intake_id}/segments", claims=OTHER_OFFICE, body={"sequence": 0, "text": "x"}
    )
    assert status == 404
    assert call("GET", f"/intakes/{intake_id}", claims=COORDINATOR)[0] == 200


def test_list_by_office_and_day_pages_without_personal_data(intake_stores):
    ids = {create_draft() for _ in range(3)}
    call("POST", "/intakes", claims=OTHER_OFFICE)
    status, page = call("GET", "/intakes", query={"limit": "2"})
    assert status == 200
    assert len(page["intakes"]) == 2
    assert page["next_cursor"]
    status, rest = call("GET", "/intakes", query={"limit": "2", "cursor": page["next_cursor"]})
    listed = {summary["intake_id"] for summary in page["intakes"] + rest["intakes"]}
    assert listed == ids
    assert set(page["intakes"][0]) == {
        "intake_id",
        "office",
        "created_at",
        "status",
        "updated_at",
        "submitted_at",
        "segment_count",
    }
    assert call("GET", "/intakes", query={"date": "2020-01-01"})[1]["intakes"] == []
    assert call("GET", "/intakes", claims=OTHER_OFFICE, query={"cursor": page["next_cursor"]})[0] == 400


@pytest.mark.parametrize(
    ("method", "path", "body", "query", "status", "error"),
    [
        ("POST", "/intakes/{id}/segments", "{not json", None, 400, "invalid_json"),
        ("POST", "/intakes/{id}/segments", "[1, 2]", None, 400, "invalid_body"),
        ("POST", "/intakes/{id}/segments", None, None, 400, "invalid_body"),
        ("POST", "/intakes/{id}/segments", {"sequence": "0", "text": "hola"}, None, 422, "invalid_body"),
        ("POST", "/intakes/{id}/segments", {"sequence": -1, "text": "hola"}, None, 422, "invalid_body"),
        ("POST", "/intakes/{id}/segments", {"sequence": 0, "text": ""}, None, 422, "invalid_body"),
        (
            "POST",
            "/intakes/{id}/segments",
            {"sequence": 0, "text": "hola", "admin": True},
            None,
            422,
            "invalid_body",
        ),
        (
            "POST",
            "/intakes/{id}/segments",
            {"sequence": 0, "text": "x", "speaker": "robot"},
            None,
            422,
            "invalid_body",
        ),
        (
            "POST",
            "/intakes/{id}/segments",
            {"sequence": 0, "text": "a" * 70_000},
            None,
            413,
            "body_too_large",
        ),
        ("PATCH", "/intakes/{id}/fields", {"fields": {}}, None, 422, "invalid_body"),
        (
            "PATCH",
            "/intakes/{id}/fields",
            {"fields": {"phone": "=cmd|' /C calc'!A0"}},
            None,
            422,
            "invalid_field",
        ),
        ("POST", "/intakes/{id}/submit", {"confirm_invalid_document": "yes"}, None, 422, "invalid_body"),
        ("GET", "/intakes/../../etc/passwd", None, None, 404, None),
        ("GET", "/intakes/not-an-id", None, None, 404, "not_found"),
        ("GET", "/intakes", None, {"date": "2026-02-30"}, 400, "invalid_query"),
        ("GET", "/intakes", None, {"limit": "1000"}, 400, "invalid_query"),
        (
            "GET",
            "/intakes",
            None,
            {"from": "2026-01-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"},
            400,
            "invalid_query",
        ),
        ("GET", "/intakes", None, {"cursor": "%%%"}, 400, "invalid_cursor"),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_reason_and_write_nothing(  # noqa: PLR0917 - one per column
    intake_stores, method, path, body, query, status, error
):
    intake_id = create_draft()
    before = intake_stores.dynamodb.scan(TableName=INTAKES_TABLE)["Items"]
    got_status, got = call(method, path.replace("{id}", intake_id), body=body, query=query)
    assert got_status == status
    if error is not None:
        assert got["error"] == error
        assert got["message"]
    assert intake_stores.dynamodb.scan(TableName=INTAKES_TABLE)["Items"] == before
    assert intake_stores.object_keys("drafts/") == []


def test_callers_need_a_user_a_group_and_an_office(intake_stores):
    assert call("POST", "/intakes", claims=None)[0] == 401
    assert call("POST", "/intakes", claims={**TECHNICIAN, "cognito:groups": "[]"})[0] == 403
    assert call("POST", "/intakes", claims=COORDINATOR)[0] == 403  # coordinators read, never write
    status, body = call("POST", "/intakes", claims={"sub": "x", "cognito:groups": "[technician]"})
    assert (status, body["error"]) == (403, "no_office")


def test_logs_never_carry_the_persons_data(intake_stores, caplog):
    structured = io.StringIO()
    intake_api.logger.registered_handler.setStream(structured)  # the JSON lines Lambda would ship
    caplog.set_level(logging.INFO)  # and everything else logged at the level we ship, tracebacks included
    intake_id = create_draft()
    talk(intake_id)
    call(
        "PATCH",
        f"/intakes/{intake_id}/fields",
        body={"fields": {"given_name": "Fatima Zahra", "birth_date": "bad"}},
    )
    call(
        "POST", f"/intakes/{intake_id}/segments", body={"sequence": 99, "text": "Fatima X1234567L 612345678"}
    )
    call("POST", f"/intakes/{intake_id}/submit")
    logs = structured.getvalue() + caplog.text
    assert intake_id in logs  # the log is there, and it names the intake…
    for value in PERSONAL_DATA:
        assert value not in logs  # …but never the person


@pytest.mark.parametrize(
    ("description", "path", "kwargs", "status", "error"),
    [
        (
            "NUL in a segment",
            "/intakes/{id}/segments",
            {"body": '{"sequence": 0, "text": "Ana\\u0000"}'},
            422,
            "invalid_body",
        ),
        (
            "RTL override",
            "/intakes/{id}/segments",
            {"body": '{"sequence": 0, "text": "X\\u202e1"}'},
            422,
            "invalid_body",
        ),
        (
            "zero-width only",
            "/intakes/{id}/segments",
            {"body": '{"sequence": 0, "text": "\\u200b"}'},
            422,
            "invalid_body",
        ),
        (
            "lone surrogate",
            "/intakes/{id}/segments",
            {"body": '{"sequence": 0, "text": "\\ud800"}'},
            422,
            "invalid_body",
        ),
        (
            "not UTF-8",
            "/intakes/{id}/segments",
            {"body": b'{"sequence": 0, "text": "\xff\xfe"}'},
            400,
            "invalid_body",
        ),
        (
            "nested too deeply",
            "/intakes/{id}/segments",
            {"body": "[" * 25_000 + "]" * 25_000},
            400,
            "invalid_json",
        ),
        (
            "non-ASCII idempotency key",
            "/intakes",
            {"headers": {"Idempotency-Key": "clave-ñandú-0001"}},
            400,
            "invalid_header",
        ),
    ],
)
def test_unreadable_text_is_refused_before_anything_is_written(  # noqa: PLR0917 - one per column
    intake_stores, description, path, kwargs, status, error
):
    """Found by the malformed-request set of the reliability bench: each of these was accepted
    (a segment holding control characters or nothing readable, bytes replaced by U+FFFD) or failed
    with a 500."""
    intake_id = create_draft()
    before = intake_stores.dynamodb.scan(TableName=INTAKES_TABLE)["Items"]
    got_status, got = call("POST", path.replace("{id}", intake_id), **kwargs)
    assert (got_status, got["error"]) == (status, error), description
    assert got["message"]
    assert intake_stores.dynamodb.scan(TableName=INTAKES_TABLE)["Items"] == before


def test_a_timestamp_with_a_nul_is_not_a_timestamp(intake_stores):
    # datetime.fromisoformat ignores what follows a NUL: the query parser must not.
    query = {"from": "2026-01-01T00:00:00Z\x00junk", "to": "2026-01-02T00:00:00Z"}
    status, body = call("GET", "/intakes", query=query)
    assert (status, body["error"]) == (400, "invalid_query")


def test_a_reason_echoing_an_unpaired_surrogate_is_still_valid_utf8(intake_stores):
    intake_id = create_draft()
    event = http_api_event(
        "PATCH", f"/intakes/{intake_id}/fields", claims=TECHNICIAN, body='{"fields": {"x\\ud800": "y"}}'
    )
    response = intake_api.handler(event, LocalLambdaContext("intake_api"))
    assert response["statusCode"] == 422
    response["body"].encode("utf-8")  # the local API and API Gateway send it as UTF-8


def test_an_unreachable_backend_is_a_503_and_a_request_in_flight_a_409(intake_stores, monkeypatch):
    """During an outage of the storage (the emulator restarted, a network fault) the API answers
    503 with a reason, never a bare 500; the same idempotent request while its first run is still
    recorded as in progress gets 409 request_in_progress: both tell the client to retry."""
    intake_id = create_draft()

    def unreachable(*_args: Any, **_kwargs: Any) -> Any:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1")

    monkeypatch.setattr(dependencies().intakes, "get", unreachable)
    status, body = call("GET", f"/intakes/{intake_id}")
    assert (status, body["error"]) == (503, "backend_unavailable")
    assert body["message"] == "storage is unavailable; retry later"

    def in_progress(*_args: Any, **_kwargs: Any) -> Any:
        raise IdempotencyAlreadyInProgressError("in progress")

    monkeypatch.setattr(intake_api, "_once", in_progress)
    status, body = call("POST", f"/intakes/{intake_id}/submit")
    assert (status, body["error"]) == (409, "request_in_progress")


def test_a_submit_cut_short_before_the_transcript_was_deleted_is_finished_by_its_retry(
    intake_stores, monkeypatch
):
    """An outage between saving the submitted intake and deleting its raw transcript answers 503;
    the client's retry (a new idempotency record once the first expired, or another body) finds
    the intake submitted, deletes what the first run left, and is refused as not a draft."""
    intake_id = create_draft()
    talk(intake_id)
    transcripts = dependencies().intakes._transcripts
    delete_all_drafts = transcripts.delete_all_drafts

    def outage(_intake_id: str) -> int:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1")

    monkeypatch.setattr(transcripts, "delete_all_drafts", outage)
    assert call("POST", f"/intakes/{intake_id}/submit")[0] == 503
    assert intake_stores.object_keys("drafts/") != []  # the raw transcript is still there
    monkeypatch.setattr(transcripts, "delete_all_drafts", delete_all_drafts)
    status, body = call("POST", f"/intakes/{intake_id}/submit", body={"confirm_invalid_document": True})
    assert (status, body["error"]) == (409, "not_a_draft")
    assert intake_stores.object_keys("drafts/") == []
    assert call("GET", f"/intakes/{intake_id}")[1]["status"] == "submitted"

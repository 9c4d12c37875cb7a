"""Office isolation and the audit trail on the local stack: users of two offices signed in to the
emulator's Cognito, the API behind the local JWT authorizer, the functions with the environment
Terraform gives them, the audit bucket as Terraform made it (Object Lock, governance mode).

A technician of office A gets 404 for every action on office B's intake and never sees it in a
list; a coordinator of A reads neither B's reports nor B's forecast; a ``dpo`` has no technician
or coordinator powers. Each action leaves exactly one audit event, and ``acogida privacy audit``
reads an intake's history back: exactly its actions, and none of the person's data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from acogida.etl.workforce import load_workforce_config
from acogida.local.intake_demo import (
    DEMO_PASSWORD,
    ApiClient,
    DemoUser,
    demo_conversations,
    ensure_demo_users,
    sign_in,
)
from acogida.local.runtime import local_runtime
from acogida.privacy.commands import PrivacyContext, audit_command
from tests.conftest import find_free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

OFFICE_A = "oficina-norte"
OFFICE_B = "oficina-sur"
TECHNICIAN_A = DemoUser("tecnica.norte@acogida.local", "technician", OFFICE_A)
TECHNICIAN_B = DemoUser("tecnica.sur@acogida.local", "technician", OFFICE_B)
COORDINATOR_A = DemoUser("coordinadora.norte@acogida.local", "coordinator", OFFICE_A)
COORDINATOR_B = DemoUser("coordinadora.sur@acogida.local", "coordinator", OFFICE_B)
DPO = DemoUser("dpo.norte@acogida.local", "dpo", OFFICE_A)
USERS = (TECHNICIAN_A, TECHNICIAN_B, COORDINATOR_A, COORDINATOR_B, DPO)
RUN_ID = "5d0c6a1e-2b3c-4d5e-8f90-0123456789ab"


@dataclass(frozen=True)
class TwoOffices:
    clients: dict[str, ApiClient]  # by username
    subs: dict[str, str]  # each user's Cognito sub: the actor of their audit events
    context: PrivacyContext  # what acogida privacy reads the deployment with
    outputs: dict[str, Any]
    target: Any

    def api(self, user: DemoUser) -> ApiClient:
        return self.clients[user.username]


@pytest.fixture(scope="module")
def offices(deployment, tmp_path_factory) -> Iterator[TwoOffices]:
    """The local runtime (API and pumps, no front) on the deployment, users of two offices."""
    outputs = deployment.outputs
    cognito = deployment.target.client("cognito-idp")
    pool = outputs["cognito_user_pool_id"]
    ensure_demo_users(cognito, pool, USERS)
    subs = {
        user.username: next(
            attribute["Value"]
            for attribute in cognito.admin_get_user(UserPoolId=pool, Username=user.username)["UserAttributes"]
            if attribute["Name"] == "sub"
        )
        for user in USERS
    }
    workdir = tmp_path_factory.mktemp("office-isolation")
    with local_runtime(
        outputs,
        deployment.emulator.endpoint,
        find_free_port(),
        workdir / "runtime.jsonl",
        mlops_workdir=workdir / "mlops",
    ) as runtime:
        clients = {
            user.username: ApiClient(
                runtime.api.url,
                sign_in(cognito, outputs["cognito_user_pool_client_id"], user.username, DEMO_PASSWORD),
            )
            for user in USERS
        }
        yield TwoOffices(
            clients, subs, PrivacyContext(outputs, deployment.target), outputs, deployment.target
        )


def history(offices: TwoOffices, intake_id: str) -> list[dict[str, Any]]:
    """The intake's events as ``acogida privacy audit --intake-id ID --json`` prints them."""
    out = io.StringIO()
    arguments = argparse.Namespace(intake_id=intake_id, json=True, env="local", privacy_command="audit")
    assert audit_command(arguments, offices.context, out) == 0
    events: list[dict[str, Any]] = json.loads(out.getvalue())
    return events


def create(api: ApiClient) -> str:
    status, intake = api.call("POST", "/intakes")
    assert status == 201, intake
    return str(intake["intake_id"])


def listed(api: ApiClient) -> set[str]:
    status, page = api.call("GET", f"/intakes?date={dt.datetime.now(dt.UTC).date().isoformat()}&limit=100")
    assert status == 200, page
    return {summary["intake_id"] for summary in page["intakes"]}


def test_a_technician_never_reaches_another_offices_intake(offices):
    tech_a, tech_b = offices.api(TECHNICIAN_A), offices.api(TECHNICIAN_B)
    theirs = create(tech_b)
    status, before = tech_b.call(
        "POST", f"/intakes/{theirs}/segments", {"sequence": 0, "text": "Me llamo Amina Diallo."}
    )
    assert status == 200
    attempts = [
        ("GET", f"/intakes/{theirs}", None, "read"),
        ("POST", f"/intakes/{theirs}/segments", {"sequence": 1, "text": "Vivo en Getafe."}, "append_segment"),
        ("PATCH", f"/intakes/{theirs}/fields", {"fields": {"given_name": "Otra"}}, "correct"),
        ("POST", f"/intakes/{theirs}/submit", {"confirm_invalid_document": True}, "submit"),
    ]
    for method, path, body, _action in attempts:
        status, answer = tech_a.call(method, path, body)
        assert (status, answer["error"]) == (404, "not_found"), (method, path)
    assert theirs not in listed(tech_a)
    assert theirs not in listed(offices.api(COORDINATOR_A))
    assert theirs in listed(tech_b)
    status, after = tech_b.call("GET", f"/intakes/{theirs}")
    assert (status, after["version"], after["fields"]) == (200, before["version"], before["fields"])
    # Each attempt is on the intake's record as a refusal by A's technician.
    refused = [event for event in history(offices, theirs) if event["outcome"] == "refused"]
    assert [(event["action"], event["actor"], event["actor_office"]) for event in refused] == [
        (action, offices.subs[TECHNICIAN_A.username], OFFICE_A) for *_, action in attempts
    ]
    assert all(event["details"] == {"status": 404, "error": "not_found"} for event in refused)


def test_a_coordinator_reads_only_their_offices_reports_and_forecast(offices):
    s3 = offices.target.client("s3")
    reports = offices.outputs["s3_bucket_names"]["reports"]
    for office in (OFFICE_A, OFFICE_B):
        s3.put_object(Bucket=reports, Key=f"reports/{office}/{RUN_ID}/prevision-{office}.csv", Body=b"x")
    status, body = offices.api(COORDINATOR_A).call("GET", "/reports")
    assert status == 200
    files = [file["name"] for report in body["reports"] for file in report["files"]]
    assert files == [f"prevision-{OFFICE_A}.csv"]
    status, body = offices.api(COORDINATOR_B).call("GET", "/reports")
    assert [file["name"] for report in body["reports"] for file in report["files"]] == [
        f"prevision-{OFFICE_B}.csv"
    ]
    workforce_type = sorted(load_workforce_config().workforce_types)[0]
    query = f"/forecast?workforce_type={workforce_type}&start=2026-12-01&end=2026-12-07"
    status, body = offices.api(COORDINATOR_A).call("GET", f"{query}&location={OFFICE_B}")
    assert (status, body["error"]) == (403, "other_office")
    status, body = offices.api(COORDINATOR_A).call("GET", query)
    assert (status, body["location"]) == (200, OFFICE_A)
    assert offices.api(TECHNICIAN_A).call("GET", "/reports")[0] == 403  # reports are coordinators'


def test_a_dpo_has_no_technician_or_coordinator_powers(offices):
    theirs = create(offices.api(TECHNICIAN_A))
    dpo = offices.api(DPO)
    assert dpo.call("POST", "/intakes")[0] == 403
    assert dpo.call("GET", f"/intakes/{theirs}")[0] == 403
    assert dpo.call("GET", "/intakes")[0] == 403
    assert dpo.call("GET", "/reports")[0] == 403
    refused = history(offices, theirs)[-1]
    assert (refused["action"], refused["outcome"], refused["actor"]) == (
        "read",
        "refused",
        offices.subs[DPO.username],
    )
    assert refused["actor_groups"] == ["dpo"]


def test_the_audit_history_of_an_intake_is_exactly_its_actions(offices):
    api = offices.api(TECHNICIAN_A)
    conversation = demo_conversations()[0]
    intake_id = create(api)
    for sequence, (speaker, text) in enumerate(conversation.segments):
        status, intake = api.call(
            "POST", f"/intakes/{intake_id}/segments", {"sequence": sequence, "speaker": speaker, "text": text}
        )
        assert status == 200, intake
    status, intake = api.call(
        "PATCH", f"/intakes/{intake_id}/fields", {"fields": {"surnames": "Ortega Ruiz"}}
    )
    assert status == 200, intake
    status, submitted = api.call("POST", f"/intakes/{intake_id}/submit", {"confirm_invalid_document": True})
    assert status == 200, submitted
    # The lake pump delivers the intakes stream to export_submissions: wait for its one event.
    deadline = time.monotonic() + 90
    while "lake_export" not in [event["action"] for event in history(offices, intake_id)]:
        assert time.monotonic() < deadline, "the export wrote no lake_export event"
        time.sleep(1)
    status, read = api.call("GET", f"/intakes/{intake_id}")
    assert status == 200

    events = history(offices, intake_id)
    technician = offices.subs[TECHNICIAN_A.username]
    assert [(event["action"], event["outcome"], event["actor"]) for event in events] == [
        ("create", "ok", technician),
        *[("append_segment", "ok", technician)] * len(conversation.segments),
        ("correct", "ok", technician),
        ("submit", "ok", technician),
        ("lake_export", "ok", "function:export_submissions"),
        ("read", "ok", technician),
    ]
    assert [event["details"].get("sequence") for event in events[1 : 1 + len(conversation.segments)]] == list(
        range(len(conversation.segments))
    )
    assert events[-4]["details"] == {"fields": ["surnames"]}
    assert {event["office"] for event in events} == {OFFICE_A}
    assert {event["source"] for event in events} == {"127.0.0.1", "stream"}
    assert all(event["request_id"] for event in events)

    # None of the person's data: no field value, no word of the conversation.
    text = json.dumps(events).lower()
    values = [
        str(item)
        for field in read["fields"].values()
        for item in (field["value"] if isinstance(field["value"], list) else [field["value"]])
    ]
    words = {word for _, said in conversation.segments for word in re.findall(r"[^\W\d_]{7,}", said)}
    for secret in [value for value in values if len(value) >= 5] + sorted(words) + ["Ortega"]:
        assert secret.lower() not in text, secret

    # The table the command prints by default, and the event objects locked as Terraform set it.
    out = io.StringIO()
    arguments = argparse.Namespace(intake_id=intake_id, json=False, env="local", privacy_command="audit")
    assert audit_command(arguments, offices.context, out) == 0
    table = out.getvalue().splitlines()
    assert table[0].split() == ["at", "action", "outcome", "actor", "office", "source", "details"]
    assert len(table) == 1 + len(events)
    s3 = offices.target.client("s3")
    bucket = offices.outputs["audit_bucket"]
    key = s3.list_objects_v2(Bucket=bucket, Prefix=f"events/intake_id={intake_id}/")["Contents"][0]["Key"]
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["SSEKMSKeyId"] == offices.outputs["audit_kms_key_arn"]


def test_the_functions_that_act_on_records_get_the_audit_bucket(offices):
    environments = offices.outputs["lambda_environments"]
    for function in ("intake_api", "export_submissions"):
        assert environments[function]["AUDIT_BUCKET"] == offices.outputs["audit_bucket"]
        assert environments[function]["AUDIT_KMS_KEY_ARN"] == offices.outputs["audit_kms_key_arn"]
    for function in ("bulk_upload", "forecast_api", "transcription_start", "transcription_done"):
        assert "AUDIT_BUCKET" not in environments[function]
    lock = offices.target.client("s3").get_object_lock_configuration(Bucket=offices.outputs["audit_bucket"])
    retention = lock["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
    assert (retention["Mode"], retention["Days"]) == ("GOVERNANCE", 1)  # config/local.tfvars

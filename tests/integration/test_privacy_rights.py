"""The rights of access and erasure on the local stack: a technician records two people through the
intake API, the stream exports them to the lake; the technician gets 403 on the DPO routes; the
DPO's access request returns what the intake API returns, and the erasure leaves nothing of the
person in the table, the idempotency table, any object version or the lake, the other person
untouched; a second erasure finds nothing."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest

from acogida.adapters.privacy_stores import RightsSettings, person_stores
from acogida.local.intake_demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    ApiClient,
    DemoUser,
    ensure_demo_users,
    sign_in,
)
from acogida.privacy.commands import privacy_api_environment
from acogida.privacy.rights import Actor, export_person, requested_document

DPO_USER = DemoUser("dpo.test@acogida.local", "dpo")
# Documents no other integration test uses (the stack is shared by the session).
PEOPLE = {
    "A": ("Me llamo Rosa Ruiz Soto, mi NIE es Y2345678Z, vivo en Getafe y necesito un abogado.", "Y2345678Z"),
    "B": ("Me llamo Omar Said Lahlou, mi NIE es Z7654321H, vivo en Leganés y necesito comida.", "Z7654321H"),
}


@pytest.fixture(scope="module")
def people(local_stack) -> dict[str, Any]:
    outputs = local_stack.deployment.outputs
    cognito = local_stack.cognito
    ensure_demo_users(cognito, outputs["cognito_user_pool_id"], (*DEMO_USERS, DPO_USER))
    technician = ApiClient(
        local_stack.api.url, sign_in(cognito, local_stack.client_id, DEMO_USERS[0].username, DEMO_PASSWORD)
    )
    dpo = ApiClient(
        local_stack.api.url, sign_in(cognito, local_stack.client_id, DPO_USER.username, DEMO_PASSWORD)
    )
    views: dict[str, dict[str, Any]] = {}
    for person, (text, _) in PEOPLE.items():
        status, draft = technician.call(
            "POST", "/intakes", headers={"Idempotency-Key": f"privacy-it-{person}"}
        )
        assert status == 201, draft
        intake_id = draft["intake_id"]
        status, answer = technician.call(
            "POST", f"/intakes/{intake_id}/segments", {"sequence": 0, "text": text}
        )
        assert status == 200, answer
        status, answer = technician.call("POST", f"/intakes/{intake_id}/submit")
        assert status == 200, answer
        status, views[person] = technician.call("GET", f"/intakes/{intake_id}")
        assert status == 200
    s3 = local_stack.target.client("s3")
    raw = local_stack.raw_bucket
    deadline = time.monotonic() + 60
    wanted = {f"{view['intake_id']}.csv" for view in views.values()}
    while time.monotonic() < deadline:  # the runtime's lake pump exports the stream every second
        keys = {
            o["Key"].rsplit("/", 1)[-1]
            for o in s3.list_objects_v2(Bucket=raw, Prefix="submissions/").get("Contents", [])
        }
        if wanted <= keys:
            break
        time.sleep(1)
    else:
        pytest.fail("the submitted intakes did not reach the lake")
    return {"technician": technician, "dpo": dpo, "views": views}


def test_a_technician_is_refused_the_dpo_routes(people):
    for route in ("/privacy/access", "/privacy/erasure"):
        status, answer = people["technician"].call(
            "POST", route, {"document_number": PEOPLE["A"][1], "reason": "x"}
        )
        assert (status, answer["error"]) == (403, "forbidden")


def test_access_returns_what_the_intake_api_returns(people):
    status, export = people["dpo"].call(
        "POST", "/privacy/access", {"document_number": PEOPLE["A"][1].lower()}
    )
    assert status == 200, export
    assert export["intakes"] == [people["views"]["A"]]
    assert len(export["lake_rows"]) == 1
    assert "Omar" not in json.dumps(export, ensure_ascii=False)


def test_erasure_leaves_nothing_of_the_person(people, local_stack):
    dpo = people["dpo"]
    status, refused = dpo.call("POST", "/privacy/erasure", {"document_number": PEOPLE["A"][1]})
    assert (status, refused["field"]) == (422, "reason")
    status, receipt = dpo.call(
        "POST", "/privacy/erasure", {"document_number": PEOPLE["A"][1], "reason": "art. 17.1.b, case 7"}
    )
    assert status == 200, receipt
    a_id, b_id = people["views"]["A"]["intake_id"], people["views"]["B"]["intake_id"]
    assert receipt["intakes"]["deleted"] == [a_id]
    assert receipt["lake"]["objects_deleted"]
    assert all(a_id in key for key in receipt["lake"]["objects_deleted"])
    assert people["technician"].call("GET", f"/intakes/{a_id}")[0] == 404
    assert people["technician"].call("GET", f"/intakes/{b_id}") == (200, people["views"]["B"])

    outputs = local_stack.deployment.outputs
    target = local_stack.target
    dynamodb = target.client("dynamodb")
    for table in (outputs["dynamodb_intakes_table_name"], outputs["dynamodb_idempotency_table_name"]):
        items = json.dumps(dynamodb.scan(TableName=table)["Items"], ensure_ascii=False)
        for trace in (a_id, PEOPLE["A"][1], "Rosa"):
            assert trace not in items
    s3 = target.client("s3")
    for bucket in (outputs["s3_bucket_names"]["raw"], outputs["s3_bucket_names"]["transcripts"]):
        listing = s3.list_object_versions(Bucket=bucket)
        for version in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]:
            assert a_id not in version["Key"]
    assert any(
        b_id in v["Key"]
        for v in s3.list_object_versions(Bucket=outputs["s3_bucket_names"]["raw"])["Versions"]
    )

    audit = outputs["audit_bucket"]
    events = [
        json.loads(s3.get_object(Bucket=audit, Key=o["Key"])["Body"].read())
        for o in s3.list_objects_v2(Bucket=audit, Prefix=f"events/intake_id={a_id}/").get("Contents", [])
    ]
    assert [event["action"] for event in events if event["action"] == "erasure"] == ["erasure"]
    assert "case 7" not in json.dumps(events)

    status, again = dpo.call(
        "POST", "/privacy/erasure", {"document_number": PEOPLE["A"][1], "reason": "art. 17"}
    )
    assert (status, again["found"]) == (200, False)


def test_the_cli_path_finds_the_stores_from_the_outputs(people, local_stack):
    """What `acogida privacy export` does after finding the emulator: the stores named by the
    workspace's outputs, the caller from STS."""
    outputs = local_stack.deployment.outputs
    settings = RightsSettings.from_environment(privacy_api_environment(outputs))
    stores = person_stores(settings, local_stack.target, local_stack.deployment.language)
    principal = local_stack.target.client("sts").get_caller_identity()["Arn"]
    export = export_person(
        stores, requested_document(PEOPLE["B"][1]), Actor(f"cli:{principal}", "cli"), dt.datetime.now(dt.UTC)
    )
    assert export["intakes"] == [people["views"]["B"]]
    assert len(export["lake_rows"]) == 1

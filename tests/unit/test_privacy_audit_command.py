"""``acogida privacy audit``: an intake's history from the audit bucket (moto), as a table and as
JSON, and a clear refusal of a malformed id before anything is read."""

from __future__ import annotations

import argparse
import io
import json

from acogida.adapters.aws import AwsTarget
from acogida.cli import main
from acogida.privacy.commands import PrivacyContext, audit_command
from tests.unit.aws_fixtures import AUDIT_BUCKET, REGION
from tests.unit.test_intake_api import OTHER_OFFICE, PERSONAL_DATA, call, create_draft, talk


def context(stores) -> PrivacyContext:
    outputs = {
        "aws_region": REGION,
        "audit_bucket": AUDIT_BUCKET,
        "audit_kms_key_arn": stores.audit_kms_key_arn,
    }
    return PrivacyContext(outputs, AwsTarget(REGION))


def run(stores, intake_id: str, *, as_json: bool) -> str:
    out = io.StringIO()
    arguments = argparse.Namespace(intake_id=intake_id, json=as_json, env="local", privacy_command="audit")
    assert audit_command(arguments, context(stores), out) == 0
    return out.getvalue()


def test_the_history_of_an_intake_as_a_table_and_as_json(intake_stores):
    intake_id = create_draft()
    talk(intake_id)
    call("PATCH", f"/intakes/{intake_id}/fields", body={"fields": {"given_name": "Fatima"}})
    call("GET", f"/intakes/{intake_id}", claims=OTHER_OFFICE)  # refused: another office
    call("POST", f"/intakes/{intake_id}/submit")
    other = create_draft()

    events = json.loads(run(intake_stores, intake_id, as_json=True))
    actions = [(event["action"], event["outcome"]) for event in events]
    assert actions[0] == ("create", "ok")
    assert actions[-3:] == [("correct", "ok"), ("read", "refused"), ("submit", "ok")]
    assert {event["intake_id"] for event in events} == {intake_id}
    assert other not in json.dumps(events)

    table = run(intake_stores, intake_id, as_json=False).splitlines()
    assert table[0].split() == ["at", "action", "outcome", "actor", "office", "source", "details"]
    assert len(table) == 1 + len(events)
    refused = next(line for line in table if " refused " in line)
    assert "tech-0002" in refused
    assert "error=not_found" in refused
    assert "actor_office=sevilla-sur" in refused
    correction = next(line for line in table if " correct " in line)
    assert "fields=given_name" in correction
    for value in PERSONAL_DATA:
        assert value not in "\n".join(table)


def test_an_intake_without_events_says_so(intake_stores):
    assert run(intake_stores, "0" * 32, as_json=False) == f"no audit events for intake {'0' * 32}\n"
    assert json.loads(run(intake_stores, "0" * 32, as_json=True)) == []


def test_a_malformed_intake_id_is_refused_with_the_reason(capsys):
    for bad in ("X1234567L", "../" + "a" * 29, "A" * 32, ""):
        assert main(["privacy", "audit", "--intake-id", bad]) == 2
        error = capsys.readouterr().err
        assert "--intake-id: an intake id is 32 lowercase hexadecimal characters" in error

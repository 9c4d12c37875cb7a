"""The audit trail in the audit bucket (S3 Object Lock, governance mode): one JSON object per event.

Key: ``events/intake_id=<id>/<at>_<event_id>.json`` (``intake_id=none`` for events about no single
intake, such as a list or a person-level access request). One intake's history is one prefix
listing; Athena reads every object under ``events/`` (the table's location) for questions across
intakes. Each object is written once, under a key of its own (If-None-Match), so nothing
overwrites an event; the bucket's default retention keeps it from being deleted before it is due.
"""

from __future__ import annotations

import json
from typing import Any

from acogida.adapters.object_store import ObjectStore
from acogida.privacy.audit import AuditEvent, chronological

EVENTS_PREFIX = "events/"
NO_INTAKE = "none"


def event_key(event: AuditEvent) -> str:
    return f"{EVENTS_PREFIX}intake_id={event.intake_id or NO_INTAKE}/{event.at}_{event.event_id}.json"


class S3AuditLog:
    def __init__(self, s3_client: Any, bucket: str, kms_key_arn: str) -> None:  # noqa: ANN401
        self._store = ObjectStore(s3_client, bucket)
        self._kms_key_arn = kms_key_arn

    def append(self, event: AuditEvent) -> None:
        # One line of JSON: the format Athena's JSON SerDe reads.
        body = json.dumps(event.to_json(), separators=(",", ":")).encode("utf-8") + b"\n"
        self._store.put_encrypted_once(event_key(event), body, self._kms_key_arn, "application/json")

    def history(self, intake_id: str) -> list[AuditEvent]:
        keys = self._store.keys(f"{EVENTS_PREFIX}intake_id={intake_id}/")
        return chronological(AuditEvent.from_json(self._store.get_json(key)) for key in keys)

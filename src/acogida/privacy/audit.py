"""Audit events: who did what to which intake, when and from where, never the personal data itself.

One event per action on a person's record (a read, a correction, a submission, the analytics
export, an access request, an erasure). Events are appended to a store that cannot rewrite them
(the audit bucket, S3 Object Lock) and read back per intake (``acogida privacy audit``) or across
the platform through Athena.

What an event may carry is deliberately narrow: opaque ids (intake id, the user's ``sub``, the
request id), the office, group names, and ``details`` whose values are numbers, booleans or short
tokens (field names, error codes, counts). A free text value, a name or a document number cannot
pass ``check_detail_value``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

# Field names, error codes, ids, counts: letters, digits and a few separators, no spaces.
_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_.:/=@+-]{0,128}")
_INTAKE_ID = re.compile(r"[0-9a-f]{32}")


class AuditAction(StrEnum):
    CREATE = "create"
    READ = "read"
    LIST = "list"
    APPEND_SEGMENT = "append_segment"
    CORRECT = "correct"
    SUBMIT = "submit"
    LAKE_EXPORT = "lake_export"
    ACCESS_REQUEST = "access_request"
    ERASURE = "erasure"


class AuditOutcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"


class InvalidAuditEventError(ValueError):
    pass


DetailValue = int | bool | str | list[str]


def check_detail_value(name: str, value: object) -> DetailValue:
    """``value`` if it is a number, a boolean, a short token or a list of tokens; raises otherwise."""
    if isinstance(value, bool | int):
        return value
    if isinstance(value, str) and _SAFE_TOKEN.fullmatch(value):
        return value
    if isinstance(value, list) and all(
        isinstance(item, str) and _SAFE_TOKEN.fullmatch(item) for item in value
    ):
        return list(value)
    raise InvalidAuditEventError(
        f"audit detail {name!r}: only numbers, booleans and short tokens (no spaces) may be recorded"
    )


@dataclass(frozen=True)
class AuditEvent:
    event_id: str
    at: str  # ISO 8601 UTC with milliseconds, "2026-12-02T10:15:00.123Z"
    action: AuditAction
    outcome: AuditOutcome
    actor: str  # a Cognito sub, "function:<name>" or "cli:<principal arn>"
    actor_groups: tuple[str, ...]
    actor_office: str | None
    intake_id: str | None
    office: str | None  # the record's office
    source: str  # the caller's IP address, "stream", "cli"
    request_id: str | None
    details: Mapping[str, DetailValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.intake_id is not None and not _INTAKE_ID.fullmatch(self.intake_id):
            raise InvalidAuditEventError("audit intake_id: 32 lowercase hex characters")
        for name, value in self.details.items():
            if not _SAFE_TOKEN.fullmatch(name):
                raise InvalidAuditEventError(f"audit detail name {name!r}: a short token")
            check_detail_value(name, value)
        for text in (
            self.actor,
            self.source,
            self.actor_office or "",
            self.office or "",
            self.request_id or "",
        ):
            if not _SAFE_TOKEN.fullmatch(text):
                raise InvalidAuditEventError(f"audit field value {text!r}: a short token")

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "at": self.at,
            "action": self.action.value,
            "outcome": self.outcome.value,
            "actor": self.actor,
            "actor_groups": list(self.actor_groups),
            "actor_office": self.actor_office,
            "intake_id": self.intake_id,
            "office": self.office,
            "source": self.source,
            "request_id": self.request_id,
            "details": dict(self.details),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuditEvent:
        return cls(
            event_id=data["event_id"],
            at=data["at"],
            action=AuditAction(data["action"]),
            outcome=AuditOutcome(data["outcome"]),
            actor=data["actor"],
            actor_groups=tuple(data["actor_groups"]),
            actor_office=data.get("actor_office"),
            intake_id=data.get("intake_id"),
            office=data.get("office"),
            source=data["source"],
            request_id=data.get("request_id"),
            details=dict(data.get("details") or {}),
        )


def utc_timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def new_event(
    action: AuditAction,
    *,
    actor: str,
    source: str,
    actor_groups: Iterable[str] = (),
    actor_office: str | None = None,
    intake_id: str | None = None,
    office: str | None = None,
    request_id: str | None = None,
    outcome: AuditOutcome = AuditOutcome.OK,
    details: Mapping[str, DetailValue] | None = None,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    event_id: str | None = None,
) -> AuditEvent:
    """An event at ``clock()``. ``event_id`` (32 hex) is random unless given: an event that must be
    written once however often its cause is replayed (the export of an intake) takes an id and a
    time derived from that cause, so a replay rewrites the same key and adds nothing."""
    if event_id is not None and not _INTAKE_ID.fullmatch(event_id):
        raise InvalidAuditEventError("audit event_id: 32 lowercase hex characters")
    return AuditEvent(
        event_id=event_id or uuid.uuid4().hex,
        at=utc_timestamp(clock()),
        action=action,
        outcome=outcome,
        actor=actor,
        actor_groups=tuple(sorted(actor_groups)),
        actor_office=actor_office,
        intake_id=intake_id,
        office=office,
        source=source,
        request_id=request_id,
        details=dict(details or {}),
    )


def chronological(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Oldest first; events of the same millisecond in the order of a record's life (the order of
    ``AuditAction``: a submission before its export, which carries the submission's time)."""
    rank = {action: index for index, action in enumerate(AuditAction)}
    return sorted(events, key=lambda e: (e.at, rank[e.action], e.event_id))


class AuditLog(Protocol):
    """Append-only: an event once written is never changed or removed by the platform."""

    def append(self, event: AuditEvent) -> None: ...

    def history(self, intake_id: str) -> list[AuditEvent]:
        """The intake's events, oldest first."""
        ...


class MemoryAuditLog:
    """For tests and the domain's own checks."""

    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> None:
        self.events.append(event)

    def history(self, intake_id: str) -> list[AuditEvent]:
        return chronological(e for e in self.events if e.intake_id == intake_id)

"""One audit event per API request on a person's record (acogida.privacy.audit, docs/audit.md).

A route opens a ``RequestAudit`` for its action as soon as it starts, before the caller is even
checked, so that a refusal (another office's intake, a wrong group, a bad body) is recorded too.
The event is written exactly once per request:

- a write (create, segment, correction, submission) writes it through the intake service's
  ``before_commit``: after every check, just before the one write that commits the change. If the
  audit store cannot take it, nothing is committed and the API answers 503;
- a read, a list, a replay (nothing committed) and a refusal write it once the outcome is known and
  before the answer leaves: no data is answered without its event.

Who, from where and which request come from API Gateway's request context (the JWT claims, the
source IP, the request id), never from the request body. The event never holds a value of the
record: ids, the office, group names, field names, counts and error codes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from botocore.exceptions import BotoCoreError, ClientError

from acogida.handlers.http import groups_of, office_of
from acogida.privacy.audit import AuditAction, AuditLog, AuditOutcome, DetailValue, new_event

_TOKEN = re.compile(r"[A-Za-z0-9_.:/=@+-]{1,128}")
_INTAKE_ID = re.compile(r"[0-9a-f]{32}")
UNREADABLE = "unreadable"


class AuditUnavailableError(Exception):
    """The audit store did not take the event: the request fails (503), nothing is answered or
    committed without its event."""


class AuditAlreadyWrittenError(RuntimeError):
    """A second event for one request: a programming error, never a client's."""


def _token(value: object) -> str:
    text = str(value) if value is not None else ""
    return text if _TOKEN.fullmatch(text) else UNREADABLE


@dataclass
class RequestAudit:
    log: AuditLog
    action: AuditAction
    actor: str
    actor_groups: frozenset[str]
    actor_office: str | None
    source: str
    request_id: str | None
    intake_id: str | None = None  # from the path, when it is a well-formed id
    written: bool = field(default=False, init=False)

    @classmethod
    def open(
        cls,
        log: AuditLog,
        action: AuditAction,
        event: APIGatewayProxyEventV2,
        intake_id: str | None = None,
    ) -> RequestAudit | None:
        """The request's recorder; None without a signed-in user (API Gateway's authorizer answers
        those 401 before the function runs: there is nobody to record)."""
        context = event.request_context
        claims: Mapping[str, Any] = context.authorizer.jwt_claim or {}
        user = claims.get("sub")
        if not user:
            return None
        return cls(
            log=log,
            action=action,
            actor=_token(user),
            actor_groups=frozenset(_token(group) for group in groups_of(claims.get("cognito:groups"))),
            actor_office=office_of(dict(claims)),
            source=_token(context.http.source_ip),
            request_id=_token(context.request_id) if context.request_id else None,
            intake_id=intake_id if intake_id and _INTAKE_ID.fullmatch(intake_id) else None,
        )

    def record(
        self,
        *,
        office: str | None,
        intake_id: str | None = None,
        outcome: AuditOutcome = AuditOutcome.OK,
        details: Mapping[str, DetailValue] | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        """Write the request's one event; raises AuditUnavailableError when the store fails."""
        if self.written:
            raise AuditAlreadyWrittenError(f"{self.action} already has its audit event")
        event = new_event(
            self.action,
            actor=self.actor,
            source=self.source,
            actor_groups=self.actor_groups,
            actor_office=self.actor_office,
            intake_id=intake_id or self.intake_id,
            office=office,
            request_id=self.request_id,
            outcome=outcome,
            details=details,
            clock=(lambda: at) if at is not None else (lambda: dt.datetime.now(dt.UTC)),
        )
        try:
            self.log.append(event)
        except (ClientError, BotoCoreError) as error:
            raise AuditUnavailableError(str(error)) from error
        self.written = True

    def refused(self, status: int, code: str) -> None:
        """The refusal's event, unless this request's event is already written (a change whose
        event went in before its commit failed: the event stands, see docs/audit.md)."""
        if not self.written:
            self.record(
                office=None,
                outcome=AuditOutcome.REFUSED,
                details={"status": status, "error": _token(code)},
            )

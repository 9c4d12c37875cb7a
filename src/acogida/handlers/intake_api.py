"""Intake API (API Gateway HTTP API, Cognito JWT authorizer, payload 2.0).

    POST  /intakes                          create a draft (Idempotency-Key header honoured)
    GET   /intakes?date=YYYY-MM-DD|from&to  list the office's intakes (newest first, paged)
    GET   /intakes/{intake_id}              read one
    POST  /intakes/{intake_id}/segments     append a transcript segment, returns the updated fields
    PATCH /intakes/{intake_id}/fields       the technician's corrections
    POST  /intakes/{intake_id}/submit       validate and submit (replays get the first answer)

The office and the user come from the token's claims (``custom:office``, ``cognito:groups``,
``sub``), never from the request. Every refusal is a 4xx JSON ``{"error", "message"}`` (a 503 when
the storage cannot be reached: the client retries) and nothing is written before the request is
known to be valid. Logs carry ids, counts and field names only:
never transcript text, names, documents or phones.

Every request by a signed-in user writes exactly one audit event (acogida.handlers.audit_trail,
docs/audit.md): a change's event just before its commit, a read's, a list's, a replay's or a
refusal's before the answer; when the audit store cannot take it the answer is 503 and nothing
was committed or disclosed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyInconsistentStateError,
    IdempotencyPersistenceLayerError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

from acogida.handlers.audit_trail import AuditUnavailableError, RequestAudit
from acogida.handlers.http import (
    ApiError,
    Caller,
    backend_unavailable,
    caller_from_claims,
    json_body,
    json_response,
)
from acogida.handlers.runtime import dependencies
from acogida.intake.extract import FIELD_NAMES
from acogida.intake.record import (
    MAX_SEGMENT_CHARS,
    Intake,
    IntakeError,
    InvalidCorrectionError,
    Segment,
    SegmentOutOfOrderError,
    SubmissionRefusedError,
    parse_iso_utc,
    text_problem,
)
from acogida.intake.service import OFFICE_TIME_ZONE, IntakePage
from acogida.intake.view import intake_view as _intake_view
from acogida.privacy.audit import AuditAction

MAX_BODY_BYTES = 64 * 1024
MAX_LIST_DAYS = 31
WRITER_GROUPS = frozenset({"technician"})
READER_GROUPS = frozenset({"technician", "coordinator"})

logger = Logger(service="intake_api")
tracer = Tracer(service="intake_api")
metrics = Metrics(namespace="Acogida", service="intake_api")
app = APIGatewayHttpResolver()


# --------------------------------------------------------------------------------------------------
# Request bodies
# --------------------------------------------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


BodyT = TypeVar("BodyT", bound=_Body)


class CreateRequest(_Body):
    pass


class SegmentRequest(_Body):
    sequence: StrictInt = Field(ge=0, description="0 for the first segment, then 1, 2, …")
    text: str = Field(min_length=1, max_length=MAX_SEGMENT_CHARS)
    speaker: Literal["staff", "person"] | None = None

    @field_validator("text")
    @classmethod
    def _readable(cls, text: str) -> str:
        problem = text_problem(text)
        if problem is not None:
            raise ValueError(problem)
        return text


class CorrectionRequest(_Body):
    fields: dict[str, Any] = Field(min_length=1, max_length=16)


class SubmitRequest(_Body):
    confirm_invalid_document: StrictBool = False


# --------------------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------------------


@app.post("/intakes")
@tracer.capture_method
def create_intake() -> Response[str]:
    audit = _open_audit(AuditAction.CREATE)
    caller = _caller(WRITER_GROUPS)
    _optional_body(CreateRequest)
    key = app.current_event.headers.get("idempotency-key")
    if key is not None:
        if not 8 <= len(key) <= 128 or not (key.isascii() and key.isprintable()):
            raise ApiError(400, "invalid_header", "Idempotency-Key: 8 to 128 printable ASCII characters")
        view = _once(_create, {"office": caller.office, "user": caller.user, "key": key})
    else:
        view = _intake_view(
            dependencies().intakes.create_draft(caller.office, caller.user, before_commit=_record_change())
        )
    if not audit.written:  # a replay of an idempotent create: the first draft, nothing created
        audit.record(intake_id=view["intake_id"], office=view["office"], details={"replay": True})
    logger.info("draft created", extra={"intake_id": view["intake_id"], "office": caller.office})
    metrics.add_metric(name="DraftsCreated", unit=MetricUnit.Count, value=1)
    return json_response(201, view)


@app.get("/intakes")
@tracer.capture_method
def list_intakes() -> Response[str]:
    audit = _open_audit(AuditAction.LIST)
    caller = _caller(READER_GROUPS)
    start, end = _period()
    limit = _limit()
    cursor = app.current_event.get_query_string_value("cursor")
    page = dependencies().intakes.list_by_office(caller.office, start, end, limit, cursor)
    audit.record(
        office=caller.office, details={"count": len(page.intakes), "next_page": bool(page.next_cursor)}
    )
    return json_response(200, _page_view(page))


@app.get("/intakes/<intake_id>")
@tracer.capture_method
def read_intake(intake_id: str) -> Response[str]:
    audit = _open_audit(AuditAction.READ, intake_id)
    caller = _caller(READER_GROUPS)
    intake = dependencies().intakes.get(_intake_id(intake_id), caller.office)
    audit.record(office=intake.office, details={"status": intake.status.value})
    return json_response(200, _intake_view(intake))


@app.post("/intakes/<intake_id>/segments")
@tracer.capture_method
def append_segment(intake_id: str) -> Response[str]:
    audit = _open_audit(AuditAction.APPEND_SEGMENT, intake_id)
    caller = _caller(WRITER_GROUPS)
    request = _body(SegmentRequest)
    details = {"sequence": request.sequence}
    intake = dependencies().intakes.append_segment(
        _intake_id(intake_id),
        caller.office,
        Segment(request.sequence, request.text, request.speaker),
        before_commit=_record_change(details),
    )
    if not audit.written:  # a segment already applied: the current state, nothing written
        audit.record(office=intake.office, details={**details, "replay": True})
    logger.info(
        "segment applied",
        extra={
            "intake_id": intake.intake_id,
            "sequence": request.sequence,
            "fields": sorted(intake.extracted),
        },
    )
    metrics.add_metric(name="SegmentsAppended", unit=MetricUnit.Count, value=1)
    return json_response(200, _intake_view(intake))


@app.patch("/intakes/<intake_id>/fields")
@tracer.capture_method
def correct_fields(intake_id: str) -> Response[str]:
    _open_audit(AuditAction.CORRECT, intake_id)
    caller = _caller(WRITER_GROUPS)
    request = _body(CorrectionRequest)
    # Field names only, never the values; the service has refused any name not in FIELD_NAMES
    # before before_commit runs.
    names = sorted(name for name in request.fields if name in FIELD_NAMES)
    intake = dependencies().intakes.correct(
        _intake_id(intake_id),
        caller.office,
        caller.user,
        request.fields,
        before_commit=_record_change({"fields": names}),
    )
    logger.info("fields corrected", extra={"intake_id": intake.intake_id, "fields": sorted(request.fields)})
    metrics.add_metric(name="FieldsCorrected", unit=MetricUnit.Count, value=len(request.fields))
    return json_response(200, _intake_view(intake))


@app.post("/intakes/<intake_id>/submit")
@tracer.capture_method
def submit_intake(intake_id: str) -> Response[str]:
    audit = _open_audit(AuditAction.SUBMIT, intake_id)
    caller = _caller(WRITER_GROUPS)
    request = _optional_body(SubmitRequest) or SubmitRequest()
    view = _once(
        _submit,
        {
            "intake_id": _intake_id(intake_id),
            "office": caller.office,
            "user": caller.user,
            "confirm_invalid_document": request.confirm_invalid_document,
        },
    )
    if not audit.written:  # a replay: the first answer, nothing submitted again
        audit.record(office=view["office"], details={"replay": True})
    logger.info("intake submitted", extra={"intake_id": view["intake_id"], "office": caller.office})
    metrics.add_metric(name="IntakesSubmitted", unit=MetricUnit.Count, value=1)
    return json_response(200, view)


# --------------------------------------------------------------------------------------------------
# Idempotent writes (Powertools idempotency, records in the idempotency table)
# --------------------------------------------------------------------------------------------------


def _create(request: dict[str, Any]) -> dict[str, Any]:
    intake = dependencies().intakes.create_draft(
        request["office"], request["user"], before_commit=_record_change()
    )
    return _intake_view(intake)


def _submit(request: dict[str, Any]) -> dict[str, Any]:
    confirmed = request["confirm_invalid_document"]
    intake = dependencies().intakes.submit(
        request["intake_id"],
        request["office"],
        request["user"],
        confirmed,
        before_commit=_record_change({"confirm_invalid_document": confirmed}, at_submission=True),
    )
    return _intake_view(intake)


def _once(work: Callable[[dict[str, Any]], dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """``work(request)`` once per distinct request for a day; a replay gets the first answer."""
    deps = dependencies()
    guarded = idempotent_function(
        work,
        data_keyword_argument="request",
        persistence_store=deps.idempotency_store,
        config=deps.idempotency_config,
        key_prefix=f"intake_api.{work.__name__.strip('_')}",
    )
    result: dict[str, Any] = guarded(request=request)
    return result


# --------------------------------------------------------------------------------------------------
# Errors: always JSON {"error", "message"}, never a stack trace or a person's data in the log
# --------------------------------------------------------------------------------------------------


@app.exception_handler(ApiError)
def _api_error(error: ApiError) -> Response[str]:
    logger.info("request refused", extra={"status": error.status, "error": error.code})
    return _refusal(error.status, {"error": error.code, "message": error.message, **error.details})


_STATUS_BY_ERROR = {
    "not_found": 404,
    "not_a_draft": 409,
    "segment_out_of_order": 409,
    "concurrent_change": 409,
    "transcript_too_long": 413,
    "invalid_field": 422,
    "submission_refused": 422,
}


@app.exception_handler(IntakeError)
def _intake_error(error: IntakeError) -> Response[str]:
    status = _STATUS_BY_ERROR.get(error.code, 400)
    body: dict[str, Any] = {"error": error.code, "message": error.message}
    if isinstance(error, SegmentOutOfOrderError):
        body["expected_sequence"] = error.expected
    if isinstance(error, InvalidCorrectionError):
        body["field"] = error.field_name
    if isinstance(error, SubmissionRefusedError):
        body["problems"] = [{"field": p.field, "reason": p.reason} for p in error.problems]
    logger.info("request refused", extra={"status": status, "error": error.code})
    return _refusal(status, body)


@app.exception_handler([ClientError, BotoCoreError, IdempotencyPersistenceLayerError])
def _aws_error(error: Exception) -> Response[str]:
    return backend_unavailable(error, logger, metrics, "storage")


@app.exception_handler([IdempotencyAlreadyInProgressError, IdempotencyInconsistentStateError])
def _request_in_progress(_error: Exception) -> Response[str]:
    """The same request (same idempotency key) is still running, or its first run was cut short
    and its record has not expired yet: the client retries later and gets the one answer."""
    logger.info("request refused", extra={"status": 409, "error": "request_in_progress"})
    return _refusal(
        409,
        {
            "error": "request_in_progress",
            "message": "the same request is being processed; retry in a few seconds",
        },
    )


@app.exception_handler(AuditUnavailableError)
def _audit_error(error: AuditUnavailableError) -> Response[str]:
    return _audit_unavailable(error)


def _audit_unavailable(error: AuditUnavailableError) -> Response[str]:
    """No action without its event: the change was not committed, the data not answered."""
    cause = error.__cause__ if isinstance(error.__cause__, Exception) else error
    return backend_unavailable(cause, logger, metrics, "the audit trail")


def _refusal(status: int, body: dict[str, Any]) -> Response[str]:
    """A 4xx answer, once its audit event is written (503 when the audit store fails)."""
    audit = app.context.get("audit")
    if isinstance(audit, RequestAudit):
        try:
            audit.refused(status, str(body["error"]))
        except AuditUnavailableError as error:
            return _audit_unavailable(error)
    return json_response(status, body)


# --------------------------------------------------------------------------------------------------
# Request helpers
# --------------------------------------------------------------------------------------------------


def _caller(allowed_groups: frozenset[str]) -> Caller:
    return caller_from_claims(app.current_event.request_context.authorizer.jwt_claim, allowed_groups)


class _Unaudited:
    """Stands in for the recorder of a request without a signed-in user (refused 401 at once)."""

    written = True

    def record(self, **_kwargs: Any) -> None:  # noqa: ANN401
        raise AssertionError("a request without a user reached an action")


def _open_audit(action: AuditAction, intake_id: str | None = None) -> RequestAudit | _Unaudited:
    """This request's audit recorder, opened before anything is checked so refusals are recorded."""
    audit = RequestAudit.open(dependencies().audit_log(), action, app.current_event, intake_id)
    if audit is None:
        return _Unaudited()
    app.context["audit"] = audit
    return audit


def _record_change(
    details: dict[str, Any] | None = None, *, at_submission: bool = False
) -> Callable[[Intake], None]:
    """The intake service's ``before_commit``: the change's event, written before its commit.
    A submission's event carries the submission's time (``submitted_at``), as its export will."""

    def record(intake: Intake) -> None:
        audit = app.context.get("audit")
        if not isinstance(audit, RequestAudit):
            return
        at = parse_iso_utc(intake.submitted_at) if at_submission and intake.submitted_at else None
        audit.record(intake_id=intake.intake_id, office=intake.office, details=details, at=at)

    return record


def _body(model: type[BodyT]) -> BodyT:
    body = _optional_body(model)
    if body is None:
        raise ApiError(400, "invalid_body", "a JSON object body is required")
    return body


def _optional_body(model: type[BodyT]) -> BodyT | None:
    return json_body(app.current_event, model, MAX_BODY_BYTES)


def _intake_id(raw: str) -> str:
    if len(raw) != 32 or not all(character in "0123456789abcdef" for character in raw):
        raise ApiError(404, "not_found", "no such intake")
    return raw


def _period() -> tuple[dt.datetime, dt.datetime]:
    """The day asked for (office time zone), or an explicit [from, to] of at most MAX_LIST_DAYS."""
    query = app.current_event
    day, start_text, end_text = (query.get_query_string_value(name) for name in ("date", "from", "to"))
    if day is not None and (start_text or end_text):
        raise ApiError(400, "invalid_query", "give either date or from/to, not both")
    if start_text or end_text:
        if not (start_text and end_text):
            raise ApiError(400, "invalid_query", "from and to go together")
        start, end = _timestamp("from", start_text), _timestamp("to", end_text)
        if end < start:
            raise ApiError(400, "invalid_query", "to is before from")
        if end - start > dt.timedelta(days=MAX_LIST_DAYS):
            raise ApiError(400, "invalid_query", f"at most {MAX_LIST_DAYS} days per query")
        return start, end
    try:
        local_day = dt.date.fromisoformat(day) if day else dt.datetime.now(OFFICE_TIME_ZONE).date()
    except ValueError:
        raise ApiError(400, "invalid_query", "date: an ISO date YYYY-MM-DD") from None
    start = dt.datetime.combine(local_day, dt.time.min, OFFICE_TIME_ZONE)
    return start, start + dt.timedelta(days=1) - dt.timedelta(milliseconds=1)


def _timestamp(name: str, text: str) -> dt.datetime:
    # fromisoformat ignores what follows a NUL; a timestamp is printable ASCII anyway.
    if not (text.isascii() and text.isprintable()):
        raise ApiError(400, "invalid_query", f"{name}: an ISO 8601 timestamp")
    try:
        moment = parse_iso_utc(text)
    except ValueError:
        raise ApiError(400, "invalid_query", f"{name}: an ISO 8601 timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=OFFICE_TIME_ZONE)


def _limit() -> int:
    raw = app.current_event.get_query_string_value("limit", "50") or "50"
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise ApiError(400, "invalid_query", "limit: a whole number from 1 to 100")
    return int(raw)


def _page_view(page: IntakePage) -> dict[str, Any]:
    return {
        "intakes": [summary.__dict__ for summary in page.intakes],
        "next_cursor": page.next_cursor,
    }


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    dependencies().idempotency_config.register_lambda_context(context)
    return app.resolve(event, context)

"""What the HTTP API functions share: the caller from the JWT claims, JSON bodies, refusals, JSON
answers.

API Gateway's Cognito authorizer has checked the token; the office and groups come from its
claims (``custom:office``, ``cognito:groups``, ``sub``), never from the request. Each route names
the groups it admits; a group not named (``dpo`` on the intake and forecast routes) grants nothing
there, and a user without a well-formed office is refused before anything is read.
"""

from __future__ import annotations

import binascii
import json
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)

# An office is a short token (as the bulk upload accepts it): it keys the office index and the
# reports prefix, so it can never hold a "/", a space or a wildcard.
OFFICE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{1,63}")


class ApiError(Exception):
    """A refusal: answered as JSON ``{"error": code, "message": message, **details}``."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:  # noqa: ANN401
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


@dataclass(frozen=True)
class Caller:
    user: str
    office: str
    groups: frozenset[str]


def groups_of(claim: Any) -> frozenset[str]:  # noqa: ANN401 - claim shapes vary
    """HTTP API passes array claims as a string "[a b]"; tests and the local runtime may pass lists."""
    if isinstance(claim, list):
        return frozenset(str(group) for group in claim)
    if isinstance(claim, str):
        return frozenset(claim.strip("[]").replace(",", " ").split())
    return frozenset()


def caller_from_claims(claims: dict[str, Any], allowed_groups: frozenset[str]) -> Caller:
    """The signed-in user, if they belong to one of ``allowed_groups`` and have an office."""
    user = claims.get("sub")
    if not user:
        raise ApiError(401, "unauthenticated", "a signed-in user is required")
    groups = groups_of(claims.get("cognito:groups"))
    if not groups & allowed_groups:
        raise ApiError(
            403, "forbidden", f"this action needs one of the groups {', '.join(sorted(allowed_groups))}"
        )
    office = office_of(claims)
    if office is None:
        raise ApiError(403, "no_office", "your user has no office (custom:office); ask an administrator")
    return Caller(user=str(user), office=office, groups=groups)


def office_of(claims: dict[str, Any]) -> str | None:
    """The user's office (``custom:office``), or None when absent or not a well-formed office."""
    office = claims.get("custom:office")
    if not isinstance(office, str) or not OFFICE_PATTERN.fullmatch(office.strip()):
        return None
    return office.strip()


def json_response(status: int, body: dict[str, Any]) -> Response[str]:
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # an unpaired surrogate from the request, echoed in a reason
        text = json.dumps(body)
    return Response(
        status_code=status,
        content_type="application/json",
        body=text,
        headers={"Cache-Control": "no-store"},
    )


def backend_unavailable(
    error: ClientError | BotoCoreError | Exception, logger: Logger, metrics: Metrics, what: str
) -> Response[str]:
    """A failed AWS call (an error answer, or no answer: the endpoint unreachable, a timeout) or a
    failed idempotency record: logged by its code (never the request), counted, answered 503 so
    that the client retries."""
    code = (
        error.response.get("Error", {}).get("Code", "Unknown")
        if isinstance(error, ClientError)
        else type(error).__name__
    )
    operation = getattr(error, "operation_name", None)
    logger.error("AWS call failed", extra={"aws_error_code": code, "operation": operation})
    metrics.add_metric(name="BackendErrors", unit=MetricUnit.Count, value=1)
    message = f"{what} is unavailable; retry later"
    return json_response(503, {"error": "backend_unavailable", "message": message})


def json_body(event: APIGatewayProxyEventV2, model: type[ModelT], max_bytes: int) -> ModelT | None:
    """The request's JSON object body validated as ``model``; None when there is no body.

    Every refusal names what is wrong (400 not UTF-8 or not JSON, 413 too large, 422 per field)
    and never echoes the body: pydantic's "input" would carry the person's data."""
    try:
        # API Gateway hands a body that is not text over in base64; JSON must be UTF-8.
        raw = event.decoded_body or ""
    except (UnicodeDecodeError, binascii.Error):
        raise ApiError(400, "invalid_body", "body: not UTF-8 text") from None
    if len(raw.encode("utf-8", errors="surrogatepass")) > max_bytes:
        raise ApiError(413, "body_too_large", f"the body holds at most {max_bytes} bytes")
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ApiError(
            400, "invalid_json", f"body: not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise ApiError(400, "invalid_json", "body: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", "body: a JSON object is required")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [
            {"field": ".".join(str(part) for part in problem["loc"]) or "body", "reason": problem["msg"]}
            for problem in error.errors()
        ]
        message = "; ".join(f"{p['field']}: {p['reason']}" for p in problems)
        raise ApiError(422, "invalid_body", message, problems=problems) from None

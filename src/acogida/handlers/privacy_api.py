"""Privacy API: the data-protection officer's routes (HTTP API, Cognito JWT, payload 2.0).

    POST /privacy/access    {"document_number", "reason"?}  everything held about the person (art. 15)
    POST /privacy/erasure   {"document_number", "reason"}   erase it; the receipt (art. 17)

Only the ``dpo`` group (403 otherwise); the DPO acts across offices, so no office is needed. The
document number travels in the body only, never in the path or query string (the API's access
log and every proxy on the way could keep those). Logs carry the request id and counts, never the
document, the reason or anything found.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field

from acogida.adapters.aws import AwsTarget
from acogida.adapters.privacy_stores import RightsSettings, person_stores
from acogida.handlers.http import ApiError, backend_unavailable, groups_of, json_body, json_response
from acogida.handlers.runtime import required_setting
from acogida.privacy.rights import (
    MAX_REASON_CHARS,
    Actor,
    PersonStores,
    RightsRequestError,
    erase_person,
    export_person,
    requested_document,
)

DPO_GROUP = "dpo"
MAX_BODY_BYTES = 8 * 1024

logger = Logger(service="privacy_api")
tracer = Tracer(service="privacy_api")
metrics = Metrics(namespace="Acogida", service="privacy_api")
app = APIGatewayHttpResolver()


class RightsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    document_number: str = Field(min_length=1, max_length=64)
    reason: str | None = Field(default=None, max_length=MAX_REASON_CHARS)


@app.post("/privacy/access")
@tracer.capture_method
def access() -> Response[str]:
    actor = _dpo()
    request = _body()
    export = export_person(_stores(), requested_document(request.document_number), actor, _now())
    logger.info(
        "access request answered",
        extra={"intakes": len(export["intakes"]), "lake_rows": len(export["lake_rows"])},
    )
    metrics.add_metric(name="AccessRequests", unit=MetricUnit.Count, value=1)
    return json_response(200, export)


@app.post("/privacy/erasure")
@tracer.capture_method
def erasure() -> Response[str]:
    actor = _dpo()
    request = _body()
    document = requested_document(request.document_number)
    receipt = erase_person(_stores(), document, request.reason or "", actor, _now())
    logger.info(
        "erasure done",
        extra={"found": receipt["found"], "intakes": len(receipt.get("intakes", {}).get("deleted", []))},
    )
    metrics.add_metric(name="Erasures", unit=MetricUnit.Count, value=1)
    return json_response(200, receipt)


@app.exception_handler(ApiError)
def _api_error(error: ApiError) -> Response[str]:
    logger.info("request refused", extra={"status": error.status, "error": error.code})
    return json_response(error.status, {"error": error.code, "message": error.message, **error.details})


@app.exception_handler(RightsRequestError)
def _rights_error(error: RightsRequestError) -> Response[str]:
    logger.info("request refused", extra={"status": 422, "error": "invalid_field", "field": error.field})
    return json_response(422, {"error": "invalid_field", "field": error.field, "message": str(error)})


@app.exception_handler([ClientError, BotoCoreError])
def _aws_error(error: Exception) -> Response[str]:
    # An erasure cut short is completed by sending the same request again.
    return backend_unavailable(error, logger, metrics, "storage")


def _dpo() -> Actor:
    event = app.current_event
    claims = event.request_context.authorizer.jwt_claim or {}
    user = claims.get("sub")
    if not user:
        raise ApiError(401, "unauthenticated", "a signed-in user is required")
    groups = groups_of(claims.get("cognito:groups"))
    if DPO_GROUP not in groups:
        raise ApiError(403, "forbidden", f"this action needs the group {DPO_GROUP}")
    office = claims.get("custom:office")
    return Actor(
        actor=str(user),
        source=event.request_context.http.source_ip or "unknown",
        groups=tuple(sorted(groups)),
        office=office.strip() if isinstance(office, str) and office.strip() else None,
        request_id=event.request_context.request_id or None,
    )


def _body() -> RightsRequest:
    request = json_body(app.current_event, RightsRequest, MAX_BODY_BYTES)
    if request is None:
        raise ApiError(400, "invalid_body", 'body: a JSON object {"document_number", "reason"} is required')
    return request


def _stores() -> PersonStores:
    """Built per request: the key ring is read afresh, so a rotation is seen at once (a DPO's
    request is rare; a few clients per request cost nothing that matters)."""
    home = required_setting("AWS_REGION")
    return person_stores(
        RightsSettings.from_environment(os.environ),
        AwsTarget(region=home),
        AwsTarget(region=os.environ.get("ACOGIDA_LANGUAGE_REGION") or home),
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

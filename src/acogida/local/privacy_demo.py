"""The demo's data-protection step: one person's record seen through the audit trail, then the
data-protection officer's access and erasure requests through the API (docs/privacy-rights.md).

It runs last, after the forecast: erasing a person rewrites the lake the forecast was trained on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from acogida.adapters.audit_log import S3AuditLog
from acogida.adapters.aws import AwsTarget
from acogida.local.intake_demo import (
    DEMO_PASSWORD,
    ApiClient,
    DemoError,
    DemoUser,
    ensure_demo_users,
    sign_in,
)
from acogida.privacy.commands import format_history

DEMO_DPO = DemoUser("dpo.demo@acogida.local", "dpo")
DEMO_REASON = "Demo: the person asked for the erasure of their data (GDPR art. 17)"


def run_privacy_demo(
    outputs: dict[str, Any],
    target: AwsTarget,
    *,
    api_url: str,
    technician: ApiClient,
    submitted: dict[str, Any],
    emit: Callable[[str], None],
) -> None:
    """``submitted``: the intake API's answer for a demo intake that holds a document number."""
    intake_id = submitted["intake_id"]
    document = (submitted["fields"].get("document_number") or {}).get("value")
    if not document:
        raise DemoError(f"demo intake {intake_id} has no document number to request")

    audit = S3AuditLog(target.client("s3"), outputs["audit_bucket"], outputs["audit_kms_key_arn"])
    events = audit.history(intake_id)
    emit(f"    audit trail of intake {intake_id} ({len(events)} events, no personal data in them):")
    for line in format_history(events).splitlines():
        emit(f"      {line}")

    cognito = target.client("cognito-idp")
    ensure_demo_users(cognito, outputs["cognito_user_pool_id"], (DEMO_DPO,))
    dpo = ApiClient(
        api_url, sign_in(cognito, outputs["cognito_user_pool_client_id"], DEMO_DPO.username, DEMO_PASSWORD)
    )
    emit(f"    signed in as {DEMO_DPO.username} (dpo); the document number travels in the body only")
    status, held = dpo.call("POST", "/privacy/access", {"document_number": document})
    _expect(status, 200, "access request", held)
    emit(
        f"    POST /privacy/access: {len(held['intakes'])} intake(s), {len(held['lake_rows'])} lake row(s), "
        f"{len(held['audio_objects'])} intake(s) with audio, "
        f"{held['idempotency_records']} idempotency record(s)"
    )
    status, refused = technician.call("POST", "/privacy/access", {"document_number": document})
    emit(f"    the same request by the technician: {status} {refused.get('error', '')}")

    status, receipt = dpo.call(
        "POST", "/privacy/erasure", {"document_number": document, "reason": DEMO_REASON}
    )
    _expect(status, 200, "erasure request", receipt)
    emit(
        f"    POST /privacy/erasure: receipt {receipt['request_id']}: "
        f"{len(receipt['intakes']['deleted'])} intake(s), "
        f"{receipt['transcripts']['versions_deleted']} transcript version(s), "
        f"{receipt['lake']['rows_removed']} lake row(s) erased"
    )
    status, again = dpo.call("POST", "/privacy/access", {"document_number": document})
    _expect(status, 200, "access request after the erasure", again)
    status, _body = technician.call("GET", f"/intakes/{intake_id}")
    emit(
        f"    afterwards: access finds {len(again['intakes'])} intake(s) and {len(again['lake_rows'])} lake "
        f"row(s); the technician's GET /intakes/{intake_id} answers {status}"
    )


def _expect(status: int, expected: int, what: str, body: dict[str, Any]) -> None:
    if status != expected:
        raise DemoError(f"{what}: HTTP {status} {body.get('error', '')}: {body.get('message', '')}")

"""The intake part of ``make demo``: demo users in the emulator's Cognito, and five sample
conversations sent segment by segment through the local API as the front would send them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from acogida.intake.extract import FIELD_NAMES

# Local emulator only: these users exist in moto on 127.0.0.1 and nowhere else.
DEMO_PASSWORD = "Acogida-Demo-2026!"  # noqa: S105 - printed by make demo, emulator only
DEMO_OFFICE = "madrid-centro"


@dataclass(frozen=True)
class DemoUser:
    username: str
    group: str
    office: str = DEMO_OFFICE


DEMO_USERS = (
    DemoUser("tecnica.demo@acogida.local", "technician"),
    DemoUser("coordinadora.demo@acogida.local", "coordinator"),
)


def demo_user_lines(users: list[DemoUser]) -> list[str]:
    """How ``make demo`` and ``make serve`` show the demo users' credentials (emulator only)."""
    return [
        f"    {user.group:<12} {user.username}  password {DEMO_PASSWORD}  office {user.office}"
        for user in users
    ]


@dataclass(frozen=True)
class Conversation:
    title: str
    segments: list[tuple[str, str]]


def demo_conversations() -> list[Conversation]:
    text = resources.files("acogida.local").joinpath("data/demo_conversations.json").read_text("utf-8")
    return [
        Conversation(item["title"], [(speaker, words) for speaker, words in item["segments"]])
        for item in json.loads(text)
    ]


def ensure_demo_users(
    cognito: Any,  # noqa: ANN401
    user_pool_id: str,
    users: tuple[DemoUser, ...] = DEMO_USERS,
) -> list[DemoUser]:
    """Create the demo users (confirmed, permanent password, group, office) unless present."""
    for user in users:
        try:
            cognito.admin_get_user(UserPoolId=user_pool_id, Username=user.username)
            continue
        except cognito.exceptions.UserNotFoundException:
            pass
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=user.username,
            UserAttributes=[
                {"Name": "email", "Value": user.username},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "custom:office", "Value": user.office},
            ],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=user_pool_id, Username=user.username, Password=DEMO_PASSWORD, Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=user.username, GroupName=user.group)
    return list(users)


def sign_in(cognito: Any, client_id: str, username: str, password: str) -> str:  # noqa: ANN401
    """The user's ID token (it carries the office and groups the API authorises with)."""
    response = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    token: str = response["AuthenticationResult"]["IdToken"]
    return token


class ApiClient:
    """JSON over HTTP to the intake API with a bearer token (urllib: no extra dependency)."""

    def __init__(self, base_url: str, token: str) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the local API on loopback
            self._base_url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self._token}",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


class DemoError(RuntimeError):
    pass


def run_conversation(
    api: ApiClient, conversation: Conversation, key: str, emit: Callable[[str], None]
) -> dict[str, Any]:
    """Create a draft, send the segments in order, submit (confirming an invalid document only after
    the API refused it with its reason, as the technician would); returns the submitted intake."""
    status, intake = api.call("POST", "/intakes", headers={"Idempotency-Key": key})
    if status != 201:
        raise DemoError(f"create draft: HTTP {status} {intake}")
    intake_id = intake["intake_id"]
    for sequence, (speaker, text) in enumerate(conversation.segments):
        status, intake = api.call(
            "POST", f"/intakes/{intake_id}/segments", {"sequence": sequence, "speaker": speaker, "text": text}
        )
        if status != 200:
            raise DemoError(f"segment {sequence}: HTTP {status} {intake}")
        emit(
            f"      segment {sequence + 1:>2}/{len(conversation.segments)}: {len(intake['fields']):>2} fields"
        )
    status, submitted = api.call("POST", f"/intakes/{intake_id}/submit")
    if status == 422 and submitted.get("error") == "submission_refused":
        emit(f"      submit refused (422): {submitted['message']}")
        if [problem["field"] for problem in submitted["problems"]] == ["document_number"]:
            emit("      the technician checks the card and confirms the document as written")
            status, submitted = api.call(
                "POST", f"/intakes/{intake_id}/submit", {"confirm_invalid_document": True}
            )
    if status != 200:
        raise DemoError(f"submit: HTTP {status} {submitted}")
    return submitted


def format_form(intake: dict[str, Any]) -> list[str]:
    fields = intake["fields"]
    lines = [f"      intake {intake['intake_id']} · {intake['status']} · {intake['duration_s']} s"]
    for name in FIELD_NAMES:
        if name not in fields:
            lines.append(f"        {name:<16} —")
            continue
        field = fields[name]
        value = field["value"]
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        lines.append(f"        {name:<16} {shown:<28} confidence {field['confidence']:.2f}")
    return lines

"""The local runtime's HTTP API on 127.0.0.1 against a moto server: Cognito sign-in, the JWT
authorizer's checks, API Gateway's answers for no route and bad tokens, and a conversation."""

from __future__ import annotations

import base64
import io
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from moto.server import ThreadedMotoServer

from acogida.adapters.aws import AwsTarget
from acogida.local.api import JwtAuthorizer, LocalHttpApi, TokenError
from acogida.local.events import http_api_event
from acogida.local.functions import LocalFunctions
from acogida.local.intake_demo import (
    DEMO_PASSWORD,
    ApiClient,
    demo_conversations,
    ensure_demo_users,
    format_form,
    run_conversation,
    sign_in,
)
from acogida.local.pump import BackgroundPump, TranscriptionPump
from tests.conftest import find_free_port
from tests.unit import aws_fixtures


@pytest.fixture
def local_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    port = find_free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # Moto's backends are global to this process: start from an empty account.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10)  # noqa: S310
    try:
        with monkeypatch.context() as patch:
            patch.setenv("AWS_ENDPOINT_URL", endpoint)
            for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
                patch.setenv(name, "testing")
            stores = aws_fixtures.create_intake_stores()
            cognito = boto3.client("cognito-idp", region_name=aws_fixtures.REGION)
            pool_id = cognito.create_user_pool(
                PoolName="acogida-test-users",
                UsernameAttributes=["email"],
                Schema=[{"Name": "office", "AttributeDataType": "String", "Mutable": True}],
            )["UserPool"]["Id"]
            client_id = cognito.create_user_pool_client(
                UserPoolId=pool_id, ClientName="front", ExplicitAuthFlows=["USER_PASSWORD_AUTH"]
            )["UserPoolClient"]["ClientId"]
            for group in ("technician", "coordinator"):
                cognito.create_group(UserPoolId=pool_id, GroupName=group)
            users = ensure_demo_users(cognito, pool_id)
            assert ensure_demo_users(cognito, pool_id) == users  # idempotent
        common = {
            "ACOGIDA_LANGUAGE_REGION": aws_fixtures.LANGUAGE_REGION,
            "ACOGIDA_DATA_REGION": aws_fixtures.REGION,
            "INTAKES_TABLE": aws_fixtures.INTAKES_TABLE,
            "INTAKES_OFFICE_INDEX": aws_fixtures.OFFICE_INDEX,
            "IDEMPOTENCY_TABLE": aws_fixtures.IDEMPOTENCY_TABLE,
            "TRANSCRIPTS_BUCKET": aws_fixtures.TRANSCRIPTS_BUCKET,
            "TRANSCRIPTS_KMS_KEY_ARN": stores.kms_key_arn,
            "TRANSCRIPTION_JOB_PREFIX": aws_fixtures.JOB_PREFIX,
            "COMPREHEND_ENABLED": "false",
            "SUBMITTED_INTAKE_RETENTION_DAYS": "30",
        }
        transcription = {
            **common,
            "AWS_REGION": aws_fixtures.LANGUAGE_REGION,
            "AUDIO_BUCKET": aws_fixtures.AUDIO_BUCKET,
            "AUDIO_KMS_KEY_ARN": stores.audio_kms_key_arn,
        }
        environments = {
            "intake_api": {
                **common,
                "AWS_REGION": aws_fixtures.REGION,
                "POWERTOOLS_SERVICE_NAME": "intake_api",
            },
            "transcription_start": {**transcription, "POWERTOOLS_SERVICE_NAME": "transcription_start"},
            "transcription_done": {**transcription, "POWERTOOLS_SERVICE_NAME": "transcription_done"},
        }
        queue_url = stores.audio_uploads_queue_url(endpoint)
        authorizer = JwtAuthorizer.for_user_pool(endpoint, aws_fixtures.REGION, pool_id, client_id)
        log = io.StringIO()
        functions = LocalFunctions(environments, endpoint, log)
        api = LocalHttpApi(lambda event: functions.invoke("intake_api", event), authorizer, find_free_port())
        api.start()
        try:
            language = AwsTarget(aws_fixtures.LANGUAGE_REGION, endpoint)
            pump = TranscriptionPump(
                functions,
                sqs=language.client("sqs"),
                transcribe=language.client("transcribe"),
                queue_url=queue_url,
                job_prefix=aws_fixtures.JOB_PREFIX,
                account="123456789012",
            )
            yield {
                "api": api,
                "cognito": AwsTarget(aws_fixtures.REGION, endpoint).client("cognito-idp"),
                "client_id": client_id,
                "users": users,
                "pump": pump,
                "language": language,
                "log": log,
                "environments": environments,
                "endpoint": endpoint,
            }
        finally:
            api.stop()
            functions.close()
    finally:
        server.stop()


def raw_call(url: str, method: str = "GET", bearer: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_gateway_answers_for_unknown_routes_and_bad_tokens(local_api):
    url = local_api["api"].url
    assert raw_call(f"{url}/nowhere") == (404, {"message": "Not Found"})
    assert raw_call(f"{url}/intakes") == (401, {"message": "Unauthorized"})
    assert raw_call(f"{url}/intakes", bearer="not.a.jwt") == (401, {"message": "Unauthorized"})
    token = sign_in(
        local_api["cognito"], local_api["client_id"], local_api["users"][0].username, DEMO_PASSWORD
    )
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert raw_call(f"{url}/intakes", bearer=forged)[0] == 401
    access = local_api["cognito"].initiate_auth(
        ClientId=local_api["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": local_api["users"][0].username, "PASSWORD": DEMO_PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    assert raw_call(f"{url}/intakes", bearer=access)[0] == 401  # the API takes ID tokens (office claim)
    assert raw_call(f"{url}/intakes", bearer=token)[0] == 200


def test_a_demo_conversation_goes_through_the_local_api(local_api):
    cognito, client_id = local_api["cognito"], local_api["client_id"]
    technician, coordinator = local_api["users"]
    client = ApiClient(local_api["api"].url, sign_in(cognito, client_id, technician.username, DEMO_PASSWORD))
    progress: list[str] = []
    conversation = demo_conversations()[3]  # the DNI with a wrong letter: refused, then confirmed
    submitted = run_conversation(client, conversation, "test-run-0001", progress.append)
    assert submitted["status"] == "submitted"
    assert submitted["invalid_document_confirmed"] is True
    assert any("submit refused (422)" in line for line in progress)
    assert "document_number  12345678A" in "\n".join(format_form(submitted))
    reader = ApiClient(local_api["api"].url, sign_in(cognito, client_id, coordinator.username, DEMO_PASSWORD))
    status, listed = reader.call("GET", "/intakes")
    assert status == 200
    assert [item["intake_id"] for item in listed["intakes"]] == [submitted["intake_id"]]
    assert reader.call("POST", "/intakes")[0] == 403


def test_functions_log_to_the_current_runtime_after_an_earlier_one_closed_its_log(local_api, tmp_path):
    """Each runtime hands the handlers' logger its own log; a closed one from before is not flushed."""
    claims = {"sub": "t-1", "cognito:groups": "[technician]", "custom:office": "getafe"}
    create = http_api_event("POST", "/intakes", claims=claims)
    with (tmp_path / "earlier.log").open("w", encoding="utf-8") as earlier_log:
        earlier = LocalFunctions(local_api["environments"], local_api["endpoint"], earlier_log)
        assert earlier.invoke("intake_api", create)["statusCode"] == 201
        earlier.close()
    with (tmp_path / "current.log").open("w", encoding="utf-8") as current_log:
        current = LocalFunctions(local_api["environments"], local_api["endpoint"], current_log)
        assert current.invoke("intake_api", create)["statusCode"] == 201
        current.close()
    assert "draft created" in (tmp_path / "current.log").read_text(encoding="utf-8")


def test_an_uploaded_recording_reaches_both_transcription_functions(local_api):
    """S3 notification → SQS → transcription_start → Transcribe job → state change →
    transcription_done, each function with its own environment, as on AWS."""
    cognito, client_id = local_api["cognito"], local_api["client_id"]
    client = ApiClient(
        local_api["api"].url, sign_in(cognito, client_id, local_api["users"][0].username, DEMO_PASSWORD)
    )
    status, draft = client.call("POST", "/intakes")
    assert status == 201
    s3 = local_api["language"].client("s3")
    s3.put_object(
        Bucket=aws_fixtures.AUDIO_BUCKET, Key=f"audio/{draft['intake_id']}/entrevista.wav", Body=b"RIFF"
    )
    s3.put_object(Bucket=aws_fixtures.AUDIO_BUCKET, Key="audio/not-an-intake/x.wav", Body=b"RIFF")
    report = local_api["pump"].run_once()
    assert (report.upload_batches, report.upload_failures) == (1, 1)
    transcribe = local_api["language"].client("transcribe")
    jobs = transcribe.list_transcription_jobs()["TranscriptionJobSummaries"]
    assert len(jobs) == 1
    job_name = jobs[0]["TranscriptionJobName"]
    # The emulator does not recognise speech: the test writes the output document Transcribe would.
    output = {
        "results": {"transcripts": [{"transcript": "Me llamo Aliou Diallo y necesito comida."}], "items": []}
    }
    s3.put_object(
        Bucket=aws_fixtures.AUDIO_BUCKET, Key=f"transcribe/{job_name}.json", Body=json.dumps(output).encode()
    )
    events: list[tuple[str, str]] = []
    for _ in range(5):  # the emulator's job moves one state per status read
        events += local_api["pump"].run_once().job_events
    assert events == [(job_name, "applied")]
    status, intake = client.call("GET", f"/intakes/{draft['intake_id']}")
    assert {name: field["value"] for name, field in intake["fields"].items()} == {
        "given_name": "Aliou",
        "surnames": "Diallo",
        "needs": ["food"],
    }
    assert '"service":"transcription_done"' in local_api["log"].getvalue()


FRONT_ORIGIN = "http://127.0.0.1:8080"


class StubAuthorizer:
    """Accepts the one token "good": the CORS tests are about the gateway, not JWTs."""

    def claims(self, authorization: str | None) -> dict[str, Any]:
        if authorization != "Bearer good":
            raise TokenError("bad token")
        return {"sub": "user"}


@pytest.fixture
def cors_api() -> Iterator[LocalHttpApi]:
    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}

    api = LocalHttpApi(invoke, StubAuthorizer(), find_free_port(), cors_allowed_origins=[FRONT_ORIGIN])  # type: ignore[arg-type]
    api.start()
    try:
        yield api
    finally:
        api.stop()


def http(url: str, method: str, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_the_gateway_answers_preflights_from_the_allowed_origin_without_a_token(cors_api):
    status, headers = http(
        f"{cors_api.url}/intakes/abc/segments",
        "OPTIONS",
        {
            "Origin": FRONT_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == FRONT_ORIGIN
    assert headers["Access-Control-Allow-Methods"] == "GET,POST,PATCH,OPTIONS"
    assert headers["Access-Control-Allow-Headers"] == "authorization,content-type,idempotency-key"
    assert headers["Access-Control-Max-Age"] == "3600"
    assert "Access-Control-Allow-Credentials" not in headers


def test_a_preflight_from_another_origin_gets_no_allow_headers(cors_api):
    status, headers = http(
        f"{cors_api.url}/intakes",
        "OPTIONS",
        {"Origin": "http://127.0.0.1:9999", "Access-Control-Request-Method": "POST"},
    )
    assert status == 204
    assert not [name for name in headers if name.lower().startswith("access-control-")]


def test_preflights_only_for_route_paths(cors_api):
    preflight = {"Origin": FRONT_ORIGIN, "Access-Control-Request-Method": "GET"}
    status, headers = http(f"{cors_api.url}/nowhere", "OPTIONS", preflight)
    assert status == 404
    assert headers["Access-Control-Allow-Origin"] == FRONT_ORIGIN
    assert http(f"{cors_api.url}/intakes", "OPTIONS", {"Origin": FRONT_ORIGIN})[0] == 404  # not a preflight


@pytest.mark.parametrize(
    ("path", "bearer", "expected"),
    [("/intakes", "good", 200), ("/intakes", "bad", 401), ("/nowhere", "good", 404)],
)
def test_answers_carry_the_allowed_origin(cors_api, path, bearer, expected):
    status, headers = http(
        f"{cors_api.url}{path}", "GET", {"Origin": FRONT_ORIGIN, "Authorization": f"Bearer {bearer}"}
    )
    assert status == expected
    assert headers["Access-Control-Allow-Origin"] == FRONT_ORIGIN
    assert headers["Vary"] == "Origin"
    status, headers = http(
        f"{cors_api.url}{path}",
        "GET",
        {"Origin": "https://elsewhere.example", "Authorization": f"Bearer {bearer}"},
    )
    assert status == expected
    assert "Access-Control-Allow-Origin" not in headers


def test_without_cors_origins_there_is_no_preflight_answer():
    api = LocalHttpApi(lambda event: {}, StubAuthorizer(), 0)  # type: ignore[arg-type]
    try:
        status, headers, _ = api.respond(
            "OPTIONS", "/intakes", {"origin": FRONT_ORIGIN, "access-control-request-method": "POST"}, None
        )
    finally:
        api.stop()
    assert status == 404
    assert "Access-Control-Allow-Origin" not in headers


def test_a_pump_keeps_polling_through_an_emulator_outage():
    """An event source mapping keeps polling while AWS is unreachable; so does the local pump."""

    class FlakyPump(BackgroundPump):
        thread_name = "flaky-pump"

        def __init__(self) -> None:
            super().__init__()
            self.outcomes: list[Exception | None] = [
                EndpointConnectionError(endpoint_url="http://127.0.0.1:1/"),
                EndpointConnectionError(endpoint_url="http://127.0.0.1:1/"),
                None,
            ]
            self.delivered = threading.Event()

        def run_once(self) -> object:
            outcome = self.outcomes.pop(0) if self.outcomes else None
            if outcome is not None:
                raise outcome
            self.delivered.set()
            return None

    pump = FlakyPump()
    warnings: list[str] = []
    pump.warn = warnings.append
    pump.start(interval_s=0.01)
    try:
        assert pump.delivered.wait(timeout=5)
    finally:
        pump.stop()
    assert warnings == [
        "flaky-pump: EndpointConnectionError; retrying every 0.01 s",
        "flaky-pump: delivering again",
    ]


@pytest.fixture
def echo_api() -> Iterator[tuple[LocalHttpApi, list[dict[str, Any]]]]:
    """A gateway whose function records its events; the path /fail makes the function raise."""
    events: list[dict[str, Any]] = []

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        events.append(event)
        if event["rawPath"].endswith("/submit"):
            raise RuntimeError("the function failed")
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}

    api = LocalHttpApi(invoke, StubAuthorizer(), find_free_port())  # type: ignore[arg-type]
    api.start()
    try:
        yield api, events
    finally:
        api.stop()


def wire(
    api: LocalHttpApi, method: str, path: str, headers: dict[str, str], body: bytes | None
) -> tuple[int, bytes]:
    """One request written as is (http.client: any Content-Length, any bytes)."""
    import http.client  # noqa: PLC0415
    from urllib.parse import urlsplit  # noqa: PLC0415

    parts = urlsplit(api.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.putrequest(method, path)
        for name, value in {"Authorization": "Bearer good", **headers}.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_function_error_is_the_gateways_500_with_a_reason(echo_api):
    api, _ = echo_api
    status, body = wire(api, "POST", f"/intakes/{'a' * 32}/submit", {"Content-Length": "0"}, None)
    assert (status, json.loads(body)) == (500, {"message": "Internal Server Error"})


def test_framing_errors_and_oversized_bodies_are_answered_not_reset(echo_api):
    api, events = echo_api
    status, body = wire(api, "POST", "/intakes", {"Content-Length": "ten"}, None)
    assert (status, json.loads(body)) == (400, {"message": "Bad Request"})
    huge = b"a" * (10 * 1024 * 1024 + 1)
    status, body = wire(api, "POST", "/intakes", {"Content-Length": str(len(huge))}, huge)
    assert (status, json.loads(body)) == (413, {"message": "Request Entity Too Large"})
    assert events == []  # neither reached the function


def test_a_body_that_is_not_utf8_reaches_the_function_in_base64(echo_api):
    api, events = echo_api
    raw = b'{"text": "\xff\xfe"}'
    status, _ = wire(api, "POST", "/intakes", {"Content-Length": str(len(raw))}, raw)
    assert status == 200
    assert events[-1]["isBase64Encoded"] is True
    assert base64.b64decode(events[-1]["body"]) == raw
    text = '{"text": "ñ"}'.encode()
    wire(api, "POST", "/intakes", {"Content-Length": str(len(text))}, text)
    assert (events[-1]["isBase64Encoded"], events[-1]["body"]) == (False, '{"text": "ñ"}')


def test_what_other_threads_print_during_an_invocation_stays_out_of_the_functions_log(tmp_path, capsys):
    """The local functions' prints go to their log; a demo's or bench's progress printed by
    another thread meanwhile goes to the terminal (redirect_stdout swapped it for every thread)."""
    import sys  # noqa: PLC0415

    from acogida.local import functions as local_functions  # noqa: PLC0415

    log = io.StringIO()
    proxy = local_functions._per_thread_stdout()
    printed = threading.Event()

    def progress() -> None:
        print("progress 1/2")
        printed.set()

    with proxy.to(log):
        print("metrics of the function")
        other = threading.Thread(target=progress)
        other.start()
        other.join()
    assert printed.is_set()
    assert log.getvalue() == "metrics of the function\n"
    assert "progress 1/2" in capsys.readouterr().out
    assert sys.stdout is proxy

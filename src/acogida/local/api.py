"""The local runtime's HTTP API: what API Gateway and its Cognito JWT authorizer do, on 127.0.0.1.

A request is matched to the HTTP API's routes, its bearer token is verified against the emulator's
user pool (signature from the pool's JWKS, issuer, audience = the app client, expiry, an ID token),
and the handler Lambda runs, in this process, receives the same payload 2.0 event with the token's
claims as API Gateway passes them (array claims flattened to "[a b]"). The handler's environment is
the function's environment from ``terraform output`` of the local workspace, pointed at the emulator
(see ``acogida.local.functions``).

CORS is the HTTP API's ``cors_configuration`` (terraform/modules/app/api.tf) for the origins of
``terraform output api_cors_allowed_origins``: the gateway itself answers preflights, before the
authorizer, and adds the allowed origin to every answer, so the browser front on another port
behaves as it does on AWS.
"""

from __future__ import annotations

import io
import json
import sys
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from acogida.local.events import ROUTE_FUNCTIONS, http_api_event, route_key
from acogida.local.loopback import LoopbackServer, write_answer

# API Gateway's own limit on a request body; the handler enforces its smaller one with a reason.
MAX_REQUEST_BYTES = 10 * 1024 * 1024

Invoke = Callable[[dict[str, Any]], dict[str, Any]]
Answer = tuple[int, dict[str, str], bytes]

# terraform/modules/app/api.tf, cors_configuration (allow_credentials = false: no such header).
CORS_ALLOW_METHODS = "GET,POST,PATCH,OPTIONS"
CORS_ALLOW_HEADERS = "authorization,content-type,idempotency-key"
CORS_MAX_AGE_S = 3600


class TokenError(Exception):
    pass


@dataclass(frozen=True)
class JwtAuthorizer:
    """The HTTP API JWT authorizer's checks for a Cognito user pool."""

    issuer: str
    audience: str
    keys: KeySet

    @classmethod
    def for_user_pool(
        cls, emulator_endpoint: str, region: str, user_pool_id: str, client_id: str
    ) -> JwtAuthorizer:
        with urllib.request.urlopen(  # noqa: S310 - the emulator on loopback
            f"{emulator_endpoint}/{user_pool_id}/.well-known/jwks.json", timeout=10
        ) as response:
            jwks = json.load(response)
        issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        return cls(issuer=issuer, audience=client_id, keys=KeySet.import_key_set(jwks))

    def claims(self, authorization: str | None) -> dict[str, Any]:
        if not authorization or not authorization.startswith("Bearer "):
            raise TokenError("missing bearer token")
        try:
            token = jwt.decode(authorization.removeprefix("Bearer ").strip(), self.keys)
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                exp={"essential": True},
                token_use={"essential": True, "value": "id"},
            ).validate(token.claims)
        except (JoseError, ValueError) as error:
            raise TokenError(type(error).__name__) from None
        return {name: _as_gateway_claim(value) for name, value in token.claims.items()}


def _as_gateway_claim(value: Any) -> Any:  # noqa: ANN401
    """HTTP API hands array claims to Lambda as one string, "[technician coordinator]"."""
    if isinstance(value, list):
        return "[" + " ".join(str(item) for item in value) + "]"
    return value


class LocalHttpApi:
    """Serves the API function behind the authorizer on 127.0.0.1:``port`` until ``stop``.

    ``invoke`` runs the function with an event and returns its answer (``LocalFunctions``);
    ``cors_allowed_origins`` are the browser origins the API's CORS configuration admits.
    """

    def __init__(
        self,
        invoke: Invoke,
        authorizer: JwtAuthorizer,
        port: int,
        cors_allowed_origins: Sequence[str] = (),
    ) -> None:
        self._invoke = invoke
        self._authorizer = authorizer
        self._cors_allowed_origins = frozenset(cors_allowed_origins)
        self._server = LoopbackServer(port, self._request_handler_class(), "local-http-api")

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def respond(self, method: str, target: str, headers: Mapping[str, str], body: bytes | None) -> Answer:
        """What API Gateway would answer: a preflight's 204, 404 for no route, 401 for a bad token,
        else the handler's; with the CORS origin header when the request's origin is allowed.

        ``headers`` have lower-case names."""
        path = urlsplit(target).path
        origin = headers.get("origin", "")
        allowed = origin in self._cors_allowed_origins
        preflight = (
            method == "OPTIONS"
            and bool(origin)
            and "access-control-request-method" in headers
            and bool(self._cors_allowed_origins)
            and _is_route_path(path)
        )
        if preflight:
            return 204, _preflight_headers(origin) if allowed else {}, b""
        status, response_headers, payload = self._route(method, target, headers, body)
        if allowed:
            response_headers = {
                **response_headers,
                "Access-Control-Allow-Origin": origin,
                "Vary": "Origin",
            }
        return status, response_headers, payload

    def _route(self, method: str, target: str, headers: Mapping[str, str], body: bytes | None) -> Answer:
        parts = urlsplit(target)
        if route_key(method, parts.path) is None:
            return _gateway_answer(404, "Not Found")
        try:
            claims = self._authorizer.claims(headers.get("authorization"))
        except TokenError:
            return _gateway_answer(401, "Unauthorized")
        event = http_api_event(
            method,
            parts.path,
            claims=claims,
            body=_as_text_if_utf8(body),
            headers=dict(headers),
            query=dict(parse_qsl(parts.query)) or None,
        )
        try:
            result = self._invoke(event)
        except Exception as error:
            # The function failed without an answer: API Gateway answers 500 with its own message
            # (the error goes to the function's log, not to the caller).
            print(f"local-http-api: {route_key(method, parts.path)}: {type(error).__name__}", file=sys.stderr)
            return _gateway_answer(500, "Internal Server Error")
        response_headers = {name: str(value) for name, value in (result.get("headers") or {}).items()}
        return int(result["statusCode"]), response_headers, str(result.get("body") or "").encode("utf-8")

    def _request_handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class RequestHandler(BaseHTTPRequestHandler):
            server_version = "acogida-local-api"

            def _serve(self) -> None:
                length_header = (self.headers.get("Content-Length") or "0").strip()
                length = int(length_header) if length_header.isdigit() else -1
                if length < 0:
                    status, headers, payload = _gateway_answer(400, "Bad Request")
                    self.close_connection = True
                elif length > MAX_REQUEST_BYTES:
                    _discard(self.rfile, length)  # read, so the client gets the answer, not a reset
                    status, headers, payload = _gateway_answer(413, "Request Entity Too Large")
                else:
                    body = self.rfile.read(length) if length else None
                    lowered = {name.lower(): value for name, value in self.headers.items()}
                    status, headers, payload = api.respond(self.command, self.path, lowered, body)
                write_answer(self, status, headers, payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_OPTIONS = _serve  # noqa: N815 - http.server names

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ANN401
                """Quiet: paths carry intake ids only, but the access log is the handler's job."""

        return RequestHandler


def _as_text_if_utf8(body: bytes | None) -> str | bytes | None:
    """The body as text when it is UTF-8; otherwise the bytes, which the event carries in base64
    (``isBase64Encoded``), as API Gateway passes a body that is not text."""
    if not body:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body


def _discard(stream: io.BufferedIOBase, length: int, chunk: int = 1 << 20) -> None:
    remaining = length
    while remaining > 0:
        read = stream.read(min(chunk, remaining))
        if not read:
            return
        remaining -= len(read)


def _is_route_path(path: str) -> bool:
    """Whether any of the API's routes has this path, whatever its method."""
    return any(route_key(method, path) for method in {method for method, _ in ROUTE_FUNCTIONS})


def _preflight_headers(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": CORS_ALLOW_METHODS,
        "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
        "Access-Control-Max-Age": str(CORS_MAX_AGE_S),
        "Vary": "Origin",
    }


def _gateway_answer(status: int, message: str) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps({"message": message}).encode()

"""The local front server: the container's rendered configuration and headers, nginx's routes and
cache rules, and no file outside the built directory."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from acogida.local.front import FrontError, LocalFront
from tests.conftest import find_free_port

ENVIRONMENT = {
    "API_URL": "http://127.0.0.1:8000",
    "COGNITO_USER_POOL_ID": "eu-south-2_AbC123",
    "COGNITO_CLIENT_ID": "abc123def456",
    "COGNITO_IDENTITY_POOL_ID": "eu-south-2:0000000a-0000-4000-8000-00000000000a",
    "AWS_REGION": "eu-south-2",
    "TRANSCRIBE_REGION": "eu-west-1",
    "COGNITO_ENDPOINT": "http://127.0.0.1:5000",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@pytest.fixture
def built(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Acogida</title>")
    (dist / "favicon.svg").write_text("<svg/>")
    (dist / "assets" / "app-1234.js").write_text("export {};")
    (dist / "assets" / "app-1234.css").write_text("body{}")
    (dist / "assets" / "app-1234.js.map").write_text("{}")
    (dist / ".env").write_text("SECRET=1")
    (tmp_path / "outside.txt").write_text("private")
    return dist


@pytest.fixture
def front(built: Path, tmp_path: Path) -> Iterator[LocalFront]:
    server = LocalFront(ENVIRONMENT, find_free_port(), tmp_path / "runtime", front_dir=built)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def get(url: str) -> tuple[int, Any, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_config_json_is_what_the_container_renders(front):
    status, headers, body = get(f"{front.url}/config.json")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "no-store"
    assert json.loads(body) == {
        "apiUrl": "http://127.0.0.1:8000",
        "region": "eu-south-2",
        "userPoolId": "eu-south-2_AbC123",
        "clientId": "abc123def456",
        "identityPoolId": "eu-south-2:0000000a-0000-4000-8000-00000000000a",
        "transcribeRegion": "eu-west-1",
        "cognitoEndpoint": "http://127.0.0.1:5000",
    }


@pytest.mark.parametrize(
    "path", ["/", "/healthz", "/config.json", "/assets/app-1234.js", "/nowhere", "/.env"]
)
def test_every_response_carries_the_security_headers_without_hsts(front, path):
    _, headers, _ = get(f"{front.url}{path}")
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "connect-src 'self' http://127.0.0.1:8000 http://127.0.0.1:5000" in csp
    assert "Strict-Transport-Security" not in headers


@pytest.mark.parametrize(
    ("path", "content_type", "cache"),
    [
        ("/assets/app-1234.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        ("/assets/app-1234.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable"),
        ("/assets/app-1234.js.map", "application/json", "public, max-age=31536000, immutable"),
        ("/favicon.svg", "image/svg+xml", "no-cache"),
        ("/", "text/html; charset=utf-8", "no-cache"),
        ("/intakes/abc", "text/html; charset=utf-8", "no-cache"),  # the app's own routes
    ],
)
def test_files_and_the_app_fallback(front, path, content_type, cache):
    status, headers, body = get(f"{front.url}{path}")
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert headers["Cache-Control"] == cache
    if content_type.startswith("text/html"):
        assert body.startswith(b"<!doctype html>")


def test_healthz(front):
    assert get(f"{front.url}/healthz")[::2] == (200, b"ok")


@pytest.mark.parametrize(
    "path", ["/.env", "/assets/missing.js", "/%2e%2e/outside.txt", "/assets/%2e%2e/%2e%2e/outside.txt"]
)
def test_no_dotfiles_missing_assets_or_files_outside(front, path):
    status, _, body = get(f"{front.url}{path}")
    assert status == 404
    assert b"private" not in body
    assert b"SECRET" not in body


def test_refuses_to_start_when_the_front_is_not_built(tmp_path):
    with pytest.raises(FrontError, match=r"the front is not built: run `make front`"):
        LocalFront(ENVIRONMENT, find_free_port(), tmp_path / "runtime", front_dir=tmp_path / "dist")


def test_refuses_a_configuration_the_container_would_refuse(built, tmp_path):
    with pytest.raises(FrontError, match="API_URL is invalid"):
        LocalFront(
            {**ENVIRONMENT, "API_URL": "http://api.example.org"},
            find_free_port(),
            tmp_path / "runtime",
            front_dir=built,
        )


def test_the_rendered_files_go_when_the_front_stops(built, tmp_path):
    server = LocalFront(ENVIRONMENT, find_free_port(), tmp_path / "runtime", front_dir=built)
    server.start()
    assert [path.name for path in (tmp_path / "runtime").iterdir()]
    server.stop()
    assert list((tmp_path / "runtime").iterdir()) == []


def test_a_busy_port_is_named(built, tmp_path, front):
    port = int(front.url.rsplit(":", 1)[1])
    with pytest.raises(FrontError, match=f"cannot serve the front on 127.0.0.1:{port}"):
        LocalFront(ENVIRONMENT, port, tmp_path / "runtime", front_dir=built)

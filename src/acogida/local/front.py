"""The local runtime's front: the built browser app on 127.0.0.1, as the nginx container serves it.

The runtime configuration (``/config.json``) and the security headers come from the container's
own script, ``src/front/container/render-config.sh``, run with ``terraform output
front_runtime_environment`` pointed at the local API and the emulator's Cognito: the browser gets
what it gets on AWS, checked by the same rules. The routes and cache headers follow
``src/front/container/nginx.conf``; there is no HSTS over plain http.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from acogida.infra.toolchain import find_repository_root
from acogida.local.loopback import LoopbackServer, write_answer

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
# nginx's add_header lines as render-config.sh writes them.
_ADD_HEADER = re.compile(r'^add_header\s+([A-Za-z-]+)\s+"([^"]*)"\s+always;$')
# The load balancer's job on AWS (https only); a browser ignores it over http anyway.
_HTTPS_ONLY_HEADERS = {"strict-transport-security"}


class FrontError(RuntimeError):
    pass


def default_front_dir() -> Path:
    return find_repository_root() / "src" / "front" / "dist"


def default_render_script() -> Path:
    return find_repository_root() / "src" / "front" / "container" / "render-config.sh"


def render_runtime_config(script: Path, environment: Mapping[str, str], runtime_dir: Path) -> dict[str, str]:
    """Run the container's script into ``runtime_dir``; the response headers it asks nginx for.

    The script sees only the front's variables (and PATH), as in the container."""
    variables = {**environment, "FRONT_RUNTIME_DIR": str(runtime_dir), "PATH": os.environ.get("PATH", "")}
    result = subprocess.run(
        ["sh", str(script)],
        env=variables,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    if result.returncode != 0:
        raise FrontError(f"{script.name} refused the front's configuration: {result.stderr.strip()}")
    headers: dict[str, str] = {}
    for line in (runtime_dir / "security-headers.conf").read_text(encoding="utf-8").splitlines():
        match = _ADD_HEADER.match(line.strip())
        if match is None:
            raise FrontError(f"unexpected line in security-headers.conf: {line!r}")
        if match.group(1).lower() not in _HTTPS_ONLY_HEADERS:
            headers[match.group(1)] = match.group(2)
    return headers


class LocalFront:
    """Serves ``front_dir`` (the output of ``make front``) on http://127.0.0.1:``port`` until ``stop``.

    ``environment`` is ``terraform output front_runtime_environment`` with API_URL and
    COGNITO_ENDPOINT set for local mode; ``runtime_dir`` receives the rendered files.
    """

    def __init__(
        self,
        environment: Mapping[str, str],
        port: int,
        runtime_dir: Path,
        *,
        front_dir: Path | None = None,
        render_script: Path | None = None,
    ) -> None:
        self.front_dir = (front_dir or default_front_dir()).resolve()
        if not (self.front_dir / "index.html").is_file():
            raise FrontError(f"the front is not built: run `make front` (no index.html in {self.front_dir})")
        runtime_dir.mkdir(parents=True, exist_ok=True)
        self._runtime_dir = Path(tempfile.mkdtemp(prefix="front-", dir=runtime_dir))
        try:
            self.headers = render_runtime_config(
                render_script or default_render_script(), environment, self._runtime_dir
            )
            self._config = (self._runtime_dir / "config.json").read_bytes()
            self._server = LoopbackServer(port, self._request_handler_class(), "local-front")
        except OSError as error:
            shutil.rmtree(self._runtime_dir, ignore_errors=True)
            raise FrontError(f"cannot serve the front on 127.0.0.1:{port}: {error}") from error
        except FrontError:
            shutil.rmtree(self._runtime_dir, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()
        shutil.rmtree(self._runtime_dir, ignore_errors=True)

    def respond(self, target: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a GET of ``target`` (the security headers always)."""
        path = unquote(urlsplit(target).path)
        if path == "/healthz":
            return self._answer(200, "text/plain; charset=utf-8", b"ok")
        if path == "/config.json":
            return self._answer(200, "application/json", self._config, cache="no-store")
        if "\0" in path or any(part.startswith(".") for part in path.split("/")):
            return self._not_found()
        file = self._file(path)
        if path.startswith("/assets/"):
            if file is None:
                return self._not_found()
            return self._answer(200, _content_type(file), file.read_bytes(), cache=IMMUTABLE)
        file = file or self.front_dir / "index.html"
        return self._answer(200, _content_type(file), file.read_bytes(), cache=NO_CACHE)

    def _file(self, path: str) -> Path | None:
        """The file under the front's directory that ``path`` names, or None (never outside it)."""
        candidate = (self.front_dir / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.front_dir) or not candidate.is_file():
            return None
        return candidate

    def _answer(
        self, status: int, content_type: str, body: bytes, cache: str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {**self.headers, "Content-Type": content_type}
        if cache is not None:
            headers["Cache-Control"] = cache
        return status, headers, body

    def _not_found(self) -> tuple[int, dict[str, str], bytes]:
        return self._answer(404, "text/plain; charset=utf-8", b"not found")

    def _request_handler_class(self) -> type[BaseHTTPRequestHandler]:
        front = self

        class RequestHandler(BaseHTTPRequestHandler):
            server_version = "acogida-local-front"

            def _serve(self, *, with_body: bool) -> None:
                status, headers, body = front.respond(self.path)
                write_answer(self, status, headers, body, with_body=with_body)

            def do_GET(self) -> None:
                self._serve(with_body=True)

            def do_HEAD(self) -> None:
                self._serve(with_body=False)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ANN401
                """Quiet: static files only, nothing worth a line per request."""

        return RequestHandler


def _content_type(file: Path) -> str:
    return CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")

"""A threaded HTTP server on 127.0.0.1 with the lifecycle the local runtime's servers share."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def write_answer(
    handler: BaseHTTPRequestHandler,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    with_body: bool = True,
) -> None:
    """Send one answer: status, headers, Content-Length, and the body unless it is a HEAD."""
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if with_body:
        handler.wfile.write(body)


class LoopbackServer:
    """Binds ``127.0.0.1:port`` on creation (so a busy port fails early); ``start`` serves in a
    daemon thread, ``stop`` ends it and closes the socket."""

    def __init__(self, port: int, handler: type[BaseHTTPRequestHandler], name: str) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._name = name
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits forever for a loop that never started
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

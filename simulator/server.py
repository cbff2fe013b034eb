"""HTTP plumbing: a ThreadingHTTPServer on loopback that routes to the simulator's handlers.

Standard library only (http.server): the simulator must start anywhere the project's Python runs and a
threaded server is plenty for a single client on loopback.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class Request:
    method: str
    path: str
    params: dict  # query string merged with a form body (first value of each key)
    json: dict | list | None
    headers: dict
    body: bytes = b""
    query: dict = field(default_factory=dict)  # the URL's own parameters (Douyin wants its system params there)


@dataclass
class Response:
    status: int = 200
    body: dict | list | bytes | None = None
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


def ok(body, status: int = 200, **headers) -> Response:
    return Response(status=status, body=body, headers=headers)


def _parse(handler: BaseHTTPRequestHandler) -> Request:
    url = urlparse(handler.path)
    query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
    params = dict(query)
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length) if length else b""
    body_json = None
    ctype = (handler.headers.get("Content-Type") or "").lower()
    if raw:
        if "json" in ctype or raw[:1] in (b"{", b"["):
            try:
                body_json = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                body_json = None
        else:
            params.update(
                {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
            )
    headers = {k.lower(): v for k, v in handler.headers.items()}
    return Request(handler.command, url.path.rstrip("/") or "/", params, body_json, headers, raw, query)


def make_handler(dispatch):
    """dispatch(Request) -> Response. Errors inside become HTTP 500 with the message (never a hang)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stall

        def _serve(self) -> None:
            try:
                resp = dispatch(_parse(self))
            except Exception as exc:  # noqa: BLE001 - a simulator bug must show up as a clear 500, not a dropped socket
                resp = Response(500, {"error": "simulator_exception", "detail": f"{type(exc).__name__}: {exc}"})
            body = resp.body
            if isinstance(body, (dict, list)) or body is None:
                data = json.dumps(body if body is not None else {}, ensure_ascii=False).encode("utf-8")
            else:
                data = body
            try:
                self.send_response(resp.status)
                self.send_header("Content-Type", resp.content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in resp.headers.items():
                    self.send_header(k, str(v))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. its timeout fired during a slow-response fault)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, *_args) -> None:  # keep test and demo output clean
            pass

    return Handler


class Server:
    def __init__(self, dispatch, host: str = "127.0.0.1", port: int = 0):
        self.httpd = ThreadingHTTPServer((host, port), make_handler(dispatch))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="simulator-http", daemon=True
        )

    def start(self) -> Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

"""A local HTTP server for iCal import tests: serves feeds, hangs, trickles, or floods, as told.

Runs stdlib ``http.server`` in a thread on 127.0.0.1 with a free port. Each path
is registered with a behaviour:

* ``("body", bytes)``: 200 with the bytes (text/calendar);
* ``("status", code)``: that status, empty body;
* ``("redirect", location)``: 302 to ``location``;
* ``("hang",)``: accept the request and never answer (until the server stops);
* ``("flood", size, declare_length)``: ``size`` bytes of a valid-looking calendar,
  with or without a Content-Length header;
* ``("trickle", seconds)``: headers at once, then one byte every ``seconds``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = b"BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n" * 1000


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, tuple] = {}
        self.requests: list[str] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                server.requests.append(self.path)
                behaviour = server.routes.get(self.path, ("status", 404))
                try:
                    getattr(self, "_" + behaviour[0])(*behaviour[1:])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def _body(self, body: bytes):
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _status(self, code: int):
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _redirect(self, location: str):
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _hang(self):
                server.release.wait(30)

            def _flood(self, size: int, declare_length: bool):
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                if declare_length:
                    self.send_header("Content-Length", str(size))
                self.end_headers()
                self.wfile.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
                sent = 0
                while sent < size and not server.release.is_set():
                    self.wfile.write(CHUNK)
                    sent += len(CHUNK)

            def _trickle(self, seconds: float):
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.end_headers()
                while not server.release.wait(seconds):
                    self.wfile.write(b" ")
                    self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

from __future__ import annotations

import socket
import time

from django.test import override_settings

from platekeeper.test import LiveServer, LiveTestCase


def raw_request(port: int, head: str, body: bytes = b"") -> tuple[str, float]:
    """Send a request by hand; return the status line and how long the answer took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        answer = sock.recv(4096).decode(errors="replace")
    return answer.split("\r\n", 1)[0], time.monotonic() - started


class BodyLimitTestCase(LiveTestCase):
    def test_it_refuses_a_declared_oversize_body_without_reading_it(self) -> None:
        with LiveServer() as server:
            # 50 MB declared and not one byte of it sent: an answer at all proves
            # the server did not wait to read the body.
            status, _ = raw_request(
                server.port,
                (
                    "POST /api/v1/reads HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Bearer {self.camera_key}\r\n"
                    "Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n"
                ),
            )
        self.assertIn("413", status)

    @override_settings(MAX_REQUEST_BYTES=1000)
    def test_it_refuses_a_chunked_body_once_it_passes_the_limit(self) -> None:
        from platekeeper import asgi

        asgi.application.limit = 1000
        self.addCleanup(setattr, asgi.application, "limit", 10 * 1024 * 1024)
        chunk = b"x" * 600
        chunked = (
            b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3))
            + b"0\r\n\r\n"
        )
        with LiveServer() as server:
            status, _ = raw_request(
                server.port,
                (
                    "POST /api/v1/reads HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Bearer {self.camera_key}\r\n"
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                ),
                chunked,
            )
        self.assertIn("413", status)

    def test_it_lets_a_body_under_the_limit_through(self) -> None:
        body = b"[]"
        with LiveServer() as server:
            status, _ = raw_request(
                server.port,
                (
                    "POST /api/v1/reads HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Bearer {self.camera_key}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                ),
                body,
            )
        self.assertIn("400", status)  # reached the view, which refuses an empty batch

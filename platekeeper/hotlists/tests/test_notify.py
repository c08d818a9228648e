"""E-mail and webhook delivery: off by default, and never the alert itself."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from platekeeper.hotlists.models import Alert
from platekeeper.test import BaseTestCase

from .helpers import HotListWorld


class Receiver(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        Receiver.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class NotifyTestCase(HotListWorld, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_lists()
        self.entry(self.svs, "7ABC123")
        self.post_read("7ABC123")

    def run_job(self) -> str:
        out = StringIO()
        call_command("notify_alerts", stdout=out)
        return out.getvalue()

    def test_it_sends_nothing_by_default(self) -> None:
        self.assertIn("off", self.run_job())
        self.assertEqual(mail.outbox, [])

    @override_settings(
        ALERT_EMAIL_TO=["watch@hawthorne.example"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    def test_it_says_only_that_alerts_wait_by_email_and_only_once(self) -> None:
        self.run_job()
        self.run_job()
        [sent] = mail.outbox
        self.assertIn("1 new ALPR alert is waiting", sent.body)
        self.assertNotIn("7ABC123", f"{sent.subject} {sent.body}")
        self.assertNotIn("Stolen vehicles", sent.body)
        self.assertIsNotNone(Alert.objects.get().notified_at)

    def test_it_posts_a_webhook_without_the_plate(self) -> None:
        server = HTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.handle_request, daemon=True).start()
        Receiver.bodies = []
        url = f"http://127.0.0.1:{server.server_port}/hook"
        with override_settings(ALERT_WEBHOOK_URL=url):
            self.assertIn("sent 1 webhook", self.run_job())
        server.server_close()
        [body] = Receiver.bodies
        self.assertEqual(json.loads(body)["count"], 1)
        self.assertNotIn(b"7ABC123", body)

    def test_it_retries_when_the_webhook_is_down(self) -> None:
        with override_settings(ALERT_WEBHOOK_URL="http://127.0.0.1:9/down"):
            self.run_job()
        self.assertIsNone(Alert.objects.get().notified_at)

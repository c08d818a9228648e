from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import override_settings

from platekeeper.reads import blobs
from platekeeper.reads.models import Camera, PlateRead
from platekeeper.test import JPEG_BYTES, BaseTestCase


class FrigateLike(BaseHTTPRequestHandler):
    """Serves /api/events/<id>/snapshot.jpg like Frigate's API (and junk for 'junk')."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if "/junk/" in self.path:
            body, status = b"<html>not an image</html>", 200
        elif self.path.endswith("/snapshot.jpg"):
            body, status = JPEG_BYTES, 200
        else:
            body, status = b"", 404
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class FetchImagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.server = HTTPServer(("127.0.0.1", 0), FrigateLike)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.shutdown)
        url = f"http://127.0.0.1:{self.server.server_port}/api/events/{{ref}}/snapshot.jpg"
        Camera.objects.filter(pk=self.camera.pk).update(image_url=url)
        self.read = self.make_read(details={"image_ref": "1607123955.475377-mxklsc"})

    def fetch(self) -> str:
        out = StringIO()
        call_command("fetch_images", stdout=out)
        return out.getvalue()

    def test_it_is_off_by_default(self) -> None:
        self.assertIn("off", self.fetch())
        self.assertEqual(PlateRead.objects.get(pk=self.read.pk).overview_image, "")

    @override_settings(FETCH_IMAGES=True)
    def test_it_fetches_a_referenced_snapshot_once(self) -> None:
        import tempfile

        with override_settings(IMAGES_DIR=tempfile.mkdtemp(prefix="pk-fetch-")):
            self.assertIn("fetched 1, failed 0", self.fetch())
            read = PlateRead.objects.get(pk=self.read.pk)
            self.assertEqual(blobs.get(read.overview_image), JPEG_BYTES)
            self.assertEqual(read.details["image_fetch"], "ok")
            self.assertIn("fetched 0, failed 0", self.fetch())

    @override_settings(FETCH_IMAGES=True)
    def test_it_records_a_failed_fetch_and_keeps_the_read(self) -> None:
        Camera.objects.filter(pk=self.camera.pk).update(
            image_url=f"http://127.0.0.1:{self.server.server_port}/junk/{{ref}}"
        )
        self.assertIn("failed 1", self.fetch())
        read = PlateRead.objects.get(pk=self.read.pk)
        self.assertEqual(read.overview_image, "")
        self.assertIn("JPEG or PNG", read.details["image_fetch"])

    @override_settings(FETCH_IMAGES=True)
    def test_it_leaves_cameras_without_an_image_url_alone(self) -> None:
        Camera.objects.filter(pk=self.camera.pk).update(image_url="")
        self.assertIn("fetched 0, failed 0", self.fetch())

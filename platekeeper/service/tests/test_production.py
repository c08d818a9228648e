"""Production settings and files at rest (R44, R45)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import SimpleTestCase, override_settings

from platekeeper.audit.models import Action
from platekeeper.reads import blobs, sealing
from platekeeper.test import JPEG_B64, JPEG_BYTES, BaseTestCase

KEY = "8f" * 32

PROBE = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "platekeeper.settings"
django.setup()
from django.test import Client
plain = Client()
for path, method in (("/policy", "get"), ("/api/v1/reads", "post")):
    answer = getattr(plain, method)(path)
    print(path, answer.status_code, answer.get("Location", ""))
secure = Client(HTTP_X_FORWARDED_PROTO="https")
answer = secure.get("/static/platekeeper/platekeeper.css")
print("hsts", answer.status_code, answer.get("Strict-Transport-Security", ""))
"""


class ProductionTestCase(SimpleTestCase):
    @pytest.mark.requirement("R44")
    def test_it_sends_plain_http_to_https_and_tells_browsers_to_stay(self) -> None:
        data = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, data, True)
        env = {
            **os.environ,
            "PLATEKEEPER_PRODUCTION": "true",
            "PLATEKEEPER_DATA_DIR": data,
            "PLATEKEEPER_ALLOWED_HOSTS": "testserver",
        }
        env.pop("DATABASE_URL", None)
        out = subprocess.run(
            [sys.executable, "-c", PROBE],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        self.assertIn("/policy 301 https://testserver/policy", out)
        self.assertIn("/api/v1/reads 301 https://testserver/api/v1/reads", out)
        self.assertIn("hsts 200 max-age=31536000; includeSubDomains", out)

    def test_it_refuses_to_start_with_debug_pages_or_a_bad_key(self) -> None:
        with (
            override_settings(PRODUCTION=True, DEBUG=True),
            self.assertRaisesMessage(SystemCheckError, "debug pages"),
        ):
            call_command("check")
        with (
            override_settings(DATA_KEY_HEX="abc"),
            self.assertRaisesMessage(SystemCheckError, "64 hex digits"),
        ):
            call_command("check")


@pytest.mark.requirement("R45")
class SealedFilesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        images = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, images, True)
        self.enterContext(
            override_settings(
                IMAGES_DIR=images, DOCUMENTS_DIR=images / "documents", DATA_KEY_HEX=KEY
            )
        )

    def test_it_keeps_no_plain_jpeg_bytes_on_disk(self) -> None:
        answer = self.client.post(
            "/api/v1/reads",
            {
                "event_id": "sealed-1",
                "plate": "7ABC123",
                "confidence": 0.9,
                "captured_at": "2026-12-01T10:00:00+00:00",
                "plate_image": JPEG_B64,
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.camera_key}",
        )
        self.assertEqual(answer.json()["stored"], 1)
        files = [p for p in Path(settings.IMAGES_DIR).rglob("*") if p.is_file()]
        self.assertEqual(len(files), 1)
        stored = files[0].read_bytes()
        self.assertNotIn(JPEG_BYTES[:4], stored)
        self.assertNotIn(JPEG_BYTES, stored)
        self.assertEqual(blobs.get(files[0].name), JPEG_BYTES)

    def test_it_opens_a_sealed_file_only_with_its_key_and_its_name(self) -> None:
        digest = blobs.put(JPEG_BYTES)
        other = blobs._path("ab" * 32)
        other.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(blobs._path(digest), other)
        self.assertIsNone(blobs.get("ab" * 32))  # moved under another name
        with override_settings(DATA_KEY_HEX="11" * 32):
            self.assertIsNone(blobs.get(digest))  # another key
        with (
            override_settings(DATA_KEY_HEX=None),
            self.assertRaisesMessage(sealing.KeyProblem, "set the key"),
        ):
            blobs.get(digest)

    def test_it_still_reads_files_stored_before_the_key_was_set(self) -> None:
        with override_settings(DATA_KEY_HEX=None):
            digest = blobs.put(JPEG_BYTES)
        self.assertEqual(blobs._path(digest).read_bytes(), JPEG_BYTES)
        self.assertEqual(blobs.get(digest), JPEG_BYTES)

    def test_it_seals_every_file_again_under_a_new_key(self) -> None:
        old = blobs.put(JPEG_BYTES + b"old key")
        with override_settings(DATA_KEY_HEX=None):
            plain = blobs.put(JPEG_BYTES + b"no key")
        new_key = "5a" * 32
        with override_settings(DATA_KEY_HEX=new_key, OLD_DATA_KEYS_HEX=KEY):
            # Until the files are sealed again, the old key still opens them.
            self.assertEqual(blobs.get(old), JPEG_BYTES + b"old key")
            out = StringIO()
            call_command("reseal", stdout=out)
            self.assertIn("resealed 2 files", out.getvalue())
            call_command("reseal", stdout=out)
            self.assertIn("resealed 0 files; 2 were sealed", out.getvalue())
        with override_settings(DATA_KEY_HEX=new_key, OLD_DATA_KEYS_HEX=None):
            # The old key can now be destroyed: the new one opens everything.
            self.assertEqual(blobs.get(old), JPEG_BYTES + b"old key")
            self.assertEqual(blobs.get(plain), JPEG_BYTES + b"no key")
        self.assertNotIn(JPEG_BYTES, blobs._path(plain).read_bytes())
        with override_settings(DATA_KEY_HEX=KEY):
            self.assertIsNone(blobs.get(old))  # the old key opens nothing now
        self.assertEqual(len(self.access_records(action=Action.RESEAL)), 2)

    def test_it_leaves_a_file_no_key_opens_as_it_is_and_says_so(self) -> None:
        digest = blobs.put(JPEG_BYTES)
        before = blobs._path(digest).read_bytes()
        with (
            override_settings(DATA_KEY_HEX="5a" * 32),
            self.assertRaisesMessage(CommandError, "1 files open with no key given"),
        ):
            call_command("reseal", stdout=StringIO())
        self.assertEqual(blobs._path(digest).read_bytes(), before)

    def test_it_refuses_to_reseal_without_a_key(self) -> None:
        with (
            override_settings(DATA_KEY_HEX=None),
            self.assertRaisesMessage(CommandError, "PLATEKEEPER_DATA_KEY is not set"),
        ):
            call_command("reseal", stdout=StringIO())

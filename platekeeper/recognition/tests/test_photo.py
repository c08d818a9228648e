"""The witness-photo page and the recognize command."""

from __future__ import annotations

import random
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

import cv2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.hotlists.models import Alert, HotList
from platekeeper.reads.models import Camera, PlateRead
from platekeeper.recognition import synthetic
from platekeeper.test import BaseTestCase

WHY = {"purpose": "stolen_vehicle", "case_number": "HPD-26-0415"}


def witness_photo() -> tuple[bytes, str]:
    picture, text, _ = synthetic.scene(random.Random(8), street=True, plate_width=180)
    ok, data = cv2.imencode(".jpg", picture)
    assert ok
    return data.tobytes(), text


class PhotoTestCase(BaseTestCase):
    def post(self, client: Client, data: bytes, **why: str) -> Any:
        upload = SimpleUploadedFile("witness.jpg", data, content_type="image/jpeg")
        return client.post("/recognition/photo", {**WHY, **why, "photo": upload})

    @pytest.mark.requirement("R13")
    def test_it_reads_the_photo_records_the_access_and_links_each_plate_to_a_search(
        self,
    ) -> None:
        data, text = witness_photo()
        response = self.post(self.login(self.dave), data)
        self.assertContains(response, f"Search {text}")
        self.assertContains(
            response, 'value="HPD-26-0415"'
        )  # the search keeps the case
        record = AccessRecord.objects.get(action=Action.PLATE_PHOTO_READ)
        self.assertEqual(record.criteria["plates"][0], text)
        self.assertEqual(
            (record.purpose, record.case_number), ("stolen_vehicle", "HPD-26-0415")
        )
        self.assertEqual(len(record.criteria["photo_sha256"]), 64)

    def test_it_needs_login_and_a_search_title(self) -> None:
        self.assertEqual(Client().get("/recognition/photo").status_code, 302)
        data, _ = witness_photo()
        self.assertEqual(self.post(self.login(self.tom), data).status_code, 403)
        self.assertEqual(
            self.login(self.uma).get("/recognition/photo").status_code, 403
        )
        self.assertTrue(
            AccessRecord.objects.filter(
                action=Action.PRIVILEGED_REFUSED, actor_username="tom"
            ).exists()
        )
        self.assertFalse(
            AccessRecord.objects.filter(action=Action.PLATE_PHOTO_READ).exists()
        )

    @pytest.mark.requirement("R14")
    def test_it_refuses_without_a_purpose_and_says_what_is_wrong_with_a_file(
        self,
    ) -> None:
        client = self.login(self.dave)
        data, _ = witness_photo()
        response = self.post(client, data, purpose="")
        self.assertContains(response, "This field is required", status_code=200)
        response = self.post(client, b"GIF89a not a photo")
        self.assertContains(response, "not an image", status_code=400)
        self.assertFalse(
            AccessRecord.objects.filter(action=Action.PLATE_PHOTO_READ).exists()
        )

    @pytest.mark.requirement("R32")
    def test_it_refuses_a_purpose_naming_immigration_enforcement(self) -> None:
        data, _ = witness_photo()
        response = self.post(self.login(self.dave), data, justification="ICE detainer")
        self.assertEqual(response.status_code, 403)
        record = AccessRecord.objects.get(action=Action.PLATE_PHOTO_READ)
        self.assertEqual(record.outcome, Outcome.DENIED)


class RecognizeCommandTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = Path(tempfile.mkdtemp())
        data, self.text = witness_photo()
        self.photo = folder / "still.jpg"
        self.photo.write_bytes(data)
        (folder / "notes.txt").write_text("not a picture")
        (folder / "broken.jpg").write_bytes(b"\xff\xd8 half a file")
        self.folder = folder

    def test_it_prints_the_plates_of_every_picture_in_a_folder(self) -> None:
        out, err = StringIO(), StringIO()
        call_command(
            "recognize",
            str(self.folder),
            camera=self.camera.name,
            stdout=out,
            stderr=err,
        )
        self.assertIn(f"still.jpg: {self.text}", out.getvalue())
        self.assertIn("broken.jpg: not an image", err.getvalue())
        self.assertFalse(PlateRead.objects.exists())

    def test_it_posts_through_ingest_once_and_matches_the_hot_lists(self) -> None:
        stolen = HotList.objects.create(
            agency=self.hawthorne,
            name="Stolen",
            source=HotList.Source.AGENCY,
            created_by="dave",
        )
        stolen.entries.create(plate=self.text, category="V", entered_by="dave")
        out = StringIO()
        for _ in range(2):  # the same picture twice is one read
            call_command(
                "recognize",
                str(self.photo),
                camera=self.camera.name,
                post=True,
                stdout=out,
            )
        self.assertIn("stored", out.getvalue())
        self.assertIn("duplicate", out.getvalue())
        read = PlateRead.objects.get()
        self.assertEqual(
            (read.plate.plate, read.source_format), (self.text, "platekeeper")
        )
        self.assertTrue(read.plate_image)
        self.assertTrue(Alert.objects.filter(hit__read_id=read.id).exists())

    def test_it_refuses_to_post_for_a_camera_not_approved_as_alpr(self) -> None:
        self.camera.approved = False
        self.camera.save()
        with self.assertRaisesMessage(CommandError, "not approved as an ALPR camera"):
            call_command(
                "recognize", str(self.photo), camera=self.camera.name, post=True
            )
        twin = Camera(agency=self.inglewood, name=self.camera.name, approved=True)
        twin.new_key()
        twin.save()
        with self.assertRaisesMessage(CommandError, "add --agency ORI"):
            call_command("recognize", str(self.photo), camera=self.camera.name)
        with self.assertRaisesMessage(CommandError, "no camera named"):
            call_command("recognize", str(self.photo), camera="Nowhere")

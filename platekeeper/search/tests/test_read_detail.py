from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.reads import blobs
from platekeeper.search.tests.test_search import GOOD
from platekeeper.test import JPEG_BYTES, BaseTestCase


class ReadDetailTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.read = self.make_read("7ABC123", vehicle_make="Toyota")
        self.client = self.login(self.dave)
        r = self.client.post("/search/", GOOD)
        self.access = r.context["access"]
        self.before = AccessRecord.objects.count()

    def open(
        self, read_id: int | None = None, access: Any = None, client: Any = None
    ) -> Any:
        code = self.access.code if access is None else access
        return (client or self.client).get(
            f"/reads/{read_id or self.read.id}/?access={code}"
        )

    def last_record(self) -> AccessRecord:
        return AccessRecord.objects.order_by("-id")[0]

    @pytest.mark.requirement("R13")
    def test_it_shows_a_read_and_records_the_access_with_the_searchs_purpose(
        self,
    ) -> None:
        r = self.open()
        self.assertContains(r, "Toyota")
        record = self.last_record()
        self.assertEqual(AccessRecord.objects.count(), self.before + 1)
        self.assertEqual(
            (record.action, record.purpose, record.case_number),
            (Action.READ_DETAIL, "stolen_vehicle", "HPD-24-0042"),
        )
        self.assertEqual(record.result_ids, [self.read.id])

    def test_it_needs_login(self) -> None:
        self.client.logout()
        self.assertEqual(self.open().status_code, 302)

    @pytest.mark.requirement("R14")
    def test_it_refuses_a_read_opened_without_a_search(self) -> None:
        r = self.open(access="")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(self.last_record().outcome, "denied")

    def test_it_refuses_a_search_made_by_someone_else(self) -> None:
        r = self.open(client=self.login(self.olivia))
        self.assertEqual(r.status_code, 400)

    def test_it_refuses_a_read_the_search_did_not_return(self) -> None:
        other = self.make_read("8XYZ999")
        self.assertEqual(self.open(read_id=other.id).status_code, 404)
        self.assertEqual(self.last_record().outcome, "denied")

    def test_it_hides_another_agencys_read(self) -> None:
        theirs = self.make_read("7ABC123", camera=self.inglewood_camera)
        otto = self.login(self.otto)
        access = otto.post("/search/", GOOD).context["access"]
        self.assertEqual(
            self.open(
                read_id=self.read.id, access=access.code, client=otto
            ).status_code,
            404,
        )
        self.assertEqual(self.open(read_id=theirs.id).status_code, 404)

    @pytest.mark.requirement("R13")
    def test_it_serves_the_plate_image_and_records_the_view(self) -> None:
        import tempfile

        with override_settings(IMAGES_DIR=tempfile.mkdtemp(prefix="pk-img-")):
            digest = blobs.put(JPEG_BYTES)
            type(self.read).objects.filter(pk=self.read.pk).update(plate_image=digest)
            r = self.client.get(
                f"/reads/{self.read.id}/image/plate?access={self.access.code}"
            )
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r.content, JPEG_BYTES)
            self.assertEqual(r["Cache-Control"], "no-store")
            self.assertEqual(self.last_record().action, Action.IMAGE_VIEW)
            missing = self.client.get(
                f"/reads/{self.read.id}/image/overview?access={self.access.code}"
            )
            self.assertEqual(missing.status_code, 404)

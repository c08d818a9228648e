"""Daily anchors catch a chain rewritten from some entry on."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from platekeeper.audit import anchors, triggers
from platekeeper.audit.models import AccessRecord
from platekeeper.audit.tests.test_append_only import raw, write
from platekeeper.test import BaseTestCase


class AnchorTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.mkdtemp(prefix="pk-anchors-")
        self.enterContext(override_settings(DATA_DIR=Path(folder)))

    @pytest.mark.requirement("R16")
    def test_it_detects_a_chain_rewritten_with_fresh_hashes(self) -> None:
        entries = write(4)
        call_command("anchor_audit", stdout=StringIO())
        call_command("verify_audit", stdout=StringIO())  # holds before the rewrite
        # Someone with the database rewrites entry 2 and re-hashes everything after
        # it: the chain itself is consistent again.
        chain = list(AccessRecord.objects.filter(id__gte=entries[1].id).order_by("id"))
        prev = AccessRecord.objects.get(id=entries[0].id).hash
        with triggers.lifted():
            for n, entry in enumerate(chain):
                if n == 0:
                    entry.purpose = "personal"
                entry.prev_hash = prev
                entry.hash = entry.compute_hash()
                raw(
                    f"UPDATE audit_accessrecord SET purpose = '{entry.purpose}', "
                    f"prev_hash = '{entry.prev_hash}', hash = '{entry.hash}' WHERE id = {entry.id}"
                )
                prev = entry.hash
        with self.assertRaisesMessage(CommandError, "was rewritten"):
            call_command("verify_audit", stdout=StringIO())

    def test_it_refuses_a_damaged_anchor_file(self) -> None:
        write(1)
        anchors.write(timezone.now())
        with anchors.path().open("a") as f:
            f.write("not json\n")
        self.assertEqual(anchors.broken(), "anchor line 2 is not an anchor")


class DailyReportTestCase(BaseTestCase):
    def test_it_writes_and_mails_the_daily_report_with_the_anchor(self) -> None:
        from datetime import timedelta

        import time_machine
        from django.core import mail

        folder = tempfile.mkdtemp(prefix="pk-daily-")
        with override_settings(
            DATA_DIR=Path(folder),
            SECURITY_EMAIL_TO=["oncall@hawthorne.example"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ):
            with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
                write(3)
            call_command("anchor_audit", stdout=StringIO())
            head = AccessRecord.objects.order_by("-id").first()
            assert head is not None
            [report] = (Path(folder) / "reports").glob("audit-*.txt")
            body = report.read_text()
        self.assertIn(f"hash {head.hash}", body)
        self.assertIn("search 3", body)
        [message] = mail.outbox
        self.assertEqual(message.body, body)

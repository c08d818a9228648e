from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from platekeeper.audit import triggers
from platekeeper.audit.models import AccessRecord, Action, AppendOnly
from platekeeper.audit.record import Actor, Entry, record_access, record_in_action
from platekeeper.test import BaseTestCase, LiveTestCase


def write(n: int = 1) -> list[AccessRecord]:
    return [
        record_access(
            Actor("dave", "Hawthorne PD", "CA0194200"),
            Entry(
                Action.SEARCH,
                {"plate": f"7ABC{i:03}"},
                purpose="stolen_vehicle",
                case_number="24-001",
            ),
        )
        for i in range(n)
    ]


def raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


class AppendOnlyTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.base_count = AccessRecord.objects.count()

    @pytest.mark.requirement("R16")
    def test_it_has_its_triggers_after_migrate(self) -> None:
        self.assertEqual(triggers.missing(), set())

    @pytest.mark.requirement("R16")
    def test_it_refuses_to_change_or_delete_through_the_model(self) -> None:
        entry = write()[0]
        entry.purpose = "other"
        with self.assertRaises(AppendOnly):
            entry.save()
        with self.assertRaises(AppendOnly):
            entry.delete()
        with self.assertRaises(AppendOnly):
            AccessRecord.objects.filter(pk=entry.pk).update(purpose="x")
        with self.assertRaises(AppendOnly):
            AccessRecord.objects.all().delete()

    @pytest.mark.requirement("R16")
    def test_it_refuses_update_and_delete_in_raw_sql(self) -> None:
        entry = write()[0]
        with self.assertRaisesMessage(DatabaseError, "append-only"):
            raw("UPDATE audit_accessrecord SET purpose = 'x'")
        with self.assertRaisesMessage(DatabaseError, "append-only"):
            raw("DELETE FROM audit_accessrecord")
        self.assertEqual(
            AccessRecord.objects.get(pk=entry.pk).purpose, "stolen_vehicle"
        )
        self.assertEqual(AccessRecord.objects.count(), self.base_count + 1)

    def test_it_chains_each_entry_to_the_one_before(self) -> None:
        entries = write(3)
        self.assertEqual(entries[1].prev_hash, entries[0].hash)
        self.assertEqual(entries[2].prev_hash, entries[1].hash)
        self.assertTrue(all(e.hash == e.compute_hash() for e in entries))

    def test_it_writes_record_in_action_only_inside_a_transaction(self) -> None:
        # TestCase wraps each test in a transaction, so step outside it first.
        connection.in_atomic_block, was = False, connection.in_atomic_block
        try:
            with self.assertRaises(RuntimeError):
                record_in_action(Actor("alice"), Entry(Action.CAMERA_CREATED, {}))
        finally:
            connection.in_atomic_block = was

    @pytest.mark.requirement("R16")
    def test_it_reports_an_intact_log(self) -> None:
        write(3)
        out = StringIO()
        call_command("verify_audit", stdout=out)
        self.assertIn("intact", out.getvalue())


class TamperingTestCase(LiveTestCase):
    @pytest.mark.requirement("R16")
    def test_it_refuses_truncate_on_postgresql(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("SQLite has no TRUNCATE")
        write()
        before = AccessRecord.objects.count()
        with self.assertRaisesMessage(DatabaseError, "append-only"):
            raw("TRUNCATE audit_accessrecord")
        self.assertEqual(AccessRecord.objects.count(), before)

    @pytest.mark.requirement("R16")
    def test_it_detects_an_entry_altered_behind_its_back(self) -> None:
        entries = write(4)
        with triggers.lifted():
            raw(
                f"UPDATE audit_accessrecord SET purpose = 'personal' WHERE id = {entries[2].id}"
            )
        with self.assertRaisesMessage(CommandError, f"entry {entries[2].id}"):
            call_command("verify_audit", stdout=StringIO())

    @pytest.mark.requirement("R16")
    def test_it_detects_a_deleted_entry(self) -> None:
        entries = write(4)
        with triggers.lifted():
            raw(f"DELETE FROM audit_accessrecord WHERE id = {entries[1].id}")
        with self.assertRaisesMessage(CommandError, f"entry {entries[2].id}"):
            call_command("verify_audit", stdout=StringIO())

    @pytest.mark.requirement("R16")
    def test_it_detects_missing_triggers(self) -> None:
        write()
        triggers.drop()
        try:
            with self.assertRaisesMessage(CommandError, "triggers missing"):
                call_command("verify_audit", stdout=StringIO())
        finally:
            triggers.install()

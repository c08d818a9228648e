from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.test import LiveTestCase


class ConcurrentWritersTestCase(LiveTestCase):
    @pytest.mark.requirement("R16")
    def test_it_keeps_one_chain_under_concurrent_writers(self) -> None:
        before = AccessRecord.objects.count()
        barrier = threading.Barrier(4)
        errors: list[BaseException] = []

        def writer(n: int) -> None:
            try:
                barrier.wait()
                for i in range(15):
                    record_access(
                        Actor(f"user{n}"),
                        Entry(Action.SEARCH, {"i": i}, purpose="stolen_vehicle"),
                    )
            except BaseException as exc:  # reported below, in the test thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(AccessRecord.objects.count(), before + 60)
        hashes = list(
            AccessRecord.objects.order_by("id").values_list("prev_hash", "hash")
        )
        self.assertEqual(len({prev for prev, _ in hashes}), len(hashes))  # no fork
        call_command("verify_audit", stdout=StringIO())

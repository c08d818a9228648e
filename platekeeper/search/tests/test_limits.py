"""A search that runs too long is stopped with a message, on both databases."""

from __future__ import annotations

from django.db import connection

from platekeeper.search.limits import TooSlow, time_limit
from platekeeper.test import BaseTestCase


class TimeLimitTestCase(BaseTestCase):
    def test_it_stops_a_query_past_its_limit(self) -> None:
        slow = (
            "SELECT pg_sleep(1)"
            if connection.vendor == "postgresql"
            else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 100000000) SELECT count(*) FROM n"
        )
        with self.assertRaisesMessage(TooSlow, "0.05-second limit"):
            with time_limit(0.05), connection.cursor() as cursor:
                cursor.execute(slow)
                cursor.fetchall()
        with (
            time_limit(5),
            connection.cursor() as cursor,
        ):  # and the connection still works
            cursor.execute("SELECT 1")
            self.assertEqual(cursor.fetchone()[0], 1)

    def test_it_stops_a_search_of_many_statements_past_its_limit(self) -> None:
        import time

        from platekeeper.search import limits

        limits.check()  # no search under way: nothing to stop
        with self.assertRaisesMessage(TooSlow, "0.01-second limit"):
            with time_limit(0.01):
                limits.check()  # in time
                time.sleep(0.02)
                limits.check()
        limits.check()  # the limit ended with its search

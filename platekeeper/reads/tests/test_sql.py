from __future__ import annotations

from platekeeper.reads import sql
from platekeeper.reads.ingest import PLATE_COLUMNS
from platekeeper.reads.models import Plate
from platekeeper.test import BaseTestCase


def row(plate: str) -> list[object]:
    return list(Plate.fields_for(plate).values())


class InsertTestCase(BaseTestCase):
    def test_it_returns_the_asked_columns_in_row_order(self) -> None:
        back = sql.insert(
            Plate, PLATE_COLUMNS, [row("B2"), row("A1")], returning=["plate", "id"]
        )
        self.assertEqual([p for p, _ in back], ["B2", "A1"])
        self.assertEqual(dict(back), dict(Plate.objects.values_list("plate", "id")))

    def test_it_skips_conflicting_rows_and_returns_only_the_new_ones(self) -> None:
        sql.insert(Plate, PLATE_COLUMNS, [row("A1")])
        back = sql.insert(
            Plate,
            PLATE_COLUMNS,
            [row("A1"), row("C3")],
            returning=["plate"],
            on_conflict_ignore="plate",
        )
        self.assertEqual(back, [("C3",)])
        self.assertEqual(Plate.objects.count(), 2)

    def test_it_refuses_a_row_of_the_wrong_length(self) -> None:
        with self.assertRaises(ValueError):
            sql.insert(Plate, PLATE_COLUMNS, [["A1", "A1"]])
        self.assertEqual(Plate.objects.count(), 0)

    def test_it_does_nothing_for_no_rows(self) -> None:
        self.assertEqual(sql.insert(Plate, PLATE_COLUMNS, [], returning=["id"]), [])

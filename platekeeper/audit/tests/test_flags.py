"""Each flag fires on its fixture and not on a near miss (R41, R43)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from platekeeper.audit import flags
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.rules import AuditRules
from platekeeper.test import BaseTestCase

RULES = AuditRules()
DAVE = Actor("dave", "Hawthorne Police Department", "CA0194200")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Local time on a day of November 2026."""
    return timezone.make_aware(datetime(2026, 11, day, hour, minute))


def search(
    when: datetime,
    case: str = "HPD-1",
    why: str = "",
    plate: str = "7ABC123",
    action: Action = Action.SEARCH,
    results: int = 1,
    actor: Actor = DAVE,
) -> AccessRecord:
    with time_machine.travel(when, tick=False):
        return record_access(
            actor,
            Entry(
                action,
                {"plate": plate},
                purpose="stolen_vehicle",
                case_number=case,
                justification=why,
                result_ids=list(range(results)),
            ),
        )


def flagged(*records: AccessRecord) -> dict[int, list[str]]:
    return flags.flag(records, RULES)


class FlagTestCase(BaseTestCase):
    @pytest.mark.requirement("R41")
    def test_it_flags_a_search_without_case_number(self) -> None:
        hit, miss = search(at(20, 10), case=""), search(at(20, 10), case="HPD-1")
        result = flagged(hit, miss)
        self.assertEqual(result, {hit.id: ["no_case_number"]})

    @pytest.mark.requirement("R41")
    def test_it_flags_a_vague_justification(self) -> None:
        hit = search(at(20, 10), why="inv")
        short = search(at(20, 10), why="see notes")
        miss = search(at(20, 10), why="Honda stolen from 120th St driveway")
        none = search(at(20, 10), why="")
        result = flagged(hit, short, miss, none)
        self.assertEqual(set(result), {hit.id, short.id})

    @pytest.mark.requirement("R41")
    def test_it_flags_searches_outside_working_hours(self) -> None:
        late, early = search(at(20, 23, 30)), search(at(20, 5, 59))
        near = search(at(20, 21, 59))
        self.assertEqual(set(flagged(late, early, near)), {late.id, early.id})

    @pytest.mark.requirement("R43")
    def test_it_flags_a_day_far_above_the_users_own_habit(self) -> None:
        for day in range(1, 21):  # two searches a day for twenty days
            search(at(day, 10), case="HPD-H")
            search(at(day, 11), case="HPD-H")
        busy = [search(at(25, 9, n), case="HPD-B") for n in range(10)]
        self.assertEqual(set(flagged(*busy)), {r.id for r in busy})
        usual = [search(at(26, 9, n), case="HPD-U") for n in range(2)]
        self.assertEqual(flagged(*usual), {})

    @pytest.mark.requirement("R43")
    def test_it_flags_the_same_plate_searched_again_and_again_without_a_case(
        self,
    ) -> None:
        search(at(20, 10), case="", plate="5PER123")
        second = search(at(21, 10), case="", plate="5PER123")
        third = search(at(22, 10), case="", plate="5PER123")
        self.assertIn("repeated_plate", flagged(third)[third.id])
        self.assertNotIn("repeated_plate", flagged(second).get(second.id, []))

    def test_it_does_not_flag_repeats_when_one_had_a_case(self) -> None:
        search(at(20, 10), case="HPD-7", plate="5PER123")
        search(at(21, 10), case="", plate="5PER123")
        third = search(at(22, 10), case="", plate="5PER123")
        self.assertNotIn("repeated_plate", flagged(third)[third.id])

    @pytest.mark.requirement("R43")
    def test_it_flags_a_mass_export(self) -> None:
        big = search(at(20, 10), action=Action.EXPORT, results=1001)
        near = search(at(20, 10), action=Action.EXPORT, results=1000)
        self.assertEqual(flagged(big, near), {big.id: ["mass_export"]})

    def test_it_reads_the_searches_of_a_period(self) -> None:
        inside = search(at(20, 10))
        search(at(19, 10))
        found = list(flags.searches(at(20, 0), at(21, 0)))
        self.assertEqual([r.id for r in found], [inside.id])


class StaffWatchTestCase(BaseTestCase):
    def test_it_flags_a_search_for_an_employees_plate_only_when_turned_on(self) -> None:
        from platekeeper.audit.models import StaffPlate

        StaffPlate.objects.create(
            agency=self.hawthorne, plate="7ABC123", employee="olivia", added_by="alice"
        )
        watched = search(at(20, 10), plate="7abc 123")
        other = search(at(20, 10), plate="8XYZ999")
        self.assertEqual(flagged(watched, other), {})  # off by default
        on = RULES.model_copy(update={"staff_watch": True})
        self.assertEqual(
            flags.flag([watched, other], on), {watched.id: ["staff_plate"]}
        )

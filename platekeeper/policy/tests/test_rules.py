"""Rules a Policy cannot break, whoever edits it."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from pydantic import ValidationError

from platekeeper.policy.profiles import CALIFORNIA, rules_for
from platekeeper.policy.rules import DataClass, Rules


def with_retention(data_class: DataClass, days: int) -> dict[str, object]:
    profile = copy.deepcopy(CALIFORNIA)
    profile["retention"][data_class] = {"minimum": timedelta(days=days)}  # type: ignore[index]
    return profile


@pytest.mark.requirement("R19")
def test_it_refuses_to_keep_access_records_less_than_a_year() -> None:
    with pytest.raises(
        ValidationError, match="access_records are kept at least 365 days"
    ):
        Rules.model_validate(with_retention(DataClass.ACCESS_RECORDS, 364))
    Rules.model_validate(
        with_retention(DataClass.ACCESS_RECORDS, 5 * 365)
    )  # LAPD: 5 years


def test_it_refuses_to_keep_sharing_records_less_than_two_years() -> None:
    with pytest.raises(
        ValidationError, match="sharing_records are kept at least 730 days"
    ):
        Rules.model_validate(with_retention(DataClass.SHARING_RECORDS, 365))


@pytest.mark.requirement("R24")
def test_it_refuses_a_retention_floor_above_its_cap() -> None:
    profile = copy.deepcopy(CALIFORNIA)
    profile["retention"][DataClass.READS] = {  # type: ignore[index]
        "minimum": timedelta(days=365),
        "maximum": timedelta(days=30),
    }
    with pytest.raises(ValidationError, match="floor is above its cap"):
        Rules.model_validate(profile)


@pytest.mark.requirement("R29")
def test_it_purges_as_often_as_the_shortest_retention_needs() -> None:
    assert rules_for("california").purge_every() == timedelta(days=1)
    assert rules_for("new_hampshire").purge_every() == timedelta(minutes=1)
    hourly = copy.deepcopy(CALIFORNIA)
    hourly["retention"][DataClass.READS] = {"minimum": timedelta(hours=6)}  # type: ignore[index]
    assert Rules.model_validate(hourly).purge_every() == timedelta(hours=2)


def test_it_refuses_sessions_longer_than_cjis_allows() -> None:
    profile = copy.deepcopy(CALIFORNIA)
    profile["sessions"] = {"idle_minutes": 45}
    with pytest.raises(ValidationError):
        Rules.model_validate(profile)


def test_it_keeps_the_california_profile_valid() -> None:
    assert rules_for("california").hot_lists.never_alert == ["immigration_violator"]

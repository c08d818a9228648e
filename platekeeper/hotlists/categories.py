"""What an entry is for: NCIC's list codes and the agency's own reasons.

Person files (wanted, missing, gang, ...) alert only as the Policy says; a
category the Policy lists under `never_alert` never alerts (California:
Immigration Violator records, Gov. Code 7284.6).
"""

from __future__ import annotations

from dataclasses import dataclass

from platekeeper.policy.rules import HotListRules


@dataclass(frozen=True)
class Category:
    label: str
    person_file: bool = False
    # Hit confirmation with the originating agency: 10 minutes, else 1 hour.
    urgent: bool = True
    # The Policy purpose an alert of this category is opened for.
    purpose: str = "stolen_vehicle"


CATEGORIES: dict[str, Category] = {
    "stolen_vehicle": Category("Stolen vehicle"),
    "stolen_plate": Category("Stolen plate"),
    "felony_vehicle": Category("Felony vehicle", purpose="criminal_investigation"),
    "stolen_canadian_vehicle": Category("Stolen Canadian vehicle"),
    "amber": Category("AMBER Alert", purpose="missing_person"),
    "wanted_person": Category(
        "Wanted person", person_file=True, purpose="wanted_person"
    ),
    "missing_person": Category(
        "Missing person", person_file=True, purpose="missing_person"
    ),
    "supervised_release": Category(
        "Supervised release", person_file=True, urgent=False
    ),
    "protection_order": Category(
        "Protection order",
        person_file=True,
        urgent=False,
        purpose="criminal_investigation",
    ),
    "protective_interest": Category(
        "Protective interest", person_file=True, urgent=False
    ),
    "violent_person": Category(
        "Violent person", person_file=True, purpose="wanted_person"
    ),
    "gang": Category(
        "Gang / terrorist member",
        person_file=True,
        urgent=False,
        purpose="criminal_investigation",
    ),
    "sex_offender": Category(
        "Sex offender", person_file=True, urgent=False, purpose="criminal_investigation"
    ),
    "immigration_violator": Category(
        "Immigration violator", person_file=True, urgent=False
    ),
    # Agency entries (427.3(c)): a vehicle seen in a major crime, often a partial plate.
    "major_crime": Category("Vehicle of interest in a major crime", purpose=""),
}


def alerts(category: str, policy: HotListRules) -> bool:
    """Whether hits on entries of this category alert anyone."""
    if category in policy.never_alert:
        return False
    known = CATEGORIES.get(category)
    if known is not None and known.person_file:
        return category in policy.alerting_person_files
    return True


def purpose_of(category: str, entry_purpose: str) -> str:
    """The purpose an alert is opened for: the category's, or the entry's own."""
    known = CATEGORIES.get(category)
    return (known.purpose if known else "") or entry_purpose or "criminal_investigation"


def label(category: str) -> str:
    known = CATEGORIES.get(category)
    return known.label if known else category

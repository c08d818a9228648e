"""Jurisdiction profiles: starting values for a first Policy version."""

from __future__ import annotations

from datetime import timedelta

from platekeeper.policy.capabilities import Capability as C
from platekeeper.policy.rules import DataClass, Rules

YEAR = timedelta(days=365)

# Hawthorne PD Policy 427 under Cal. Civil Code 1798.90.5 et seq.
CALIFORNIA = {
    "jurisdiction": "California (Hawthorne PD Policy 427)",
    "purposes": [
        {
            "code": "stolen_vehicle",
            "label": "Stolen vehicle or stolen plate",
            "authority": "427.2",
        },
        {
            "code": "wanted_person",
            "label": "Wanted person or active warrant",
            "authority": "427.2",
        },
        {"code": "missing_person", "label": "Missing person", "authority": "427.2"},
        {
            "code": "criminal_investigation",
            "label": "Criminal investigation",
            "authority": "427.3(b)",
        },
        {
            "code": "major_incident_canvass",
            "label": "Canvass around a homicide, shooting or other major incident",
            "authority": "427.3(c)",
        },
        {
            "code": "homeland_security",
            "label": "Homeland security",
            "authority": "427.2",
        },
        {
            "code": "suspect_interdiction",
            "label": "Suspect interdiction",
            "authority": "427.2",
        },
        {
            "code": "stolen_property",
            "label": "Stolen property recovery",
            "authority": "427.2",
        },
    ],
    "job_titles": [
        {"title": "Police Officer", "capabilities": [C.SEARCH_RECENT, C.HANDLE_ALERTS]},
        {"title": "Dispatcher", "capabilities": [C.HANDLE_ALERTS]},
        {
            "title": "Detective",
            "capabilities": [
                C.SEARCH_FULL,
                C.CANVASS,
                C.EXPORT,
                C.HANDLE_ALERTS,
                C.HOLD_EVIDENCE,
            ],
        },
        {
            "title": "ALPR Administrator",
            "capabilities": [C.MANAGE_CAMERAS, C.MANAGE_HOTLISTS, C.MANAGE_ACCOUNTS],
        },
        {"title": "Auditor", "capabilities": [C.REVIEW_AUDIT]},
        {
            "title": "Custodian of Records",
            "capabilities": [C.MANAGE_RETENTION, C.HOLD_EVIDENCE, C.RELEASE_RECORDS],
        },
        {
            "title": "Administrative Division Commander",
            "capabilities": [C.APPROVE_SHARING, C.PUBLISH_POLICY],
        },
    ],
    "retention": {
        DataClass.READS: {"minimum": YEAR},
        DataClass.ALERTS: {"minimum": YEAR},
        DataClass.HOTLIST_ENTRIES: {"minimum": YEAR},
        DataClass.ACCESS_RECORDS: {"minimum": YEAR},
        DataClass.SHARING_RECORDS: {"minimum": 2 * YEAR},
    },
    "case_number_required": True,
    "recent_search_days": 30,
    "training": [
        {
            "code": "alpr",
            "label": "Department ALPR training (Policy 427.3(d))",
            "valid_days": 2 * 365,
        },
        {
            "code": "cjis_awareness",
            "label": "CJIS security awareness training",
            "valid_days": 365,
        },
    ],
    "data_sources": [
        {
            "code": "clets",
            "label": "CLETS/NCIC records (hot-list source details)",
            "certification": {
                "code": "clets_operator",
                "label": "CLETS operator certification",
                "valid_days": 2 * 365,
            },
        }
    ],
    "sessions": {
        "idle_minutes": 30,
        "reauthenticate_hours": 12,
        "idle_exempt_terminals": [
            "mobile_data_terminal",
            "dispatch_console",
            "alert_display",
        ],
    },
    "hot_lists": {
        "entry_days": 30,
        "look_back_days": 30,
        "repeat_alert_minutes": 10,
        "alerting_person_files": ["wanted_person", "missing_person"],
        # Gov. Code 7284.6(a)(1): no city resources to detect persons for
        # immigration enforcement (SB 54).
        "never_alert": ["immigration_violator"],
    },
    "statements": {
        "monitoring": (
            "All ALPR data is accessible only through a password- and one-time-code-protected "
            "system that records every access by name, agency, date, time, purpose and case "
            "number before any data is shown (Civil Code 1798.90.52). Accesses are monitored "
            "as they happen for the flags this Policy defines; auditors review a sample of "
            "searches and hot-list entries, every flagged one included, on the schedule below "
            "(427.5(c)), and the security log weekly."
        ),
        "sharing": (
            "ALPR data is shared only with law-enforcement or prosecutorial agencies for "
            "official purposes, on a written request naming the agency, the person requesting "
            "and the intended purpose, reviewed and approved by the Administrative Division "
            "Commander or the designee before it is fulfilled and kept on file for at least "
            "two years (427.6). Requests from others follow the Records Maintenance and "
            "Release Policy. The department does not share ALPR data with commercial or "
            "private entities and does not confirm or deny that data exists to anyone not "
            "eligible to receive it. Hosting and towing services are not sharing."
        ),
        "accuracy": (
            "An alert is unverified until the officer has compared the plate, state and "
            "vehicle and re-checked the record through CLETS (427.3(f)); enforcement before "
            "verification is recorded with a reason and reviewed. Misreads are corrected on "
            "the read, the original kept and the correction recorded; hot lists are replaced "
            "at each refresh and flagged when stale; false hits are counted per camera."
        ),
        "destruction": (
            "Data is kept for at least the periods below and then purged automatically "
            "(Government Code 34090.6), unless it is, or will likely become, evidence in a "
            "criminal or civil action or is subject to discovery: then a legal hold keeps it "
            "and it is downloaded to portable media and booked into evidence (427.4). Each "
            "purge is recorded with what it removed."
        ),
    },
    "custodian_title": "Administrative Division Commander",
    "administrator_designee": {
        "name": "Not yet designated",
        "title": "ALPR Administrator",
    },
}

CALIFORNIA["sources"] = [
    {
        "setting": "recipients: California public law-enforcement and prosecutorial agencies",
        "citation": "Civil Code 1798.90.55(b); AG bulletin 2023-DLE-06",
        "confirmed": True,
    },
    {
        "setting": "reads kept at least one year, then purged unless held",
        "citation": "Government Code 34090.6 as applied by Policy 427.4",
        "confirmed": True,
    },
    {
        "setting": "a public-comment meeting before the program starts",
        "citation": "Civil Code 1798.90.55(a)",
        "confirmed": True,
    },
]


def _state(
    jurisdiction: str,
    state: str,
    reads: timedelta,
    sources: list[dict[str, object]],
    restricted_after: timedelta | None = None,
) -> dict[str, object]:
    """Another state's starting values: the Hawthorne rules with that state's
    retention of reads and in-state recipients. Counsel checks each before use."""
    retention = dict(CALIFORNIA["retention"])  # type: ignore[call-overload]
    retention[DataClass.READS] = {
        "minimum": reads,
        "restricted_after": restricted_after,
    }
    return {
        **CALIFORNIA,
        "jurisdiction": jurisdiction,
        "retention": retention,
        "sharing": {"recipient_states": [state]},
        # Civil Code 1798.90.55(a) is California's.
        "requires_public_meeting": False,
        "sources": sources,
    }


# REQUIREMENTS.md 5.2. Several values are marked unconfirmed there: they must be
# checked by the agency's counsel, and the policy page says so.
NEW_HAMPSHIRE = _state(
    "New Hampshire (RSA 261:75-b; Saf-C 7200)",
    "NH",
    timedelta(minutes=3),
    [
        {
            "setting": "a read that is not a hit is purged within 3 minutes",
            "citation": "RSA 261:75-b (secondary sources; statute text not retrieved)",
            "confirmed": False,
        },
        {
            "setting": "annual report of matches, stops and arrests; lists updated daily",
            "citation": "Saf-C 7204.01",
            "confirmed": False,
        },
    ],
)
MAINE = _state(
    "Maine (29-A MRSA 2117-A)",
    "ME",
    timedelta(days=21),
    [
        {
            "setting": "reads kept 21 days unless part of an active investigation",
            "citation": "29-A MRSA 2117-A (secondary sources)",
            "confirmed": False,
        },
        {
            "setting": "data confidential; law enforcement, DOT and turnpike only",
            "citation": "29-A MRSA 2117-A",
            "confirmed": False,
        },
    ],
)
MINNESOTA = _state(
    "Minnesota (Minn. Stat. 13.824)",
    "MN",
    timedelta(days=60),
    [
        {
            "setting": "non-investigative data destroyed after 60 days",
            "citation": "Minn. Stat. 13.824 (current subdivision text not retrieved)",
            "confirmed": False,
        },
        {
            "setting": "public log of use; independent biennial audit",
            "citation": "Minn. Stat. 13.824 subd. 5–6",
            "confirmed": False,
        },
    ],
)
COLORADO = _state(
    "Colorado (C.R.S. 24-72-113)",
    "CO",
    timedelta(days=3 * 365),
    [
        {
            "setting": "destroyed after 3 years; after the first year opened only with a "
            "reason, recorded with the person",
            "citation": "C.R.S. 24-72-113",
            "confirmed": True,
        },
        {
            "setting": "SB26-070 (warrant after 3 days, 30-day retention) is pending",
            "citation": "SB26-070 (2026)",
            "confirmed": False,
        },
    ],
    restricted_after=timedelta(days=365),
)
VIRGINIA = _state(
    "Virginia (Code 2.2-5517, HB 2724 of 2025)",
    "VA",
    timedelta(days=21),
    [
        {
            "setting": "reads kept 21 days (the Governor proposed 30; the enacted value is "
            "unconfirmed)",
            "citation": "HB 2724 (2025), Code 2.2-5517",
            "confirmed": False,
        },
        {
            "setting": "sharing limited to Virginia law enforcement and Commonwealth's "
            "Attorneys; not out of state or federal",
            "citation": "Code 2.2-5517 (secondary source)",
            "confirmed": False,
        },
    ],
)

PROFILES = {
    "california": CALIFORNIA,
    "new_hampshire": NEW_HAMPSHIRE,
    "maine": MAINE,
    "minnesota": MINNESOTA,
    "colorado": COLORADO,
    "virginia": VIRGINIA,
}


def rules_for(profile: str) -> Rules:
    return Rules.model_validate(PROFILES[profile])

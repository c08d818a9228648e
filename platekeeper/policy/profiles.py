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

# RSA 261:75-b VIII: a read that is not a hit is purged within three minutes;
# the rest of the Hawthorne rules stand until the department writes its own.
NEW_HAMPSHIRE = {
    **CALIFORNIA,
    "jurisdiction": "New Hampshire (RSA 261:75-b)",
    "retention": {
        **CALIFORNIA["retention"],  # type: ignore[dict-item]
        DataClass.READS: {"minimum": timedelta(minutes=3)},
    },
    # Civil Code 1798.90.55(a) is California's.
    "requires_public_meeting": False,
}

PROFILES = {"california": CALIFORNIA, "new_hampshire": NEW_HAMPSHIRE}


def rules_for(profile: str) -> Rules:
    return Rules.model_validate(PROFILES[profile])

"""The public text of a Policy version, rendered from its rules (R21).

Every value the system enforces (purposes, titles and what each may do,
training, retention per class, the sharing rule, the designee, the audit
schedule) is printed from the rules, so the policy people read and the
policy the code enforces cannot differ. The text is frozen with the version
when it is published.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from platekeeper.policy.models import PolicyVersion
from platekeeper.policy.rules import ELEMENTS, DataClass

CLASS_NAMES = {
    DataClass.READS: "Plate reads and their images",
    DataClass.ALERTS: "Hits and alerts",
    DataClass.HOTLIST_ENTRIES: "Hot-list entries",
    DataClass.ACCESS_RECORDS: "Access records (who searched what, when and why)",
    DataClass.SHARING_RECORDS: "Release requests and other sharing records",
}


def duration(value: Any) -> str:
    days, seconds = value.days, value.seconds
    if days and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years > 1 else ''}"
    if days:
        return "1 day" if days == 1 else f"{days} days"
    minutes = seconds // 60
    if minutes == 60:
        return "1 hour"
    if minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def render(version: PolicyVersion) -> str:
    rules = version.parsed
    return render_to_string(
        "policy/text.html",
        {
            "version": version,
            "rules": rules,
            "agency": settings.AGENCY_NAME,
            "elements": ELEMENTS,
            "retention": [
                (
                    CLASS_NAMES[c],
                    duration(r.minimum),
                    duration(r.maximum) if r.maximum else "",
                    duration(r.restricted_after) if r.restricted_after else "",
                )
                for c, r in rules.retention.items()
            ],
            "titles": [
                (t.title, [c.value.replace("_", " ") for c in t.capabilities])
                for t in rules.job_titles
            ],
            "purge_every": duration(rules.purge_every()),
            "recipient_types": [
                t.replace("_", " ") for t in rules.sharing.recipient_types
            ],
        },
    )

"""Who may receive ALPR data (R30): the Policy's rule, applied whatever anyone approves.

California's profile: California public agencies that enforce the law or
prosecute, at the state or local level (Civil Code 1798.90.55(b), AG bulletin
2023-DLE-06: not federal, not out-of-state, never commercial or private). A
court order or subpoena may also come from a California court. A
public-records request may come from anyone, and gets pseudonymized data only.
"""

from __future__ import annotations

from platekeeper.accounts.models import Agency
from platekeeper.policy.rules import Rules
from platekeeper.sharing.models import ReleaseRequest

COURT_TYPES = {Agency.Type.OTHER_PUBLIC}


def refusal(agency: Agency, kind: str, rules: Rules) -> str:
    """Why `agency` may not receive ALPR data this way; empty when it may."""
    if kind == ReleaseRequest.Kind.PUBLIC_RECORDS:
        return ""
    sharing = rules.sharing
    types = set(sharing.recipient_types)
    if kind in (ReleaseRequest.Kind.COURT_ORDER, ReleaseRequest.Kind.SUBPOENA):
        types |= COURT_TYPES
    if agency.type not in types:
        return f"{agency.get_type_display().lower()} bodies may not receive ALPR data"
    if agency.level not in sharing.recipient_levels:
        level = agency.get_level_display().lower() or "unknown-level"
        return f"{level} agencies may not receive ALPR data"
    if agency.state not in sharing.recipient_states:
        return f"agencies outside {', '.join(sharing.recipient_states)} may not receive ALPR data"
    return ""

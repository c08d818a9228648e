"""What a job title can let a user do. The list lives in code; which titles get
which capabilities lives in the published Policy."""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    SEARCH_RECENT = "search_recent"  # plate search within the Policy's recent window
    SEARCH_FULL = "search_full"  # any plate criteria over all retained reads
    CANVASS = "canvass"
    EXPORT = "export"
    HANDLE_ALERTS = "handle_alerts"
    MANAGE_CAMERAS = "manage_cameras"
    MANAGE_HOTLISTS = "manage_hotlists"
    MANAGE_ACCOUNTS = "manage_accounts"
    REVIEW_AUDIT = "review_audit"
    MANAGE_RETENTION = "manage_retention"  # approve and release holds, review retention
    HOLD_EVIDENCE = "hold_evidence"  # place legal holds and make evidence packages
    RELEASE_RECORDS = "release_records"  # enter and fulfil written release requests
    APPROVE_SHARING = "approve_sharing"
    PUBLISH_POLICY = "publish_policy"


SEARCH_CAPABILITIES = {Capability.SEARCH_RECENT, Capability.SEARCH_FULL}

"""The system-use notice shown before sign-in (CJIS AC-8, R11)."""

SYSTEM_USE_NOTICE = [
    "You are accessing a restricted law enforcement information system. Use is "
    "limited to authorized users for official law enforcement purposes under the "
    "department's ALPR policy.",
    "All use of this system is monitored, recorded and subject to audit.",
    "Unauthorized use is prohibited and may result in discipline and in criminal "
    "and civil penalties (including Cal. Civil Code § 1798.90.54).",
    "By using this system you consent to this monitoring and recording.",
]
SESSION_KEY = "banner_acknowledged"

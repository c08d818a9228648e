"""The daily audit report: yesterday's accesses and flags, and the chain's
anchor, written to `reports/` in the data directory and, when security
contacts are configured, e-mailed to them, so the anchor also lives outside
the machine."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from platekeeper.audit import flags, report
from platekeeper.policy.rules import AuditRules


def text(day_start: datetime, rules: AuditRules, anchor: dict[str, Any] | None) -> str:
    found = report.monthly(day_start, day_start + timedelta(days=1), rules)
    lines = [
        f"Platekeeper audit report for {day_start:%Y-%m-%d} ({timezone.get_current_timezone_name()})",
        f"accesses recorded: {found.total}",
        "by action: "
        + ", ".join(f"{k} {v}" for k, v in sorted(found.by_action.items())),
        "by outcome: "
        + ", ".join(f"{k} {v}" for k, v in sorted(found.by_outcome.items())),
        "flags: "
        + (
            ", ".join(f"{flags.FLAGS[k]} {v}" for k, v in sorted(found.flags.items()))
            or "none"
        ),
        "flagged by user: "
        + (
            ", ".join(f"{k} {v}" for k, v in found.flagged_by_user.most_common())
            or "none"
        ),
    ]
    if anchor:
        lines.append(
            f"chain anchor: entry {anchor['id']} hash {anchor['hash']} at {anchor['at']}"
        )
    return "\n".join(lines) + "\n"


def write(now: datetime, rules: AuditRules, anchor: dict[str, Any] | None) -> Path:
    """Yesterday's report (local days), kept in the data directory and mailed."""
    today = timezone.localtime(now).date()
    day_start = timezone.make_aware(
        datetime.combine(today - timedelta(days=1), time.min)
    )
    body = text(day_start, rules, anchor)
    folder = Path(settings.DATA_DIR) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-{day_start:%Y-%m-%d}.txt"
    path.write_text(body, encoding="utf-8")
    if settings.SECURITY_EMAIL_TO:
        send_mail(
            f"Platekeeper audit report {day_start:%Y-%m-%d}",
            body,
            None,
            settings.SECURITY_EMAIL_TO,
        )
    return path

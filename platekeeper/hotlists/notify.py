"""Telling people off the screen that alerts are waiting (off by default).

E-mail and webhooks leave the CJIS boundary, so they carry no plate, no list
name, no record: only how many alerts wait and where to open them, after
signing in. Each alert is announced once; a failed delivery is retried on the
next run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from platekeeper.hotlists.models import Alert

logger = logging.getLogger(__name__)
# Older unannounced alerts are not worth a message any more.
FRESH = timedelta(hours=1)


def message(count: int) -> str:
    noun = "alert is" if count == 1 else "alerts are"
    return (
        f"{count} new ALPR {noun} waiting in Platekeeper. Sign in to see them: "
        f"{settings.BASE_URL}/alerts/ (details are never sent by e-mail or webhook)."
    )


def deliver() -> dict[str, int]:
    """Announce unannounced fresh alerts per agency; returns counts by channel."""
    if not settings.ALERT_WEBHOOK_URL and not settings.ALERT_EMAIL_TO:
        return {}
    now = timezone.now()
    waiting = Alert.objects.filter(
        notified_at=None, created_at__gte=now - FRESH
    ).values_list("id", "agency__ori")
    by_agency: dict[str, list[int]] = defaultdict(list)
    for alert_id, ori in waiting:
        by_agency[ori].append(alert_id)
    sent = {"webhook": 0, "email": 0}
    for ori, ids in by_agency.items():
        if _send(ori, len(ids), sent):
            Alert.objects.filter(id__in=ids).update(notified_at=now)
    return sent


def _send(ori: str, count: int, sent: dict[str, int]) -> bool:
    ok = True
    if settings.ALERT_WEBHOOK_URL:
        try:
            httpx.post(
                settings.ALERT_WEBHOOK_URL,
                json={
                    "event": "alerts_waiting",
                    "agency": ori,
                    "count": count,
                    "url": f"{settings.BASE_URL}/alerts/",
                },
                timeout=10,
            ).raise_for_status()
            sent["webhook"] += 1
        except httpx.HTTPError as exc:
            logger.error("alert webhook failed: %s", exc)
            ok = False
    if settings.ALERT_EMAIL_TO:
        try:
            send_mail(
                "ALPR alerts waiting", message(count), None, settings.ALERT_EMAIL_TO
            )
            sent["email"] += 1
        except OSError as exc:
            logger.error("alert e-mail failed: %s", exc)
            ok = False
    return ok

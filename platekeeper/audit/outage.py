"""Telling the people responsible when the audit log cannot be written (R18,
CJIS AU-5: within the hour). Data access has already stopped (503); this
says so by e-mail and webhook, at most once per `QUIET` per process, and
keeps the outage in `audit-outages.jsonl` in the data directory."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger(__name__)
QUIET = 600.0  # seconds between two warnings from one process
_last = [0.0]
_lock = threading.Lock()


def report(error: str) -> bool:
    """Warn about an audit-log failure unless this process just did; True if sent."""
    with _lock:
        if time.monotonic() - _last[0] < QUIET and _last[0]:
            return False
        _last[0] = time.monotonic()
    message = (
        "Platekeeper cannot write its audit log, so it has stopped showing ALPR data "
        f"(every request answers 503). Error: {error[:300]}. Alerts still reach officers "
        "without their details. Check the database and its disk now."
    )
    _keep(error)
    sent = False
    if settings.SECURITY_EMAIL_TO:
        try:
            send_mail(
                "Platekeeper: audit log failure",
                message,
                None,
                settings.SECURITY_EMAIL_TO,
            )
            sent = True
        except OSError as exc:
            logger.error("could not e-mail the audit-log failure: %s", exc)
    if settings.SECURITY_WEBHOOK_URL:
        try:
            httpx.post(
                settings.SECURITY_WEBHOOK_URL,
                json={"event": "audit_log_failure", "message": message},
                timeout=10,
            ).raise_for_status()
            sent = True
        except httpx.HTTPError as exc:
            logger.error("could not post the audit-log failure: %s", exc)
    return sent


def _keep(error: str) -> None:
    try:
        with (Path(settings.DATA_DIR) / "audit-outages.jsonl").open(
            "a", encoding="utf-8"
        ) as f:
            f.write(
                json.dumps({"at": timezone.now().isoformat(), "error": error[:500]})
                + "\n"
            )
    except OSError as exc:  # the disk that filled the database may be this one
        logger.critical("could not keep the audit-log failure either: %s", exc)


def reset() -> None:
    """Forget the last warning (tests)."""
    _last[0] = 0.0

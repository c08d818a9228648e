"""Exact plate search through the web path, beside the bare query."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection

from platekeeper.accounts.models import Agency
from platekeeper.reads.models import Plate, PlateRead
from platekeeper.service.bench.common import Figures, bench_agency, p50_ms


def bench_detective(
    agency: Agency, username: str = "bench-detective", title: str = "Detective"
) -> Any:
    """A trained, approved user (the gates apply to the bench too)."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from platekeeper.accounts.models import Profile, TrainingRecord
    from platekeeper.policy.models import PolicyVersion

    user, created = User.objects.get_or_create(username=username)
    if created:
        Profile.objects.create(
            user=user,
            agency=agency,
            job_title=title,
            approved_at=timezone.now(),
        )
    rules = PolicyVersion.objects.current().parsed  # type: ignore[union-attr]
    for course in rules.training:
        TrainingRecord.objects.get_or_create(
            user=user,
            course=course.code,
            completed_on=timezone.localdate(),
            defaults={"verified_by": "bench"},
        )
    return user


def signed_in(user: Any) -> Any:
    """A client signed in with both factors, past the notice, as the user would be."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session["banner_acknowledged"] = True
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench")
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sample_plates(n: int) -> list[str]:
    """Plates that have reads, spread over the distinct-plate table."""
    last = Plate.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found: list[str] = []
    for start in range(1, last + 1, max(1, last // n)):  # ids are sparse: probe
        plate = (
            Plate.objects.filter(id__gte=start)
            .order_by("id")
            .values_list("plate", flat=True)
            .first()
        )
        if plate is not None and plate not in found:
            found.append(plate)
    return found[:n]


def search_group(opts: dict[str, Any]) -> Figures:
    from platekeeper.search import queries

    agency = bench_agency()
    user = bench_detective(agency)
    client = signed_in(user)
    plates_ = sample_plates(200)
    form = {"purpose": "criminal_investigation", "case_number": "BENCH-1"}

    def web(plate: str) -> None:
        response = client.post("/search/", {**form, "plate": plate})
        if response.status_code != 200:
            raise RuntimeError(f"search failed: {response.status_code}")

    def bare(plate: str) -> None:
        reads = queries.exact_plate_query(PlateRead.objects.visible_to(user), plate)
        sql, params = reads.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    web_ms, sql_ms = [], []
    for plate in plates_[:10]:  # warm the caches both ways
        web(plate)
        bare(plate)
    for plate in plates_:
        web_ms.append(_timed(web, plate))
        sql_ms.append(_timed(bare, plate))
    return {
        "search_exact_p50_ms": p50_ms(web_ms),
        "search_exact_sql_p50_ms": p50_ms(sql_ms),
        "search_exact_p95_ms": round(sorted(web_ms)[int(len(web_ms) * 0.95)] * 1000, 2),
        "search_plates_measured": len(plates_),
    }


def _timed(fn: Callable[[str], None], arg: str) -> float:
    t0 = time.perf_counter()
    fn(arg)
    return time.perf_counter() - t0

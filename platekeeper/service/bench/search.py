"""Exact plate search through the web path, beside the bare query."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

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


def _scattered(plate: str) -> str:
    """Three known characters, scattered: 7ABC123 -> ?A??1?3 (no literal end to probe)."""
    keep = {1, len(plate) // 2 + 1, len(plate) - 1}
    return "".join(c if i in keep else "?" for i, c in enumerate(plate))


def _kinds(plates_: list[str]) -> dict[str, list[dict[str, str]]]:
    """The searches each figure measures, as the form would send them."""
    return {
        "exact": [{"plate": p} for p in plates_],
        "misread": [{"plate": p, "match": "misread"} for p in plates_],
        "wildcard": [
            {"plate": _scattered(p), "match": "partial"} for p in plates_ if len(p) >= 5
        ],
        "one_off": [{"plate": p, "match": "one_off"} for p in plates_],
        "candidate": [{"plate": p, "match": "candidate"} for p in plates_],
    }


def _canvasses(n: int) -> list[dict[str, str]]:
    """Incidents at cameras, at the times of reads there: 500 m, an hour either side."""
    # Incidents in the prefilled year, not in the last hours the ingest and
    # import groups just packed with their own reads.
    reads = (
        PlateRead.objects.filter(
            latitude__isnull=False, captured_at__lt=timezone.now() - timedelta(days=1)
        )
        .order_by("id")
        .values_list("latitude", "longitude", "captured_at")
    )
    last = PlateRead.objects.order_by("-id").values_list("id", flat=True).first() or 0
    out = []
    for start in range(1, last + 1, max(1, last // n)):
        row = reads.filter(id__gte=start).first()
        if row is not None:
            lat, lon, at = row
            out.append(
                {
                    "latitude": str(lat),
                    "longitude": str(lon),
                    "radius_m": "500",
                    "at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
                    "minutes_before": "60",
                    "minutes_after": "60",
                }
            )
    return out[:n]


def search_group(opts: dict[str, Any]) -> Figures:
    from platekeeper.accounts.access import capabilities
    from platekeeper.policy.models import current_rules
    from platekeeper.search import queries
    from platekeeper.search.canvass import CanvassForm
    from platekeeper.search.forms import SearchForm

    agency = bench_agency()
    user = bench_detective(agency)
    client = signed_in(user)
    found = current_rules()
    assert found is not None
    rules = found[1]
    caps = capabilities(user, rules)
    why = {"purpose": "criminal_investigation", "case_number": "BENCH-1"}
    samples = opts.get("search_samples", 100)
    plates_ = sample_plates(samples)
    figures: Figures = {"search_plates_measured": len(plates_)}

    def run_sql(reads: Any) -> None:
        sql, params = reads.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    def bare_search(query: dict[str, str]) -> None:
        form = SearchForm({**why, **query}, rules=rules)
        assert form.is_valid(), form.errors
        cleaned = {**form.cleaned_data, "area": form.area()}
        # One statement, the plate criterion as a subquery: the bare query.
        reads = queries.filtered(
            queries.searchable_reads(user, caps, rules), cleaned, materialize=False
        )
        run_sql(reads.order_by("-captured_at", "-id")[: queries.PAGE + 1])

    def bare_canvass(query: dict[str, str]) -> None:
        form = CanvassForm({**why, **query}, rules=rules)
        assert form.is_valid(), form.errors
        area, at = form.incidents()[0]
        reads = queries.in_area(
            queries.searchable_reads(user, caps, rules).filter(
                captured_at__gte=at - timedelta(minutes=60),
                captured_at__lte=at + timedelta(minutes=60),
            ),
            area,
        )
        run_sql(reads.order_by("captured_at", "id")[:10_001])

    def measure(name: str, url: str, queries_: list[dict[str, str]], bare: Any) -> None:
        web_ms, sql_ms = [], []
        for query in queries_[:5]:  # warm the caches both ways
            client.post(url, {**why, **query})
            bare(query)
        for query in queries_:
            # Each plate's pages read once before either is timed: otherwise the
            # web search pays for reading them from disk and the bare query,
            # run next, finds them cached (at 10,000,000 reads: 24 ms cold, 0.5 warm).
            bare(query)
            t0 = time.perf_counter()
            response = client.post(url, {**why, **query})
            web_ms.append(time.perf_counter() - t0)
            if response.status_code != 200:
                raise RuntimeError(f"{name} search failed: {response.status_code}")
            t0 = time.perf_counter()
            bare(query)
            sql_ms.append(time.perf_counter() - t0)
        figures[f"search_{name}_p50_ms"] = p50_ms(web_ms)
        figures[f"search_{name}_sql_p50_ms"] = p50_ms(sql_ms)
        figures[f"search_{name}_p95_ms"] = round(
            sorted(web_ms)[int(len(web_ms) * 0.95)] * 1000, 2
        )

    for name, queries_ in _kinds(plates_).items():
        measure(name, "/search/", queries_, bare_search)
    measure(
        "canvass",
        "/search/canvass/",
        [
            {**q, "purpose": "major_incident_canvass"}
            for q in _canvasses(max(10, samples // 5))
        ],
        bare_canvass,
    )
    return figures

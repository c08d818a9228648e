"""The public policy page: no sign-in, the text as each version was published."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from platekeeper.accounts.middleware import before_second_factor
from platekeeper.policy import council, page, transparency
from platekeeper.policy.models import PolicyVersion, rules_of


def _text(version: PolicyVersion) -> str:
    if not version.rendered:  # published before texts were frozen: freeze it now
        version.rendered = page.render(version)
        PolicyVersion.objects.filter(pk=version.pk, rendered="").update(
            rendered=version.rendered
        )
    return version.rendered


def _show(request: HttpRequest, version: PolicyVersion | None) -> HttpResponse:
    if version is None:
        raise Http404("no Policy has been published")
    published: list[dict[str, Any]] = [
        dict(v)
        for v in PolicyVersion.objects.published()
        .order_by("-number")
        .values("number", "published_at")
    ]
    # Each version was in force until the next one was published.
    for newer, older in zip(published, published[1:], strict=False):
        older["replaced_at"] = newer["published_at"]
    current = published[0]["number"] if published else None
    return render(
        request,
        "policy/page.html",
        {
            "version": version,
            "text": mark_safe(_text(version)),  # noqa: S308 - our own template's output
            "current": version.number == current,
            "versions": published,
        },
    )


@before_second_factor
def policy_page(request: HttpRequest) -> HttpResponse:
    return _show(request, PolicyVersion.objects.current())


@before_second_factor
def policy_version(request: HttpRequest, number: int) -> HttpResponse:
    return _show(
        request, PolicyVersion.objects.published().filter(number=number).first()
    )


def _figures(request: HttpRequest) -> transparency.Figures:
    found = rules_of(request)
    figures = transparency.figures(found[1]) if found else None
    if figures is None:
        raise Http404("no Policy is published, or the agency is not set up")
    return figures


@before_second_factor
def transparency_page(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    figures = _figures(request)
    found = rules_of(request)
    cameras = (
        transparency.fixed_cameras()
        if found is not None and found[1].public_camera_map
        else None
    )
    return render(
        request,
        "policy/transparency.html",
        {
            "figures": figures,
            "years": [this_year, this_year - 1],
            "cameras": json.dumps(cameras) if cameras is not None else "",
            "map_tiles": settings.MAP_TILES,
            "map_attribution": settings.MAP_ATTRIBUTION,
        },
    )


@before_second_factor
def transparency_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(_figures(request).as_json())


@before_second_factor
def transparency_csv(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "period", "value"])
    writer.writerows(figures.rows)
    writer.writerows(["Shared with", "all time", name] for name in figures.shared_with)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="alpr-transparency.csv"'
    return response


@before_second_factor
def council_report(request: HttpRequest, year: int) -> HttpResponse:
    agency = transparency.reporting_agency()
    if agency is None:
        raise Http404("the agency is not set up")
    response = HttpResponse(council.pdf(agency, year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="alpr-report-{year}.pdf"'
    return response

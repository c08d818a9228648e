"""The plate search for integrations: `POST /api/v1/search` with a person's API
token. Same door as the page (search.run): purpose, case number, the access
recorded under the person's name before any result is sent."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from platekeeper.accounts import tokens
from platekeeper.audit.record import Actor
from platekeeper.reads.models import PlateRead
from platekeeper.search import run


def _read(read: PlateRead) -> dict[str, Any]:
    return {
        "id": read.id,
        "plate": read.plate_text,
        "state": read.state,
        "confidence": read.confidence,
        "captured_at": read.captured_at.isoformat(),
        "camera": read.camera.name,
        "latitude": read.latitude,
        "longitude": read.longitude,
        "heading": read.heading,
        "vehicle": {
            "make": read.vehicle_make,
            "color": read.vehicle_color,
            "type": read.vehicle_type,
        },
    }


@csrf_exempt  # a bearer token, not a cookie: nothing for a forged form to ride on
@require_POST
def search(request: HttpRequest) -> HttpResponse:
    user, why = tokens.user_of(request)
    if user is None:
        response = JsonResponse({"error": why}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="platekeeper-api"'
        return response
    try:
        data = orjson.loads(request.body)
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"error": "send a JSON object"}, status=400)
    # Text fields only; the form validates the rest as it does on the page.
    data = {k: v for k, v in data.items() if isinstance(v, str)}
    actor = Actor.of_user(user, request.META.get("REMOTE_ADDR"))
    done = run.plate_search(user, actor, data, via="api")
    if done.refused or done.access is None:
        return JsonResponse({"error": done.refused}, status=done.status)
    return JsonResponse(
        {
            "access": str(done.access.code),
            "purpose": done.purpose.code if done.purpose else "",
            "policy_version": done.policy_version,
            "reads": [_read(r) for r in done.reads],
            "more": done.more,
        }
    )

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from platekeeper.reads import ingest
from platekeeper.reads.api import authorize_camera, error, parse_json
from platekeeper.reads.ingest import ItemResult
from platekeeper.reads.specs import ReadSpec, describe


def _items_of(body: Any) -> tuple[list[Any] | None, str]:
    if isinstance(body, list):
        return body, ""
    if isinstance(body, dict) and set(body) == {"reads"}:
        if isinstance(body["reads"], list):
            return body["reads"], ""
        return None, "'reads' must be a list"
    if isinstance(body, dict):
        return [body], ""
    return None, 'send one read (an object) or a batch (a list, or {"reads": [...]})'


def validate(items: list[Any]) -> tuple[list[tuple[int, ReadSpec]], list[ItemResult]]:
    good, bad = [], []
    for index, item in enumerate(items):
        try:
            good.append((index, ReadSpec.model_validate(item)))
        except ValidationError as exc:
            bad.append(ItemResult(index, "rejected", errors=describe(exc)))
    return good, bad


def respond(results: list[ItemResult]) -> JsonResponse:
    counts = {
        s: sum(r.status == s for r in results)
        for s in ("stored", "duplicate", "rejected")
    }
    # 422 only when nothing in the batch was usable; a partly bad batch is a 200
    # whose items name the bad ones, so a device that retries on failure does
    # not re-send reads that were stored.
    status = 422 if counts["rejected"] == len(results) else 200
    return JsonResponse(
        {**counts, "items": [r.as_json() for r in results]}, status=status
    )


@csrf_exempt
@require_POST
@authorize_camera
def reads(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/reads: one read or a batch of up to INGEST_MAX_BATCH."""
    body, problem = parse_json(request)
    if problem:
        return problem
    items, why = _items_of(body)
    if items is None:
        return error(400, why)
    if not items:
        return error(400, "the batch is empty")
    if len(items) > settings.INGEST_MAX_BATCH:
        return error(400, f"a batch holds at most {settings.INGEST_MAX_BATCH} reads")
    good, bad = validate(items)
    stored = ingest.store(request.camera, good, source_format="generic")  # type: ignore[attr-defined]
    return respond(sorted(stored + bad, key=lambda r: r.index))

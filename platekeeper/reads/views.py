from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from platekeeper.reads import ingest
from platekeeper.reads.adapters import (
    FORMATS,
    Parsed,
    PayloadError,
    RawRead,
    platerecognizer,
)
from platekeeper.reads.api import authorize_camera, error, load_json, parse_json
from platekeeper.reads.ingest import Item, ItemResult
from platekeeper.reads.models import Camera
from platekeeper.reads.specs import ReadSpec, describe, nul_free


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


def validate(items: list[Any], raw: bytes) -> tuple[list[Item], list[ItemResult]]:
    good, bad = [], []
    context = nul_free(raw)
    for index, item in enumerate(items):
        try:
            good.append(
                Item.from_spec(index, ReadSpec.model_validate(item, context=context))
            )
        except ValidationError as exc:
            bad.append(ItemResult(index, "rejected", errors=describe(exc)))
    return good, bad


def validate_raw(
    reads: list[RawRead], payload: bytes
) -> tuple[list[Item], list[ItemResult]]:
    """An adapter's reads: field problems reject that read; its images ride along."""
    good, bad = [], []
    context = nul_free(payload)
    for index, raw in enumerate(reads):
        try:
            spec = ReadSpec.model_validate(raw.fields, context=context)
        except ValidationError as exc:
            bad.append(
                ItemResult(
                    index, "rejected", errors=describe(exc), warnings=raw.warnings
                )
            )
            continue
        good.append(
            Item(index, spec, raw.plate_image, raw.overview_image, raw.warnings)
        )
    return good, bad


def respond(results: list[ItemResult], **extra: Any) -> JsonResponse:
    counts = {
        s: sum(r.status == s for r in results)
        for s in ("stored", "merged", "duplicate", "rejected")
    }
    # 422 only when nothing in the batch was usable; a partly bad batch is a 200
    # whose items name the bad ones, so a device that retries on failure does
    # not re-send reads that were stored.
    status = 422 if results and counts["rejected"] == len(results) else 200
    body = {**counts, "items": [r.as_json() for r in results], **extra}
    return JsonResponse(body, status=status)


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
    good, bad = validate(items, request.body)
    stored = ingest.store(request.camera, good, source_format="generic")  # type: ignore[attr-defined]
    return respond(sorted(stored + bad, key=lambda r: r.index))


def check_size(parsed: Parsed) -> None:
    """Refuse, never truncate, a message with more reads than a batch may hold."""
    if len(parsed.reads) > settings.INGEST_MAX_BATCH:
        raise PayloadError(
            f"{len(parsed.reads)} reads in one message; at most "
            f"{settings.INGEST_MAX_BATCH}"
        )


def store_parsed(
    camera: Camera, parsed: Parsed, source_format: str, payload: bytes
) -> list[ItemResult]:
    """Store what an adapter found (the HTTP views and the MQTT listener share this)."""
    if parsed.heartbeat is not None:
        now = timezone.now()
        Camera.objects.filter(pk=camera.pk).update(
            last_heartbeat_at=now, last_seen_at=now, health=parsed.heartbeat
        )
    good, bad = validate_raw(parsed.reads, payload)
    stored = ingest.store(camera, good, source_format, per_frame=parsed.per_frame)
    return sorted(stored + bad, key=lambda r: r.index)


def _payload(
    request: HttpRequest, fmt: str
) -> tuple[Any, bytes, bytes | None, JsonResponse | None]:
    """(JSON, its raw bytes, the uploaded frame, a refusal): the body, or for Plate
    Recognizer's multipart webhooks the 'json' field and the 'upload' file."""
    if request.content_type == "multipart/form-data" and fmt == "platerecognizer":
        try:
            raw = platerecognizer.check_multipart(request.POST).encode()
        except PayloadError as exc:
            return None, b"", None, error(400, str(exc))
        upload = request.FILES.get("upload")
        body, problem = load_json(raw)
        return body, raw, upload.read() if upload else None, problem
    body, problem = parse_json(request)
    return body, request.body, None, problem


@csrf_exempt
@require_POST
@authorize_camera
def ingest_format(request: HttpRequest, fmt: str) -> JsonResponse:
    """POST /api/v1/ingest/<format>: a vendor's payload as the vendor sends it."""
    if fmt not in FORMATS:
        return error(
            404, f"unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}"
        )
    body, raw, frame, problem = _payload(request, fmt)
    if problem:
        return problem
    try:
        if fmt == "platerecognizer":
            parsed = platerecognizer.parse(body, frame)
        else:
            parsed = FORMATS[fmt](body)
        check_size(parsed)
    except PayloadError as exc:
        return error(400, str(exc))
    results = store_parsed(request.camera, parsed, fmt, raw)  # type: ignore[attr-defined]
    extra: dict[str, Any] = {}
    if parsed.heartbeat is not None:
        extra["heartbeat"] = "recorded"
    if parsed.ignored:
        extra["ignored"] = parsed.ignored
    return respond(results, **extra)

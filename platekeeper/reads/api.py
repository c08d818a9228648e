"""Device-key authentication and body parsing shared by every ingest endpoint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse, JsonResponse

from platekeeper.reads.models import Camera


class CameraRequest(HttpRequest):
    camera: Camera


def error(status: int, message: str, **extra: Any) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="platekeeper-ingest"'
    return response


def authorize_camera(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the request through only with the key of an approved, unrevoked camera."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return error(401, "missing device key: send 'Authorization: Bearer <key>'")
        camera = Camera.by_key(key.strip())
        if camera is None:
            return error(401, "unknown or revoked device key")
        if not camera.approved:
            return error(
                403, "this camera is not approved as an ALPR camera under the Policy"
            )
        request.camera = camera  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def parse_json(request: HttpRequest) -> tuple[Any, JsonResponse | None]:
    """The body as JSON, or a 400 response saying why it is not."""
    if not request.content_type or "json" not in request.content_type:
        return None, error(400, "send the body as application/json")
    return load_json(request.body)


def load_json(data: bytes | str) -> tuple[Any, JsonResponse | None]:
    try:
        # orjson: a third of the stdlib's time on a 500-read batch.
        return orjson.loads(data), None
    except orjson.JSONDecodeError as exc:
        return None, error(400, f"malformed JSON: {exc}")

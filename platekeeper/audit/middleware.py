from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from platekeeper.audit.record import AccessNotRecorded


class fail_closed:  # noqa: N801 - named like a function middleware, used as one
    """Answer 503 and show nothing when an access could not be recorded (R18)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exc: Exception
    ) -> HttpResponse | None:
        if isinstance(exc, AccessNotRecorded):
            body = render_to_string("audit/not_recorded.html", request=request)
            return HttpResponse(body, status=503)
        return None

"""ASGI entry point, with request bodies capped before Django reads them.

Django's ASGI handler reads the whole body (into memory, then a temporary
file) before any view or middleware runs, so the cap has to sit in front of it.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platekeeper.settings")

Scope = dict[str, Any]
Receive = Any
Send = Any


class BodyLimit:
    """Refuse with 413 a body declared or found to be over `limit` bytes."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > self.limit
        ):
            return await self._refuse(send)
        received = 0
        refused = False

        async def counting_receive() -> dict[str, Any]:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:  # chunked bodies declare no length
                    refused = True
                    raise BodyTooLarge
            return dict(message)

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            if refused:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = f"request body over the {self.limit} byte limit\n".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    pass


def build() -> BodyLimit:
    from django.conf import settings

    django_app = get_asgi_application()
    return BodyLimit(django_app, settings.MAX_REQUEST_BYTES)


application = build()

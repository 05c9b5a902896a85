"""Request bodies are limited while they stream in, in front of Django, before any authentication work.

Django's ASGI handler reads the whole body (into a spooled temporary file) before a view, a middleware or an
authentication class runs, so a size check in a view comes too late: the bytes have been received and stored. This
guard sits between the server and Django and refuses a body over its route's limit with 413:

- from ``Content-Length``, before a byte of the body is read;
- for a chunked body (or one that outgrows what it declared), as soon as the bytes counted pass the limit; Django
  is then told the client went away (``http.disconnect``) and stops reading, and the 413 goes out.

The limit is per route (``settings.REQUEST_BODY_ROUTE_LIMITS``: path regex -> name of the setting that holds the
limit in bytes, plus multipart framing slack), otherwise ``settings.REQUEST_BODY_MAX_BYTES`` (JSON-sized). A
request that presents no credentials at all (no ``Authorization`` header, no session cookie) gets the JSON-sized
limit on every route: it will be refused anyway, and it must not get to stream a file first. That check reads headers
only; whether the credentials are valid is Django's business once the body is in. The 413 asks the client to close
the connection, so the server never has to drain the rest of a refused body.
"""

import json
import re
from collections.abc import Awaitable, Callable, Iterable

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Multipart framing around an uploaded file: boundaries, part headers, the small form fields beside it.
MULTIPART_SLACK = 64 * 1024


class BodyTooLarge:
    """The 413 answer, in the API's error shape (``code`` + human ``detail``)."""

    def __init__(self, limit: int):
        self.limit = limit

    async def send(self, send: Send) -> None:
        body = json.dumps({
            "detail": f"The request body is larger than this endpoint accepts ({self.limit:,} bytes).",
            "code": "too_large",
            "limit": self.limit,
        }).encode()
        await send({
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        })
        await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == wanted:
            return value
    return None


def _declared_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    try:
        return None if value is None else int(value)
    except ValueError:
        return None  # the server refuses a malformed length itself


class RequestBodyLimit:
    """ASGI middleware: ``RequestBodyLimit(app, default=..., routes=[(regex, limit), ...])``; the first matching
    route's limit applies to a request's path, else ``default``."""

    def __init__(self, app: ASGIApp, *, default: int, routes: Iterable[tuple[str, int]] = (),
                 session_cookie: str = "sessionid"):
        self.app = app
        self.default = int(default)
        self.routes = [(re.compile(pattern), int(limit)) for pattern, limit in routes]
        self.session_cookie = re.compile(rb"(?:^|;)\s*" + re.escape(session_cookie.encode()) + rb"=[^;\s]")

    def presents_credentials(self, scope: Scope) -> bool:
        if _header(scope, b"authorization"):
            return True
        cookies = _header(scope, b"cookie")
        return bool(cookies and self.session_cookie.search(cookies))

    def limit_for(self, scope: Scope) -> int:
        path = scope.get("path", "")
        for pattern, limit in self.routes:
            if pattern.match(path):
                return limit if self.presents_credentials(scope) else min(limit, self.default)
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await BodyTooLarge(limit).send(send)
            return

        received = 0
        refused = False

        async def guarded_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await BodyTooLarge(limit).send(send)
                    return {"type": "http.disconnect"}  # the app stops reading and answers nothing
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, guarded_receive, guarded_send)


def request_body_limit_from_settings(app: ASGIApp) -> RequestBodyLimit:
    """Wrap `app` with the limits in Django settings (read once, at start-up)."""
    from django.conf import settings

    routes = [(pattern, getattr(settings, name) + MULTIPART_SLACK) for pattern, name in
              settings.REQUEST_BODY_ROUTE_LIMITS]
    return RequestBodyLimit(app, default=settings.REQUEST_BODY_MAX_BYTES, routes=routes,
                            session_cookie=settings.SESSION_COOKIE_NAME)

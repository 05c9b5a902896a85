"""WebSocket authentication without secrets in the URL.

Browsers: the session cookie (Channels' AuthMiddlewareStack). Scripts and the CLI: ``?ticket=<ticket>`` from
``POST /api/auth/ws-ticket/`` (authenticated by their API token): the ticket opens one connection within
GEOLOOP_WS_TICKET_TTL_S seconds and is deleted by it, so the copy an access log keeps is worthless. A long-lived
credential in the query (``?token=``, ``?access_token=``) refuses the handshake (HTTP 403), so a client that still
sends one learns it at once instead of leaking it on every connect.

Why a ticket rather than the token in the Sec-WebSocket-Protocol header: the header works for scripts, but it
still carries the long-lived token on every connect to whatever proxy logs headers, needs the server to echo a
subprotocol, and browsers would have to hold the token in script-readable storage; a ticket keeps the long-lived
token in the Authorization header of one HTTPS call and gives the socket a credential that lives seconds.
"""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

REFUSED_QUERY_KEYS = ("token", "access_token", "auth_token")


@database_sync_to_async
def _user_for_ticket(ticket: str):
    from django.contrib.auth import get_user_model

    from webapp.auth_services import ws_ticket_consume

    user_id = ws_ticket_consume(ticket=ticket)
    if user_id is None:
        return AnonymousUser()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return user or AnonymousUser()


async def _refuse(scope, receive, send):
    """Close before accepting: the client's handshake is answered 403."""
    message = await receive()
    if message.get("type") == "websocket.connect":
        await send({"type": "websocket.close", "code": 4401})


class TicketAuthMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "websocket":
            return await self.inner(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if any(key in query for key in REFUSED_QUERY_KEYS):
            return await _refuse(scope, receive, send)
        ticket = query.get("ticket")
        if ticket:
            scope = dict(scope, user=await _user_for_ticket(ticket[-1]))
        return await self.inner(scope, receive, send)


def SessionOrTicketAuth(inner):  # reads like the Channels stacks it wraps
    return AuthMiddlewareStack(TicketAuthMiddleware(inner))


# webapp/asgi.py imports the old name.
SessionOrTokenAuth = SessionOrTicketAuth

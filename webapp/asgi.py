"""ASGI entry point: Django for HTTP (behind the streaming request-body limit), Channels consumers for WebSockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from webapp.request_limits import request_body_limit_from_settings  # noqa: E402
from webapp.routing import websocket_urlpatterns  # noqa: E402
from webapp.ws_auth import SessionOrTokenAuth  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": request_body_limit_from_settings(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(SessionOrTokenAuth(URLRouter(websocket_urlpatterns))),
    }
)

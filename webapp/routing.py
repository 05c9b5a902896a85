"""WebSocket routes of every app, gathered in one list; any other path is accepted and closed with 4404 (without
the catch-all, Channels raises and the server answers the handshake with a 500)."""

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import re_path

from annotator.consumers import websocket_urlpatterns as annotator_ws
from feedback.consumers import websocket_urlpatterns as feedback_ws
from inference.consumers import websocket_urlpatterns as inference_ws

NOT_FOUND = 4404


class NoSuchSocket(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.close(code=NOT_FOUND, reason="No such socket.")


websocket_urlpatterns = [*annotator_ws, *inference_ws, *feedback_ws, re_path(r"", NoSuchSocket.as_asgi())]

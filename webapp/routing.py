"""WebSocket routes of every app, gathered in one list."""

from annotator.consumers import websocket_urlpatterns as annotator_ws
from feedback.consumers import websocket_urlpatterns as feedback_ws
from inference.consumers import websocket_urlpatterns as inference_ws

websocket_urlpatterns = [*annotator_ws, *inference_ws, *feedback_ws]

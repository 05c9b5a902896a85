"""Scene events over the Channels layer: everyone viewing a scene hears what happens to it."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def scene_group(scene_id: int) -> str:
    return f"scene-{scene_id}"


def scene_event_send(*, scene_id: int, event: str, payload: dict) -> None:
    """Send `{"type": event, **payload}` to every socket subscribed to the scene (fire and forget)."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(scene_group(scene_id), {"type": "scene.event", "event": event, "payload": payload})

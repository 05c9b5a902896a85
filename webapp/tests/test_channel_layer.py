import asyncio

from channels.layers import get_channel_layer


async def test_an_idle_receiver_still_gets_a_message_sent_after_the_blocking_read_timeout():
    """channels-redis blocks 5 s per read; an idle WebSocket must survive several of those (it used to time out)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("idle-test", channel)

    async def send_later():
        await asyncio.sleep(7)
        await layer.group_send("idle-test", {"type": "scene.event", "n": 1})

    sender = asyncio.ensure_future(send_later())
    message = await asyncio.wait_for(layer.receive(channel), timeout=20)
    await sender
    await layer.group_discard("idle-test", channel)
    assert message == {"type": "scene.event", "n": 1}

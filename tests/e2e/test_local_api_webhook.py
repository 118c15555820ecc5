"""The local Bot API server delivers updates to a webhook, as Telegram does.

With ``setWebhook`` set, a user's message is POSTed to the URL with the secret header; an
answer other than 2xx (or a refused connection) makes it come again until acknowledged;
the same URL set again (each process behind a balancer does) keeps the deliveries going.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from bot.local_api import LocalBotApi
from bot.local_api.webhook_delivery import SECRET_HEADER

TOKEN = "424242:WEBHOOK-DELIVERY"
SECRET = "deliverySecret-0123456789"


async def test_updates_are_posted_with_the_secret_and_resent_until_acknowledged() -> None:
    received: list[tuple[str, dict[str, Any]]] = []
    acknowledged = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER, ""), await request.json()))
        if len(received) == 1:
            return web.Response(status=503)  # not acknowledged: it must come again
        acknowledged.set()
        return web.Response()

    app = web.Application()
    app.router.add_post("/tg", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    api = LocalBotApi()
    await api.start()
    try:
        url = f"http://127.0.0.1:{port}/tg"
        await api.set_webhook_delivery(url, SECRET)
        update = await api.send_text(5150, "hello")
        await api.set_webhook_delivery(url, SECRET)  # set again: the delivery goes on
        await asyncio.wait_for(acknowledged.wait(), 30)
        assert [secret for secret, _ in received] == [SECRET, SECRET]
        assert [body["update_id"] for _, body in received] == [update["update_id"]] * 2
        assert received[1][1]["message"]["text"] == "hello"
        assert api.webhook is not None and api.webhook.acknowledged == [update["update_id"]]
        assert api.webhook.retries == 1
    finally:
        await api.stop()
        await runner.cleanup()


async def test_a_webhook_off_loopback_is_refused() -> None:
    api = LocalBotApi()
    await api.start()
    try:
        try:
            await api.set_webhook_delivery("https://example.org/tg", SECRET)
        except ValueError as exc:
            assert "loopback" in str(exc)
        else:
            raise AssertionError("a webhook off loopback was accepted")
        assert api.webhook is None
    finally:
        await api.stop()

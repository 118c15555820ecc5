"""The webhook runner: an aiohttp server that puts Telegram's updates on the update queue.

Several bot processes can sit behind one webhook (a load balancer in front): buttons are
stateless and everything else lives in the shared PostgreSQL. Telegram signs each request
with the secret token given to setWebhook; requests without it are refused.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(application: Application, path: str, secret: str) -> web.Application:  # type: ignore[type-arg]
    """The web app: POST <path> with an Update; GET /healthz for a load balancer."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given, secret):
            logger.warning("webhook: request without the right secret from %s", request.remote)
            return web.Response(status=403)
        try:
            payload: Any = await request.json()
            update = Update.de_json(payload, application.bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError):
            logger.warning("webhook: body is not an Update")
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response()

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "bot_running": application.running})

    app = web.Application(client_max_size=2**20)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", health)
    return app


async def start_webhook_server(
    application: Application,  # type: ignore[type-arg]
    *,
    listen: str,
    port: int,
    path: str,
    secret: str,
) -> web.AppRunner:
    """Serve the webhook; the caller has started the application (not its updater)."""
    runner = web.AppRunner(webhook_app(application, path, secret), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    logger.info("webhook listening on %s:%s%s", listen, port, path)
    return runner

"""The Telegram webhook route: Telegram's updates, signed with the secret, onto the update
queue, each update acted on once.

Refusals, never a 500: a wrong or missing secret 403; a body that is not one JSON object
with an integer `update_id` (a list, a string, deep nesting, not JSON) 400; a body over the
server's limit 413. An update id already recorded (Telegram resending it, to this process or
another behind the load balancer) is acknowledged and dropped (core.processed_updates).
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from core.processed_updates import ProcessedUpdates

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_DEPTH = 32


def _too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    level, depth = [value], 0
    while level:
        depth += 1
        if depth > limit:
            return True
        nxt: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                nxt.extend(item.values())
            elif isinstance(item, list):
                nxt.extend(item)
        level = nxt
    return False


def bot_id_of(token: str) -> int:
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def webhook_routes(
    application: Application,  # type: ignore[type-arg]
    path: str,
    secret: str,
    processed: ProcessedUpdates | None,
) -> web.RouteTableDef:
    """POST <path>: one route table for the app factory."""
    routes = web.RouteTableDef()
    bot_id = bot_id_of(application.bot.token)

    @routes.post(path)
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode()):
            logger.warning("webhook: request without the right secret from %s", request.remote)
            return web.Response(status=403)
        raw = await request.read()  # over the server's limit: 413
        try:
            payload: Any = json.loads(raw)
        except (ValueError, RecursionError):
            logger.warning("webhook: body is not JSON")
            return web.Response(status=400)
        update_id = payload.get("update_id") if isinstance(payload, dict) else None
        if (
            not isinstance(update_id, int)
            or isinstance(update_id, bool)
            or not 0 <= update_id < 2**63
            or _too_deep(payload)
        ):
            logger.warning("webhook: body is not an Update")
            return web.Response(status=400)
        try:
            update = Update.de_json(payload, application.bot)
        except Exception:  # any shape PTB cannot read is the sender's fault, not ours
            logger.warning("webhook: update %s could not be read", update_id)
            return web.Response(status=400)
        if processed is not None and not await processed.first_time(bot_id, update_id):
            logger.info("webhook: update %s already handled; dropped", update_id)
            return web.Response()
        await application.update_queue.put(update)
        return web.Response()

    return routes

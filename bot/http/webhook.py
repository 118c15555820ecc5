"""The Telegram webhook route: Telegram's updates, signed with the secret, each handled
once and acknowledged only after it was handled.

An update is claimed in ``processed_updates`` with a lease (core.processed_updates), handled
in the request (at most the Application's ``concurrent_updates`` at once, from claim to
mark), marked done, and only then answered 200: a process killed
mid-update has acknowledged nothing, and Telegram's resend is handled, once its lease runs
out, by whichever process it reaches. An update id already handled (a resend, to this
process or another behind the load balancer) is acknowledged and dropped; one another
process is handling right now is refused with 409, and Telegram resends it later.

Refusals, never a 500: a wrong or missing secret 403; a body that is not one JSON object
with an integer `update_id` (a list, a string, deep nesting, not JSON) 400; a body over the
server's limit 413; a process draining for shutdown (bot.http.drain) 503, which the load
balancer passes on to another process.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.http.drain import Drain
from core.processed_updates import Claim, ProcessedUpdates

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
    drain: Drain | None = None,
) -> web.RouteTableDef:
    """POST <path>: one route table for the app factory."""
    routes = web.RouteTableDef()
    bot_id = bot_id_of(application.bot.token)
    drain = drain or Drain()
    # updates handled at once, from claim to mark (the others wait their turn in the request,
    # holding no database connection): the Application's concurrent_updates
    slots = asyncio.Semaphore(application.update_processor.max_concurrent_updates)

    async def handle(update: Update) -> None:
        await application.process_update(update)

    @asynccontextmanager
    async def leased(update_id: int) -> AsyncIterator[None]:
        """Renew the claim's lease while the update is handled (a slow one keeps it)."""
        assert processed is not None

        async def renew() -> None:
            while True:
                await asyncio.sleep(processed.lease.total_seconds() / 3)
                try:
                    await processed.renew(bot_id, update_id)
                except Exception:  # the next renewal tries again; the lease is long enough
                    logger.warning("webhook: update %s: lease not renewed", update_id)

        renewing = asyncio.create_task(renew())
        try:
            yield
        finally:
            renewing.cancel()
            with suppress(asyncio.CancelledError):
                await renewing

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
        if drain.draining:
            return web.Response(status=503, text="draining")
        with drain.handling():
            async with slots:
                return await claimed_and_handled(update, update_id)

    async def claimed_and_handled(update: Update, update_id: int) -> web.Response:
        if processed is None:
            await handle(update)
            return web.Response()
        claim = await processed.claim(bot_id, update_id)
        if claim is Claim.DONE:
            logger.info("webhook: update %s already handled; dropped", update_id)
            return web.Response()
        if claim is Claim.BUSY:
            logger.info("webhook: update %s is being handled by another process", update_id)
            return web.Response(status=409, text="being handled")
        try:
            async with leased(update_id):
                await handle(update)
        except BaseException:  # not handled (cancelled, say): the resend is handled at once
            with suppress(Exception):
                await asyncio.shield(processed.release(bot_id, update_id))
            raise
        try:
            await processed.done(bot_id, update_id)
        except Exception:  # handled: acknowledge; its lease runs out, no resend will come
            logger.warning("webhook: update %s handled but not marked", update_id)
        return web.Response()

    return routes

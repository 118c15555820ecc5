"""`GET /healthz`: 200 while the database answers, 503 otherwise (for a load balancer);
503 with ``"draining": true`` too once the process is stopping (bot.http.drain)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.http.drain import DRAIN

logger = logging.getLogger(__name__)

routes = web.RouteTableDef()
HEALTH_ENGINE = web.AppKey("health_engine", AsyncEngine)
TIMEOUT = 2.0


async def database_answers(engine: AsyncEngine) -> bool:
    """One `SELECT 1`, through SQLAlchemy (a dead pooled connection is replaced)."""

    async def ping() -> None:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")

    # a second try: the first may have met a connection the database closed (a restart),
    # which the pool has now replaced
    for attempt in (1, 2):
        try:
            async with asyncio.timeout(TIMEOUT):
                await ping()
            return True
        except Exception as exc:  # any failure means "not healthy", never a 500
            if attempt == 2:
                logger.warning("healthz: database does not answer (%s)", type(exc).__name__)
    return False


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    up = await database_answers(request.app[HEALTH_ENGINE])
    drain = request.app.get(DRAIN)
    if drain is not None and drain.draining:
        return web.json_response(
            {"ok": False, "database": "up" if up else "down", "draining": True}, status=503
        )
    return web.json_response(
        {"ok": up, "database": "up" if up else "down"}, status=200 if up else 503
    )

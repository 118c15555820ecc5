"""The calendar feed's HTTP routes (GET /ical/<token>.ics) served alone on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from core.services import Services
from handlers.api.feeds import FEEDS, routes


@asynccontextmanager
async def feed_server(services: Services) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    """A client of the feed routes on ``services.feeds``, stopped on leaving."""
    app = web.Application()
    app.add_routes(routes)
    app[FEEDS] = services.feeds
    client: TestClient = TestClient(TestServer(app, host="127.0.0.1"))  # type: ignore[type-arg]
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()

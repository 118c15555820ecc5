"""`/healthz` answers 200 only while the database answers: a PostgreSQL of its own is
stopped under the running server (503), then started again (200 on the very next call)."""

from __future__ import annotations

import asyncio
import tempfile
import warnings
from pathlib import Path

import aiohttp

from bot.embedded_db import start_embedded
from bot.http import base_url, build_http_app, start_http_server
from core.clock import SystemClock
from core.db.engine import make_engine, make_session_factory
from core.services import Services


async def test_healthz_is_503_while_postgresql_is_stopped() -> None:
    warnings.filterwarnings("ignore", module="platformdirs")
    data_dir = Path(tempfile.mkdtemp(prefix="musicbot-health-"))
    database = await asyncio.to_thread(start_embedded, data_dir, cleanup_mode="stop")
    engine = make_engine(database.url(), pool_size=2)
    services = Services.build(make_session_factory(engine), SystemClock())
    runner = await start_http_server(build_http_app(services), "127.0.0.1", 0)
    url = base_url(runner) + "/healthz"
    try:
        async with aiohttp.ClientSession() as http:

            async def health() -> tuple[int, dict]:  # type: ignore[type-arg]
                async with http.get(url) as response:
                    return response.status, await response.json()

            assert await health() == (200, {"ok": True, "database": "up"})
            await asyncio.to_thread(database.stop)
            assert await health() == (503, {"ok": False, "database": "down"})
            assert (await health())[0] == 503
            database = await asyncio.to_thread(start_embedded, data_dir, cleanup_mode="stop")
            assert await health() == (200, {"ok": True, "database": "up"})
    finally:
        await runner.cleanup()
        await engine.dispose()
        await asyncio.to_thread(database.stop)

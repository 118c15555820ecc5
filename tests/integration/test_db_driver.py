"""The database gateway after the server dropped its connections: the next call works.

Real PostgreSQL: the pooled connections are ended from the server side with
``pg_terminate_backend`` (what a restart does to them), then the raw-driver paths (chat steps,
identities) and the ORM are called again, at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from core.chat_steps import ChatSteps
from core.clock import FixedClock
from core.db.engine import make_engine, make_session_factory, unit_of_work
from core.directory import Directory
from tests.support.pg import TestServer


async def terminate_backends(server: TestServer, db_url: str, *, settle: bool = False) -> int:
    """End every server process of this database (as a restart would) and wait till gone.

    ``settle``: then give the client a moment to read the closed sockets, as it has long
    done by the time a restarted server is back (here the server never went away)."""
    name = make_url(db_url).database
    admin = await server.admin()
    try:
        ended = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        for _ in range(500):
            left = await admin.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
            if not left:
                if settle:
                    await asyncio.sleep(0.2)
                return int(ended)
            await asyncio.sleep(0.02)
        raise AssertionError("the server processes did not end")
    finally:
        await admin.close()


@pytest.fixture
async def small_pool(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url, pool_size=2)
    yield engine
    await engine.dispose()


async def fill_pool(engine: AsyncEngine) -> None:
    """Two idle connections in the pool."""

    async def hold() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_sleep(0.05)"))

    await asyncio.gather(hold(), hold())
    assert engine.pool.checkedin() == 2  # type: ignore[attr-defined]


async def test_raw_calls_work_at_once_after_the_server_dropped_the_pool(
    small_pool: AsyncEngine, db_url: str, pg_server: TestServer, clock: FixedClock
) -> None:
    await fill_pool(small_pool)
    sessions = make_session_factory(small_pool)
    steps = ChatSteps(sessions, clock)
    directory = Directory(sessions)
    assert await terminate_backends(pg_server, db_url) >= 2

    # every call, from the very first, finds a live connection: no user meets a dead one
    for telegram_id in range(10, 16):
        await steps.set(telegram_id, "reason", (telegram_id,))
        step = await steps.get(telegram_id)
        assert step is not None and step.args == (telegram_id,)
        assert await directory.identities(telegram_id) == []


async def test_orm_calls_work_at_once_after_the_server_dropped_the_pool(
    small_pool: AsyncEngine, db_url: str, pg_server: TestServer, clock: FixedClock
) -> None:
    await fill_pool(small_pool)
    sessions = make_session_factory(small_pool)
    assert await terminate_backends(pg_server, db_url, settle=True) >= 2
    for _ in range(4):
        async with unit_of_work(sessions) as session:
            assert await session.scalar(text("SELECT 1")) == 1


async def test_raw_and_orm_calls_interleaved_after_two_drops(
    small_pool: AsyncEngine, db_url: str, pg_server: TestServer, clock: FixedClock
) -> None:
    sessions = make_session_factory(small_pool)
    steps = ChatSteps(sessions, clock)
    for round_ in range(2):
        await fill_pool(small_pool)
        await terminate_backends(pg_server, db_url, settle=True)
        await steps.set(7, "reason", (round_,))
        async with unit_of_work(sessions) as session:
            assert await session.scalar(text("SELECT count(*) FROM chat_steps")) >= 1
        step = await steps.get(7)
        assert step is not None and step.args == (round_,)

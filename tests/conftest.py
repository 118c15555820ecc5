"""Shared fixtures: a real PostgreSQL, a fresh migrated database per test, one fixed clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import FixedClock
from core.db.engine import make_engine, make_session_factory, migrate
from tests.support.pg import TEMPLATE, TestServer, start_test_server, unique_name


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TestServer]:
    server = start_test_server()
    yield server
    server.close()


@pytest.fixture(scope="session")
async def template_db(pg_server: TestServer) -> AsyncIterator[str]:
    url = await pg_server.create_database(TEMPLATE)
    engine = make_engine(url, pool_size=1)
    await migrate(engine)
    await engine.dispose()
    yield TEMPLATE
    await pg_server.drop_database(TEMPLATE)


@pytest.fixture
async def db_url(pg_server: TestServer, template_db: str) -> AsyncIterator[str]:
    """A fresh, migrated database for this test alone, dropped afterwards."""
    name = unique_name()
    url = await pg_server.create_database(name, template=template_db)
    yield url
    await pg_server.drop_database(name)


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(db_url, pool_size=5)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest.fixture
def clock() -> FixedClock:
    """Tuesday 2027-01-19 09:00 UTC: before the example term used by the tests."""
    return FixedClock(datetime(2027, 1, 19, 9, 0, tzinfo=UTC))

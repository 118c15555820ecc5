"""Database plumbing: engine, session factory, the unit of work, and migrations.

A connection the server closed (a restart) is never handed out by the pool
(:func:`core.db.driver.drop_closed_on_checkout`), and a unit of work that meets an
unreachable database raises :class:`core.errors.DatabaseUnavailable`, as the driver does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from core.db.driver import drop_closed_on_checkout, is_unavailable, unavailable
from core.errors import DatabaseUnavailable
from core.kept_identities import forget as forget_kept_identities

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 727_001  # advisory lock id: one migrator at a time
CONNECT_TIMEOUT = 10.0  # seconds a new connection may take before the database is "not answering"
# every statement runs on its generic plan, made once per pooled connection: PostgreSQL's
# default plans a prepared statement afresh at each of its first five executions on a
# connection (and for ever if its generic plan's estimate looks dearer), and planning the
# hot statements costs several times their execution (docs/benchmarks.md, issue 9, branch
# pgcost); their lookups are by key, so one plan serves every value
PLAN_CACHE_MODE = "force_generic_plan"


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    echo: bool = False,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> AsyncEngine:
    """An asyncpg engine; the URL must be a ``postgresql+asyncpg://`` URL."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # no pre-ping (a round trip per use): a connection the server closed is dropped at
        # checkout for free instead (asyncpg already knows), see drop_closed_on_checkout
        pool_pre_ping=False,
        connect_args={
            "timeout": connect_timeout,
            # in the start-up packet: no round trip of its own
            "server_settings": {"plan_cache_mode": PLAN_CACHE_MODE},
        },
        echo=echo,
    )
    event.listen(engine.sync_engine, "checkout", drop_closed_on_checkout)
    return engine


def engine_of(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    """The engine a session factory is bound to (services built from one take its driver)."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise TypeError("the session factory is not bound to an AsyncEngine")
    return bind


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def unit_of_work(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One transaction: rolled back unless the caller commits it explicitly.

    An unreachable database (down, restarting, not answering) is
    :class:`core.errors.DatabaseUnavailable`, whatever the ORM raised."""
    forget_kept_identities()  # the unit of work may change the account's roles
    try:
        async with sessions() as session:
            try:
                yield session
            finally:
                if session.in_transaction():
                    try:
                        await session.rollback()
                    except Exception as exc:
                        if not is_unavailable(exc):
                            raise
    except Exception as exc:
        if is_unavailable(exc) and not isinstance(exc, DatabaseUnavailable):
            raise unavailable(exc) from exc
        raise


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply pending migrations; concurrent callers wait for each other (advisory lock)."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
        try:
            await conn.run_sync(_upgrade, revision)
            await conn.commit()
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
            await conn.commit()


async def current_revision(conn: AsyncConnection) -> str | None:
    return await conn.run_sync(_current)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from synchronous code (the CLI)."""
    return asyncio.run(coro)

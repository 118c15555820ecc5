"""Database plumbing: engine, session factory, the unit of work, and migrations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 727_001  # advisory lock id: one migrator at a time


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """An asyncpg engine; the URL must be a ``postgresql+asyncpg://`` URL."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # no pre-ping: it would cost a round trip per use; a connection broken by a database
        # restart fails one operation (nothing written), and the pool then replaces it
        pool_pre_ping=False,
        echo=echo,
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def unit_of_work(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One transaction: rolled back unless the caller commits it explicitly."""
    async with sessions() as session:
        try:
            yield session
        finally:
            if session.in_transaction():
                await session.rollback()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _current(connection) -> str | None:  # type: ignore[no-untyped-def]
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


def run_sync(coro):  # type: ignore[no-untyped-def]
    """Run a coroutine from synchronous code (the CLI)."""
    return asyncio.run(coro)

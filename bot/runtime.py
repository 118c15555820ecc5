"""Opening the database for a process: the configured URL or the embedded server, migrated."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.embedded_db import EmbeddedDatabaseError, EmbeddedPostgres, start_embedded
from bot.settings import Settings
from core.clock import Clock, SystemClock
from core.db.engine import make_engine, make_session_factory, migrate
from core.services import Services

logger = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or started; the message says which and why."""


@dataclass
class Runtime:
    services: Services
    engine: AsyncEngine
    database_url: str
    embedded: EmbeddedPostgres | None


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    pool_size: int = 10,
    apply_migrations: bool = True,
) -> AsyncIterator[Runtime]:
    embedded: EmbeddedPostgres | None = None
    url = settings.database_url
    if not url:
        warnings.filterwarnings("ignore", module="platformdirs")
        try:
            embedded = await asyncio.to_thread(start_embedded, settings.data_dir)
        except EmbeddedDatabaseError as exc:
            raise DatabaseUnavailable(str(exc)) from exc
        url = embedded.url()
    engine = make_engine(url, pool_size=pool_size)
    try:
        if apply_migrations:
            try:
                await migrate(engine)
            except (OSError, OperationalError, InterfaceError, DBAPIError) as exc:
                raise DatabaseUnavailable(
                    f"cannot reach the database at {_safe_url(url)}: {exc.__class__.__name__}: "
                    f"{str(exc).splitlines()[0] if str(exc) else ''}"
                ) from exc
        services = Services.build(make_session_factory(engine), clock or SystemClock())
        yield Runtime(services, engine, url, embedded)
    finally:
        await engine.dispose()
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)

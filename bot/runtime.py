"""Opening the database for a process: the configured URL or the embedded server, migrated.

A database that is down or not answering at start-up is waited for, with a log line per try
and a growing pause between tries (``wait_for_database`` seconds in all), then refused with
one plain line (:class:`DatabaseUnavailable`), never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.embedded_db import EmbeddedDatabaseError, EmbeddedPostgres, start_embedded
from bot.settings import Settings
from core.clock import Clock, SystemClock
from core.db.driver import is_unavailable, reason
from core.db.engine import CONNECT_TIMEOUT, make_engine, make_session_factory, migrate
from core.errors import DatabaseUnavailable
from core.services import Services

__all__ = ["DatabaseUnavailable", "Runtime", "open_runtime", "wait_and_migrate"]

logger = logging.getLogger(__name__)

FIRST_PAUSE = 1.0  # seconds before the second try; doubled each time, at most MAX_PAUSE
MAX_PAUSE = 15.0


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
    pool_size: int | None = None,
    apply_migrations: bool = True,
    wait_for_database: float = 0.0,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> AsyncIterator[Runtime]:
    """The process's database and services; ``wait_for_database``: how long to keep trying
    a database that is down at start-up (0: one try); ``pool_size``: connections kept open
    (default: the settings' ``DB_POOL_SIZE``)."""
    embedded: EmbeddedPostgres | None = None
    url = settings.database_url
    if not url:
        warnings.filterwarnings("ignore", module="platformdirs")
        try:
            embedded = await asyncio.to_thread(start_embedded, settings.data_dir)
        except EmbeddedDatabaseError as exc:
            raise DatabaseUnavailable(str(exc)) from exc
        url = embedded.url()
    size = settings.db_pool_size if pool_size is None else pool_size
    engine = make_engine(url, pool_size=size, connect_timeout=connect_timeout)
    try:
        if apply_migrations:
            await wait_and_migrate(
                engine, _safe_url(url), wait=wait_for_database, connect_timeout=connect_timeout
            )
        services = Services.build(make_session_factory(engine), clock or SystemClock())
        yield Runtime(services, engine, url, embedded)
    finally:
        await engine.dispose()
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)


def _why(exc: BaseException, connect_timeout: float) -> str:
    text = reason(exc)
    if text == "it did not answer in time":
        return f"the database did not answer within {connect_timeout:g} s"
    return text


async def wait_and_migrate(
    engine: AsyncEngine, where: str, *, wait: float, connect_timeout: float = CONNECT_TIMEOUT
) -> None:
    """Apply pending migrations, trying again with backoff while the database is unavailable,
    for ``wait`` seconds in all; then :class:`DatabaseUnavailable` with the reason."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    pause = FIRST_PAUSE
    attempt = 1
    while True:
        try:
            await migrate(engine)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            why = _why(exc, connect_timeout)
            left = deadline - loop.time()
            if left <= 0:
                raise DatabaseUnavailable(
                    f"cannot reach the database at {where}: {why}"
                    + (f" (gave up after {attempt} tries)" if attempt > 1 else "")
                ) from None
            pause = min(pause, left)
            logger.warning(
                "database at %s unavailable (try %s): %s; trying again in %.0f s",
                where,
                attempt,
                why,
                pause,
            )
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)
            attempt += 1
        else:
            if attempt > 1:
                logger.info("database at %s reached after %s tries", where, attempt)
            return

"""The one gateway to the database driver: statements run straight on asyncpg, its errors.

The hot paths (a booking, a chat step, who a Telegram account is) are single statements on a
pooled asyncpg connection, each its own implicit transaction, without the ORM's overhead.
Each SQL text lives beside the module that owns it (core/booking/sql.py, core/chat_steps.py,
core/directory.py, core/family_view.py); this module only runs them, for an engine it is
given.

Nothing outside this module imports asyncpg or sees its errors:

- a connection the server closed (a restart, ``pg_terminate_backend``) or a server that does
  not answer is :class:`core.errors.DatabaseUnavailable`; the broken connection is
  invalidated here, so the pool never hands it out again. A statement that failed before it
  could have reached the server, or one marked safe to repeat, is tried once more on a fresh
  connection, so the first caller after the database is back is not refused;
- any other refusal of the server is :class:`StatementFailed`, with its SQLSTATE
  (:class:`StatementRefused` for a constraint, SQLSTATE class 23).

:func:`is_unavailable` tells the same for any exception, ORM ones included (the unit of work
and the edges use it).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import asyncpg
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from core.errors import DatabaseUnavailable

logger = logging.getLogger(__name__)

FOREIGN_KEY_VIOLATION = "23503"
UNIQUE_VIOLATION = "23505"
EXCLUSION_VIOLATION = "23P01"
INVALID_TEXT = "22P02"  # invalid_text_representation (a failed cast)
DEADLOCK_DETECTED = "40P01"

# SQLSTATEs meaning the connection or the server is gone: class 08 (connection exception),
# 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now), 53300 (too many
# connections: a server still starting up after a crash may answer it)
_GONE_STATES = ("57P01", "57P02", "57P03", "53300")

T = TypeVar("T")


class Row(Protocol):
    """A result row: columns by name (or position)."""

    def __getitem__(self, key: str | int, /) -> Any: ...


class StatementFailed(Exception):
    """The server refused a statement for a reason other than being unavailable."""

    def __init__(self, sqlstate: str | None, message: str, constraint: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.constraint = constraint


class StatementRefused(StatementFailed):
    """A constraint refused the statement (SQLSTATE class 23): nothing was written."""


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, what it wraps (SQLAlchemy's ``orig``) and its causes, a few deep."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 6:
        seen.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return seen


def is_unavailable(exc: BaseException) -> bool:
    """Whether the exception means the database is unreachable, gone or not answering."""
    for link in _chain(exc):
        if isinstance(link, DatabaseUnavailable | DisconnectionError | OSError | TimeoutError):
            return True
        if isinstance(link, DBAPIError) and link.connection_invalidated:
            return True
        if isinstance(link, asyncpg.PostgresConnectionError):
            return True
        if isinstance(link, asyncpg.PostgresError) and link.sqlstate in _GONE_STATES:
            return True
        if isinstance(link, asyncpg.InterfaceError) and "connection is closed" in str(link):
            return True
        if _half_closed(link):
            return True
        if isinstance(link, DBAPIError) and "connection is closed" in str(link):
            return True
    return False


def _half_closed(exc: BaseException) -> bool:
    """The server's farewell (FATAL) read, its closing of the socket not yet: asyncpg refuses
    the next operation on that connection before sending anything."""
    return isinstance(exc, asyncpg.InternalClientError) and "cannot switch to state" in str(exc)


def _never_sent(exc: BaseException) -> bool:
    """asyncpg refuses to use a connection it knows is closed before sending anything."""
    closed = isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc)
    return closed or _half_closed(exc)


def reason(exc: BaseException) -> str:
    """Why the database is unavailable, in a few words (for logs and start-up messages)."""
    for link in _chain(exc):
        if isinstance(link, TimeoutError):
            return "it did not answer in time"
        if isinstance(link, ConnectionRefusedError):
            return "it refused the connection (not running?)"
        if isinstance(link, asyncpg.PostgresError | OSError) and str(link):
            return f"{link.__class__.__name__}: {str(link).splitlines()[0]}"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{exc.__class__.__name__}: {text}".rstrip(": ")


def unavailable(exc: BaseException, *, maybe_written: bool = False) -> DatabaseUnavailable:
    """The core error for an unavailable database (``maybe_written``: a write whose outcome
    is unknown, because the connection broke while the statement was with the server)."""
    if maybe_written:
        return DatabaseUnavailable(
            "The booking system stopped answering while saving this, so it may or may not "
            "have been saved. Please look again in a few minutes before trying again."
        )
    return DatabaseUnavailable()


def _failed(exc: asyncpg.PostgresError) -> StatementFailed:
    sqlstate = exc.sqlstate
    constraint = getattr(exc, "constraint_name", None)
    kind = StatementRefused if sqlstate and sqlstate.startswith("23") else StatementFailed
    return kind(sqlstate, str(exc), constraint)


class Driver:
    """Runs single statements on a pooled asyncpg connection of ``engine``.

    ``repeatable``: the statement may run twice with the same effect (a read, an upsert, a
    delete by key); it is then retried once even when the connection broke mid-statement.
    Any statement is retried once when it never reached the server.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def fetchrow(self, sql: str, *args: Any, repeatable: bool = True) -> Row | None:
        """The first row of one statement (None if none)."""
        return await self._run(lambda conn: conn.fetchrow(sql, *args), repeatable)

    async def fetch(self, sql: str, *args: Any, repeatable: bool = True) -> list[Row]:
        """All rows of one statement."""
        rows = await self._run(lambda conn: conn.fetch(sql, *args), repeatable)
        return list(rows)

    async def execute(self, sql: str, *args: Any, repeatable: bool = True) -> str:
        """Run one statement; its command status (``"UPDATE 1"``)."""
        return str(await self._run(lambda conn: conn.execute(sql, *args), repeatable))

    async def _run(self, statement: Callable[[Any], Awaitable[T]], repeatable: bool) -> T:
        for attempt in (1, 2):
            pooled = await self._checkout()
            broken: BaseException | None = None
            try:
                return await statement(pooled.driver_connection)
            except asyncpg.PostgresError as exc:
                if not is_unavailable(exc):
                    raise _failed(exc) from exc
                broken = exc
            except (
                asyncpg.InterfaceError,
                asyncpg.InternalClientError,
                OSError,
                TimeoutError,
            ) as exc:
                if not is_unavailable(exc):  # e.g. an argument of the wrong type
                    raise StatementFailed(None, str(exc)) from exc
                broken = exc
            finally:
                if broken is not None:  # never back into the pool as it is
                    await greenlet_spawn(pooled.invalidate, broken)
                # back to the pool inside SQLAlchemy's greenlet: returning may close an
                # overflow connection or roll one back, which awaits
                await greenlet_spawn(pooled.close)
            if broken is None:  # pragma: no cover - every path above returned or raised
                continue
            retry = attempt == 1 and (repeatable or _never_sent(broken))
            logger.warning(
                "database connection broken (attempt %s, %s): %s",
                attempt,
                "retrying on a fresh one" if retry else "giving up",
                reason(broken),
            )
            if not retry:
                written = not (repeatable or _never_sent(broken))
                raise unavailable(broken, maybe_written=written) from broken
        raise AssertionError("unreachable")  # pragma: no cover

    async def _checkout(self) -> Any:
        try:
            return await self.engine.raw_connection()
        except Exception as exc:
            if is_unavailable(exc):
                logger.warning("database unavailable: %s", reason(exc))
                raise unavailable(exc) from exc
            raise


def drop_closed_on_checkout(
    dbapi_connection: Any, connection_record: Any, connection_proxy: Any
) -> None:
    """A pool ``checkout`` hook: a connection the server has closed is not handed out.

    asyncpg notices a closed socket as soon as the event loop reads it, so this costs no
    round trip (unlike ``pool_pre_ping``); the pool then connects afresh in its place."""
    driver = connection_record.driver_connection
    if driver is not None and driver.is_closed():
        raise DisconnectionError("the server closed this connection")

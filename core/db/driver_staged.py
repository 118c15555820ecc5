"""A statement staged in a transaction left open on a connection of its own, for a ``COMMIT``
that has to leave the process the moment it is asked for (a reminder's SENT mark,
core/reminders/sending.py).

:meth:`Staged.begin` checks out a pooled asyncpg connection, runs ``BEGIN`` and the
statement (prepared, from the connection's statement cache), and keeps both.
:meth:`Staged.commit` is then one simple-query message, ``COMMIT``, written to the socket
within the call, before its first ``await`` suspends: no pool checkout, no statement to
parse or prepare, no ORM or greenlet between the caller and the write. Whatever happens
to the process after that, PostgreSQL reads the ``COMMIT`` from its socket and commits.
A process that dies before it leaves the connection drops, and PostgreSQL rolls the
transaction back.

Errors are the driver's (:mod:`core.db.driver`): an unreachable server is
:class:`core.errors.DatabaseUnavailable` (the connection is invalidated, never pooled
again), any other refusal :class:`core.db.driver.StatementFailed`. A connection goes back
to the pool only outside a transaction.
"""

from __future__ import annotations

from typing import Any, NoReturn

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from core.db.driver import Driver, StatementFailed, _failed, is_unavailable, unavailable


class Staged:
    """One open transaction on one pooled connection, until :meth:`commit` or :meth:`end`."""

    def __init__(self, pooled: Any) -> None:
        self._pooled: Any | None = pooled
        self._conn: Any = pooled.driver_connection

    @classmethod
    async def begin(cls, engine: AsyncEngine, sql: str, *args: Any) -> tuple[Staged | None, Any]:
        """``BEGIN``, then ``sql``; its first column, with the open transaction. A statement
        that returns no row changed nothing: rolled back and released, ``(None, None)``."""
        staged = cls(await Driver(engine)._checkout())
        try:
            await staged._conn.execute("BEGIN")
            value = await staged._conn.fetchval(sql, *args)
        except BaseException as exc:
            await staged._release(exc)
            _raise(exc)
        if value is None:
            await staged.end()
            return None, None
        return staged, value

    async def commit(self) -> None:
        """``COMMIT``, written before the first ``await`` suspends; returns once it is acknowledged."""
        try:
            await self._conn.execute("COMMIT")
        except BaseException as exc:
            await self._release(exc)
            _raise(exc)
        await self._release(None)

    async def end(self, sql: str | None = None, *args: Any) -> None:
        """Run ``sql`` (if given) and commit, or with no statement roll the transaction back."""
        try:
            if sql is None:
                await self._conn.execute("ROLLBACK")
            else:
                await self._conn.execute(sql, *args)
                await self._conn.execute("COMMIT")
        except BaseException as exc:
            await self._release(exc)
            _raise(exc)
        await self._release(None)

    async def _release(self, error: BaseException | None) -> None:
        """Back to the pool, or (broken, stopped mid-statement, still in a transaction)
        invalidated: a pooled connection is never left inside a transaction."""
        pooled, self._pooled = self._pooled, None
        if pooled is None:
            return
        if error is not None or self._conn.is_in_transaction():
            await greenlet_spawn(pooled.invalidate, error)
        await greenlet_spawn(pooled.close)


def _raise(exc: BaseException) -> NoReturn:
    """Raise the driver's error for one of asyncpg's; anything else (a stop) as it is."""
    if isinstance(exc, asyncpg.PostgresError) and not is_unavailable(exc):
        raise _failed(exc) from exc
    if is_unavailable(exc):
        raise unavailable(exc, maybe_written=True) from exc
    if isinstance(exc, asyncpg.InterfaceError | asyncpg.InternalClientError):
        raise StatementFailed(None, str(exc)) from exc
    raise exc

"""A week's free slots for many readers at once: one statement reads the week state of every
request waiting, and the free slots computed from a state are kept for the next reader.

A week's free slots are the cached lesson catalog's slots minus what one statement reads
(open/closed, the teacher's bookings in the week, the catalog version). Under a rush many
requests want that at the same moment, and on a small machine the round trip to PostgreSQL
costs far more than the reading. :class:`WeekReads` sends one statement for everyone
waiting (``WEEK_STATES``: one row per distinct week asked); requests that arrive while it is
with the server wait for the next one. So every answer still comes from a read that started
after its request arrived: nothing is served from memory that the database did not just
confirm, and a booking committed anywhere before a request shows in its answer.

The free slots computed from a state (the time rules applied at ``now``, for the school or
for those held to the 24-hour rule) are kept per week and audience, and are the answer again
for an equal state on the same catalog while their earliest slot still passes the time rules
at the new ``now``: being free does not change with the clock, and the rules only ever drop
the earliest slots first.

A state cached across requests (kept until a database notice says it changed) was tried and
dropped: a notifying transaction takes PostgreSQL's database-wide notify lock through its
commit flush, which serialised every booking's commit (the direct-core booking rate fell to
a quarter; docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.booking.sql import WeekState
from core.db.driver import Driver
from core.schedule import Slot

WEEK_STATES = """
SELECT (SELECT catalog_version FROM schools WHERE id = q.school_id) AS version,
       (SELECT bookings_open FROM hybrid_patterns WHERE lesson_id = q.lesson_id)
            AS bookings_open,
       ARRAY(SELECT start_at FROM bookings b
              WHERE b.school_id = q.school_id AND b.teacher_id = q.teacher_id
                AND b.status <> 'CANCELLED' AND b.start_at < q.hi AND b.end_at > q.lo
              ORDER BY b.start_at) AS busy_starts,
       ARRAY(SELECT end_at FROM bookings b
              WHERE b.school_id = q.school_id AND b.teacher_id = q.teacher_id
                AND b.status <> 'CANCELLED' AND b.start_at < q.hi AND b.end_at > q.lo
              ORDER BY b.start_at) AS busy_ends
FROM unnest($1::integer[], $2::integer[], $3::integer[], $4::timestamptz[], $5::timestamptz[])
     WITH ORDINALITY AS q(school_id, lesson_id, teacher_id, lo, hi, n)
ORDER BY q.n
"""

ANSWERS_LIMIT = 20_000  # kept answers per process; past it they are kept afresh

Asked = tuple[int, int, int, datetime, datetime]  # school, lesson, teacher, lo, hi


@dataclass(frozen=True, slots=True)
class Answer:
    """The free slots computed from ``state`` on ``catalog`` at ``now``."""

    state: WeekState
    catalog: Any
    now: datetime
    earliest: datetime | None  # the earliest free slot's start
    slots: tuple[Slot, ...]


class WeekReads:
    """One statement at a time for every week state asked meanwhile; answers kept."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self._next: dict[Asked, asyncio.Future[WeekState]] | None = None
        self._sender: asyncio.Task[None] | None = None
        self.answers: dict[tuple[int, int, int, bool], Answer] = {}
        self.statements = 0  # for tests and benchmarks: statements sent
        self.reads = 0  # states handed out

    async def state(
        self, school_id: int, lesson_id: int, teacher_id: int, lo: datetime, hi: datetime
    ) -> WeekState:
        """The week's state, read by a statement sent after this call."""
        loop = asyncio.get_running_loop()
        sender = self._sender
        if sender is not None and (sender.done() or sender.get_loop() is not loop):
            self._sender = self._next = None  # its loop went away while a statement was out
        if self._next is None:
            self._next = {}
        asked = (school_id, lesson_id, teacher_id, lo, hi)
        waiting = self._next.get(asked)
        if waiting is None:
            waiting = self._next[asked] = loop.create_future()
        if self._sender is None:
            self._sender = asyncio.create_task(self._send())
        self.reads += 1
        # shielded: a reader that goes away must not cancel the others' answer
        return await asyncio.shield(waiting)

    async def _send(self) -> None:
        try:
            while self._next:
                batch, self._next = self._next, None
                try:
                    states = await self._read(list(batch))
                except Exception as exc:
                    for waiting in batch.values():
                        waiting.set_exception(exc)
                    continue
                except BaseException:  # cancelled: so are those waiting for this statement
                    for waiting in batch.values():
                        waiting.cancel()
                    raise
                for waiting, state in zip(batch.values(), states, strict=True):
                    waiting.set_result(state)
        finally:
            self._sender = None
            if self._next:  # cancelled (loop shutting down): nobody will send for them
                for waiting in self._next.values():
                    waiting.cancel()
                self._next = None

    async def _read(self, asked: list[Asked]) -> list[WeekState]:
        self.statements += 1
        columns = list(zip(*asked, strict=True))
        rows = await self.driver.fetch(WEEK_STATES, *(list(c) for c in columns))
        if len(rows) != len(asked):  # pragma: no cover - one row per unnest element
            raise RuntimeError("the week-states statement lost a row")
        return [
            WeekState(
                version=row["version"],
                bookings_open=row["bookings_open"],
                busy=list(zip(row["busy_starts"], row["busy_ends"], strict=True)),
            )
            for row in rows
        ]

    def known(
        self, key: tuple[int, int, int, bool], state: WeekState, catalog: Any, now: datetime
    ) -> Answer | None:
        """The kept answer for ``key`` if it was computed from an equal state on this catalog
        at or before ``now`` (the caller checks its earliest slot against the time rules)."""
        answer = self.answers.get(key)
        if answer is None or answer.catalog is not catalog or answer.now > now:
            return None
        return answer if answer.state == state else None

    def keep(self, key: tuple[int, int, int, bool], answer: Answer) -> None:
        if len(self.answers) >= ANSWERS_LIMIT:
            self.answers.clear()
        self.answers[key] = answer

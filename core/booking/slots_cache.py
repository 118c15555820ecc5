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
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.booking.sql import WeekState
from core.db.driver import Driver
from core.schedule import Slot

# the weeks asked come as one JSON text and the busy times as one row each (none: one row of
# NULLs): no array type, so no asyncpg type introspection (three statements, one of them a
# recursive catalog query) on each pooled connection's first read of a week
WEEK_STATES = """
SELECT q.n,
       (SELECT catalog_version FROM schools WHERE id = q.school_id) AS version,
       (SELECT bookings_open FROM hybrid_patterns WHERE lesson_id = q.lesson_id)
            AS bookings_open,
       b.start_at, b.end_at
FROM json_to_recordset($1::text::json)
     AS q(n integer, school_id integer, lesson_id integer, teacher_id integer,
          lo timestamptz, hi timestamptz)
LEFT JOIN LATERAL (
    SELECT b.start_at, b.end_at FROM bookings b
     WHERE b.school_id = q.school_id AND b.teacher_id = q.teacher_id
       AND b.status <> 'CANCELLED' AND b.start_at < q.hi AND b.end_at > q.lo
) b ON true
ORDER BY q.n, b.start_at, b.end_at
"""


def _instant(moment: datetime) -> str:
    """An instant as PostgreSQL reads a timestamptz (a naive one is UTC, as asyncpg sends it)."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).isoformat()


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
        weeks = json.dumps(
            [
                {"n": n, "school_id": school, "lesson_id": lesson, "teacher_id": teacher,
                 "lo": _instant(lo), "hi": _instant(hi)}
                for n, (school, lesson, teacher, lo, hi) in enumerate(asked)
            ]
        )  # fmt: skip
        rows = await self.driver.fetch(WEEK_STATES, weeks)
        heads: dict[int, Any] = {}
        busy: dict[int, list[tuple[datetime, datetime]]] = {}
        for row in rows:
            n = row["n"]
            heads.setdefault(n, row)
            times = busy.setdefault(n, [])
            if row["start_at"] is not None:
                times.append((row["start_at"], row["end_at"]))
        if len(heads) != len(asked):  # pragma: no cover - one row or more per week asked
            raise RuntimeError("the week-states statement lost a week")
        return [
            WeekState(
                version=heads[n]["version"],
                bookings_open=heads[n]["bookings_open"],
                busy=busy[n],
            )
            for n in range(len(asked))
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

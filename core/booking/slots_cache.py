"""The state behind a week's free slots, kept per process until the database says it changed.

A week's free slots are the cached lesson catalog's slots minus what one statement reads
(core.booking.sql.WEEK_STATE: open/closed, the teacher's bookings in the week, the catalog
version). :class:`WeekStates` keeps that statement's answer per (school, lesson, week) and
drops it on a notice of the ``musicbot_slots`` channel (migration 0018: a trigger on
bookings, hybrid patterns and the school's catalog version sends ``<school>:<teacher>`` or
``<school>:0`` at commit). The time rules (not started, 24 hours' notice) are applied to
every request afresh, so a kept state never goes stale by the clock.

No stale slot after a commit: before a kept state is used, ``sync`` (the listening
connection's barrier, core.db.driver.Notices) makes sure every notice of a transaction
committed before the request has been heard; when not listening (starting, or after the
connection broke) nothing kept is used, and every break and every new start of listening
forgets everything. A state read while a notice for its teacher (or school) arrived is not
kept: it may predate the change.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.booking.sql import WeekState
from core.schedule import Slot

logger = logging.getLogger(__name__)

CHANNEL = "musicbot_slots"
LIMIT = 20_000  # kept states per process; past it, everything is forgotten and kept afresh

Key = tuple[int, int]  # (lesson id, week)


@dataclass(frozen=True, slots=True)
class Ticket:
    """Where a state about to be read will go, and what had been heard before reading it."""

    school_id: int
    teacher_id: int
    key: Key
    marks: tuple[int, int, int]  # (resets, notices for the school, notices for the teacher)


@dataclass(slots=True)
class Answer:
    """The free slots computed from a kept state: for one audience (the school, or anyone
    held to the 24-hour rule), on one catalog, at ``now``. Still the answer at a later time
    while its earliest slot still passes the time rules: free does not change with the clock,
    and a slot passing them means every later one does."""

    catalog: Any
    now: datetime
    earliest: datetime | None
    slots: list[Slot]


@dataclass(slots=True)
class Kept:
    state: WeekState
    answers: dict[bool, Answer] = field(default_factory=dict)  # by acts-for-the-school


async def _not_listening() -> bool:
    return False


class WeekStates:
    """school -> teacher -> (lesson, week) -> the week's state (one statement's answer),
    with the answers computed from it."""

    def __init__(self, sync: Callable[[], Awaitable[bool]] = _not_listening) -> None:
        self.sync = sync
        self._states: dict[int, dict[int, dict[Key, Kept]]] = {}
        self._count = 0
        self._resets = 0
        self._school_marks: dict[int, int] = {}
        self._teacher_marks: dict[tuple[int, int], int] = {}
        self.hits = 0  # for tests and benchmarks
        self.misses = 0

    def _marks(self, school_id: int, teacher_id: int) -> tuple[int, int, int]:
        return (
            self._resets,
            self._school_marks.get(school_id, 0),
            self._teacher_marks.get((school_id, teacher_id), 0),
        )

    async def get(
        self, school_id: int, teacher_id: int, lesson_id: int, week: int
    ) -> tuple[Kept | None, Ticket | None]:
        """The kept state (or None) and, for None, the ticket to keep a fresh read.

        Only a kept state waits for ``sync``: a fresh read needs no barrier, since a notice
        of anything it may have missed arrives after the ticket (and so stops the keeping),
        and whatever is kept while not listening is forgotten when listening starts again.
        """
        key = (lesson_id, week)
        if key in self._states.get(school_id, {}).get(teacher_id, {}):
            if not await self.sync():
                return None, None  # not listening: nothing kept may be trusted
            kept = self._states.get(school_id, {}).get(teacher_id, {}).get(key)
            if kept is not None:
                self.hits += 1
                return kept, None
        self.misses += 1
        return None, Ticket(school_id, teacher_id, key, self._marks(school_id, teacher_id))

    def keep(self, ticket: Ticket, state: WeekState) -> None:
        """Keep a state read after ``ticket`` was given, unless a notice came in between."""
        if self._marks(ticket.school_id, ticket.teacher_id) != ticket.marks:
            return
        if self._count >= LIMIT:
            self._forget_all()
        teachers = self._states.setdefault(ticket.school_id, {})
        weeks = teachers.setdefault(ticket.teacher_id, {})
        if ticket.key not in weeks:
            self._count += 1
        weeks[ticket.key] = Kept(state)

    def heard(self, payload: str) -> None:
        """A notice: ``<school>:<teacher>`` (that teacher's weeks) or ``<school>:0``."""
        school, _, teacher = payload.partition(":")
        try:
            school_id, teacher_id = int(school), int(teacher or "0")
        except ValueError:
            logger.warning("unreadable %s notice %r: forgetting every state", CHANNEL, payload)
            self.reset()
            return
        if teacher_id == 0:
            self._school_marks[school_id] = self._school_marks.get(school_id, 0) + 1
            teachers = self._states.pop(school_id, {})
            self._count -= sum(len(weeks) for weeks in teachers.values())
            return
        mark = (school_id, teacher_id)
        self._teacher_marks[mark] = self._teacher_marks.get(mark, 0) + 1
        weeks = self._states.get(school_id, {}).pop(teacher_id, {})
        self._count -= len(weeks)

    def reset(self) -> None:
        """Notices may have been missed: forget everything, and any read under way."""
        self._resets += 1
        self._forget_all()

    def _forget_all(self) -> None:
        self._states.clear()
        self._count = 0
        if len(self._teacher_marks) > LIMIT:  # a read under way then is simply not kept
            self._resets += 1
            self._teacher_marks.clear()
            self._school_marks.clear()

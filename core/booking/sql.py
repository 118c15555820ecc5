"""The booking hot path as single SQL statements, run straight on the asyncpg connection.

A booking is one statement: it reads every fact about the student (family, parent check,
enrolment, open/closed, the catalog version) and inserts the booking only when all of them
allow it, in one implicit transaction. Whether the student already has a booking that week
and whether the teacher is free are left to the database's own constraints (the partial
unique index and the teacher exclusion constraint) as ``ON CONFLICT DO NOTHING`` arbiters:
they answer through their indexes whatever the planner's statistics say, and a refusal
costs no error and no rollback. Which of the two refused is asked afterwards, only then.

Every lookup is by primary key, so the plan a pooled connection caches for the statement
stays right while the tables grow (a plan made while bookings was small would otherwise
scan it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

BOOK = """
WITH facts AS (
    SELECT st.key AS student_key, st.name AS student_name, st.family_id,
           (SELECT f.name FROM families f WHERE f.id = st.family_id) AS family_name,
           ($3::integer IS NULL OR COALESCE((
                SELECT p.school_id = $1 AND p.family_id = st.family_id
                FROM parents p WHERE p.id = $3
           ), false)) AS is_parent,
           EXISTS (
                SELECT 1 FROM enrolments e WHERE e.lesson_id = $2 AND e.student_id = st.id
           ) AS enrolled,
           (SELECT hp.bookings_open FROM hybrid_patterns hp WHERE hp.lesson_id = $2)
                AS bookings_open,
           (SELECT sc.catalog_version FROM schools sc WHERE sc.id = $1) AS version
    FROM students st
    WHERE st.id = $4 AND st.school_id = $1
), inserted AS (
    INSERT INTO bookings (school_id, lesson_id, student_id, teacher_id, week, start_at,
                          end_at, status, booked_by, sequence, created_at, updated_at)
    SELECT $1, $2, $4, $6, $5, $7, $8, 'CONFIRMED', $9, 0, $10, $10
    FROM facts
    WHERE $11::boolean AND facts.version = $12 AND facts.is_parent AND facts.enrolled
      AND (facts.bookings_open OR $13::boolean)
    ON CONFLICT DO NOTHING
    RETURNING id
)
SELECT facts.*, (SELECT id FROM inserted) AS booking_id FROM facts
"""

WEEK_STATE = """
SELECT (SELECT catalog_version FROM schools WHERE id = $1) AS version,
       (SELECT bookings_open FROM hybrid_patterns WHERE lesson_id = $2) AS bookings_open,
       ARRAY(SELECT start_at FROM bookings
              WHERE school_id = $1 AND teacher_id = $3 AND status <> 'CANCELLED'
                AND start_at < $5 AND end_at > $4 AND id <> $6
              ORDER BY start_at) AS busy_starts,
       ARRAY(SELECT end_at FROM bookings
              WHERE school_id = $1 AND teacher_id = $3 AND status <> 'CANCELLED'
                AND start_at < $5 AND end_at > $4 AND id <> $6
              ORDER BY start_at) AS busy_ends
"""

ACTIVE_OF_WEEK = """
SELECT id FROM bookings
 WHERE lesson_id = $1 AND student_id = $2 AND week = $3 AND status <> 'CANCELLED'
 LIMIT 1
"""


@dataclass(frozen=True, slots=True)
class BookFacts:
    student_key: str
    student_name: str
    family_id: int
    family_name: str
    is_parent: bool
    enrolled: bool
    bookings_open: bool | None
    version: int
    booking_id: int | None


@dataclass(frozen=True, slots=True)
class WeekState:
    version: int | None
    bookings_open: bool | None
    busy: list[tuple[datetime, datetime]]


@asynccontextmanager
async def _driver(engine: AsyncEngine) -> AsyncIterator[Any]:
    """The asyncpg connection of a pooled connection, given back to the pool afterwards.

    No SQLAlchemy transaction is begun: each statement is its own implicit transaction."""
    pooled = await engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert driver is not None
        yield driver
    finally:
        # back to the pool, inside SQLAlchemy's greenlet: returning may close an overflow
        # connection or roll one back, which awaits
        await greenlet_spawn(pooled.close)


async def fetchrow(engine: AsyncEngine, sql: str, *args: Any) -> Any:
    """The first row of one statement (None if none), straight on the driver."""
    async with _driver(engine) as driver:
        return await driver.fetchrow(sql, *args)


async def execute(engine: AsyncEngine, sql: str, *args: Any) -> str:
    """Run one statement in its own implicit transaction; the command status ("UPDATE 1")."""
    async with _driver(engine) as driver:
        return str(await driver.execute(sql, *args))


async def fetch(engine: AsyncEngine, sql: str, *args: Any) -> list[Any]:
    """All rows of one statement, straight on the driver (the hot read paths)."""
    async with _driver(engine) as driver:
        return list(await driver.fetch(sql, *args))


IDENTITIES = """
SELECT 'admin' AS role, a.id, a.name, NULL::integer AS family_id, s.id AS school_id, s.key,
       s.name AS school_name, s.timezone, false AS blocked, 0 AS ord
  FROM admins a JOIN schools s ON s.id = a.school_id WHERE a.telegram_id = $1
UNION ALL
SELECT 'teacher', t.id, t.name, NULL::integer, s.id, s.key, s.name, s.timezone, false, 1
  FROM teachers t JOIN schools s ON s.id = t.school_id WHERE t.telegram_id = $1
UNION ALL
SELECT 'parent', p.id, p.name, p.family_id, s.id, s.key, s.name, s.timezone,
       p.blocked_at IS NOT NULL, 2
  FROM parents p JOIN schools s ON s.id = p.school_id WHERE p.telegram_id = $1
ORDER BY ord, school_name, id
"""

FAMILY = """
SELECT p.family_id, f.name AS family_name, s.name AS school_name, s.timezone,
       s.catalog_version, st.id AS student_id, st.key AS student_key,
       st.name AS student_name, e.lesson_id, hp.bookings_open, hp.opened_at
  FROM parents p
  JOIN schools s ON s.id = p.school_id
  JOIN families f ON f.id = p.family_id
  LEFT JOIN students st ON st.family_id = p.family_id AND st.school_id = p.school_id
  LEFT JOIN enrolments e ON e.student_id = st.id
  LEFT JOIN hybrid_patterns hp ON hp.lesson_id = e.lesson_id
 WHERE p.id = $2 AND p.school_id = $1
"""

CHILD_BOOKINGS = """
SELECT id, week, start_at, end_at, status, booked_by, updated_by, cancelled_by,
       cancel_reason, sequence
  FROM bookings
 WHERE school_id = $1 AND student_id = $2 AND lesson_id = $3 AND status <> 'CANCELLED'
 ORDER BY start_at
"""


async def book(
    engine: AsyncEngine,
    *,
    school_id: int,
    lesson_id: int,
    parent_id: int | None,
    student_id: int,
    week: int,
    teacher_id: int,
    start_at: datetime,
    end_at: datetime,
    label: str,
    now: datetime,
    may_insert: bool,
    version: int,
    for_school: bool,
) -> BookFacts | None:
    """Insert the booking if every fact allows it; the facts either way (None: no student)."""
    row = await fetchrow(
        engine,
        BOOK,
        school_id,
        lesson_id,
        parent_id,
        student_id,
        week,
        teacher_id,
        start_at,
        end_at,
        label,
        now,
        may_insert,
        version,
        for_school,
    )
    if row is None:
        return None
    return BookFacts(
        student_key=row["student_key"],
        student_name=row["student_name"],
        family_id=row["family_id"],
        family_name=row["family_name"],
        is_parent=row["is_parent"],
        enrolled=row["enrolled"],
        bookings_open=row["bookings_open"],
        version=row["version"],
        booking_id=row["booking_id"],
    )


async def week_state(
    engine: AsyncEngine,
    *,
    school_id: int,
    lesson_id: int,
    teacher_id: int,
    lo: datetime,
    hi: datetime,
    exclude_booking_id: int | None,
) -> WeekState:
    """The catalog version, open/closed, and the teacher's bookings in [lo, hi)."""
    row = await fetchrow(
        engine, WEEK_STATE, school_id, lesson_id, teacher_id, lo, hi, exclude_booking_id or 0
    )
    return WeekState(
        version=row["version"],
        bookings_open=row["bookings_open"],
        busy=list(zip(row["busy_starts"], row["busy_ends"], strict=True)),
    )


async def active_booking_of_week(
    engine: AsyncEngine, lesson_id: int, student_id: int, week: int
) -> int | None:
    row = await fetchrow(engine, ACTIVE_OF_WEEK, lesson_id, student_id, week)
    return None if row is None else int(row["id"])

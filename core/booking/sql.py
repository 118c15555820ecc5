"""The booking hot path as single SQL statements, run through the driver gateway.

A booking is one statement: it reads every fact about the student (family, parent check,
enrolment, open/closed, whether the lesson asks for approval, the catalog version) and inserts the booking only when all of them
allow it, in one implicit transaction. Whether the student already has a booking that week
and whether the teacher is free are left to the database's own constraints (the partial
unique index and the teacher exclusion constraint) as ``ON CONFLICT DO NOTHING`` arbiters:
they answer through their indexes whatever the planner's statistics say, and a refusal
costs no error and no rollback. Which of the two refused is asked afterwards, only then.

Every lookup is by primary key, so the plan a pooled connection caches for the statement
stays right while the tables grow (a plan made while bookings was small would otherwise
scan it). The statements run on :class:`core.db.driver.Driver`.

An import of the school's file holds the school's row ``FOR UPDATE`` from its first
statement (:func:`core.booking.queries.hold_off_bookings`). Once the booking is inserted,
and only then, the statement locks that row ``FOR KEY SHARE`` and reads the catalog version
again: it waits for an import under way and then reads the version that import wrote (or
the import waits for the booking to commit and then sees it). If the version moved, the
statement fails (``CATALOG_MOVED``) and the whole insert is undone: a booking can never
land in a week the import removes after checking for bookings in the way. A refused attempt
takes no lock: it stays a read-only transaction (no transaction id, no WAL, no commit
flush), where a lock on the school's one row made every refusal of a rush a write and had
every booking of the school queue on that row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.driver import Driver

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
           hp.bookings_open AS bookings_open,
           COALESCE(hp.approval, false) AND NOT $13::boolean AS pending,
           (SELECT sc.catalog_version FROM schools sc WHERE sc.id = $1) AS version
    FROM students st
    -- the lesson's pattern (its key is lesson_id: none or one row), read once for both
    LEFT JOIN hybrid_patterns hp ON hp.lesson_id = $2
    WHERE st.id = $4 AND st.school_id = $1
), inserted AS (
    INSERT INTO bookings (school_id, lesson_id, student_id, teacher_id, week, start_at,
                          end_at, status, booked_by, sequence, created_at, updated_at,
                          confirmed_at)
    SELECT $1, $2, $4, $6, $5, $7, $8,
           CASE WHEN facts.pending THEN 'PENDING' ELSE 'CONFIRMED' END, $9, 0, $10, $10,
           CASE WHEN facts.pending THEN NULL ELSE $10::timestamptz END
    FROM facts
    WHERE $11::boolean AND facts.version = $12 AND facts.is_parent AND facts.enrolled
      AND (facts.bookings_open OR $13::boolean)
    ON CONFLICT DO NOTHING
    RETURNING id
), held AS (
    SELECT sc.catalog_version AS version FROM schools sc
    WHERE sc.id = $1 AND EXISTS (SELECT 1 FROM inserted)
    FOR KEY SHARE
)
SELECT facts.*, (SELECT id FROM inserted) AS booking_id,
       -- plain SQL has no RAISE: a failing cast of a run-time text aborts the statement
       (SELECT CASE WHEN held.version = $12 THEN held.version
                    ELSE CAST('catalog moved to version ' || held.version AS integer) END
          FROM held) AS held_version
FROM facts
"""

# in the error of a booking an import overtook (the cast in BOOK); nothing was written
CATALOG_MOVED = "catalog moved to version"

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
SELECT id, status, start_at FROM bookings
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
    pending: bool = False  # made PENDING: the lesson asks for the teacher's confirmation


@dataclass(frozen=True, slots=True)
class WeekState:
    version: int | None
    bookings_open: bool | None
    busy: list[tuple[datetime, datetime]]


async def book(
    driver: Driver,
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
    # not repeatable: had the first try committed before the connection broke, a second
    # would find its own booking and refuse it as "already booked"
    row = await driver.fetchrow(
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
        repeatable=False,
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
        pending=bool(row["pending"]),
    )


async def week_state(
    driver: Driver,
    *,
    school_id: int,
    lesson_id: int,
    teacher_id: int,
    lo: datetime,
    hi: datetime,
    exclude_booking_id: int | None,
) -> WeekState:
    """The catalog version, open/closed, and the teacher's bookings in [lo, hi)."""
    row = await driver.fetchrow(
        WEEK_STATE, school_id, lesson_id, teacher_id, lo, hi, exclude_booking_id or 0
    )
    if row is None:  # pragma: no cover - a SELECT without FROM always has its one row
        raise RuntimeError("the week-state statement returned no row")
    return WeekState(
        version=row["version"],
        bookings_open=row["bookings_open"],
        busy=list(zip(row["busy_starts"], row["busy_ends"], strict=True)),
    )


@dataclass(frozen=True, slots=True)
class ActiveBooking:
    """The student's active booking of a lesson's week: why a booking there was refused."""

    id: int
    status: str
    start_at: datetime

    @property
    def marked(self) -> bool:
        """Its session already took place and was marked (present or no-show)."""
        return self.status in ("COMPLETED", "NO_SHOW")


async def active_booking_of_week(
    driver: Driver, lesson_id: int, student_id: int, week: int
) -> ActiveBooking | None:
    """The student's active (not cancelled) booking that week, if any: one statement."""
    row = await driver.fetchrow(ACTIVE_OF_WEEK, lesson_id, student_id, week)
    if row is None:
        return None
    return ActiveBooking(int(row["id"]), str(row["status"]), row["start_at"])

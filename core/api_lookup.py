"""What the HTTP API asks by school-file key: ids of lessons, students, terms, teachers and
locations in one statement, and the start instant of a slot named by date and clock time.

Keys are the school's own names (DESIGN.md: the API takes school-file keys where the plan
has ids); everything is scoped by school, so another school's key is simply "not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from core.booking import sql as booking_sql
from core.booking.service import BookingService
from core.errors import NotFound, SlotUnavailable

RESOLVE = """
SELECT (SELECT id FROM lessons WHERE school_id = $1 AND key = $2) AS lesson_id,
       (SELECT teacher_id FROM lessons WHERE school_id = $1 AND key = $2) AS lesson_teacher_id,
       (SELECT id FROM students WHERE school_id = $1 AND key = $3) AS student_id,
       (SELECT id FROM terms WHERE school_id = $1 AND key = $4) AS term_id,
       (SELECT id FROM teachers WHERE school_id = $1 AND key = $5) AS teacher_id,
       (SELECT id FROM locations WHERE school_id = $1 AND key = $6) AS location_id
"""


@dataclass(frozen=True, slots=True)
class Resolved:
    """The ids of the keys asked for (None for a key not asked)."""

    lesson_id: int | None = None
    lesson_teacher_id: int | None = None
    student_id: int | None = None
    term_id: int | None = None
    teacher_id: int | None = None
    location_id: int | None = None


async def resolve(
    engine: AsyncEngine,
    school_id: int,
    *,
    lesson: str | None = None,
    student: str | None = None,
    term: str | None = None,
    teacher: str | None = None,
    location: str | None = None,
) -> Resolved:
    """Every key asked for, as ids of this school; NotFound names the first unknown one."""
    asked = (lesson, student, term, teacher, location)
    if all(key is None for key in asked):
        return Resolved()
    row = await booking_sql.fetchrow(engine, RESOLVE, school_id, *asked)
    found = Resolved(
        row["lesson_id"],
        row["lesson_teacher_id"],
        row["student_id"],
        row["term_id"],
        row["teacher_id"],
        row["location_id"],
    )
    for what, key, value in (
        ("lesson", lesson, found.lesson_id),
        ("student", student, found.student_id),
        ("term", term, found.term_id),
        ("teacher", teacher, found.teacher_id),
        ("location", location, found.location_id),
    ):
        if key is not None and value is None:
            raise NotFound(f"No {what} '{key}' in this school.")
    return found


async def slot_start(
    booking: BookingService,
    school_id: int,
    tz: ZoneInfo,
    lesson_id: int,
    week: int,
    at: time,
    on: date | None = None,
) -> datetime:
    """The start instant of the slot at local time ``at`` (on local date ``on``, if given) in
    an individual week. The process's lesson catalog answers when it knows the lesson (the
    booking itself checks the catalog version); otherwise the service reads the lesson."""
    day = on.weekday() if on is not None else None
    catalog = booking.catalogs.peek(school_id)
    plan = catalog.lesson(lesson_id) if catalog is not None else None
    matches: list[datetime] = []
    if (
        catalog is not None
        and plan is not None
        and plan.hybrid is not None
        and week in plan.hybrid.individual_weeks
    ):
        matches = [
            slot.start_at
            for slot in catalog.week_slots(plan, week)
            if slot.start_at.astimezone(tz).time() == at
            and (day is None or slot.start_at.astimezone(tz).weekday() == day)
        ]
    # none, or several days at that time, or an unknown lesson: the service words the refusal
    start = (
        matches[0]
        if len(matches) == 1
        else await booking.slot_at(school_id, lesson_id, week, at, day)
    )
    if on is not None and start.astimezone(tz).date() != on:
        raise SlotUnavailable(f"Week {week} has no slot at {at:%H:%M} on {on:%Y-%m-%d}.")
    return start

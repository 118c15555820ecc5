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

from core.booking.catalog import CatalogCache, LessonPlan
from core.booking.service import BookingService
from core.db.driver import Driver
from core.errors import SlotUnavailable
from core.keys import no_such

RESOLVE = """
SELECT (SELECT id FROM lessons WHERE school_id = $1 AND key = $2) AS lesson_id,
       (SELECT teacher_id FROM lessons WHERE school_id = $1 AND key = $2) AS lesson_teacher_id,
       (SELECT id FROM students WHERE school_id = $1 AND key = $3) AS student_id,
       (SELECT id FROM terms WHERE school_id = $1 AND key = $4) AS term_id,
       (SELECT id FROM teachers WHERE school_id = $1 AND key = $5) AS teacher_id,
       (SELECT id FROM locations WHERE school_id = $1 AND key = $6) AS location_id
"""


STUDENT_KEYS = "SELECT key, id FROM students WHERE school_id = $1 LIMIT $2"
STUDENT_KEYS_LIMIT = 50_000  # a school with more: each key is asked by itself


@dataclass(frozen=True, slots=True)
class Resolved:
    """The ids of the keys asked for (None for a key not asked)."""

    lesson_id: int | None = None
    lesson_teacher_id: int | None = None
    student_id: int | None = None
    term_id: int | None = None
    teacher_id: int | None = None
    location_id: int | None = None


@dataclass(frozen=True, slots=True)
class LessonIds:
    """A lesson asked for by its key: its id and its teacher's, and a student's if named."""

    lesson_id: int
    teacher_id: int
    student_id: int | None = None


# per school: (catalog version, lesson key -> plan) of the process's cached catalog
_LESSON_KEYS: dict[int, tuple[int, dict[str, LessonPlan]]] = {}
# per school: (catalog version, student key -> id); an import keeps a key's id, and the
# cache starts afresh whenever the process sees a new catalog version
_STUDENT_KEYS: dict[int, tuple[int, dict[str, int]]] = {}
# per school: the catalog version whose student keys were all read at once
_LEARNED: dict[int, int] = {}


def _cached_lesson(catalogs: CatalogCache | None, school_id: int, key: str) -> LessonPlan | None:
    """The lesson of a key in the process's lesson catalog, if it is there (a key it does
    not know is asked of the database)."""
    catalog = catalogs.peek(school_id) if catalogs is not None else None
    if catalog is None:
        return None
    known = _LESSON_KEYS.get(school_id)
    if known is None or known[0] != catalog.version:
        known = (catalog.version, {plan.key: plan for plan in catalog.lessons.values()})
        _LESSON_KEYS[school_id] = known
    return known[1].get(key)


def _students(catalogs: CatalogCache | None, school_id: int) -> dict[str, int] | None:
    catalog = catalogs.peek(school_id) if catalogs is not None else None
    if catalog is None:
        return None
    known = _STUDENT_KEYS.get(school_id)
    if known is None or known[0] != catalog.version:
        known = (catalog.version, {})
        _STUDENT_KEYS[school_id] = known
    return known[1]


def _cached_student(catalogs: CatalogCache | None, school_id: int, key: str) -> int | None:
    students = _students(catalogs, school_id)
    return students.get(key) if students is not None else None


def _remember_student(
    catalogs: CatalogCache | None, school_id: int, key: str, student_id: int
) -> None:
    students = _students(catalogs, school_id)
    if students is not None and len(students) < 100_000:
        students[key] = student_id


async def _learn_students(
    engine: AsyncEngine, catalogs: CatalogCache | None, school_id: int
) -> None:
    """Every student key of the school into the cache, once per catalog version (a key
    still unknown afterwards is asked by itself)."""
    catalog = catalogs.peek(school_id) if catalogs is not None else None
    students = _students(catalogs, school_id)
    if catalog is None or students is None or _LEARNED.get(school_id) == catalog.version:
        return
    _LEARNED[school_id] = catalog.version
    rows = await Driver(engine).fetch(STUDENT_KEYS, school_id, STUDENT_KEYS_LIMIT)
    if len(rows) < STUDENT_KEYS_LIMIT:
        students.update((row["key"], row["id"]) for row in rows)


async def resolve(
    engine: AsyncEngine,
    school_id: int,
    *,
    catalogs: CatalogCache | None = None,
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
    if lesson is not None and all(key is None for key in asked[2:]):
        plan = _cached_lesson(catalogs, school_id, lesson)
        student_id = _cached_student(catalogs, school_id, student) if student else None
        if plan is not None and student is not None and student_id is None:
            # one statement learns every student key of the school (per catalog version),
            # not one per student: a booking rush names hundreds of students
            await _learn_students(engine, catalogs, school_id)
            student_id = _cached_student(catalogs, school_id, student)
        if plan is not None and (student is None or student_id is not None):
            return Resolved(
                lesson_id=plan.id, lesson_teacher_id=plan.teacher_id, student_id=student_id
            )
    row = await Driver(engine).fetchrow(RESOLVE, school_id, *asked)
    if row is None:  # never: a SELECT without FROM returns one row
        raise RuntimeError("the key lookup returned no row")
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
            raise no_such(what, key)
    if student is not None and found.student_id is not None:
        _remember_student(catalogs, school_id, student, found.student_id)
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

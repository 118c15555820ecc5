"""Import a school file: validate it whole, then upsert every record in one transaction.

Records are matched by (school, key): what is new is created, what changed is updated,
and records missing from the file are left alone. Nothing is written when the file is
invalid (:class:`~core.errors.SchoolFileError`), and importing the same file twice
changes nothing: values are compared before they are written.

A change that would pull the ground from under bookings still to come (an individual week
dropped, a booked student taken off the lesson, a lesson no longer HYBRID, a new teacher
already booked or teaching then) is refused with the path and the booking's time: cancel or
move those bookings first (the guards are in :mod:`core.school_file.guards`). Past and
cancelled bookings are history and never stand in the way.

Two collections are replaced rather than merged, because the file names their owner:

* a lesson's enrolments become exactly the lesson's ``students`` list;
* a hybrid lesson's availability windows are replaced as a whole when they differ.

``bookings_open`` of a hybrid lesson is taken from the file only when the lesson is
created; afterwards admins open and close bookings in chat (or with the CLI) and a
re-import leaves that switch alone. A lesson whose type changes away from HYBRID loses
its hybrid pattern. Event times are the school's local time, stored as UTC instants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from core.booking.queries import hold_off_bookings
from core.clock import Clock
from core.db import models as m
from core.db.engine import unit_of_work
from core.errors import SchoolFileError
from core.school_file import schema as sf
from core.school_file.guards import BookingGuards, MovedLesson
from core.school_file.loader import parse_school_file
from core.school_file.result import ImportResult

__all__ = ["import_school"]

# the rows kept by key within the school (each has id, school_id and key)
Row = TypeVar(
    "Row", m.Admin, m.Teacher, m.Location, m.Term, m.Family, m.Parent, m.Student, m.Lesson, m.Event
)


async def import_school(
    sessions: async_sessionmaker[AsyncSession],
    text_or_path: str | Path,
    *,
    clock: Clock,
) -> ImportResult:
    """Validate a school file and bring its school up to date in one transaction.

    Raises :class:`SchoolFileError` (nothing written) when the file is not valid.
    """
    school_file = parse_school_file(text_or_path)
    async with unit_of_work(sessions) as session:
        await hold_off_bookings(session, school_file.school.key)  # no booking races the guards
        result = await _Importer(session, school_file, clock).run()
        if result.changed:
            # lets every process's lesson cache see the change at its next use
            await session.execute(
                update(m.School)
                .where(m.School.id == result.school_id)
                .values(catalog_version=m.School.catalog_version + 1)
            )
        await session.commit()
    return result


def _apply(row: m.Base, values: Mapping[str, Any]) -> bool:
    """Set the attributes that differ; whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


class _Importer:
    """One import inside one session; each ``sync_*`` step flushes so later steps see ids."""

    def __init__(self, session: AsyncSession, school_file: sf.SchoolFile, clock: Clock) -> None:
        self.session = session
        self.file = school_file
        self.clock = clock
        self.school: m.School
        self.result: ImportResult
        self.ids: dict[str, dict[str, int]] = {}
        self.room_ids: dict[tuple[str, str], int] = {}

    async def run(self) -> ImportResult:
        await self.sync_school()
        await self.sync_simple(m.Admin, "admin", self.file.admins, _person_values)
        await self.sync_simple(m.Teacher, "teacher", self.file.teachers, _person_values)
        await self.sync_simple(m.Location, "location", self.file.locations, _named_values)
        await self.sync_rooms()
        await self.guard_terms()
        await self.sync_simple(m.Term, "term", self.file.terms, _term_values)
        await self.sync_simple(m.Family, "family", self.file.families, _named_values)
        await self.sync_family_members()
        await self.sync_lessons()
        await self.sync_events()
        return self.result

    async def guard_terms(self) -> None:
        """Refuse a term moved (or cut) under its upcoming bookings, before it is written."""
        guards = BookingGuards(self.session, self.school, self.ids, self.clock)
        problems = await guards.moved_terms(self.file.terms)
        if problems:
            raise SchoolFileError(problems)

    # school

    async def sync_school(self) -> None:
        info = self.file.school
        values = {
            "name": info.name,
            "timezone": info.timezone,
            "language": info.language,
            "reminders": info.reminders.as_dict(),
        }
        query = select(m.School).where(m.School.key == info.key).with_for_update()
        school = (await self.session.execute(query)).scalar_one_or_none()
        created = school is None
        if school is None:
            school = m.School(key=info.key, **values)
            self.session.add(school)
            changed = True
        else:
            changed = _apply(school, values)
        await self.session.flush()
        self.school = school
        self.result = ImportResult(school_key=info.key, school_id=school.id)
        self.result.record("school", created=created, changed=changed)

    # generic upsert by key

    async def existing(self, model: type[Row]) -> dict[str, Row]:
        query = select(model).where(model.school_id == self.school.id)
        rows = (await self.session.execute(query)).scalars().all()
        return {row.key: row for row in rows}

    def upsert(
        self, model: type[Row], kind: str, rows: dict[str, Row], key: str, values: dict[str, Any]
    ) -> Row:
        row = rows.get(key)
        if row is None:
            row = model(school_id=self.school.id, key=key, **values)
            self.session.add(row)
            rows[key] = row
            self.result.record(kind, created=True, changed=True)
        else:
            self.result.record(kind, created=False, changed=_apply(row, values))
        return row

    async def sync_simple(
        self,
        model: type[Row],
        kind: str,
        items: Iterable[Any],
        values_of: Callable[[Any], dict[str, Any]],
    ) -> None:
        rows = await self.existing(model)
        for item in items:
            self.upsert(model, kind, rows, item.key, values_of(item))
        await self.session.flush()
        self.ids[kind] = {key: row.id for key, row in rows.items()}

    # rooms, parents, students: keyed within a location / the school, owned by a parent row

    async def sync_rooms(self) -> None:
        query = select(m.Room).where(m.Room.school_id == self.school.id)
        rooms = {(r.location_id, r.key): r for r in (await self.session.execute(query)).scalars()}
        for location in self.file.locations:
            location_id = self.ids["location"][location.key]
            for item in location.rooms:
                room = rooms.get((location_id, item.key))
                if room is None:
                    room = m.Room(
                        school_id=self.school.id,
                        location_id=location_id,
                        key=item.key,
                        name=item.name,
                    )
                    self.session.add(room)
                    rooms[(location_id, item.key)] = room
                    self.result.record("room", created=True, changed=True)
                else:
                    changed = _apply(room, {"name": item.name})
                    self.result.record("room", created=False, changed=changed)
        await self.session.flush()
        location_keys = {v: k for k, v in self.ids["location"].items()}
        self.room_ids = {
            (location_keys[loc_id], key): room.id
            for (loc_id, key), room in rooms.items()
            if loc_id in location_keys
        }

    async def sync_family_members(self) -> None:
        parents = await self.existing(m.Parent)
        students = await self.existing(m.Student)
        for family in self.file.families:
            family_id = self.ids["family"][family.key]
            for parent in family.parents:
                values = {
                    "family_id": family_id,
                    "name": parent.name,
                    "telegram_id": parent.telegram_id,
                    "phone": parent.phone,
                }
                self.upsert(m.Parent, "parent", parents, parent.key, values)
            for student in family.students:
                values = {"family_id": family_id, "name": student.name}
                self.upsert(m.Student, "student", students, student.key, values)
        await self.session.flush()
        self.ids["student"] = {key: row.id for key, row in students.items()}

    # lessons, with enrolments and hybrid patterns

    async def sync_lessons(self) -> None:
        """Lessons, their enrolments and patterns. A lesson's new teacher takes its bookings
        along (the database cascades it); one that would double-book the new teacher is
        refused, naming the lesson and the time."""
        try:
            await self._sync_lessons()
        except IntegrityError as exc:  # teachers swapping lessons with clashing bookings
            if "ex_bookings_teacher_overlap" not in str(exc.orig):
                raise
            raise SchoolFileError(
                [
                    "lessons: with the new teachers, two active bookings of one teacher "
                    "would overlap; move or cancel one of them first"
                ]
            ) from None

    async def _sync_lessons(self) -> None:
        lessons = await self.existing(m.Lesson)
        enrolled = await self.enrolments()
        patterns = await self.patterns()
        guards = BookingGuards(self.session, self.school, self.ids, self.clock)
        upcoming = await guards.upcoming_bookings()
        clashes = []
        moved: list[MovedLesson] = []  # lessons with a new teacher
        for index, item in enumerate(self.file.lessons):
            row = lessons.get(item.key)
            created = row is None
            if row is None:
                row = m.Lesson(school_id=self.school.id, key=item.key, **self.lesson_values(item))
                self.session.add(row)
                await self.session.flush()
                changed = True
            else:
                clashes += guards.bookings_in_the_way(index, item, upcoming.get(row.id, []))
                values = self.lesson_values(item)
                if values["teacher_id"] != row.teacher_id:
                    moved.append(MovedLesson(index, item, row.id))
                    clashes += await guards.new_teacher_clashes(
                        index, item, row.id, values["teacher_id"]
                    )
                changed = _apply(row, values)
            changed = await self.sync_enrolments(row.id, item, enrolled.get(row.id, {})) or changed
            changed = await self.sync_hybrid(row.id, item, patterns.get(row.id)) or changed
            self.result.record("lesson", created=created, changed=changed)
        if clashes:
            raise SchoolFileError(clashes)
        await self.session.flush()
        if moved:
            problems = await guards.classes_of_new_teachers(moved, upcoming)
            if problems:
                raise SchoolFileError(problems)

    def lesson_values(self, item: sf.Lesson) -> dict[str, Any]:
        return {
            "name": item.name,
            "type": m.LessonType(item.type),
            "term_id": self.ids["term"][item.term],
            "teacher_id": self.ids["teacher"][item.teacher],
            "location_id": self.ids["location"][item.location] if item.location else None,
            "room_id": self.room_ids[(item.location, item.room)]
            if item.location and item.room
            else None,
            "day": item.day_index,
            "start_time": item.start_time,
            "duration_minutes": item.duration_minutes,
            "max_students": item.max_students,
        }

    async def enrolments(self) -> dict[int, dict[int, m.Enrolment]]:
        """Enrolment rows per lesson id, by student id."""
        query = select(m.Enrolment).where(m.Enrolment.school_id == self.school.id)
        enrolled: dict[int, dict[int, m.Enrolment]] = {}
        for row in (await self.session.execute(query)).scalars():
            enrolled.setdefault(row.lesson_id, {})[row.student_id] = row
        return enrolled

    async def sync_enrolments(
        self, lesson_id: int, item: sf.Lesson, current: dict[int, m.Enrolment]
    ) -> bool:
        """Make the lesson's enrolments exactly the file's list; whether they changed."""
        wanted = {self.ids["student"][key] for key in item.students}
        for student_id in wanted - current.keys():
            self.session.add(
                m.Enrolment(lesson_id=lesson_id, student_id=student_id, school_id=self.school.id)
            )
        for student_id in current.keys() - wanted:
            await self.session.delete(current[student_id])
        return wanted != current.keys()

    async def patterns(self) -> dict[int, m.HybridPattern]:
        query = (
            select(m.HybridPattern)
            .where(m.HybridPattern.school_id == self.school.id)
            .options(selectinload(m.HybridPattern.windows))
        )
        return {p.lesson_id: p for p in (await self.session.execute(query)).scalars()}

    async def sync_hybrid(
        self, lesson_id: int, item: sf.Lesson, pattern: m.HybridPattern | None
    ) -> bool:
        """Create, update or (type no longer HYBRID) remove the pattern; whether it changed.
        ``bookings_open`` is only set on create (admins open and close); ``approval`` follows
        the file."""
        hybrid = item.hybrid
        if hybrid is None:
            if pattern is None:
                return False
            await self.session.delete(pattern)
            return True
        windows = sorted(_window_values(hybrid))
        if pattern is None:
            self.session.add(
                m.HybridPattern(
                    lesson_id=lesson_id,
                    school_id=self.school.id,
                    individual_weeks=list(hybrid.individual_weeks),
                    slot_minutes=hybrid.slot_minutes,
                    bookings_open=hybrid.bookings_open,
                    opened_at=self.clock.now() if hybrid.bookings_open else None,
                    approval=hybrid.approval,
                    windows=[_window_row(w) for w in windows],
                )
            )
            return True
        changed = _apply(
            pattern,
            {
                "individual_weeks": list(hybrid.individual_weeks),
                "slot_minutes": hybrid.slot_minutes,
                "approval": hybrid.approval,
            },
        )
        current = sorted((w.day, w.start_time, w.end_time) for w in pattern.windows)
        if current != windows:
            pattern.windows = [_window_row(w) for w in windows]
            changed = True
        return changed

    # events

    async def sync_events(self) -> None:
        rows = await self.existing(m.Event)
        for item in self.file.events:
            start, end = sf.event_instants(item, self.file.school.timezone)
            values = {
                "title": item.title,
                "type": item.type,
                "start_at": start,
                "end_at": end,
                "location_id": self.ids["location"][item.location] if item.location else None,
            }
            self.upsert(m.Event, "event", rows, item.key, values)
        await self.session.flush()


def _person_values(item: sf.Admin | sf.Teacher) -> dict[str, Any]:
    return {"name": item.name, "telegram_id": item.telegram_id}


def _named_values(item: sf.Location | sf.Family) -> dict[str, Any]:
    return {"name": item.name}


def _term_values(item: sf.Term) -> dict[str, Any]:
    return {"name": item.name, "start_date": item.start_date, "weeks": item.weeks}


def _window_values(hybrid: sf.Hybrid) -> list[tuple[int, Any, Any]]:
    return [(w.day_index, w.start, w.end) for w in hybrid.availability]


def _window_row(values: tuple[int, Any, Any]) -> m.AvailabilityWindow:
    day, start, end = values
    return m.AvailabilityWindow(day=day, start_time=start, end_time=end)

"""What core.directory answers about a school's lessons, children and families: plain,
immutable values that handlers and the CLI render (``lesson_ref`` builds a lesson's from its
row, with its teacher, place, term and hybrid pattern loaded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.db.models import Lesson, LessonType
from core.schedule import week_monday


@dataclass(frozen=True, slots=True)
class LessonRef:
    id: int
    key: str
    name: str
    type: LessonType
    teacher_id: int
    teacher_name: str
    location_name: str | None
    room_name: str | None
    day: int
    start_time: str
    duration_minutes: int
    term_name: str
    term_start: date
    term_weeks: int
    individual_weeks: tuple[int, ...] = ()
    slot_minutes: int | None = None
    bookings_open: bool = False
    opened_at: datetime | None = None
    term_id: int = 0

    @property
    def is_hybrid(self) -> bool:
        return self.type is LessonType.HYBRID

    def week_monday(self, week: int) -> date:
        return week_monday(self.term_start, week)


@dataclass(frozen=True, slots=True)
class Child:
    id: int
    key: str
    name: str
    hybrid_lessons: tuple[LessonRef, ...]


@dataclass(frozen=True, slots=True)
class FamilyRef:
    id: int
    key: str
    name: str
    parents: tuple[tuple[int, str, int | None], ...]  # (parent id, name, telegram id)


@dataclass(frozen=True, slots=True)
class FamilyParent:
    name: str
    linked: bool  # has a Telegram account on record
    phone: str | None


@dataclass(frozen=True, slots=True)
class FamilySummary:
    key: str
    name: str
    students: tuple[tuple[str, str], ...]  # (key, name)
    parents: tuple[FamilyParent, ...]
    id: int = 0

    @property
    def linked(self) -> bool:
        """Whether any parent has a Telegram account on record."""
        return any(p.linked for p in self.parents)


def lesson_ref(lesson: Lesson) -> LessonRef:
    hybrid = lesson.hybrid
    return LessonRef(
        id=lesson.id,
        key=lesson.key,
        name=lesson.name,
        type=lesson.type,
        teacher_id=lesson.teacher_id,
        teacher_name=lesson.teacher.name,
        location_name=lesson.location.name if lesson.location else None,
        room_name=lesson.room.name if lesson.room else None,
        day=lesson.day,
        start_time=lesson.start_time.strftime("%H:%M"),
        duration_minutes=lesson.duration_minutes,
        term_name=lesson.term.name,
        term_start=lesson.term.start_date,
        term_weeks=lesson.term.weeks,
        individual_weeks=tuple(sorted(hybrid.individual_weeks)) if hybrid else (),
        slot_minutes=hybrid.slot_minutes if hybrid else None,
        bookings_open=hybrid.bookings_open if hybrid else False,
        opened_at=hybrid.opened_at if hybrid else None,
        term_id=lesson.term_id,
    )

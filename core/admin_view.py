"""What the admin, teacher and calendar screens need beyond the booking service and directory.

Terms of a school, the term a calendar week belongs to, the term a dashboard shows by
default and its neighbours, the teachers of a term's hybrid lessons, weeks as day numbers
for compact button data, and the paging of a week's bookings. No Telegram imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.db.engine import unit_of_work
from core.db.models import Lesson, LessonType, Teacher, Term

EPOCH = date(1970, 1, 1)
PAGE_SIZE = 8  # bookings per page of a week's list

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TermRef:
    id: int
    key: str
    name: str
    start_date: date
    weeks: int

    @property
    def last_day(self) -> date:
        """The Sunday of the term's last week."""
        return self.start_date + timedelta(days=7 * self.weeks - 1)

    def contains(self, day: date) -> bool:
        return self.start_date <= day <= self.last_day


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def this_monday(now: datetime, tz: ZoneInfo) -> date:
    """The Monday of the current week in the school's timezone."""
    return monday_of(now.astimezone(tz).date())


def day_number(day: date) -> int:
    """Days since 1970-01-01: a date as a small int for callback data."""
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=number)


def term_for_week(terms: Sequence[TermRef], monday: date) -> TermRef | None:
    """The term holding that week; else the next one to start; else the last one to end."""
    for term in terms:
        if term.contains(monday) or term.contains(monday + timedelta(days=6)):
            return term
    upcoming = sorted((t for t in terms if t.start_date > monday), key=lambda t: t.start_date)
    if upcoming:
        return upcoming[0]
    past = sorted(terms, key=lambda t: t.last_day)
    return past[-1] if past else None


def current_term(terms: Sequence[TermRef], today: date) -> TermRef | None:
    """The term whose dates hold today; else the next one to start; else the last to end."""
    for term in sorted(terms, key=lambda t: t.start_date):
        if term.contains(today):
            return term
    upcoming = [t for t in terms if t.start_date > today]
    if upcoming:
        return min(upcoming, key=lambda t: t.start_date)
    return max(terms, key=lambda t: t.last_day, default=None)


def neighbours(terms: Sequence[TermRef], term: TermRef) -> tuple[TermRef | None, TermRef | None]:
    """The terms just before and just after ``term``, in order of their start."""
    ordered = sorted(terms, key=lambda t: (t.start_date, t.id))
    at = next(i for i, t in enumerate(ordered) if t.id == term.id)
    earlier = ordered[at - 1] if at > 0 else None
    later = ordered[at + 1] if at + 1 < len(ordered) else None
    return earlier, later


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def page_of(items: Sequence[T], page: int, size: int = PAGE_SIZE) -> tuple[list[T], int, int]:
    """(items of the page, the page clamped to range, number of pages)."""
    pages = page_count(len(items), size)
    page = min(max(page, 0), pages - 1)
    return list(items[page * size : (page + 1) * size]), page, pages


class AdminView:
    """Read-only queries for the admin and calendar screens, scoped by school."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def terms(self, school_id: int) -> list[TermRef]:
        async with unit_of_work(self.sessions) as session:
            rows = (
                await session.scalars(
                    select(Term).where(Term.school_id == school_id).order_by(Term.start_date)
                )
            ).all()
            return [TermRef(t.id, t.key, t.name, t.start_date, t.weeks) for t in rows]

    async def term_teachers(self, school_id: int, term_id: int) -> list[tuple[int, str]]:
        """(id, name) of the teachers of the term's hybrid lessons, by name."""
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(
                select(Teacher.id, Teacher.name)
                .join(Lesson, Lesson.teacher_id == Teacher.id)
                .where(
                    Teacher.school_id == school_id,
                    Lesson.school_id == school_id,
                    Lesson.term_id == term_id,
                    Lesson.type == LessonType.HYBRID,
                )
                .distinct()
                .order_by(Teacher.name, Teacher.id)
            )
            return [(teacher_id, name) for teacher_id, name in rows]

    async def teacher_name(self, school_id: int, teacher_id: int) -> str | None:
        """The name of that teacher of the school; None for anyone else's id."""
        async with unit_of_work(self.sessions) as session:
            name: str | None = await session.scalar(
                select(Teacher.name).where(Teacher.school_id == school_id, Teacher.id == teacher_id)
            )
            return name

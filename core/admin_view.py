"""What the admin, teacher and calendar screens need beyond the booking service and directory.

Terms of a school, the term a calendar week belongs to, weeks as day numbers for compact
button data, and the paging of a week's bookings. No Telegram imports.
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
from core.db.models import Term

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

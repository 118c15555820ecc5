"""Teachers' evening agendas: who gets which, and the teacher's own /agenda off|on.

When the school file sets ``reminders.teacher_agenda: "18:00"``, each teacher linked in
chat (and not opted out) gets, from that local time on, the list of their booked sessions
of the next day, once (key ``ta:<teacher>:<day>``). No sessions, no message. An agenda
that could not go out in the evening (quiet hours, the bot down) still goes the next
morning while that day's first session is ahead. Inside quiet hours nothing is due.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.service import booking_query, to_view
from core.db.engine import unit_of_work
from core.db.models import Booking, BookingStatus, School, Teacher
from core.reminders.due import schools_awake
from core.reminders.languages import languages_of
from core.reminders.notices import AgendaNotice, Reminder
from core.reminders.rules import AGENDA, agenda_days, school_rules
from core.views import BookingView

BOOKED = (BookingStatus.CONFIRMED, BookingStatus.PENDING)


def agenda_key(teacher_id: int, day: date) -> str:
    return f"ta:{teacher_id}:{day.isoformat()}"


def _day_span(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A local day as instants (23 or 25 hours on a daylight-saving night)."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return start, end


async def _teachers(session: AsyncSession, school_id: int) -> dict[int, tuple[str, int]]:
    """teacher id -> (name, chat id) of teachers linked in chat who want the agenda."""
    rows = await session.execute(
        select(Teacher.id, Teacher.name, Teacher.telegram_id).where(
            Teacher.school_id == school_id,
            Teacher.telegram_id.is_not(None),
            Teacher.agenda_off.is_(False),
        )
    )
    return {tid: (name, chat) for tid, name, chat in rows if chat is not None}


async def _sessions_of_day(
    session: AsyncSession, school_id: int, day: date, tz_name: str
) -> dict[int, list[BookingView]]:
    """teacher id -> that day's booked sessions, in order."""
    start, end = _day_span(day, ZoneInfo(tz_name))
    bookings = await session.scalars(
        booking_query(school_id)
        .where(Booking.status.in_(BOOKED), Booking.start_at >= start, Booking.start_at < end)
        .order_by(Booking.start_at, Booking.id)
    )
    by_teacher: dict[int, list[BookingView]] = defaultdict(list)
    for booking in bookings:
        by_teacher[booking.teacher_id].append(to_view(booking, tz_name))
    return by_teacher


async def due_agendas(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Reminder]:
    """Every teacher's agenda due now, in every school that turned agendas on."""
    due: list[Reminder] = []
    async with unit_of_work(sessions) as session:
        for school_id, tz_name, tz, rules, _ in await schools_awake(session, now):
            days = agenda_days(now, tz, rules.teacher_agenda)
            if not days:
                continue
            teachers = await _teachers(session, school_id)
            if not teachers:
                continue
            languages = await languages_of(session, school_id, (c for _, c in teachers.values()))
            today = now.astimezone(tz).date()
            for day in days:
                by_teacher = await _sessions_of_day(session, school_id, day, tz_name)
                for teacher_id, views in by_teacher.items():
                    if teacher_id not in teachers:
                        continue
                    if day == today and views[0].start_at <= now:
                        continue  # too late for today's agenda: the day has begun
                    name, chat_id = teachers[teacher_id]
                    notice = AgendaNotice(name, day, tz_name, tuple(views))
                    key = agenda_key(teacher_id, day)
                    language = languages.get(chat_id)
                    due.append(Reminder(key, AGENDA, school_id, None, chat_id, notice, language))
    return due


class AgendaPreferences:
    """A teacher's own choice: the evening agenda on or off (every school they teach in)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def set_agenda(self, telegram_id: int, on: bool) -> int:
        """Turn the agenda on or off for this Telegram account; the teachers changed."""
        async with unit_of_work(self.sessions) as session:
            rows = await session.scalars(
                update(Teacher)
                .where(Teacher.telegram_id == telegram_id)
                .values(agenda_off=not on)
                .returning(Teacher.id)
            )
            changed = len(list(rows))
            await session.commit()
            return changed

    async def agenda_on(self, telegram_id: int) -> dict[int, bool]:
        """school id -> whether this account gets the agenda there (as a teacher)."""
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(
                select(Teacher.school_id, Teacher.agenda_off).where(
                    Teacher.telegram_id == telegram_id
                )
            )
            return {school_id: not off for school_id, off in rows}

    async def agenda_times(self, school_ids: list[int]) -> dict[int, str | None]:
        """school id -> its agenda time as "HH:MM", or None when the school sends none."""
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(
                select(School.id, School.reminders).where(School.id.in_(school_ids))
            )
            times: dict[int, str | None] = {}
            for school_id, raw in rows:
                at = school_rules(raw).teacher_agenda
                times[school_id] = None if at is None else at.strftime("%H:%M")
            return times

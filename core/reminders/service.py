"""Who needs which reminder now, and the sent-reminder log that makes every sweep idempotent.

Two kinds of reminder (DESIGN.md "Reminders"; the rules come from ``School.reminders``, the
school file's optional ``reminders:`` block, see :mod:`core.school_file.schema`):

- **not booked**: a hybrid lesson with bookings open and individual weeks still bookable
  (some slot starts at least 24 hours from now). One message per parent chat, per family and
  lesson, listing every child of the family not yet booked in a bookable week. Rounds:
  the first once bookings are open, then one every ``every_hours`` after the previous round,
  at most ``max_times`` per opening, only while the school's local time is inside
  ``[window_start, window_end)``; a round due outside it waits for the window.
  Key ``nb:<lesson>:<family>:<opened minute>:<round>:<parent>``.
- **session**: ``hours_before`` before a confirmed individual session.
  Key ``ss:<booking>:<start epoch>:<parent>`` (a rescheduled session is reminded again).
- **on demand** (an admin's ``/remind``): the not-booked reminder now, whatever the cadence.
  Key ``od:<lesson>:<request>:<family>:<parent>``: one request never sends twice.

Exactly once: a reminder is *claimed* (INSERT ... ON CONFLICT DO NOTHING, status CLAIMED) in
its own committed transaction before it is sent, and its outcome recorded after. A claim
whose outcome never arrives (the process died mid-send) is not resent: at-most-once for
crashed claims; :func:`expire_stale_claims` marks them UNKNOWN after a few minutes.

No Telegram here: the scheduler renders and sends what this module says is due.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.booking.lessons import individual_slots
from core.booking.service import booking_query, lesson_query, to_view
from core.db.engine import unit_of_work
from core.db.models import (
    Booking,
    BookingStatus,
    Enrolment,
    Family,
    HybridPattern,
    Lesson,
    LessonType,
    Parent,
    School,
    SentReminder,
    Student,
)
from core.errors import NotAllowed, NotFound
from core.schedule import notice_ok, week_monday
from core.school_file.schema import NotBookedReminders, Reminders
from core.views import BookingView

logger = logging.getLogger(__name__)

NOT_BOOKED = "not_booked"
SESSION = "session"
ON_DEMAND = "on_demand"

CLAIMED = "CLAIMED"
SENT = "SENT"
FAILED = "FAILED"
BLOCKED = "BLOCKED"
UNKNOWN = "UNKNOWN"  # claimed by a process that died before recording the outcome

STALE_CLAIM = timedelta(minutes=10)
SWEEP_LOCKS = {NOT_BOOKED: 727_002, SESSION: 727_003}  # advisory locks: one sweeper per kind


# --- rules (pure) --------------------------------------------------------------------------


def school_rules(raw: dict | None) -> Reminders:
    """A school's reminder rules from ``School.reminders``; defaults for anything missing."""
    try:
        return Reminders.model_validate(raw or {})
    except ValidationError:
        logger.warning("invalid reminders settings %r: using the defaults", raw)
        return Reminders()


def in_window(local: time, start: time, end: time) -> bool:
    """Is a local clock time inside ``[start, end)``? A window may run past midnight."""
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def round_due(
    now: datetime,
    *,
    opened_at: datetime | None,
    rounds_sent: int,
    last_at: datetime | None,
    rules: NotBookedReminders,
    tz: ZoneInfo,
) -> bool:
    """Is the next not-booked round due for a family now?"""
    if not rules.enabled or rounds_sent >= rules.max_times:
        return False
    if opened_at is not None and now < opened_at:
        return False
    if last_at is not None and now - last_at < timedelta(hours=rules.every_hours):
        return False
    return in_window(now.astimezone(tz).time(), rules.window_start, rules.window_end)


def session_due(now: datetime, start_at: datetime, hours_before: int) -> bool:
    """From ``hours_before`` before the session until it starts."""
    return start_at - timedelta(hours=hours_before) <= now < start_at


def bookable_weeks(lesson: Lesson, tz: ZoneInfo, now: datetime) -> list[int]:
    """Individual weeks in which some slot still starts at least 24 hours from now."""
    hybrid = lesson.hybrid
    if hybrid is None:
        return []
    return [
        week
        for week in sorted(hybrid.individual_weeks)
        if 1 <= week <= lesson.term.weeks
        and any(notice_ok(slot.start_at, now) for slot in individual_slots(lesson, week, tz))
    ]


def opened_token(opened_at: datetime | None) -> int:
    """The opening a round belongs to, as whole minutes since the epoch (0: unknown)."""
    return int(opened_at.timestamp()) // 60 if opened_at else 0


# --- what a reminder says ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BookNow:
    """A child who still has to book an individual week (one "Book now" button)."""

    student_id: int
    student_name: str
    week: int
    week_monday: date


@dataclass(frozen=True, slots=True)
class NotBookedNotice:
    school_id: int
    lesson_id: int
    lesson_name: str
    family_name: str
    timezone: str
    items: tuple[BookNow, ...]


@dataclass(frozen=True, slots=True)
class SessionNotice:
    booking: BookingView


@dataclass(frozen=True, slots=True)
class Reminder:
    """One message to one parent chat, with the key that makes it go out at most once."""

    key: str
    kind: str
    school_id: int
    parent_id: int
    chat_id: int
    notice: NotBookedNotice | SessionNotice


@dataclass(frozen=True, slots=True)
class OnDemandPlan:
    reminders: list[Reminder]
    families: int  # families with a child still to book
    unreachable: int  # of those, families with no parent reachable in chat


# --- due computation -----------------------------------------------------------------------


async def _open_hybrid_lessons(session: AsyncSession, school_id: int) -> list[Lesson]:
    rows = await session.scalars(
        lesson_query(school_id)
        .join(HybridPattern, HybridPattern.lesson_id == Lesson.id)
        .where(Lesson.type == LessonType.HYBRID, HybridPattern.bookings_open.is_(True))
        .order_by(Lesson.id)
    )
    return list(rows.unique())


async def _reachable_parents(
    session: AsyncSession, school_id: int
) -> dict[int, list[tuple[int, int]]]:
    """family id -> [(parent id, chat id)] of parents linked in chat and not blocked."""
    rows = await session.execute(
        select(Parent.family_id, Parent.id, Parent.telegram_id)
        .where(
            Parent.school_id == school_id,
            Parent.telegram_id.is_not(None),
            Parent.blocked_at.is_(None),
        )
        .order_by(Parent.id)
    )
    parents: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for family_id, parent_id, telegram_id in rows:
        parents[family_id].append((parent_id, int(telegram_id)))
    return parents


async def _pending(
    session: AsyncSession, lesson: Lesson, weeks: Iterable[int]
) -> dict[int, tuple[str, list[BookNow]]]:
    """family id -> (family name, children not yet booked in a bookable week)."""
    weeks = list(weeks)
    if not weeks:
        return {}
    students = await session.execute(
        select(Student.id, Student.name, Family.id, Family.name)
        .join(Enrolment, Enrolment.student_id == Student.id)
        .join(Family, Family.id == Student.family_id)
        .where(Enrolment.lesson_id == lesson.id)
        .order_by(Family.id, Student.name, Student.id)
    )
    rows = await session.execute(
        select(Booking.student_id, Booking.week).where(
            Booking.lesson_id == lesson.id,
            Booking.status != BookingStatus.CANCELLED,
        )
    )
    booked = {(student_id, week) for student_id, week in rows}
    pending: dict[int, tuple[str, list[BookNow]]] = {}
    for student_id, student_name, family_id, family_name in students:
        for week in weeks:
            if (student_id, week) in booked:
                continue
            monday = week_monday(lesson.term.start_date, week)
            entry = pending.setdefault(family_id, (family_name, []))
            entry[1].append(BookNow(student_id, student_name, week, monday))
    return pending


async def _rounds(
    session: AsyncSession, school_id: int, lesson_id: int, token: int
) -> dict[int, tuple[int, datetime]]:
    """family id -> (last round, when it was claimed) of this lesson's current opening."""
    rows = await session.execute(
        select(SentReminder.dedupe_key, SentReminder.created_at).where(
            SentReminder.school_id == school_id,
            SentReminder.kind == NOT_BOOKED,
            SentReminder.dedupe_key.like(f"nb:{lesson_id}:%"),
        )
    )
    rounds: dict[int, tuple[int, datetime]] = {}
    for key, created_at in rows:
        _, _, family, opening, number, _ = key.split(":")
        if int(opening) != token:
            continue
        family_id, n = int(family), int(number)
        last = rounds.get(family_id)
        if last is None or (n, created_at) > last:
            rounds[family_id] = (n, created_at)
    return rounds


def _notice(
    school_id: int, lesson: Lesson, family: str, tz: str, items: list[BookNow]
) -> NotBookedNotice:
    return NotBookedNotice(school_id, lesson.id, lesson.name, family, tz, tuple(items))


async def due_not_booked(
    sessions: async_sessionmaker[AsyncSession], now: datetime
) -> list[Reminder]:
    """Every not-booked reminder due now, in every school (the periodic sweep)."""
    due: list[Reminder] = []
    async with unit_of_work(sessions) as session:
        schools = (
            await session.execute(select(School.id, School.timezone, School.reminders))
        ).all()
        for school_id, tz_name, raw in schools:
            rules = school_rules(raw).not_booked
            if not rules.enabled:
                continue
            tz = ZoneInfo(tz_name)
            lessons = await _open_hybrid_lessons(session, school_id)
            if not lessons:
                continue
            parents = await _reachable_parents(session, school_id)
            for lesson in lessons:
                opened_at = lesson.hybrid.opened_at  # type: ignore[union-attr]
                token = opened_token(opened_at)
                pending = await _pending(session, lesson, bookable_weeks(lesson, tz, now))
                rounds = await _rounds(session, school_id, lesson.id, token) if pending else {}
                for family_id, (family, items) in pending.items():
                    sent, last_at = rounds.get(family_id, (0, None))
                    if not round_due(
                        now, opened_at=opened_at, rounds_sent=sent, last_at=last_at,
                        rules=rules, tz=tz,
                    ):  # fmt: skip
                        continue
                    notice = _notice(school_id, lesson, family, tz_name, items)
                    for parent_id, chat_id in parents.get(family_id, ()):
                        key = f"nb:{lesson.id}:{family_id}:{token}:{sent + 1}:{parent_id}"
                        due.append(Reminder(key, NOT_BOOKED, school_id, parent_id, chat_id, notice))
    return due


async def not_booked_now(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    school_id: int,
    lesson_id: int,
    request: str,
) -> OnDemandPlan:
    """An admin's reminder now: every family of the lesson with a child still to book.

    ``request`` names the admin's request (e.g. ``u<update id>``): the same request never
    sends twice, and it is independent of the periodic rounds. Raises NotFound for a lesson
    of another school, NotAllowed for a lesson without individual weeks.
    """
    async with unit_of_work(sessions) as session:
        tz_name = await session.scalar(select(School.timezone).where(School.id == school_id))
        lesson = (
            await session.scalars(lesson_query(school_id).where(Lesson.id == lesson_id))
        ).first()
        if tz_name is None or lesson is None:
            raise NotFound("No such lesson in this school.")
        if lesson.hybrid is None:
            raise NotAllowed(f"{lesson.name} is not a hybrid lesson; it has no individual weeks.")
        tz = ZoneInfo(tz_name)
        pending = await _pending(session, lesson, bookable_weeks(lesson, tz, now))
        parents = await _reachable_parents(session, school_id)
        lesson_ref = lesson.id
        notices = {
            family_id: _notice(school_id, lesson, family, tz_name, items)
            for family_id, (family, items) in pending.items()
        }
    reminders: list[Reminder] = []
    unreachable = 0
    for family_id, notice in notices.items():
        chats = parents.get(family_id, ())
        unreachable += not chats
        for parent_id, chat_id in chats:
            key = f"od:{lesson_ref}:{request}:{family_id}:{parent_id}"
            reminders.append(Reminder(key, ON_DEMAND, school_id, parent_id, chat_id, notice))
    return OnDemandPlan(reminders, len(notices), unreachable)


async def due_sessions(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Reminder]:
    """Every session reminder due now: confirmed sessions starting within ``hours_before``."""
    due: list[Reminder] = []
    async with unit_of_work(sessions) as session:
        schools = (
            await session.execute(select(School.id, School.timezone, School.reminders))
        ).all()
        for school_id, tz_name, raw in schools:
            rules = school_rules(raw).session
            if not rules.enabled:
                continue
            horizon = now + timedelta(hours=rules.hours_before)
            bookings = (
                await session.scalars(
                    booking_query(school_id)
                    .where(
                        Booking.status == BookingStatus.CONFIRMED,
                        Booking.start_at > now,
                        Booking.start_at <= horizon,
                    )
                    .order_by(Booking.start_at, Booking.id)
                )
            ).all()
            if not bookings:
                continue
            parents = await _reachable_parents(session, school_id)
            for booking in bookings:
                if not session_due(now, booking.start_at, rules.hours_before):
                    continue
                notice = SessionNotice(to_view(booking, tz_name))
                epoch = int(booking.start_at.timestamp())
                for parent_id, chat_id in parents.get(booking.student.family_id, ()):
                    key = f"ss:{booking.id}:{epoch}:{parent_id}"
                    due.append(Reminder(key, SESSION, school_id, parent_id, chat_id, notice))
    return due


# --- the sent-reminder log -----------------------------------------------------------------


async def claim(
    sessions: async_sessionmaker[AsyncSession], reminder: Reminder, now: datetime
) -> bool:
    """Claim a reminder before sending it (committed at once); False if already claimed."""
    async with unit_of_work(sessions) as session:
        claimed = await session.scalar(
            insert(SentReminder)
            .values(
                school_id=reminder.school_id,
                dedupe_key=reminder.key,
                kind=reminder.kind,
                parent_id=reminder.parent_id,
                status=CLAIMED,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=[SentReminder.dedupe_key])
            .returning(SentReminder.id)
        )
        await session.commit()
        return claimed is not None


async def record(
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    status: str,
    now: datetime,
    detail: str | None = None,
) -> None:
    """Record the outcome of a claimed reminder (SENT, FAILED or BLOCKED)."""
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(SentReminder)
            .where(SentReminder.dedupe_key == key)
            .values(
                status=status,
                detail=(detail or None) and detail[:500],
                sent_at=now if status == SENT else None,
            )
        )
        await session.commit()


async def expire_stale_claims(
    sessions: async_sessionmaker[AsyncSession], now: datetime, older_than: timedelta = STALE_CLAIM
) -> int:
    """Mark claims left by a process that died mid-send as UNKNOWN; they are not resent."""
    async with unit_of_work(sessions) as session:
        result = await session.execute(
            update(SentReminder)
            .where(SentReminder.status == CLAIMED, SentReminder.created_at < now - older_than)
            .values(
                status=UNKNOWN,
                detail="claimed but no outcome recorded (process stopped?); not resent",
            )
        )
        await session.commit()
        expired = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if expired:
        logger.warning("%s reminder claims had no outcome: marked UNKNOWN, not resent", expired)
    return expired


async def log_counts(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Rows of the log by status (for benchmarks and operators)."""
    async with unit_of_work(sessions) as session:
        rows = await session.execute(
            select(SentReminder.status, func.count()).group_by(SentReminder.status)
        )
        return {status: int(count) for status, count in rows}


@asynccontextmanager
async def sweep_lock(sessions: async_sessionmaker[AsyncSession], kind: str) -> AsyncIterator[bool]:
    """Hold a sweep's advisory lock on a dedicated connection; yields False if taken."""
    engine: AsyncEngine = sessions.kw["bind"]
    lock = SWEEP_LOCKS[kind]
    async with engine.connect() as raw:
        conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
        got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock}))
        try:
            yield got
        finally:
            if got:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock})

"""Who needs which reminder now: the periodic sweeps' due lists and an admin's plan.

- **not booked**: a hybrid lesson with bookings open and individual weeks still bookable
  (some slot starts at least 24 hours from now). One message per parent chat, per family and
  lesson, listing every child of the family not yet booked in a bookable week. Rounds:
  the first once bookings are open, then one every ``every_hours`` after the previous round,
  at most ``max_times`` per opening, only while the school's local time is inside
  ``[window_start, window_end)``; a round due outside it waits for the window. A round whose
  sends failed for a passing reason (or whose claim was left by a stopped process) is the
  same round again at the next sweep: it does not count twice toward ``max_times``.
  Key ``nb:<lesson>:<family>:<opened minute>:<round>:<parent>``.
- **session**: at each lead time (``before_session``, default ``[24h]``) before a confirmed
  individual session; a late one only while no shorter lead time is due.
  Key ``ss:<booking>:<start epoch>:<lead minutes>m:<parent>`` (a rescheduled session is
  reminded again at the lead times of its new time).
- **quiet hours** (``quiet_hours``): nothing of the above is due inside them; what falls
  due then goes at their end, if it still is (a session that has begun is not reminded).
- **on demand** (an admin's ``/remind``): the not-booked reminder now, whatever the cadence.
  Key ``od:<lesson>:<request>:<family>:<parent>``: one request never sends twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.rules import hybrid_of
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
    Student,
    UserLanguage,
)
from core.db.records import SentReminder
from core.errors import NotFound
from core.i18n import N_, pick_language
from core.reminders.log import CLAIMED, RETRY
from core.reminders.notices import BookNow, NotBookedNotice, OnDemandPlan, Reminder, SessionNotice
from core.reminders.rules import (
    NOT_BOOKED,
    ON_DEMAND,
    SESSION,
    bookable_weeks,
    check_remindable,
    lead_due,
    opened_token,
    quiet_now,
    retry_due,
    round_due,
    school_rules,
)
from core.schedule import week_monday
from core.school_file.schema import Reminders

LEGACY_LEAD = timedelta(hours=24)  # the one lead time the log's older keys were made for

# --- due computation -----------------------------------------------------------------------


class AwakeSchool(NamedTuple):
    """A school outside its quiet hours: what every sweep reads of it."""

    id: int
    tz_name: str
    tz: ZoneInfo
    rules: Reminders
    language: str | None  # the school file's school.language (users who chose none)


async def schools_awake(session: AsyncSession, now: datetime) -> list[AwakeSchool]:
    """Every school outside its quiet hours ``now`` (nothing a sweep finds is sent inside
    them): its id, time zone (name and zone), reminder rules and language."""
    rows = await session.execute(
        select(School.id, School.timezone, School.reminders, School.language)
    )
    awake = []
    for school_id, tz_name, raw, language in rows:
        rules, tz = school_rules(raw), ZoneInfo(tz_name)
        if not quiet_now(now, tz, rules.quiet_hours):
            awake.append(AwakeSchool(school_id, tz_name, tz, rules, language))
    return awake


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
) -> dict[int, list[tuple[int, int, str]]]:
    """family id -> [(parent id, chat id, language)] of parents linked in chat and not
    blocked; each parent's language as the bot addresses them (core.languages)."""
    rows = await session.execute(
        select(
            Parent.family_id,
            Parent.id,
            Parent.telegram_id,
            UserLanguage.chosen,
            UserLanguage.client,
            School.language,
        )
        .join(School, School.id == Parent.school_id)
        .outerjoin(UserLanguage, UserLanguage.telegram_id == Parent.telegram_id)
        .where(
            Parent.school_id == school_id,
            Parent.telegram_id.is_not(None),
            Parent.blocked_at.is_(None),
        )
        .order_by(Parent.id)
    )
    parents: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for family_id, parent_id, telegram_id, chosen, client, school in rows:
        if telegram_id is not None:  # always: the query skips NULLs
            language = pick_language(chosen, client, school)
            parents[family_id].append((parent_id, telegram_id, language))
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


@dataclass(frozen=True, slots=True)
class Round:
    """A family's latest not-booked round of a lesson's current opening."""

    number: int
    started_at: datetime
    unfinished: bool  # a send to retry, or a claim whose lease ran out: send this round again


async def _rounds(
    session: AsyncSession, school_id: int, lesson_id: int, token: int
) -> dict[int, Round]:
    """family id -> its latest round of this lesson's current opening."""
    unfinished = or_(
        SentReminder.status == RETRY,
        and_(
            SentReminder.status == CLAIMED,
            or_(SentReminder.lease_until.is_(None), SentReminder.lease_until < func.now()),
        ),
    )
    rows = await session.execute(
        select(SentReminder.dedupe_key, SentReminder.created_at, unfinished).where(
            SentReminder.school_id == school_id,
            SentReminder.kind == NOT_BOOKED,
            SentReminder.dedupe_key.like(f"nb:{lesson_id}:%"),
        )
    )
    rounds: dict[int, Round] = {}
    for key, created_at, again in rows:
        _, _, family, opening, number, _ = key.split(":")
        if int(opening) != token:
            continue
        family_id, n = int(family), int(number)
        last = rounds.get(family_id)
        if last is None or n > last.number:
            rounds[family_id] = Round(n, created_at, bool(again))
        elif n == last.number:
            started = min(last.started_at, created_at)
            rounds[family_id] = Round(n, started, last.unfinished or bool(again))
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
        for school_id, tz_name, tz, school, _ in await schools_awake(session, now):
            rules = school.not_booked
            if not rules.enabled:
                continue
            lessons = await _open_hybrid_lessons(session, school_id)
            if not lessons:
                continue
            parents = await _reachable_parents(session, school_id)
            for lesson in lessons:
                opened_at = hybrid_of(lesson).opened_at
                token = opened_token(opened_at)
                pending = await _pending(session, lesson, bookable_weeks(lesson, tz, now))
                rounds = await _rounds(session, school_id, lesson.id, token) if pending else {}
                for family_id, (family, items) in pending.items():
                    last = rounds.get(family_id)
                    if last is not None and last.unfinished:
                        if not retry_due(now, rules=rules, tz=tz):
                            continue
                        number = last.number  # the same round again
                    elif round_due(
                        now, opened_at=opened_at, rounds_sent=last.number if last else 0,
                        last_at=last.started_at if last else None, rules=rules, tz=tz,
                    ):  # fmt: skip
                        number = (last.number if last else 0) + 1
                    else:
                        continue
                    notice = _notice(school_id, lesson, family, tz_name, items)
                    for parent_id, chat_id, language in parents.get(family_id, ()):
                        key = f"nb:{lesson.id}:{family_id}:{token}:{number}:{parent_id}"
                        due.append(
                            Reminder(
                                key, NOT_BOOKED, school_id, parent_id, chat_id, notice, language
                            )
                        )
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
    of another school, NothingToBook for a lesson without individual weeks and
    RemindersClosed while its bookings are closed (:func:`core.reminders.rules.check_remindable`).
    """
    async with unit_of_work(sessions) as session:
        tz_name = await session.scalar(select(School.timezone).where(School.id == school_id))
        lesson = (
            await session.scalars(lesson_query(school_id).where(Lesson.id == lesson_id))
        ).first()
        if tz_name is None or lesson is None:
            raise NotFound(N_("No such lesson in this school."))
        check_remindable(lesson)
        lesson_name = lesson.name
        tz = ZoneInfo(tz_name)
        pending = await _pending(session, lesson, bookable_weeks(lesson, tz, now))
        parents = await _reachable_parents(session, school_id)
        lesson_ref = lesson.id
        notices = {
            family_id: _notice(school_id, lesson, family, tz_name, items)
            for family_id, (family, items) in pending.items()
        }
    reminders: list[Reminder] = []
    family_of: dict[str, int] = {}
    unreachable = 0
    for family_id, notice in notices.items():
        chats = parents.get(family_id, ())
        unreachable += not chats
        for parent_id, chat_id, language in chats:
            key = f"od:{lesson_ref}:{request}:{family_id}:{parent_id}"
            reminders.append(
                Reminder(key, ON_DEMAND, school_id, parent_id, chat_id, notice, language)
            )
            family_of[key] = family_id
    return OnDemandPlan(lesson_name, reminders, len(notices), unreachable, family_of)


@dataclass(frozen=True, slots=True)
class OnDemandTally:
    """An admin's reminder, by family: ``reached + not_reachable + not_yet == families``."""

    messages: int  # messages delivered
    families: int
    reached: int  # families with at least one message delivered
    not_reachable: int  # no parent in chat, or every parent's chat blocked the bot
    not_yet: int  # the send failed (or got no answer): not known to have arrived


def tally(plan: OnDemandPlan, outcomes: dict[str, str]) -> OnDemandTally:
    """Count an on-demand reminder by family from each message's outcome (key -> status)."""
    by_family: dict[int, set[str]] = defaultdict(set)
    for key, family_id in plan.family_of.items():
        by_family[family_id].add(outcomes.get(key, "SKIPPED"))
    reached = sum(1 for statuses in by_family.values() if "SENT" in statuses)
    blocked = sum(1 for statuses in by_family.values() if statuses == {"BLOCKED"})
    not_reachable = plan.unreachable + blocked
    messages = sum(1 for status in outcomes.values() if status == "SENT")
    return OnDemandTally(
        messages, plan.families, reached, not_reachable, plan.families - reached - not_reachable
    )


def session_key(booking_id: int, start_at: datetime, lead: timedelta, parent_id: int) -> str:
    """``ss:<booking>:<start epoch>:<lead minutes>m:<parent>``: one per lead time, and a
    moved session (another start) is reminded again at each lead time of its new time."""
    minutes = int(lead.total_seconds()) // 60
    return f"ss:{booking_id}:{int(start_at.timestamp())}:{minutes}m:{parent_id}"


def legacy_session_key(booking_id: int, start_at: datetime, parent_id: int) -> str:
    """The key of the one 24-hour reminder before lead times (kept: not sent twice)."""
    return f"ss:{booking_id}:{int(start_at.timestamp())}:{parent_id}"


async def _legacy_sent(session: AsyncSession, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    rows = await session.scalars(
        select(SentReminder.dedupe_key).where(SentReminder.dedupe_key.in_(keys))
    )
    return set(rows)


async def due_sessions(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Reminder]:
    """Every session reminder due now: for each confirmed session ahead, the reminder of its
    lead time due now (:func:`core.reminders.rules.lead_due`), outside the quiet hours."""
    due: list[Reminder] = []
    async with unit_of_work(sessions) as session:
        for school_id, tz_name, _, rules, _ in await schools_awake(session, now):
            leads = rules.lead_times()
            if not leads:
                continue
            horizon = now + max(leads)
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
            found: list[tuple[Reminder, str | None]] = []
            for booking in bookings:
                lead = lead_due(now, booking.start_at, leads)
                if lead is None:
                    continue
                notice = SessionNotice(to_view(booking, tz_name), lead)
                for parent_id, chat_id, language in parents.get(booking.student.family_id, ()):
                    key = session_key(booking.id, booking.start_at, lead, parent_id)
                    legacy = (
                        legacy_session_key(booking.id, booking.start_at, parent_id)
                        if lead == LEGACY_LEAD
                        else None
                    )
                    reminder = Reminder(
                        key, SESSION, school_id, parent_id, chat_id, notice, language
                    )
                    found.append((reminder, legacy))
            sent_before = await _legacy_sent(session, [k for _, k in found if k is not None])
            due += [r for r, legacy in found if legacy is None or legacy not in sent_before]
    return due

"""Admins' digests: a lesson's bookings have been open for N days; who has not booked.

With ``reminders.admin_digest_after_days: N`` in the school file, once a hybrid lesson's
bookings have been open N days, each admin linked in chat hears which families still have
to book it (children and weeks, and who cannot be reached in chat). Exactly once per lesson
and booking period: the key ``ad:<lesson>:<opened minute>:<admin>`` names the opening, so
closing and reopening bookings makes a new period with a digest of its own. Nobody left to
book, no digest (it goes later if someone cancels while bookings are still open). Inside
quiet hours nothing is due.

One message per admin and sweep: every lesson whose digest is due goes in it (the
:class:`~core.reminders.notices.AdminDigestNotice`, lessons in id order), the reminder's
``key`` and ``covers`` being those lessons' keys, claimed in one statement and marked
together (:mod:`core.reminders.sending`). A message over Telegram's limit is cut into parts
between lessons by the renderer (:func:`digest_part`), each part with its lessons' keys.

The planning takes a constant number of statements, whatever the number of lessons and
schools: the schools, their admins, the open hybrid lessons' openings, the log's settled
keys of the lessons due; only when some digest is still to send, the lessons, their
enrolled children, their bookings, the families reachable in chat and the admins'
languages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.queries import lessons_by_id
from core.db.engine import unit_of_work
from core.db.models import (
    Admin,
    Booking,
    BookingStatus,
    Enrolment,
    Family,
    HybridPattern,
    Lesson,
    LessonType,
    Parent,
    Student,
    UserLanguage,
)
from core.db.records import SentReminder
from core.i18n import pick_language
from core.reminders.due import schools_awake
from core.reminders.log import takeable
from core.reminders.notices import AdminDigestNotice, BookNow, DigestNotice, Reminder, StillToBook
from core.reminders.rules import (
    DIGEST,
    bookable_weeks,
    digest_due,
    opened_token,
)
from core.schedule import week_monday


def digest_key(lesson_id: int, opened_at: datetime | None, admin_id: int) -> str:
    return f"ad:{lesson_id}:{opened_token(opened_at)}:{admin_id}"


@dataclass(frozen=True, slots=True)
class _School:
    id: int
    tz: ZoneInfo
    language: str | None
    after_days: int


@dataclass(frozen=True, slots=True)
class _Due:
    """A lesson whose digest is due, and the admins who have not had it yet."""

    lesson_id: int
    school: _School
    opened_at: datetime
    admins: tuple[tuple[int, int, str], ...]  # (admin id, chat id, key)


async def _schools(session: AsyncSession, now: datetime) -> dict[int, _School]:
    """The schools that ask for digests and are outside their quiet hours now."""
    return {
        school.id: _School(school.id, school.tz, school.language, after)
        for school in await schools_awake(session, now)
        if (after := school.rules.admin_digest_after_days) is not None
    }


async def _admins(
    session: AsyncSession, school_ids: Collection[int]
) -> dict[int, list[tuple[int, int]]]:
    """school id -> [(admin id, chat id)] of its admins linked in chat."""
    rows = await session.execute(
        select(Admin.school_id, Admin.id, Admin.telegram_id)
        .where(Admin.school_id.in_(list(school_ids)), Admin.telegram_id.is_not(None))
        .order_by(Admin.id)
    )
    admins: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for school_id, admin_id, chat in rows:
        if chat is not None:  # always: the query skips NULLs
            admins[school_id].append((admin_id, chat))
    return admins


async def _due(
    session: AsyncSession,
    now: datetime,
    schools: dict[int, _School],
    admins: dict[int, list[tuple[int, int]]],
) -> list[_Due]:
    """The open hybrid lessons whose digest is due, each with the admins still to tell."""
    rows = await session.execute(
        select(HybridPattern.lesson_id, HybridPattern.school_id, HybridPattern.opened_at)
        .join(Lesson, Lesson.id == HybridPattern.lesson_id)
        .where(
            HybridPattern.school_id.in_(list(admins)),
            HybridPattern.bookings_open.is_(True),
            Lesson.type == LessonType.HYBRID,
        )
        .order_by(HybridPattern.lesson_id)
    )
    candidates: list[_Due] = []
    for lesson_id, school_id, opened_at in rows:
        school = schools[school_id]
        if opened_at is None or not digest_due(now, opened_at, school.after_days):
            continue
        told = tuple(
            (admin_id, chat, digest_key(lesson_id, opened_at, admin_id))
            for admin_id, chat in admins[school_id]
        )
        candidates.append(_Due(lesson_id, school, opened_at, told))
    keys = [key for due in candidates for _, _, key in due.admins]
    if not keys:
        return []
    done = set(
        await session.scalars(
            select(SentReminder.dedupe_key).where(SentReminder.dedupe_key.in_(keys), ~takeable())
        )
    )
    still = (replace(d, admins=tuple(a for a in d.admins if a[2] not in done)) for d in candidates)
    return [due for due in still if due.admins]


Pending = dict[int, tuple[str, list[BookNow]]]  # family id -> (name, children and weeks)


async def _pending_of(
    session: AsyncSession, weeks_of: dict[int, tuple[Lesson, list[int]]]
) -> dict[int, Pending]:
    """lesson id -> the families with a child not yet booked in a bookable week (two
    statements for all the lessons; families in id order, children by name)."""
    ids = [lesson_id for lesson_id, (_, weeks) in weeks_of.items() if weeks]
    if not ids:
        return {}
    students = await session.execute(
        select(Enrolment.lesson_id, Student.id, Student.name, Family.id, Family.name)
        .join(Student, Student.id == Enrolment.student_id)
        .join(Family, Family.id == Student.family_id)
        .where(Enrolment.lesson_id.in_(ids))
        .order_by(Enrolment.lesson_id, Family.id, Student.name, Student.id)
    )
    rows = await session.execute(
        select(Booking.lesson_id, Booking.student_id, Booking.week).where(
            Booking.lesson_id.in_(ids), Booking.status != BookingStatus.CANCELLED
        )
    )
    booked = {(lesson_id, student_id, week) for lesson_id, student_id, week in rows}
    pending: dict[int, Pending] = defaultdict(dict)
    for lesson_id, student_id, student_name, family_id, family_name in students:
        lesson, weeks = weeks_of[lesson_id]
        for week in weeks:
            if (lesson_id, student_id, week) in booked:
                continue
            monday = week_monday(lesson.term.start_date, week)
            entry = pending[lesson_id].setdefault(family_id, (family_name, []))
            entry[1].append(BookNow(student_id, student_name, week, monday))
    return pending


async def _reachable_families(session: AsyncSession, school_ids: Collection[int]) -> set[int]:
    """Families with a parent linked in chat who has not blocked the bot."""
    rows = await session.scalars(
        select(Parent.family_id)
        .where(
            Parent.school_id.in_(list(school_ids)),
            Parent.telegram_id.is_not(None),
            Parent.blocked_at.is_(None),
        )
        .distinct()
    )
    return set(rows)


async def _languages(
    session: AsyncSession, chats: Collection[int]
) -> dict[int, tuple[str | None, str | None]]:
    """chat id -> (its /language choice, its client's language), for those the bot knows."""
    rows = await session.execute(
        select(UserLanguage.telegram_id, UserLanguage.chosen, UserLanguage.client).where(
            UserLanguage.telegram_id.in_(sorted(chats))
        )
    )
    return {chat: (chosen, client) for chat, chosen, client in rows}


async def due_digests(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Reminder]:
    """Every admin's digest message due now, in every school that asks for them: one per
    admin and school, covering each lesson due (a constant number of statements)."""
    async with unit_of_work(sessions) as session:
        schools = await _schools(session, now)
        if not schools:
            return []
        admins = await _admins(session, schools)
        if not admins:
            return []
        due = await _due(session, now, schools, admins)
        if not due:
            return []
        lessons = {
            lesson.id: lesson
            for lesson in (
                await session.scalars(lessons_by_id([d.lesson_id for d in due]))
            ).unique()
        }
        weeks_of = {
            d.lesson_id: (
                lessons[d.lesson_id],
                bookable_weeks(lessons[d.lesson_id], d.school.tz, now),
            )
            for d in due
        }
        pending = await _pending_of(session, weeks_of)
        if not pending:
            return []
        reachable = await _reachable_families(session, {d.school.id for d in due})
        known = await _languages(session, {chat for d in due for _, chat, _ in d.admins})
        titles = {lesson_id: (lesson.key, lesson.name) for lesson_id, lesson in lessons.items()}
    # (school, admin) -> its lessons' digests and keys, in lesson order
    messages: dict[tuple[int, int, int], list[tuple[str, DigestNotice]]] = defaultdict(list)
    for d in due:
        families = pending.get(d.lesson_id)
        if not families:
            continue  # nobody left to book: no digest (yet)
        lesson_key, lesson_name = titles[d.lesson_id]
        notice = DigestNotice(
            lesson_key,
            lesson_name,
            (now - d.opened_at).days,
            tuple(
                StillToBook(name, tuple(items), family_id not in reachable)
                for family_id, (name, items) in families.items()
            ),
        )
        for admin_id, chat, key in d.admins:
            messages[(d.school.id, admin_id, chat)].append((key, notice))
    reminders: list[Reminder] = []
    for (school_id, _, chat), parts in messages.items():
        chosen, client = known.get(chat, (None, None))
        language = pick_language(chosen, client, schools[school_id].language)
        keys = tuple(key for key, _ in parts)
        notice_all = AdminDigestNotice(tuple(notice for _, notice in parts))
        reminders.append(
            Reminder(keys[0], DIGEST, school_id, None, chat, notice_all, language, keys[1:])
        )
    return reminders


def digest_part(reminder: Reminder, start: int, stop: int) -> Reminder:
    """The part of an admin's digest message with its lessons ``start:stop`` (and their
    keys): a message cut where Telegram's limit falls between two lessons."""
    notice = reminder.notice
    if not isinstance(notice, AdminDigestNotice):
        raise TypeError("only an admin's digest has parts")
    keys: Sequence[str] = reminder.keys[start:stop]
    if not keys:
        raise ValueError("a part covers at least one lesson")
    lessons = AdminDigestNotice(notice.lessons[start:stop])
    return replace(reminder, key=keys[0], covers=tuple(keys[1:]), notice=lessons)

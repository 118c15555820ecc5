"""A calendar feed's rows, each read by one statement straight on the driver.

``STAMP_SQL`` reads what a feed's ETag is made of: the token's owner, the school's catalog
version and terms, the count, last change and sequence total of the owner's bookings
(cancelled ones included), and the owner's language (:func:`feed_language`: the choices and
client languages of the family's parents or of the teacher, and the school's). ``CONTENT_SQL`` reads the same and, in the same statement (so in
one snapshot), the family's lessons, the window's bookings and the school's events: the
body and its ETag always agree, without an explicit transaction.

The lessons' structure comes from the per-process catalog (core/booking/catalog.py) at the
catalog version read, so it costs no query once cached. The entries are made by the same
functions as CalendarService's (core/calendar/service.py): a feed and the /calendar picture
agree entry for entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.booking.catalog import CatalogCache, SchoolCatalog
from core.booking.lessons import occurrences
from core.calendar.events import CalendarEvent
from core.calendar.service import booking_event, lesson_event, school_event
from core.db.driver import Driver, Row, StatementFailed
from core.db.engine import unit_of_work
from core.db.models import BookingStatus
from core.errors import DatabaseUnavailable
from core.i18n import pick_language

# the Telegram accounts whose language the feed speaks: the family's linked parents (by
# id), or the teacher's own account
_OWNER_ACCOUNTS = """SELECT p.id, p.telegram_id FROM parents p
                WHERE p.family_id = ft.family_id AND p.school_id = ft.school_id
                  AND p.telegram_id IS NOT NULL
               UNION ALL SELECT 0, t.telegram_id WHERE t.telegram_id IS NOT NULL"""

_STAMP_COLUMNS = (
    """
SELECT ft.id, ft.school_id, ft.family_id, ft.teacher_id,
       s.name AS school_name, s.timezone, s.catalog_version,
       COALESCE(f.name, t.name) AS owner_name,
       ARRAY(SELECT tm.start_date FROM terms tm WHERE tm.school_id = ft.school_id
              ORDER BY tm.start_date, tm.id) AS term_starts,
       ARRAY(SELECT tm.weeks FROM terms tm WHERE tm.school_id = ft.school_id
              ORDER BY tm.start_date, tm.id) AS term_weeks,
       b.n, b.last_change, b.sequences, s.language AS school_language,
       ARRAY(SELECT ul.chosen FROM user_languages ul JOIN ("""
    + _OWNER_ACCOUNTS
    + """) a ON a.telegram_id = ul.telegram_id
              WHERE ul.chosen IS NOT NULL ORDER BY a.id) AS chosen_languages,
       ARRAY(SELECT ul.client FROM user_languages ul JOIN ("""
    + _OWNER_ACCOUNTS
    + """) a ON a.telegram_id = ul.telegram_id
              WHERE ul.client IS NOT NULL ORDER BY a.id) AS client_languages"""
)

_FROM_TOKEN = """
  FROM feed_tokens ft
  JOIN schools s ON s.id = ft.school_id
  LEFT JOIN families f ON f.id = ft.family_id AND f.school_id = ft.school_id
  LEFT JOIN teachers t ON t.id = ft.teacher_id AND t.school_id = ft.school_id
 CROSS JOIN LATERAL (
       SELECT count(*) AS n, max(bk.updated_at) AS last_change,
              COALESCE(sum(bk.sequence), 0) AS sequences
         FROM (SELECT updated_at, sequence FROM bookings
                WHERE teacher_id = ft.teacher_id AND school_id = ft.school_id
               UNION ALL
               SELECT b.updated_at, b.sequence FROM bookings b
                 JOIN students st ON st.id = b.student_id
                WHERE st.family_id = ft.family_id AND st.school_id = ft.school_id
                  AND b.school_id = ft.school_id) bk
       ) b
 WHERE ft.token = $1 AND ft.revoked_at IS NULL
"""

STAMP_SQL = _STAMP_COLUMNS + _FROM_TOKEN

# a booking as a record: id, lesson, week, start, end, status, sequence, booked_by,
# updated_by, cancelled_by, cancel_reason, student id, key, name, family id, family name
_BOOKING = """
SELECT ROW(bk.id, bk.lesson_id, bk.week, bk.start_at, bk.end_at, bk.status, bk.sequence,
           bk.booked_by, bk.updated_by, bk.cancelled_by, bk.cancel_reason,
           st.id, st.key, st.name, st.family_id, fa.name)
  FROM bookings bk
  JOIN students st ON st.id = bk.student_id
  JOIN families fa ON fa.id = st.family_id
 WHERE bk.school_id = ft.school_id AND bk.start_at < $3 AND bk.end_at > $2"""

CONTENT_SQL = (
    _STAMP_COLUMNS
    + """,
       ARRAY(SELECT DISTINCT e.lesson_id FROM enrolments e
               JOIN students st ON st.id = e.student_id
              WHERE st.family_id = ft.family_id AND st.school_id = ft.school_id)
           AS family_lessons,
       ARRAY("""
    + _BOOKING
    + """ AND bk.teacher_id = ft.teacher_id)
       || ARRAY("""
    + _BOOKING
    + """ AND st.family_id = ft.family_id) AS bookings,
       ARRAY(SELECT ROW(ev.id, ev.type, ev.title, ev.start_at, ev.end_at, loc.name)
               FROM events ev LEFT JOIN locations loc ON loc.id = ev.location_id
              WHERE ev.school_id = ft.school_id AND ev.start_at < $3 AND ev.end_at > $2)
           AS school_events"""
    + _FROM_TOKEN
)


def feed_language(row: Row) -> str:
    """The feed owner's language: a parent's (or the teacher's) /language choice, else their
    Telegram client's, else the school's, else English (as core.languages answers them)."""
    return pick_language(*row["chosen_languages"], *row["client_languages"], row["school_language"])


class FeedUnavailable(Exception):
    """The database did not answer (the driver's own error is its cause)."""


async def _live_row(engine: AsyncEngine, sql: str, *args: Any) -> Row | None:
    try:
        row = await Driver(engine).fetchrow(sql, *args)
    except (DatabaseUnavailable, StatementFailed) as exc:
        raise FeedUnavailable(type(exc).__name__) from exc
    return None if row is None or row["owner_name"] is None else row


async def read_stamp(engine: AsyncEngine, token: str) -> Row | None:
    """The ETag's facts of a live token, or None."""
    return await _live_row(engine, STAMP_SQL, token)


async def read_content(engine: AsyncEngine, token: str, lo: datetime, hi: datetime) -> Row | None:
    """The ETag's facts and the feed's rows in [lo, hi), in one snapshot; None if not live."""
    return await _live_row(engine, CONTENT_SQL, token, lo, hi)


async def catalog_of(
    sessions: async_sessionmaker[AsyncSession],
    catalogs: CatalogCache,
    school_id: int,
    version: int,
) -> SchoolCatalog:
    """The school's lesson structure at ``version`` (loaded only when not cached)."""
    cached = catalogs.peek(school_id)
    if cached is not None and cached.version == version:
        return cached
    async with unit_of_work(sessions) as session:
        return await catalogs.at_version(session, school_id, version)


def feed_entries(
    content: Row, catalog: SchoolCatalog, lo: datetime, hi: datetime
) -> list[CalendarEvent]:
    """Every entry of the feed, by start: lessons week by week, bookings, school events."""
    tz = ZoneInfo(content["timezone"])
    version = content["catalog_version"]
    staff = content["family_id"] is None  # a teacher's feed: they don't book their own slots
    if not staff:
        ids = content["family_lessons"]
        plans = [plan for i in ids if (plan := catalog.lesson(i)) is not None]
    else:
        plans = list(catalog.teacher_lessons(content["teacher_id"]))
    entries = [
        lesson_event(
            occ,
            plan.name,
            plan.term.name,
            plan.teacher_name,
            plan.location_name,
            plan.room_name,
            sequence=version,
            staff=staff,
        )
        for plan in plans
        for occ in occurrences(plan, tz, lo, hi)
    ]
    for (
        booking_id, lesson_id, week, start_at, end_at, status, sequence, booked_by,
        updated_by, cancelled_by, cancel_reason,
        student_id, student_key, student_name, family_id, family_name,
    ) in content["bookings"]:  # fmt: skip
        plan = catalog.lesson(lesson_id)
        if plan is None:  # a lesson newer than this catalog: the next poll shows it
            continue
        view = plan.booking_view(
            booking_id=booking_id,
            student=(student_id, student_key, student_name),
            family=(family_id, family_name),
            week=week,
            start_at=start_at,
            end_at=end_at,
            status=BookingStatus(status),
            booked_by=booked_by,
            timezone=content["timezone"],
            updated_by=updated_by,
            cancelled_by=cancelled_by,
            cancel_reason=cancel_reason,
            sequence=sequence,
        )
        entries.append(booking_event(view))
    entries.extend(
        school_event(event_id, kind, title, start, end, location, sequence=version)
        for event_id, kind, title, start, end, location in content["school_events"]
    )
    return sorted(entries, key=lambda e: (e.start, e.kind, e.title))

"""The entries of a calendar feed, read in three light statements inside the feed's snapshot.

The lessons come from the per-process catalog (core/booking/catalog.py) at the catalog
version the snapshot read, so the structure costs no query once cached; the family's
lessons, the bookings of the window (cancelled ones too) and the school's events are read
by one statement each. The entries are made by the same functions as CalendarService's
(core/calendar/service.py), so a feed and the /calendar picture agree entry for entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.catalog import CatalogCache
from core.booking.lessons import occurrences
from core.calendar.events import CalendarEvent
from core.calendar.service import booking_event, lesson_event, school_event
from core.db.models import BookingStatus

FAMILY_LESSONS = text(
    """
SELECT DISTINCT e.lesson_id FROM enrolments e JOIN students st ON st.id = e.student_id
 WHERE st.family_id = :family AND st.school_id = :school
"""
)

_BOOKING_COLUMNS = """
SELECT b.id, b.lesson_id, b.week, b.start_at, b.end_at, b.status, b.sequence, b.booked_by,
       b.updated_by, b.cancelled_by, b.cancel_reason,
       st.id AS student_id, st.key AS student_key, st.name AS student_name,
       st.family_id, f.name AS family_name
  FROM bookings b
  JOIN students st ON st.id = b.student_id
  JOIN families f ON f.id = st.family_id
"""
FAMILY_BOOKINGS = text(
    _BOOKING_COLUMNS
    + """
 WHERE st.family_id = :owner AND st.school_id = :school AND b.school_id = :school
   AND b.start_at < :hi AND b.end_at > :lo
"""
)
TEACHER_BOOKINGS = text(
    _BOOKING_COLUMNS
    + """
 WHERE b.teacher_id = :owner AND b.school_id = :school AND b.start_at < :hi AND b.end_at > :lo
"""
)
SCHOOL_EVENTS = text(
    """
SELECT e.id, e.type, e.title, e.start_at, e.end_at, l.name AS location
  FROM events e LEFT JOIN locations l ON l.id = e.location_id
 WHERE e.school_id = :school AND e.start_at < :hi AND e.end_at > :lo
"""
)


async def feed_events(
    session: AsyncSession,
    catalogs: CatalogCache,
    owner: Mapping[str, Any],
    window: tuple[date, date],
) -> list[CalendarEvent]:
    """Every entry of the owner's feed in the window (local dates, inclusive), by start.

    ``owner`` is the feed's row: school_id, family_id or teacher_id, timezone and the
    catalog_version read in this same transaction."""
    school_id, version = owner["school_id"], owner["catalog_version"]
    tz = ZoneInfo(owner["timezone"])
    lo = datetime.combine(window[0], time()).replace(tzinfo=tz)
    hi = datetime.combine(window[1] + timedelta(days=1), time()).replace(tzinfo=tz)
    catalog = await catalogs.at_version(session, school_id, version)
    family_id, teacher_id = owner["family_id"], owner["teacher_id"]
    if family_id is not None:
        ids = await session.scalars(FAMILY_LESSONS, {"family": family_id, "school": school_id})
        plans = [plan for i in ids if (plan := catalog.lesson(i)) is not None]
    else:
        plans = list(catalog.teacher_lessons(teacher_id))
    entries = [
        lesson_event(
            occ,
            plan.name,
            plan.term.name,
            plan.teacher_name,
            plan.location_name,
            plan.room_name,
            sequence=version,
        )
        for plan in plans
        for occ in occurrences(plan, tz, lo, hi)  # type: ignore[arg-type]
    ]
    bookings = FAMILY_BOOKINGS if family_id is not None else TEACHER_BOOKINGS
    window_args = {"school": school_id, "lo": lo, "hi": hi}
    for row in (
        await session.execute(bookings, {"owner": family_id or teacher_id, **window_args})
    ).mappings():
        plan = catalog.lesson(row["lesson_id"])
        if plan is None:  # a lesson newer than this catalog: the next poll shows it
            continue
        view = plan.booking_view(
            booking_id=row["id"],
            student=(row["student_id"], row["student_key"], row["student_name"]),
            family=(row["family_id"], row["family_name"]),
            week=row["week"],
            start_at=row["start_at"],
            end_at=row["end_at"],
            status=BookingStatus(row["status"]),
            booked_by=row["booked_by"],
            timezone=owner["timezone"],
            updated_by=row["updated_by"],
            cancelled_by=row["cancelled_by"],
            cancel_reason=row["cancel_reason"],
            sequence=row["sequence"],
        )
        entries.append(booking_event(view))
    for row in (await session.execute(SCHOOL_EVENTS, window_args)).mappings():
        entries.append(
            school_event(
                row["id"],
                row["type"],
                row["title"],
                row["start_at"],
                row["end_at"],
                row["location"],
                sequence=version,
            )
        )
    return sorted(entries, key=lambda e: (e.start, e.kind, e.title))

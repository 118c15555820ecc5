"""The calendar's entries from the bookings: kinds per lesson type, the family, teacher,
location and term filters, a moved booking's UID and sequence.

On a real PostgreSQL, read as the rules of DESIGN.md (the school: tests.support.bookings)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.calendar.events import EventKind
from core.calendar.service import CalendarFilter
from core.db.models import Term
from tests.support.bookings import ADMIN, MON4_1800, week4


async def test_calendar_kinds_per_lesson_type_and_booked_sessions(booked):
    services, alpha, _, ids = booked
    events = await services.calendar.events(alpha.school, *week4())
    kinds = [(e.kind, e.title) for e in events if e.kind is not EventKind.BOOKED_SESSION]
    assert kinds == [
        (EventKind.HYBRID_PLACEHOLDER, "Piano Foundations (individual week: book a slot)"),
        (EventKind.HYBRID_PLACEHOLDER, "Music Theory (individual week: book a slot)"),
        (EventKind.GROUP, "Junior Choir"),
    ]
    sessions = [e for e in events if e.kind is EventKind.BOOKED_SESSION]
    assert sorted(e.uid for e in sessions) == sorted(
        f"booking-{ids[k]}" for k in ("emma4", "liam4", "mia4")
    )  # the cancelled theory booking is not shown
    assert all(e.teacher == "Sam Jones" and e.location == "Main Studio" for e in sessions)
    group_week = await services.calendar.events(alpha.school, date(2027, 2, 15), date(2027, 2, 21))
    assert sorted(e.kind.value for e in group_week) == ["GROUP", "HYBRID_GROUP", "HYBRID_GROUP"]


async def test_calendar_family_filter_shows_only_that_familys_lessons_and_bookings(booked):
    services, alpha, _, ids = booked
    events = await services.calendar.events(
        alpha.school, *week4(), CalendarFilter(family_id=alpha.brown_family)
    )
    assert EventKind.GROUP not in {e.kind for e in events}  # Mia is not in the choir
    sessions = [e.uid for e in events if e.kind is EventKind.BOOKED_SESSION]
    assert sessions == [f"booking-{ids['mia4']}"]


async def test_calendar_teacher_location_and_term_filters(booked, sessions):
    services, alpha, beta, _ = booked
    cal = services.calendar
    everything = await cal.events(alpha.school, *week4())
    mine = await cal.events(alpha.school, *week4(), CalendarFilter(teacher_id=alpha.teacher))
    assert mine == everything
    assert (
        await cal.events(alpha.school, *week4(), CalendarFilter(teacher_id=alpha.other_teacher))
        == []
    )
    async with sessions() as session:
        term = await session.scalar(select(Term.id).where(Term.school_id == alpha.school))
        beta_term = await session.scalar(select(Term.id).where(Term.school_id == beta.school))
    assert await cal.events(alpha.school, *week4(), CalendarFilter(term_id=term)) == everything
    assert await cal.events(alpha.school, *week4(), CalendarFilter(term_id=beta_term)) == []
    locations = await services.directory.locations(alpha.school)
    by_location = await cal.events(
        alpha.school, *week4(), CalendarFilter(location_id=locations[0][0])
    )
    assert by_location == everything
    beta_locations = await services.directory.locations(beta.school)
    assert (
        await cal.events(alpha.school, *week4(), CalendarFilter(location_id=beta_locations[0][0]))
        == []
    )


async def test_calendar_of_a_rescheduled_booking_keeps_its_uid_and_counts_the_change(booked):
    services, alpha, _, ids = booked
    await services.booking.reschedule_booking(alpha.school, ADMIN, ids["emma4"], 4, MON4_1800)
    [event] = await services.calendar.booking_events(alpha.school, [ids["emma4"]])
    assert event.uid == f"booking-{ids['emma4']}" and event.start == MON4_1800
    assert event.sequence == 1 and not event.cancelled
    [cancelled] = await services.calendar.booking_events(alpha.school, [ids["theory"]])
    assert cancelled.cancelled

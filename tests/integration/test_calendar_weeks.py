"""A week of the calendar on real PostgreSQL: only the terms that reach into the range are
read, from their first day to their last; a hybrid week's "to book" counts only that week's
bookings; the school's events keep their location.

School alpha (Sydney): term t1 runs ten weeks from Monday 1 February 2027; piano (Mondays
16:00) has individual weeks 4 and 8; the choir sings on Wednesdays.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.calendar.events import EventKind
from core.calendar.service import CalendarFilter
from core.clock import FixedClock
from core.db.models import Event, Location
from core.services import Services
from core.views import Actor
from tests.support.factories import SchoolIds, build_two_schools

SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.fixture
def services(sessions, clock: FixedClock) -> Services:  # type: ignore[no-untyped-def]
    return Services.build(sessions, clock)


@pytest.fixture
async def alpha(sessions) -> SchoolIds:  # type: ignore[no-untyped-def]
    alpha, _ = await build_two_schools(sessions)
    return alpha


def week_of(monday: date) -> tuple[date, date]:
    return monday, monday + timedelta(days=6)


async def test_the_terms_first_and_last_weeks_hold_its_lessons_and_the_weeks_around_none(
    services: Services, alpha: SchoolIds
) -> None:
    calendar = services.calendar
    first = await calendar.events(alpha.school, *week_of(date(2027, 2, 1)))
    last = await calendar.events(alpha.school, *week_of(date(2027, 4, 5)))
    before = await calendar.events(alpha.school, *week_of(date(2027, 1, 25)))
    after = await calendar.events(alpha.school, *week_of(date(2027, 4, 12)))
    assert {e.uid for e in first} == {
        f"lesson-{alpha.piano}-w1",
        f"lesson-{alpha.theory}-w1",
        f"lesson-{alpha.group}-w1",
    }
    assert {e.week for e in last} == {10}
    assert len(last) == 3
    assert before == [] and after == []
    # a single day: the term's Monday alone
    monday = await calendar.events(alpha.school, date(2027, 2, 1), date(2027, 2, 1))
    assert [e.uid for e in monday] == [f"lesson-{alpha.piano}-w1"]


async def test_a_hybrid_weeks_to_book_counts_only_that_weeks_bookings(
    services: Services, alpha: SchoolIds
) -> None:
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(16), 0)
    await services.booking.create_booking(
        alpha.school, Actor.admin("t"), alpha.piano, alpha.emma, 4, start
    )
    calendar = services.calendar

    async def piano_placeholder(monday: date) -> tuple[int | None, int | None]:
        found = await calendar.events(alpha.school, *week_of(monday))
        (event,) = [
            e
            for e in found
            if e.kind is EventKind.HYBRID_PLACEHOLDER and e.uid.startswith(f"lesson-{alpha.piano}-")
        ]
        return event.to_book, event.enrolled

    to_book, enrolled = await piano_placeholder(date(2027, 2, 22))
    assert enrolled is not None and enrolled >= 2
    assert to_book == enrolled - 1  # Emma booked week 4
    assert await piano_placeholder(date(2027, 3, 22)) == (enrolled, enrolled)  # nobody yet
    both = await calendar.events(alpha.school, date(2027, 2, 22), date(2027, 3, 28))
    counts = {
        e.week: e.to_book
        for e in both
        if e.kind is EventKind.HYBRID_PLACEHOLDER and e.uid.startswith(f"lesson-{alpha.piano}-")
    }
    assert counts == {4: enrolled - 1, 8: enrolled}


async def test_the_schools_events_keep_their_location_and_stay_in_their_range(
    services: Services, alpha: SchoolIds, sessions
) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        location = (
            await session.execute(
                Location.__table__.select().where(Location.school_id == alpha.school)
            )
        ).first()
        assert location is not None
        for n, day in enumerate((date(2027, 2, 24), date(2027, 3, 3))):
            start = datetime.combine(day, time(18), SYDNEY)
            session.add(
                Event(
                    school_id=alpha.school,
                    key=f"mg-{n}",
                    title=f"Meet the teachers {n}",
                    type="MEET_AND_GREET",
                    start_at=start,
                    end_at=start + timedelta(hours=1),
                    location_id=location.id if n == 0 else None,
                )
            )
    week = await services.calendar.events(alpha.school, *week_of(date(2027, 2, 22)))
    (meet,) = [e for e in week if e.kind is EventKind.MEET_AND_GREET]
    assert (meet.title, meet.location) == ("Meet the teachers 0", "Main Studio")
    filtered = await services.calendar.events(
        alpha.school, date(2027, 2, 22), date(2027, 3, 7), CalendarFilter(teacher_id=None)
    )
    assert [e.location for e in filtered if e.kind is EventKind.MEET_AND_GREET] == [
        "Main Studio",
        None,
    ]

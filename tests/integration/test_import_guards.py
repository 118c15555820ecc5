"""An import and the bookings still to come: a new teacher takes them along; a file pulling
the ground from under them is refused, and past or cancelled bookings never stand in the way."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import yaml

from core.clock import FixedClock
from core.db import models as m
from core.errors import SchoolFileError
from core.school_file.importer import import_school
from core.services import Services
from core.views import Actor
from tests.support.school_files import (
    DEMO,
    Sessions,
    counts,
    demo_booking,
    demo_data,
    ids_by_key,
    snapshot,
)


async def _teacher_of_booking(sessions: Sessions, booking_id: int) -> str:
    async with sessions() as session:
        booking = await session.get(m.Booking, booking_id)
        assert booking is not None
        teacher = await session.get(m.Teacher, booking.teacher_id)
        assert teacher is not None
        return teacher.key


async def test_a_lessons_new_teacher_takes_its_bookings_along(
    sessions: Sessions, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    booking = await demo_booking(sessions, clock, "piano-hybrid-wed", "ava-nguyen", time(17))
    assert await _teacher_of_booking(sessions, booking) == "jones"
    data = demo_data()
    assert data["lessons"][2]["key"] == "piano-hybrid-wed"
    data["lessons"][2]["teacher"] = "lee"  # Ms Lee takes over Piano Intermediate
    result = await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert counts(result)["lesson"][1] == 1
    assert await _teacher_of_booking(sessions, booking) == "lee"
    # and Ms Lee is now busy then: her guitar lesson cannot take that time
    services = Services.build(sessions, clock)
    [school_id, guitar] = await ids_by_key(sessions, m.School, "music-n-me") + await ids_by_key(
        sessions, m.Lesson, "guitar-hybrid-tue"
    )
    slots = await services.booking.available_slots(school_id, guitar, 4, Actor.admin("t"))
    assert sydney_time(3, 17) not in [s.start_at for s in slots]


async def test_a_new_teacher_who_would_be_double_booked_is_refused_and_nothing_written(
    sessions: Sessions, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    await demo_booking(sessions, clock, "piano-hybrid-wed", "ava-nguyen", time(17))
    await demo_booking(
        sessions, clock, "guitar-hybrid-tue", "leo-nguyen", time(17)
    )  # Ms Lee, 17:00
    before = await snapshot(sessions)
    data = demo_data()
    data["lessons"][2]["teacher"] = "lee"
    with pytest.raises(SchoolFileError) as caught:
        await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert caught.value.problems == [
        "lessons[2].teacher: lee already has a booking at Thu 25 Feb 2027 17:00, when "
        "Piano Intermediate has one; move or cancel one of them first"
    ]
    assert await snapshot(sessions) == before


async def test_two_lessons_swapping_into_a_clash_are_refused_by_the_database(
    sessions: Sessions, clock: FixedClock
) -> None:
    """Both lessons change teacher in one file, so no check of the rows as they were sees it:
    the exclusion constraint does, and the import says so in plain words."""
    await import_school(sessions, DEMO, clock=clock)
    await demo_booking(sessions, clock, "piano-hybrid-wed", "ava-nguyen", time(17))  # Mr Jones
    await demo_booking(sessions, clock, "guitar-hybrid-tue", "leo-nguyen", time(17))  # Ms Lee
    before = await snapshot(sessions)
    data = demo_data()
    data["lessons"][1]["teacher"] = "patel"  # guitar -> Patel, piano-wed -> Patel too
    data["lessons"][2]["teacher"] = "patel"
    with pytest.raises(SchoolFileError) as caught:
        await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert "two active bookings of one teacher would overlap" in caught.value.problems[0]
    assert await snapshot(sessions) == before


def sydney_time(day: int, hour: int) -> datetime:
    """Week 4 of the demo term (from Monday 22 February 2027) at a Sydney hour, in UTC."""
    from zoneinfo import ZoneInfo

    local = datetime(2027, 2, 22 + day, hour, tzinfo=ZoneInfo("Australia/Sydney"))
    return local.astimezone(UTC)


async def test_a_file_taking_the_ground_from_under_upcoming_bookings_is_refused(
    sessions: Sessions, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    await demo_booking(
        sessions, clock, "piano-hybrid-wed", "ava-nguyen", time(17)
    )  # week 4, Thursday
    before = await snapshot(sessions)
    data = demo_data()
    wed = data["lessons"][2]
    wed["hybrid"]["individual_weeks"] = [8]  # week 4 dropped
    wed["students"].remove("ava-nguyen")  # and Ava taken off the lesson
    with pytest.raises(SchoolFileError) as caught:
        await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert caught.value.problems == [
        "lessons[2].hybrid.individual_weeks: week 4 has 1 booking(s) still to come (the first "
        "Thu 25 Feb 2027 17:00); cancel or move them first",
        "lessons[2].students: ava-nguyen has a booking still to come (Thu 25 Feb 2027 17:00); "
        "cancel it before taking them off the lesson",
    ]
    data = demo_data()
    data["lessons"][2]["type"] = "GROUP"
    del data["lessons"][2]["hybrid"]
    with pytest.raises(SchoolFileError) as caught:
        await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert caught.value.problems[0].startswith(
        "lessons[2].type: Piano Intermediate has 1 booking(s) still to come"
    )
    assert await snapshot(sessions) == before


async def test_past_and_cancelled_bookings_never_stand_in_the_way(
    sessions: Sessions, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    past = await demo_booking(sessions, clock, "piano-hybrid-wed", "ava-nguyen", time(17))
    cancelled = await demo_booking(sessions, clock, "piano-hybrid-wed", "liam-oconnor", time(16))
    services = Services.build(sessions, clock)
    [school_id] = await ids_by_key(sessions, m.School, "music-n-me")
    await services.booking.cancel_booking(school_id, Actor.admin("t"), cancelled, "moved away")
    clock.set(datetime(2027, 2, 26, tzinfo=UTC))  # the Thursday 17:00 session is over
    data = demo_data()
    data["lessons"][2]["hybrid"]["individual_weeks"] = [8]
    data["lessons"][2]["students"].remove("liam-oconnor")
    result = await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert counts(result)["lesson"][1] == 1
    async with sessions() as session:
        kept = await session.get(m.Booking, past)
        assert kept is not None and kept.week == 4  # history stays as it was


async def test_a_new_teacher_whose_class_falls_on_a_moved_booking_is_refused(
    sessions: Sessions, clock: FixedClock
) -> None:
    """Ms Lee teaches Guitar Beginners on Tuesdays at 17:00 in its group weeks (week 3 is
    one); Piano Foundations has a booking on Tuesday 16 February 17:10 (its week 3)."""
    await import_school(sessions, DEMO, clock=clock)
    services = Services.build(sessions, clock)
    [school_id] = await ids_by_key(sessions, m.School, "music-n-me")
    [piano] = await ids_by_key(sessions, m.Lesson, "piano-hybrid-mon")
    [mia] = await ids_by_key(sessions, m.Student, "mia-nguyen")
    start = await services.booking.slot_at(school_id, piano, 3, time(17, 10), day=1)
    await services.booking.create_booking(school_id, Actor.admin("t"), piano, mia, 3, start)
    before = await snapshot(sessions)
    data = demo_data()
    assert data["lessons"][0]["key"] == "piano-hybrid-mon"
    data["lessons"][0]["teacher"] = "lee"
    with pytest.raises(SchoolFileError) as caught:
        await import_school(sessions, yaml.safe_dump(data), clock=clock)
    assert caught.value.problems == [
        "lessons[0].teacher: lee has a class at Tue 16 Feb 2027 17:10, when Piano Foundations "
        "has a booking; move or cancel the booking first"
    ]
    assert await snapshot(sessions) == before
    data["lessons"][0]["teacher"] = "patel"  # Mr Patel is free then: the booking follows him
    await import_school(sessions, yaml.safe_dump(data), clock=clock)

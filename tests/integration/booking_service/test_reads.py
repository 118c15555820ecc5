"""Reading bookings: a family's, a lesson's (with filters), a lesson's stats and the whole
school's.

On a real PostgreSQL, read as the rules of DESIGN.md (the school: tests.support.bookings)."""

from __future__ import annotations

import pytest

from core.db.models import BookingStatus
from core.errors import NotAllowed, NotFound
from tests.support.bookings import sydney


async def test_parent_bookings_show_only_the_familys_active_bookings_soonest_first(booked):
    services, alpha, _, ids = booked
    rows = await services.booking.parent_bookings(alpha.school, alpha.smith_parent)
    assert [r.id for r in rows] == [ids["emma4"], ids["liam4"], ids["emma8"]]
    brown_rows = await services.booking.parent_bookings(alpha.school, alpha.brown_parent)
    assert [r.id for r in brown_rows] == [ids["mia4"]]


async def test_parent_bookings_filters(booked, clock):
    services, alpha, _, ids = booked
    b = services.booking
    with_cancelled = await b.parent_bookings(
        alpha.school, alpha.smith_parent, include_cancelled=True
    )
    assert ids["theory"] in [r.id for r in with_cancelled] and len(with_cancelled) == 4
    only_liam = await b.parent_bookings(alpha.school, alpha.smith_parent, student_id=alpha.liam)
    assert [r.id for r in only_liam] == [ids["liam4"]]
    only_theory = await b.parent_bookings(
        alpha.school, alpha.smith_parent, lesson_id=alpha.theory, include_cancelled=True
    )
    assert [r.id for r in only_theory] == [ids["theory"]]
    assert await b.parent_bookings(alpha.school, alpha.smith_parent, lesson_id=alpha.theory) == []
    clock.set(sydney(3, 1, 9))  # after week 4
    upcoming = await b.parent_bookings(alpha.school, alpha.smith_parent)
    assert [r.id for r in upcoming] == [ids["emma8"]]
    everything = await b.parent_bookings(alpha.school, alpha.smith_parent, upcoming_only=False)
    assert len(everything) == 3
    # another family's child as a filter shows nothing of theirs
    assert await b.parent_bookings(alpha.school, alpha.smith_parent, student_id=alpha.mia) == []


async def test_lesson_bookings_filters(booked, clock):
    services, alpha, _, ids = booked
    b = services.booking
    piano = await b.lesson_bookings(alpha.school, alpha.piano)
    assert [r.id for r in piano] == [ids["emma4"], ids["liam4"], ids["mia4"], ids["emma8"]]
    week8 = await b.lesson_bookings(alpha.school, alpha.piano, week=8)
    assert [r.id for r in week8] == [ids["emma8"]]
    theory = await b.lesson_bookings(alpha.school, alpha.theory)
    assert theory == []
    theory_all = await b.lesson_bookings(alpha.school, alpha.theory, include_cancelled=True)
    assert [r.id for r in theory_all] == [ids["theory"]]
    cancelled = await b.lesson_bookings(alpha.school, alpha.theory, status=BookingStatus.CANCELLED)
    assert [r.cancel_reason for r in cancelled] == ["dropped"]
    clock.set(sydney(3, 1, 9))
    upcoming = await b.lesson_bookings(alpha.school, alpha.piano, upcoming_only=True)
    assert [r.id for r in upcoming] == [ids["emma8"]]
    with pytest.raises(NotFound):
        await b.lesson_bookings(alpha.school, 999_999)


async def test_lesson_stats_count_active_bookings_and_name_who_has_not_booked(booked):
    services, alpha, _, _ = booked
    piano = await services.booking.lesson_stats(alpha.school, alpha.piano)
    assert (piano.enrolled, piano.expected, piano.booked, piano.pending) == (3, 6, 4, 2)
    assert piano.completion_rate == pytest.approx(4 / 6)
    week4, week8 = piano.weeks
    assert (week4.booked, week8.booked) == (3, 1)
    assert [m.student_name for m in week8.missing] == ["Mia Brown", "Liam Smith"]
    assert week8.missing[0].unreachable is False  # Bob has a Telegram account
    theory = await services.booking.lesson_stats(alpha.school, alpha.theory)
    assert (theory.enrolled, theory.expected, theory.booked) == (2, 2, 0)  # cancelled ignored
    assert theory.missing_families == ["Brown family", "Smith family"]
    every = await services.booking.school_stats(alpha.school)
    assert [s.lesson_key for s in every] == ["theory", "piano"]  # by lesson name
    with pytest.raises(NotAllowed):
        await services.booking.lesson_stats(alpha.school, alpha.group)


async def test_school_bookings_list_the_whole_school(booked):
    services, alpha, _, ids = booked
    rows = await services.booking.school_bookings(alpha.school)
    assert len(rows) == 4 and ids["theory"] not in [r.id for r in rows]
    assert len(await services.booking.school_bookings(alpha.school, include_cancelled=True)) == 5
    assert (
        len(await services.booking.school_bookings(alpha.school, lesson_id=alpha.piano, week=4))
        == 3
    )

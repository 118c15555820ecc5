"""Lesson statistics as a pure computation: expected, booked, pending and who still has to book."""

from __future__ import annotations

import pytest

from core.booking.stats import BookingFact, EnrolledStudent, compute_stats
from core.db.models import BookingStatus

CONFIRMED = BookingStatus.CONFIRMED
CANCELLED = BookingStatus.CANCELLED
PENDING = BookingStatus.PENDING
COMPLETED = BookingStatus.COMPLETED
NO_SHOW = BookingStatus.NO_SHOW

EMMA = EnrolledStudent(1, "Emma Smith", 10, "Smith family")
LIAM = EnrolledStudent(2, "Liam Smith", 10, "Smith family")
MIA = EnrolledStudent(3, "Mia Brown", 20, "Brown family", unreachable=True)
ZOE = EnrolledStudent(4, "Zoe Adams", 30, "Adams family")


def stats(students, bookings, weeks=(4, 8), bookings_open=True):
    return compute_stats(
        lesson_id=7,
        lesson_key="piano",
        lesson_name="Piano Foundations",
        bookings_open=bookings_open,
        individual_weeks=list(weeks),
        students=students,
        bookings=[BookingFact(*b) for b in bookings],
    )


def test_expected_is_students_times_individual_weeks():
    result = stats([EMMA, LIAM, MIA], [], weeks=(8, 4, 4))
    assert result.individual_weeks == (4, 8)
    assert (result.enrolled, result.expected, result.booked, result.pending) == (3, 6, 0, 6)
    assert result.completion_rate == 0.0
    assert result.lesson_key == "piano" and result.bookings_open is True


def test_booked_pending_and_completion_rate_count_active_bookings():
    result = stats(
        [EMMA, LIAM, MIA, ZOE],
        [(1, 4, CONFIRMED), (2, 4, PENDING), (3, 8, COMPLETED), (4, 8, NO_SHOW)],
    )
    assert result.expected == 8
    assert result.booked == 4
    assert result.pending == 4
    assert result.completion_rate == pytest.approx(0.5)
    assert result.completed == 1
    assert result.pending_status == 1


def test_cancelled_bookings_are_ignored():
    result = stats([EMMA, LIAM], [(1, 4, CANCELLED), (2, 4, CONFIRMED), (2, 8, CANCELLED)])
    assert result.booked == 1
    assert result.pending == 3
    week4 = result.weeks[0]
    assert [m.student_name for m in week4.missing] == ["Emma Smith"]


def test_bookings_of_students_no_longer_enrolled_are_ignored():
    result = stats([EMMA], [(1, 4, CONFIRMED), (99, 4, CONFIRMED), (99, 8, CONFIRMED)])
    assert (result.enrolled, result.expected, result.booked, result.pending) == (1, 2, 1, 1)
    assert result.weeks[0].booked == 1


def test_bookings_in_weeks_that_are_not_individual_weeks_are_ignored():
    result = stats([EMMA], [(1, 5, CONFIRMED)])
    assert result.booked == 0


def test_missing_students_per_week_are_sorted_by_family_then_name():
    result = stats([LIAM, ZOE, MIA, EMMA], [(4, 4, CONFIRMED), (1, 8, CONFIRMED)])
    week4, week8 = result.weeks
    assert (week4.week, week4.booked, week4.expected) == (4, 1, 4)
    assert [(m.family_name, m.student_name) for m in week4.missing] == [
        ("Brown family", "Mia Brown"),
        ("Smith family", "Emma Smith"),
        ("Smith family", "Liam Smith"),
    ]
    assert [m.student_name for m in week8.missing] == ["Zoe Adams", "Mia Brown", "Liam Smith"]
    assert week4.missing[0].unreachable is True
    assert week4.missing[1].unreachable is False
    assert result.missing_families == ["Brown family", "Smith family", "Adams family"]


def test_everyone_booked_means_no_missing_family_and_full_completion():
    result = stats([EMMA, LIAM], [(1, 4, CONFIRMED), (2, 4, CONFIRMED)], weeks=(4,))
    assert result.completion_rate == 1.0
    assert result.pending == 0
    assert result.weeks[0].missing == ()
    assert result.missing_families == []


def test_a_lesson_without_students_expects_nothing_and_does_not_divide_by_zero():
    result = stats([], [(1, 4, CONFIRMED)], bookings_open=False)
    assert (result.enrolled, result.expected, result.booked, result.pending) == (0, 0, 0, 0)
    assert result.completion_rate == 0.0
    assert [(w.week, w.booked, w.expected, w.missing) for w in result.weeks] == [
        (4, 0, 0, ()),
        (8, 0, 0, ()),
    ]
    assert result.bookings_open is False


def test_a_past_week_leaves_the_to_book_count_but_keeps_its_not_booked():
    result = compute_stats(
        lesson_id=7,
        lesson_key="piano",
        lesson_name="Piano Foundations",
        bookings_open=True,
        individual_weeks=[4, 8],
        students=[EMMA, LIAM, MIA],
        bookings=[BookingFact(1, 4, COMPLETED), BookingFact(2, 4, NO_SHOW)],
        past_weeks=[4],
    )
    week4, week8 = result.weeks
    assert (week4.past, week4.booked, week4.not_booked, week4.to_book) == (True, 2, 1, 0)
    assert (week4.attended, week4.no_show) == (1, 1)
    assert week4.still_to_book == () and [m.student_name for m in week4.missing] == ["Mia Brown"]
    assert (week8.past, week8.to_book) == (False, 3)
    assert result.expected == 6  # the contract: students x individual weeks
    assert (result.booked, result.pending, result.not_booked_past) == (2, 3, 1)
    assert result.completion_rate == pytest.approx(2 / 5)  # booked over booked + to book
    assert (result.attended, result.no_show, result.past_weeks) == (1, 1, (4,))
    assert result.missing_families == ["Brown family", "Smith family"]  # week 8 only


def test_every_week_past_and_nothing_booked_does_not_divide_by_zero():
    result = compute_stats(
        lesson_id=7,
        lesson_key="piano",
        lesson_name="Piano Foundations",
        bookings_open=False,
        individual_weeks=[4],
        students=[EMMA],
        bookings=[],
        past_weeks=[4],
    )
    assert (result.pending, result.not_booked_past, result.completion_rate) == (0, 1, 0.0)
    assert result.missing_families == []

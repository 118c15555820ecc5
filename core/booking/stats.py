"""Lesson statistics as a pure computation over enrolments and bookings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.db.models import BookingStatus
from core.views import LessonStats, MissingStudent, WeekStats


@dataclass(frozen=True, slots=True)
class EnrolledStudent:
    student_id: int
    student_name: str
    family_id: int
    family_name: str
    unreachable: bool = False


@dataclass(frozen=True, slots=True)
class BookingFact:
    student_id: int
    week: int
    status: BookingStatus


def compute_stats(
    *,
    lesson_id: int,
    lesson_key: str,
    lesson_name: str,
    bookings_open: bool,
    individual_weeks: Sequence[int],
    students: Sequence[EnrolledStudent],
    bookings: Iterable[BookingFact],
) -> LessonStats:
    """Stats of one hybrid lesson; bookings of students no longer enrolled are not counted."""
    weeks = tuple(sorted(set(individual_weeks)))
    enrolled_ids = {s.student_id for s in students}
    active = [
        b
        for b in bookings
        if b.status is not BookingStatus.CANCELLED
        and b.student_id in enrolled_ids
        and b.week in weeks
    ]
    booked_pairs = {(b.student_id, b.week) for b in active}
    per_week = tuple(
        WeekStats(
            week=week,
            booked=sum(1 for s in students if (s.student_id, week) in booked_pairs),
            expected=len(students),
            missing=tuple(
                MissingStudent(
                    s.student_id, s.student_name, s.family_id, s.family_name, s.unreachable
                )
                for s in sorted(students, key=lambda s: (s.family_name, s.student_name))
                if (s.student_id, week) not in booked_pairs
            ),
        )
        for week in weeks
    )
    expected = len(students) * len(weeks)
    booked = len(booked_pairs)
    return LessonStats(
        lesson_id=lesson_id,
        lesson_key=lesson_key,
        lesson_name=lesson_name,
        bookings_open=bookings_open,
        enrolled=len(students),
        individual_weeks=weeks,
        expected=expected,
        booked=booked,
        completed=sum(1 for b in active if b.status is BookingStatus.COMPLETED),
        pending=expected - booked,
        pending_status=sum(1 for b in active if b.status is BookingStatus.PENDING),
        completion_rate=(booked / expected) if expected else 0.0,
        weeks=per_week,
    )

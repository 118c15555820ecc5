"""Lesson statistics as a pure computation over enrolments, bookings and the weeks gone by.

A *past* individual week is one in which every slot has started: nobody, not even an admin,
can book it any more. Its students without a booking are *not booked*, no longer *to book*;
completion is booked over (booked + still to book), so a week that went by unbooked does
not hold the rate down for ever.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.booking.rules import LessonShape, individual_slots
from core.db.models import BookingStatus
from core.schedule import week_monday
from core.views import LessonStats, MissingStudent, WeekStats

COMPLETED, NO_SHOW = BookingStatus.COMPLETED, BookingStatus.NO_SHOW


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


def week_is_past(lesson: LessonShape, week: int, tz: ZoneInfo, now: datetime) -> bool:
    """Every slot of that individual week has started (a week without slots: it has ended),
    so nobody can book it any more."""
    slots = individual_slots(lesson, week, tz)
    if slots:
        return slots[-1].start_at <= now
    after = week_monday(lesson.term.start_date, week) + timedelta(days=7)
    return datetime.combine(after, time.min, tzinfo=tz) <= now


def past_weeks(lesson: LessonShape, tz: ZoneInfo, now: datetime) -> tuple[int, ...]:
    """The lesson's individual weeks that can no longer be booked."""
    hybrid = lesson.hybrid
    weeks = sorted(set(hybrid.individual_weeks)) if hybrid else []
    return tuple(w for w in weeks if week_is_past(lesson, w, tz, now))


def compute_stats(
    *,
    lesson_id: int,
    lesson_key: str,
    lesson_name: str,
    bookings_open: bool,
    individual_weeks: Sequence[int],
    students: Sequence[EnrolledStudent],
    bookings: Iterable[BookingFact],
    past_weeks: Collection[int] = (),
) -> LessonStats:
    """Stats of one hybrid lesson; bookings of students no longer enrolled are not counted.
    ``past_weeks``: the individual weeks nobody can book any more (see the module)."""
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
            past=week in past_weeks,
            attended=sum(1 for b in active if b.week == week and b.status is COMPLETED),
            no_show=sum(1 for b in active if b.week == week and b.status is NO_SHOW),
        )
        for week in weeks
    )
    expected = len(students) * len(weeks)
    booked = len(booked_pairs)
    to_book = sum(w.to_book for w in per_week)
    return LessonStats(
        lesson_id=lesson_id,
        lesson_key=lesson_key,
        lesson_name=lesson_name,
        bookings_open=bookings_open,
        enrolled=len(students),
        individual_weeks=weeks,
        expected=expected,
        booked=booked,
        completed=sum(w.attended for w in per_week),
        pending=to_book,
        pending_status=sum(1 for b in active if b.status is BookingStatus.PENDING),
        completion_rate=(booked / (booked + to_book)) if booked + to_book else 0.0,
        weeks=per_week,
        no_show=sum(w.no_show for w in per_week),
        not_booked_past=sum(w.not_booked for w in per_week if w.past),
    )

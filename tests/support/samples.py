"""Sample values for the unit tests of texts and keyboards: lessons, stats, bookings.

Piano Foundations of school alpha (Sydney), term 1 from Monday 1 February 2027, individual
weeks 4 and 8; ``emma_booking`` and ``mia_booking`` are bookings of its week 4 slot on
Monday 22 February 15:00 Sydney time; change any field with keyword arguments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.db.models import BookingStatus, LessonType
from core.refs import LessonRef
from core.views import BookingView, LessonStats, MissingStudent, WeekStats

SYDNEY = "Australia/Sydney"

PIANO = LessonRef(
    id=1,
    key="piano",
    name="Piano Foundations",
    type=LessonType.HYBRID,
    teacher_id=7,
    teacher_name="Sam Jones",
    location_name="Main Studio",
    room_name="Room 1",
    day=0,
    start_time="16:00",
    duration_minutes=60,
    term_name="Term 1",
    term_start=date(2027, 2, 1),
    term_weeks=10,
    individual_weeks=(4, 8),
    slot_minutes=30,
    bookings_open=True,
)
LIAM = MissingStudent(2, "Liam Smith", 1, "Smith family")
MIA = MissingStudent(3, "Mia Brown", 2, "Brown & Co family", unreachable=True)
STATS = LessonStats(
    lesson_id=1,
    lesson_key="piano",
    lesson_name="Piano Foundations",
    bookings_open=True,
    enrolled=3,
    individual_weeks=(4, 8),
    expected=6,
    booked=1,
    completed=0,
    pending=5,
    pending_status=0,
    completion_rate=1 / 6,
    weeks=(WeekStats(4, 1, 3, (LIAM, MIA)), WeekStats(8, 0, 3, ())),
)


def emma_booking(status: BookingStatus = BookingStatus.CONFIRMED, **changes: object) -> BookingView:
    """Emma Smith's piano booking in week 4 (Monday 15:00 in Sydney), as the admin sees it."""
    values: dict[str, object] = dict(
        id=12,
        school_id=1,
        lesson_id=1,
        lesson_key="piano",
        lesson_name="Piano Foundations",
        student_id=1,
        student_key="emma",
        student_name="Emma Smith",
        family_id=1,
        family_name="Smith family",
        teacher_id=7,
        teacher_name="Sam Jones",
        location_name="Main Studio",
        room_name="Room 1",
        week=4,
        start_at=datetime(2027, 2, 22, 4, 0, tzinfo=UTC),  # 15:00 in Sydney
        end_at=datetime(2027, 2, 22, 4, 30, tzinfo=UTC),
        status=status,
        booked_by="admin:Alice Admin",
        updated_by=None,
        cancelled_by=None,
        cancel_reason=None,
        sequence=0,
        timezone="Australia/Sydney",
    )
    values.update(changes)
    return BookingView(**values)  # type: ignore[arg-type]


def mia_booking(**changes: object) -> BookingView:
    """Mia Brown's piano booking in week 4 (Monday 15:00 in Sydney), as her parent sees it."""
    values = dict(
        id=5, school_id=1, lesson_id=7, lesson_key="piano", lesson_name="Piano Foundations",
        student_id=3, student_key="mia", student_name="Mia Brown", family_id=2,
        family_name="Brown family", teacher_id=1, teacher_name="Sam Jones",
        location_name="Main Studio", room_name="Room 1", week=4,
        start_at=datetime(2027, 2, 22, 4, 0, tzinfo=UTC), end_at=datetime(2027, 2, 22, 4, 30, tzinfo=UTC),
        status=BookingStatus.CONFIRMED, booked_by="parent:1", updated_by=None, cancelled_by=None,
        cancel_reason=None, sequence=0, timezone=SYDNEY,
    )  # fmt: skip
    values.update(changes)
    return BookingView(**values)  # type: ignore[arg-type]

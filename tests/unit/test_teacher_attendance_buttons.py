"""The teacher's attendance buttons: only started, active sessions; "all present" per day
only while a started session of that day is still unmarked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.db.models import BookingStatus
from handlers.teacher import attendance_rows
from tests.support.samples import emma_booking as booking

AT_1540 = datetime(2027, 2, 22, 4, 40, tzinfo=UTC)  # Monday 15:40 in Sydney


def labels(rows) -> list[list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    return [[(b.text, str(b.callback_data)) for b in row] for row in rows]


def test_started_sessions_get_present_and_no_show_and_the_day_all_present() -> None:
    emma = booking()
    later = booking(id=13, student_name="Liam Smith", start_at=emma.start_at + timedelta(hours=2))
    gone = booking(BookingStatus.CANCELLED, id=14, student_name="Mia Brown")
    assert labels(attendance_rows(1, 1, 4, [emma, later, gone], AT_1540)) == [
        [("✅ 15:00 Emma", "tc:at:1:12:1"), ("🚫 No-show", "tc:at:1:12:2")],
        [("✅ All present Mon 22 Feb", f"tc:ap:1:1:4:{emma.local_start.date().toordinal()}")],
    ]


def test_nothing_before_the_start_and_no_all_present_once_marked() -> None:
    assert attendance_rows(1, 1, 4, [booking()], AT_1540 - timedelta(hours=1)) == []
    marked = attendance_rows(1, 1, 4, [booking(BookingStatus.NO_SHOW)], AT_1540)
    assert [len(row) for row in marked] == [2]  # correctable, but no "all present"

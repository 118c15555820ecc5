"""The parent's texts: what they say, in the school's time, escaped for HTML."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.db.models import BookingStatus, LessonType
from core.family_view import WeekEntry, WeekStatus, week_overview
from core.refs import LessonRef
from core.schedule import Slot
from handlers.parent import mybookings_texts, texts
from tests.support.samples import SYDNEY
from tests.support.samples import mia_booking as booking


def lesson(**changes) -> LessonRef:  # type: ignore[no-untyped-def]
    values = dict(
        id=7, key="piano", name="Piano <Foundations>", type=LessonType.HYBRID, teacher_id=1,
        teacher_name="Sam Jones", location_name="Main Studio", room_name="Room 1", day=0,
        start_time="16:00", duration_minutes=60, term_name="Term 1", term_start=date(2027, 2, 1),
        term_weeks=10, individual_weeks=(4, 8), slot_minutes=30, bookings_open=True,
    )  # fmt: skip
    values.update(changes)
    return LessonRef(**values)  # type: ignore[arg-type]


SLOT = Slot(datetime(2027, 2, 22, 4, 0, tzinfo=UTC), datetime(2027, 2, 22, 4, 30, tzinfo=UTC))


def test_confirmation_card_names_everything_in_the_school_time() -> None:
    card = texts.confirm_card("Mia Brown", lesson(), 4, SLOT, SYDNEY)
    for part in ("Mia Brown", "Piano &lt;Foundations&gt;", "Sam Jones", "Monday 22 February 2027",
                 "15:00–15:30", "Main Studio", "Room 1", "Australia/Sydney"):  # fmt: skip
        assert part in card


def test_week_labels_carry_their_marker() -> None:
    monday = date(2027, 2, 22)
    assert (
        texts.week_label(WeekEntry(4, monday, WeekStatus.TO_BOOK)) == "Week 4 · 22 Feb · 📝 to book"
    )
    assert texts.week_label(WeekEntry(4, monday, WeekStatus.CLOSED)).endswith("🔒 closed")
    assert texts.week_label(WeekEntry(4, monday, WeekStatus.PAST)).endswith("past")
    assert texts.week_label(WeekEntry(4, monday, WeekStatus.GROUP)).endswith("👥 group")
    assert (
        texts.week_label(WeekEntry(4, monday, WeekStatus.BOOKED, booking()))
        == "Week 4 · ✅ Mon 15:00"
    )


def test_slots_are_grouped_by_local_day() -> None:
    later = Slot(datetime(2027, 2, 24, 4, 30, tzinfo=UTC), datetime(2027, 2, 24, 5, 0, tzinfo=UTC))
    text = texts.slots_text("Mia", lesson(), 4, [SLOT, later], SYDNEY)
    assert "• Mon 22 Feb: 15:00" in text and "• Wed 24 Feb: 15:30" in text
    assert "week 4 (Mon 22 Feb – Sun 28 Feb)" in text


def test_no_slots_offers_a_way_forward() -> None:
    assert "another week" in texts.no_slots_text("Mia", lesson(), 4)


def test_booking_cards_and_calendar_captions() -> None:
    assert "Booked ✅" in texts.booked(booking())
    assert "Already booked — here it is" in texts.already_booked(booking())
    assert "This booking is cancelled" in mybookings_texts.cancelled(
        booking(status=BookingStatus.CANCELLED)
    )
    assert texts.calendar_caption(booking()).startswith("Add to calendar")
    assert texts.calendar_caption(booking(sequence=1)).startswith("Updated")
    assert texts.calendar_caption(booking(status=BookingStatus.CANCELLED)).startswith("Cancelled")


def test_bookings_list_groups_by_child() -> None:
    text = mybookings_texts.bookings_list(
        "School alpha", [booking(), booking(id=6, student_name="Leo Brown")]
    )
    assert text.index("Leo Brown") < text.index("Mia Brown")
    assert "No upcoming bookings" in mybookings_texts.bookings_list("School alpha", [])


def test_reasons_typed_or_chosen() -> None:
    assert mybookings_texts.reason_text(1, None) == "Illness"
    assert mybookings_texts.reason_text(mybookings_texts.TYPED_REASON, "Away") == "Away"
    assert mybookings_texts.reason_text(mybookings_texts.TYPED_REASON, None) is None
    assert mybookings_texts.reason_text(99, None) is None
    assert "Reason: a &lt;b&gt;" in mybookings_texts.cancel_confirm(booking(), "a <b>")


def test_refusal_escapes_and_names_the_school() -> None:
    text = texts.refusal("Please contact the school <now>.", "School alpha")
    assert "&lt;now&gt;" in text and "School alpha" in text


def test_week_overview_marks_each_week() -> None:
    now = datetime(2027, 3, 1, tzinfo=UTC)  # week 5 in Sydney
    weeks = week_overview(lesson(), [booking(week=8)], now, __import__("zoneinfo").ZoneInfo(SYDNEY))
    status = {w.week: w.status for w in weeks}
    assert status[1] is WeekStatus.GROUP and status[4] is WeekStatus.PAST
    assert status[8] is WeekStatus.BOOKED and len(weeks) == 10
    closed = week_overview(
        lesson(bookings_open=False), [], now, __import__("zoneinfo").ZoneInfo(SYDNEY)
    )
    assert {w.week: w.status for w in closed}[8] is WeekStatus.CLOSED
    cancelled = booking(week=8, status=BookingStatus.CANCELLED)
    assert {
        w.week: w.status
        for w in week_overview(lesson(), [cancelled], now, __import__("zoneinfo").ZoneInfo(SYDNEY))
    }[8] is WeekStatus.TO_BOOK

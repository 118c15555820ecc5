"""The admin's, teacher's and calendar's texts: pure functions of plain values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from core.admin_view import TermRef
from core.db.models import BookingStatus, LessonType
from core.refs import LessonRef
from core.views import WeekStats
from handlers.admin import command_texts, texts
from handlers.admin import dashboard_texts as dtexts
from handlers.calendar.texts import CalendarMode, calendar_title, filter_label, term_caption
from tests.support.samples import LIAM, MIA, PIANO, STATS
from tests.support.samples import emma_booking as booking


def test_lesson_button_shows_open_state_and_booked_of_expected() -> None:
    assert dtexts.lesson_button_label(STATS) == "🟢 Piano Foundations · open · 1/6"


def test_dashboard_lists_each_lesson_with_its_key() -> None:
    text = dtexts.dashboard_text("School <alpha>", [STATS])
    assert "School &lt;alpha&gt;" in text
    assert "<code>piano</code>" in text and "open, 1/6 booked" in text
    assert "No hybrid lessons" in dtexts.dashboard_text("S", [])


def test_dashboard_names_its_term_whether_it_is_now_and_the_teacher_filter() -> None:
    term = TermRef(6, "t1", "Term 1", date(2027, 2, 1), 10)
    text = dtexts.dashboard_text("S", [STATS], term=term, today=date(2027, 3, 1))
    assert "Term 1 (Mon 1 Feb – Sun 11 Apr 2027) · now" in text
    later = dtexts.dashboard_text("S", [], term=term, today=date(2027, 1, 1), teacher_name="Kim")
    assert "· coming up" in later and "Teacher: Kim" in later
    assert "Kim has no hybrid lessons in this term." in later
    earlier = dtexts.dashboard_text("S", [], term=term, today=date(2027, 5, 1), note="Gone.")
    assert earlier.startswith("Gone.") and "2027) · over" in earlier
    assert "No hybrid lessons in this term." in earlier


def test_lesson_panel_counts_attendance_and_tells_a_past_week_from_one_to_book() -> None:
    past = replace(
        STATS,
        booked=2,
        completed=1,
        no_show=1,
        pending=3,
        not_booked_past=1,
        completion_rate=0.4,
        weeks=(
            WeekStats(4, 2, 3, (MIA,), past=True, attended=1, no_show=1),
            WeekStats(8, 0, 3, (LIAM,)),
        ),
    )
    text = dtexts.lesson_panel_text(PIANO, past)
    assert "booked 2/5 (40%) · still to book: 3" in text
    assert "not booked in weeks that are over: 1 · attended 1 · no-show 1" in text
    assert "<b>Week 4</b> (Mon 22 Feb): 2/3 booked · not booked 1 · over" in text
    assert "Not booked: Mia Brown" in text and "To book: Mia" not in text
    assert "To book: Liam Smith (Smith family)" in text


def test_a_past_week_lists_who_did_not_book_without_asking_to_book() -> None:
    text = texts.week_bookings_text(PIANO, 4, [], 0, 0, 1, [LIAM], past=True)
    assert "This week is over" in text and "<b>Not booked</b>" in text
    assert "Still to book" not in text
    assert texts.NOBODY_MISSING not in texts.week_bookings_text(
        PIANO, 4, [], 0, 0, 1, [], past=True
    )


def test_lesson_panel_has_each_week_and_marks_unreachable_families() -> None:
    text = dtexts.lesson_panel_text(PIANO, STATS)
    assert "Bookings are <b>open</b>" in text and "17%" in text
    assert "<b>Week 4</b> (Mon 22 Feb): 1/3 booked" in text
    assert "Mia Brown (Brown &amp; Co family) ⚠ unreachable" in text
    assert "<b>Week 8</b> (Mon 22 Mar): 0/3 booked" in text


def test_week_bookings_text_pages_and_lists_who_still_has_to_book() -> None:
    text = texts.week_bookings_text(PIANO, 4, [booking()], 9, 0, 2, [LIAM])
    assert "9 bookings · page 1 of 2" in text
    assert "15:00–15:30 Emma Smith (Smith family) · confirmed" in text
    assert "Still to book" in text and "Liam Smith (Smith family)" in text
    assert texts.NOBODY_MISSING in texts.week_bookings_text(PIANO, 4, [], 0, 0, 1, [])


def test_booking_card_says_who_acted_and_why_it_was_cancelled() -> None:
    card = texts.booking_card_text(
        booking(BookingStatus.CANCELLED, cancelled_by="admin:Alice", cancel_reason="Sick")
    )
    assert "Booking #12</b> · cancelled" in card
    assert "Booked by Alice Admin (admin)" in card and "Cancelled by Alice (admin): Sick" in card
    assert "admin:" not in card


def test_parent_notices_name_the_child_and_the_times() -> None:
    moved = texts.parent_moved_notice(
        "School alpha", booking(), datetime(2027, 2, 22, 6, 0, tzinfo=UTC)
    )
    assert "moved Emma Smith's" in moved and "from Monday 22 February 2027, 17:00" in moved
    assert "to <b>Monday 22 February 2027, 15:00–15:30</b>" in moved
    cancelled = texts.parent_cancelled_notice(
        "School alpha", booking(BookingStatus.CANCELLED, cancel_reason="Teacher <ill>")
    )
    assert "Reason: Teacher &lt;ill&gt;" in cancelled
    assert "booked an individual session for Emma Smith" in texts.parent_booked_notice(
        "School alpha", booking()
    )


def test_told_text_asks_the_admin_to_call_when_nobody_could_be_told() -> None:
    assert "please let them know" in texts.told_text(0)
    assert texts.told_text(2) == "The family was told in chat (2 parents)."


def test_unknown_lesson_lists_the_valid_keys() -> None:
    text = command_texts.unknown_lesson("violin", ["piano", "theory"])
    assert "<code>violin</code>" in text and "<code>piano</code>, <code>theory</code>" in text
    assert "none" in command_texts.unknown_lesson("x", [])


def test_bad_week_lists_the_individual_weeks() -> None:
    assert "individual weeks: 4, 8" in command_texts.bad_week(PIANO, "3")
    choir = LessonRef(**{**_fields(PIANO), "name": "Junior Choir", "type": LessonType.GROUP})
    assert command_texts.not_hybrid(choir) == (
        "Junior Choir is a group lesson: nobody books individual slots in it."
    )


def _fields(value: object) -> dict[str, object]:
    return {name: getattr(value, name) for name in value.__slots__}  # type: ignore[attr-defined]


def test_teacher_lessons_text_shows_type_time_place_and_weeks() -> None:
    text = command_texts.teacher_lessons_text("School alpha", [PIANO])
    assert "Piano Foundations</b> (<code>piano</code>) · hybrid · Monday 16:00, 60 min" in text
    assert "Main Studio, Room 1" in text and "individual weeks: 4, 8; bookings open" in text
    assert "no lessons" in command_texts.teacher_lessons_text("School alpha", [])


def test_bookings_overview_groups_by_week() -> None:
    text = command_texts.bookings_overview_text(PIANO, [booking()])
    assert text.index("Week 4") < text.index("Emma Smith") < text.index("Week 8")
    assert text.endswith("No bookings yet.")


def test_invite_text_carries_the_link() -> None:
    text = command_texts.invite_text("Jane Smith", "School alpha", "https://t.me/bot?start=abc")
    assert "Hello Jane Smith" in text and "https://t.me/bot?start=abc" in text
    assert "2 parents" in command_texts.invites_header("Smith family", "School alpha", 2)


def test_calendar_title_by_viewer() -> None:
    assert calendar_title("A", CalendarMode.ADMIN, "Alice") == "A"
    assert (
        calendar_title("A", CalendarMode.ADMIN, "Alice", "Sam", "Studio")
        == "A · teacher Sam · Studio"
    )
    assert calendar_title("A", CalendarMode.TEACHER, "Sam", "x", "y") == "A · Sam"
    assert calendar_title("A", CalendarMode.PARENT, "Jane") == "A · family of Jane"


def test_calendar_small_texts() -> None:
    assert filter_label("Teacher", None) == "Teacher: All ⟳"
    assert filter_label("Teacher", "Sam") == "Teacher: Sam ⟳"
    assert term_caption("Term 1", "A", 1).startswith("Term 1: 1 calendar entry (A).")


def test_a_text_longer_than_a_message_is_cut_at_a_line_end_with_a_note() -> None:
    from handlers.formatting import MAX_MESSAGE, fit

    short = "<b>Week 4</b>\nTo book: Emma"
    assert fit(short) == short
    lines = [f"<b>Line {n}</b>: " + "x" * 60 for n in range(200)]
    cut = fit("\n".join(lines))
    assert len(cut) <= MAX_MESSAGE
    kept = cut.split("\n")[:-1]
    assert kept == lines[: len(kept)]  # whole lines, so every tag is closed
    assert cut.endswith(f"({200 - len(kept)} more lines not shown)")

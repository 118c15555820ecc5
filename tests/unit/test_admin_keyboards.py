"""Keyboards of the admin dashboard, the teacher's views and the calendar (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from core.admin_view import TermRef
from core.db.models import BookingStatus
from core.schedule import Slot
from core.views import WeekStats
from handlers.admin import dashboard_keyboards as dkb
from handlers.admin import keyboards as kb
from handlers.calendar import keyboards as cal
from handlers.calendar.texts import CalendarMode
from handlers.callbacks import MAX_BYTES, decode, to_minute
from tests.support.samples import LIAM, MIA, PIANO, STATS
from tests.support.samples import emma_booking as booking

SYDNEY = ZoneInfo("Australia/Sydney")


def buttons(markup: InlineKeyboardMarkup) -> list[tuple[str, str]]:
    return [(b.text, str(b.callback_data)) for row in markup.inline_keyboard for b in row]


def data_of(markup: InlineKeyboardMarkup, label: str) -> str:
    return next(data for text, data in buttons(markup) if label in text)


def all_parse(markup: InlineKeyboardMarkup) -> bool:
    return all(
        decode(data) is not None and len(data.encode()) <= MAX_BYTES for _, data in buttons(markup)
    )


def test_school_picker_and_dashboard_lead_to_the_school_and_lesson() -> None:
    assert buttons(kb.school_picker([(1, "A"), (2, "B")])) == [
        ("A", "ad:home:1"),
        ("B", "ad:home:2"),
    ]
    assert buttons(dkb.dashboard(3, [STATS])) == [("🟢 Piano Foundations · open · 1/6", "ad:l:3:1")]


TERM0 = TermRef(5, "t0", "Term 0", date(2026, 10, 5), 10)
TERM1 = TermRef(6, "t1", "Term 1", date(2027, 2, 1), 10)
TERM2 = TermRef(7, "t2", "Term 2", date(2027, 4, 26), 10)


def test_dashboard_by_term_moves_to_the_terms_around_it_and_filters_by_teacher() -> None:
    markup = dkb.dashboard(
        3, [STATS], term=TERM1, earlier=TERM0, later=TERM2, teacher_id=9, teacher_name="Sam"
    )
    assert data_of(markup, "Piano Foundations") == "ad:l:3:1"
    assert data_of(markup, "◀ Term 0") == "ad:tm:3:5:9:0"  # the filter stays on
    assert data_of(markup, "Term 2 ▶") == "ad:tm:3:7:9:0"
    assert data_of(markup, "👤 Sam") == "ad:tf:3:6"
    assert all_parse(markup)
    first = dkb.dashboard(3, [STATS], 0, 2, term=TERM0, later=TERM1, export=True)
    assert not any(text.startswith("◀") for text, _ in buttons(first))
    assert data_of(first, "Next") == "ad:tm:3:5:0:1"
    assert data_of(first, "All teachers") == "ad:tf:3:5"
    assert data_of(first, "Export term (xlsx)") == "ad:xp:3:0"


def test_teacher_picker_offers_all_teachers_first() -> None:
    markup = dkb.teacher_picker(3, TERM1, [(9, "Kim Lee"), (8, "Sam Jones")])
    assert buttons(markup) == [
        ("All teachers", "ad:tm:3:6:0:0"),
        ("Kim Lee", "ad:tm:3:6:9:0"),
        ("Sam Jones", "ad:tm:3:6:8:0"),
    ]


def test_a_past_week_says_so_on_its_button_and_the_panel_leads_back_to_its_term() -> None:
    past = STATS.__class__(
        **{**_fields(STATS), "weeks": (WeekStats(4, 1, 3, (LIAM,), past=True), STATS.weeks[1])}
    )
    markup = kb.lesson_panel(3, replace(PIANO, term_id=6), past)
    assert data_of(markup, "Week 4: 1/3 · over") == "ad:wk:3:1:4:0"
    assert data_of(markup, "Week 8: 0/3") == "ad:wk:3:1:8:0"
    assert data_of(markup, "All lessons") == "ad:tm:3:6:0:0"


def test_lesson_panel_toggle_weeks_and_the_remind_contract() -> None:
    markup = kb.lesson_panel(3, PIANO, STATS)
    assert data_of(markup, "Close bookings") == "ad:tog:3:1:0"
    assert data_of(markup, "Week 4: 1/3") == "ad:wk:3:1:4:0"
    assert data_of(markup, "Week 8: 0/3") == "ad:wk:3:1:8:0"
    assert data_of(markup, "Remind") == "rm:go:3:1"
    closed = kb.lesson_panel(
        3, PIANO, STATS.__class__(**{**_fields(STATS), "bookings_open": False})
    )
    assert data_of(closed, "Open bookings") == "ad:tog:3:1:1"
    assert all_parse(markup)


def _fields(value: object) -> dict[str, object]:
    return {name: getattr(value, name) for name in value.__slots__}  # type: ignore[attr-defined]


def test_week_bookings_pages_and_books_only_while_someone_is_missing() -> None:
    first = kb.week_bookings(3, 1, 4, [booking()], page=0, pages=2, can_book=True)
    assert data_of(first, "Emma Smith") == "ad:b:3:12"
    assert data_of(first, "Next") == "ad:wk:3:1:4:1"
    assert not any("Prev" in text for text, _ in buttons(first))
    assert data_of(first, "Book for a family") == "ad:nb:3:1:4"
    last = kb.week_bookings(3, 1, 4, [], page=1, pages=2, can_book=False)
    assert data_of(last, "Prev") == "ad:wk:3:1:4:0"
    assert not any("Book for" in text for text, _ in buttons(last))


def test_booking_card_offers_move_and_cancel_before_and_attendance_after() -> None:
    before = kb.booking_card(booking(), started=False)
    assert data_of(before, "Move") == "ad:rw:1:12" and data_of(before, "Cancel") == "ad:cx:1:12"
    after = kb.booking_card(booking(), started=True)
    assert data_of(after, "Completed") == "ad:at:1:12:1"
    assert data_of(after, "No-show") == "ad:at:1:12:2"
    cancelled = kb.booking_card(booking(BookingStatus.CANCELLED), started=False)
    assert [text for text, _ in buttons(cancelled)] == ["⬅ Week"]


def test_slot_buttons_carry_the_minute_three_to_a_row() -> None:
    start = datetime(2027, 2, 22, 4, 0, tzinfo=UTC)
    slots = [
        Slot(start + timedelta(minutes=30 * i), start + timedelta(minutes=30 * (i + 1)))
        for i in range(4)
    ]
    markup = kb.new_booking_slots(3, 1, 4, 9, slots, SYDNEY)
    assert [len(row) for row in markup.inline_keyboard] == [3, 1, 1]
    assert data_of(markup, "Mon 22 Feb 15:00") == f"ad:nk:3:1:4:9:{to_minute(start)}"
    sure = kb.confirm_new_booking(3, 1, 4, 9, to_minute(start))
    assert data_of(sure, "Book it") == f"ad:ny:3:1:4:9:{to_minute(start)}"
    assert data_of(sure, "Slots") == "ad:ns:3:1:4:9"
    moved = kb.move_slots(booking(), 8, slots[:1], SYDNEY)
    assert data_of(moved, "15:00") == f"ad:ry:1:12:8:{to_minute(start)}"
    assert all_parse(markup) and all_parse(moved)


def test_pick_student_weeks_and_cancel_reasons() -> None:
    students = kb.pick_student(3, 1, 4, [LIAM, MIA])
    assert data_of(students, "Liam Smith") == "ad:ns:3:1:4:2"
    weeks = kb.move_weeks(booking(), [4, 8])
    assert data_of(weeks, "Week 4 (now)") == "ad:rs:1:12:4"
    reasons = kb.cancel_reasons(3, 12)
    assert data_of(reasons, "Teacher unavailable") == "ad:cy:3:12:1"
    assert data_of(reasons, "Type a reason") == "ad:ct:3:12"
    assert data_of(reasons, "Keep") == "ad:b:3:12"


def test_choices_of_a_key_found_in_several_schools() -> None:
    assert buttons(kb.lesson_choices([(1, "A", 5), (2, "B", 9)])) == [
        ("A", "ad:l:1:5"),
        ("B", "ad:l:2:9"),
    ]
    assert buttons(kb.family_choices([(2, "B", 4)])) == [("B", "ad:inv:2:4")]


def test_teacher_week_buttons_are_read_only() -> None:
    markup = kb.teacher_weeks(3, PIANO, 4, page=0, pages=2)
    assert all(data.startswith("tc:wk:") for _, data in buttons(markup))
    assert data_of(markup, "• Week 4 •") == "tc:wk:3:1:4:0"
    assert data_of(markup, "Next") == "tc:wk:3:1:4:1"


def test_calendar_filters_cycle_through_every_choice_and_back_to_none() -> None:
    assert cal.next_filter([5, 7], 0) == 5
    assert cal.next_filter([5, 7], 5) == 7
    assert cal.next_filter([5, 7], 7) == 0
    assert cal.next_filter([], 0) == 0
    assert cal.next_filter([5], 99) == 5


def test_calendar_week_keyboard_for_an_admin() -> None:
    markup = cal.week_keyboard(
        3, CalendarMode.ADMIN, 20871, 20850, 0, 0, [(5, "Kim"), (7, "Sam")], [(2, "Studio")]
    )
    assert data_of(markup, "◀ week") == "cal:w:3:1:20864:0:0"
    assert data_of(markup, "week ▶") == "cal:w:3:1:20878:0:0"
    assert data_of(markup, "This week") == "cal:w:3:1:20850:0:0"
    assert data_of(markup, "Teacher: All ▾") == "cal:tp:3:1:20871:0:0"  # opens the list
    assert data_of(markup, "Location: All") == "cal:w:3:1:20871:0:2"
    assert data_of(markup, "Term .ics") == "cal:ics:3:1:20871:0:0"
    filtered = cal.week_keyboard(
        3, CalendarMode.ADMIN, 20871, 20871, 7, 2, [(5, "Kim"), (7, "Sam")], [(2, "Studio")]
    )
    assert data_of(filtered, "Teacher: Sam ▾") == "cal:tp:3:1:20871:7:2"
    assert data_of(filtered, "Location: Studio") == "cal:w:3:1:20871:7:0"
    # the week buttons keep their places; this week's is marked
    assert [text for text, _ in buttons(filtered)][:3] == ["◀ week", "• This week •", "week ▶"]
    assert [text for text, _ in buttons(markup)][:3] == ["◀ week", "This week", "week ▶"]
    picker = cal.teacher_picker(3, CalendarMode.ADMIN, 20871, 7, 2, [(5, "Kim"), (7, "Sam")])
    assert buttons(picker) == [
        ("All teachers", "cal:w:3:1:20871:0:2"),
        ("Kim", "cal:w:3:1:20871:5:2"),
        ("• Sam •", "cal:w:3:1:20871:7:2"),
    ]


def test_calendar_keyboard_of_a_parent_has_no_filters() -> None:
    markup = cal.week_keyboard(3, CalendarMode.PARENT, 20871, 20871)
    labels = [text for text, _ in buttons(markup)]
    assert labels == ["◀ week", "• This week •", "week ▶", "📅 Term .ics", "📱 Phone view"]
    assert data_of(markup, "Phone view") == "cal:ph:3:3:20871:0:0"
    phone = cal.week_keyboard(3, CalendarMode.PARENT, 20871, 20871, phone=True)
    assert buttons(phone)[0] == ("◀ week", "cal:ph:3:3:20864:0:0")  # stays in the phone view
    assert data_of(phone, "Week grid") == "cal:w:3:3:20871:0:0"
    picker = cal.view_picker(
        [(3, "A", CalendarMode.ADMIN), (4, "B", CalendarMode.PARENT)], {3: 1, 4: 2}
    )
    assert buttons(picker) == [
        ("A · whole school", "cal:w:3:1:1:0:0"),
        ("B · my family", "cal:w:4:3:2:0:0"),
    ]


def test_paging_and_the_term_of_a_week() -> None:
    from datetime import date

    from core.admin_view import TermRef, page_of, term_for_week

    shown, page, pages = page_of(list(range(9)), 5)
    assert (shown, page, pages) == ([8], 1, 2)
    assert page_of([], 0) == ([], 0, 1)
    t1 = TermRef(1, "t1", "Term 1", date(2027, 2, 1), 10)
    t2 = TermRef(2, "t2", "Term 2", date(2027, 4, 26), 10)
    assert term_for_week([t1, t2], date(2027, 1, 18)) is t1  # before: the next to start
    assert term_for_week([t1, t2], date(2027, 4, 5)) is t1
    assert term_for_week([t1, t2], date(2027, 4, 12)) is t2  # holidays: the next one
    assert term_for_week([t1, t2], date(2028, 1, 3)) is t2  # after: the last one
    assert term_for_week([], date(2027, 1, 4)) is None

"""The parent's keyboards: the right buttons, carrying the school id, within 64 bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.db.models import BookingStatus
from core.family_view import WeekEntry, WeekStatus
from core.refs import Child
from core.schedule import Slot
from handlers.callbacks import decode
from handlers.parent import keyboards
from tests.support.samples import mia_booking as booking

SYDNEY = ZoneInfo("Australia/Sydney")


def flat(markup) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]


def test_every_button_decodes_and_names_the_school() -> None:
    slots = [Slot(datetime(2027, 2, 22, 4, tzinfo=UTC) + timedelta(minutes=30 * i),
                  datetime(2027, 2, 22, 4, 30, tzinfo=UTC) + timedelta(minutes=30 * i)) for i in range(6)]  # fmt: skip
    weeks = [WeekEntry(w, date(2027, 2, 1) + timedelta(weeks=w - 1), s) for w, s in
             ((1, WeekStatus.GROUP), (4, WeekStatus.TO_BOOK), (8, WeekStatus.CLOSED))]  # fmt: skip
    markups = [
        keyboards.children_keyboard(9, [Child(3, "mia", "Mia", ())]),
        keyboards.weeks_keyboard(9, 3, 7, weeks, ("c",)),
        keyboards.slots_keyboard(9, 3, 7, 4, slots, SYDNEY),
        keyboards.confirm_keyboard(9, 3, 7, 4, 30054480),
        keyboards.booking_keyboard(booking(school_id=9)),
        keyboards.cancel_reasons_keyboard(booking(school_id=9)),
        keyboards.reschedule_keyboard(booking(school_id=9), slots),
    ]
    for markup in markups:
        for _text, data in flat(markup):
            parsed = decode(data)
            assert parsed is not None and len(data.encode()) <= 64
            if parsed.area in ("bk", "my"):
                assert parsed.args[0] == 9


def test_slot_grid_has_a_row_per_day_and_at_most_four_times() -> None:
    monday = [Slot(datetime(2027, 2, 22, 4, tzinfo=UTC) + timedelta(minutes=30 * i),
                   datetime(2027, 2, 22, 4, 30, tzinfo=UTC) + timedelta(minutes=30 * i)) for i in range(5)]  # fmt: skip
    wednesday = [
        Slot(s.start_at + timedelta(days=2), s.end_at + timedelta(days=2)) for s in monday[:1]
    ]
    rows = keyboards.slots_keyboard(1, 3, 7, 4, monday + wednesday, SYDNEY).inline_keyboard
    assert [len(r) for r in rows] == [4, 1, 1, 1]
    assert rows[0][0].text == "Mon 15:00" and rows[2][0].text == "Wed 15:00"
    assert rows[-1][0].text == keyboards.BACK
    assert rows[0][0].callback_data == "bk:k:1:3:7:4:30054480"


def test_weeks_keyboard_acts_only_on_weeks_to_book() -> None:
    entries = [WeekEntry(1, date(2027, 2, 1), WeekStatus.GROUP), WeekEntry(4, date(2027, 2, 22), WeekStatus.TO_BOOK),
               WeekEntry(8, date(2027, 3, 22), WeekStatus.BOOKED, booking(id=77))]  # fmt: skip
    buttons = dict(flat(keyboards.weeks_keyboard(1, 3, 7, entries, None)))
    assert buttons["Week 1 · 1 Feb · 👥 group"].startswith("bk:n:1:")
    assert buttons["Week 4 · 22 Feb · 📝 to book"] == "bk:s:1:3:7:4"
    assert buttons["Week 8 · ✅ Mon 15:00"] == "my:v:1:77"
    assert buttons["Close"] == "bk:x:1"
    back = dict(flat(keyboards.weeks_keyboard(1, 3, 7, entries, ("l",))))
    assert back[keyboards.BACK] == "bk:l:1:3"


def test_booking_card_offers_changes_only_while_active() -> None:
    assert [t for t, _ in flat(keyboards.booking_keyboard(booking()))] == [
        "Reschedule",
        "Cancel booking",
        "My bookings",
    ]
    cancelled = booking(status=BookingStatus.CANCELLED)
    assert [t for t, _ in flat(keyboards.booking_keyboard(cancelled))] == ["My bookings"]


def test_cancel_reasons_and_confirm() -> None:
    labels = [t for t, _ in flat(keyboards.cancel_reasons_keyboard(booking()))]
    assert labels[:3] == ["Illness", "Schedule clash", "Holiday"] and "Other (type it)" in labels
    assert (
        dict(flat(keyboards.cancel_confirm_keyboard(booking(), 0)))["Yes, cancel it"]
        == "my:z:1:5:0"
    )


def test_school_choice_carries_the_action() -> None:
    from core.identities import SchoolRef

    schools = [SchoolRef(1, "a", "School alpha", "UTC"), SchoolRef(2, "b", "School beta", "UTC")]
    assert flat(keyboards.schools_keyboard(schools, "b")) == [
        ("School alpha", "sc:b:1"),
        ("School beta", "sc:b:2"),
    ]

"""The waitlist's words and buttons, and its pure rules (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.reminders.notices import Reminder
from core.schedule import Slot
from core.waitlist.notice import WaitlistOfferNotice
from core.waitlist.rules import WAITLIST, offer_expiry, offer_key, offerable
from core.waitlist.service import WaitingView
from handlers import slot_pages
from handlers.callbacks import decode
from handlers.parent import waitlist_texts as words
from handlers.parent.keyboards import slots_keyboard
from handlers.parent.waitlist import with_waitlist
from handlers.reminder_texts import render

START = datetime(2027, 2, 22, 4, 0, tzinfo=UTC)  # Monday 22 Feb 15:00 in Sydney
NOW = datetime(2027, 2, 19, 9, 0, tzinfo=UTC)


def notice(**changes: object) -> WaitlistOfferNotice:
    values: dict[str, object] = dict(
        offer_id=7, school_id=1, lesson_id=3, lesson_name="Piano <Foundations>",
        teacher_name="Sam Jones", student_id=5, student_name="Mia Brown", week=4,
        start_at=START, end_at=START + timedelta(minutes=30),
        expires_at=NOW + timedelta(hours=2), timezone="Australia/Sydney",
    )  # fmt: skip
    values.update(changes)
    return WaitlistOfferNotice(**values)  # type: ignore[arg-type]


def waiting(**changes: object) -> WaitingView:
    values: dict[str, object] = dict(
        id=9, school_id=1, lesson_id=3, lesson_key="piano", lesson_name="Piano", week=4,
        student_id=5, student_key="mia", student_name="Mia Brown", family_key="brown",
        family_name="Brown family", joined_at=NOW, joined_by="parent:2", position=2,
    )  # fmt: skip
    values.update(changes)
    return WaitingView(**values)  # type: ignore[arg-type]


def test_an_offer_names_the_slot_in_school_time_and_escapes_names() -> None:
    reminder = Reminder(offer_key(7, 2), WAITLIST, 1, 2, 1012, notice())
    text, buttons = render(reminder)
    assert "Piano &lt;Foundations&gt;" in text
    assert "Mia Brown – week 4, Monday 22 February 2027, 15:00–15:30" in text
    assert "until Fri 19 Feb 22:00" in text  # 11:00 UTC is 22:00 in Sydney
    [[(book, accept), (no, decline)]] = buttons
    assert book == "✅ Book it" and no == "No, thanks"
    assert decode(accept) is not None and decode(accept).args == (1, 7)  # type: ignore[union-attr]
    assert accept == "wl:a:1:7" and decline == "wl:n:1:7"


def test_the_waitlist_button_sits_above_the_back_button() -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Mon 15:00", callback_data="bk:k:1:5:3:4:100")],
            [InlineKeyboardButton("Back", callback_data="bk:w:1:5:3")],
        ]
    )
    joined = with_waitlist(keyboard, 1, 5, 3, 4, None)
    labels = [row[0].text for row in joined.inline_keyboard]
    assert labels == ["Mon 15:00", words.join_label(), "Back"]
    assert joined.inline_keyboard[1][0].callback_data == "wl:j:1:5:3:4"
    on_list = with_waitlist(keyboard, 1, 5, 3, 4, waiting())
    assert on_list.inline_keyboard[1][0].callback_data == "wl:l:1:9"


def test_the_place_on_the_list_is_said_in_plain_words() -> None:
    line = words.on_list_line(waiting())
    assert line == "🔔 Mia Brown is on the waitlist of Piano, week 4 (number 2)."
    assert words.waitlist_lines([]) == []
    assert [b[0].callback_data for b in words.waitlist_rows([waiting()])] == ["wl:l:1:9"]


def test_an_offer_stands_its_time_but_never_into_the_24_hours_before_the_slot() -> None:
    assert offer_expiry(START, NOW, timedelta(hours=2)) == NOW + timedelta(hours=2)
    late = START - timedelta(hours=25)
    assert offer_expiry(START, late, timedelta(hours=2)) == START - timedelta(hours=24)
    assert offerable(START, START - timedelta(hours=24))
    assert not offerable(START, START - timedelta(hours=23, minutes=59))


def test_the_fullest_week_by_days_keeps_the_leave_button_within_100_buttons() -> None:
    tz = ZoneInfo("Australia/Sydney")
    slots = [  # one-minute slots round the clock: more days' parts than any keyboard holds
        Slot(START + timedelta(minutes=m), START + timedelta(minutes=m + 1))
        for m in range(7 * 24 * 60)
    ]
    days = slots_keyboard(1, 5, 3, 4, slots, tz)
    assert len(slot_pages.parts(slots, tz)) == slot_pages.MAX_PARTS
    markup = with_waitlist(days, 1, 5, 3, 4, waiting())
    rows = markup.inline_keyboard
    assert sum(len(row) for row in rows) <= 100
    assert [b.text for b in rows[-2]] == ["Leave the waitlist"]
    assert rows[-2][0].callback_data == "wl:l:1:9" and rows[-1] == days.inline_keyboard[-1]

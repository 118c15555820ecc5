"""Reminder rules, pacing and texts as pure logic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.reminders.service import (
    BookNow,
    NotBookedNotice,
    in_window,
    opened_token,
    round_due,
    school_rules,
    session_due,
)
from core.school_file.schema import NotBookedReminders
from handlers.reminder_texts import not_booked_buttons, not_booked_text

SYDNEY = ZoneInfo("Australia/Sydney")
NINE_AM = datetime(2027, 1, 19, 22, 0, tzinfo=UTC)  # 09:00 in Sydney
RULES = NotBookedReminders()


@pytest.mark.parametrize(
    ("at", "inside"),
    [(time(8, 59), False), (time(9), True), (time(19, 59), True), (time(20), False)],
)
def test_the_window_includes_its_start_and_excludes_its_end(at: time, inside: bool) -> None:
    assert in_window(at, time(9), time(20)) is inside


def test_a_window_may_run_past_midnight() -> None:
    assert in_window(time(23), time(22), time(6)) and in_window(time(5), time(22), time(6))
    assert not in_window(time(12), time(22), time(6))


def due(now: datetime, rounds: int = 0, last: datetime | None = None, **rules: object) -> bool:
    settings = RULES.model_copy(update=rules)
    return round_due(
        now, opened_at=None, rounds_sent=rounds, last_at=last, rules=settings, tz=SYDNEY
    )


def test_the_first_round_is_due_once_bookings_open_inside_the_window() -> None:
    assert due(NINE_AM)
    assert not due(NINE_AM - timedelta(minutes=1))  # 08:59
    opened = NINE_AM + timedelta(hours=1)
    assert not round_due(
        NINE_AM, opened_at=opened, rounds_sent=0, last_at=None, rules=RULES, tz=SYDNEY
    )


def test_rounds_come_every_48_hours_and_stop_at_the_cap() -> None:
    last = NINE_AM
    assert not due(last + timedelta(hours=47, minutes=59), rounds=1, last=last)
    assert due(last + timedelta(hours=48), rounds=1, last=last)
    assert not due(last + timedelta(hours=48), rounds=3, last=last)
    assert due(last + timedelta(hours=48), rounds=3, last=last, max_times=4)
    assert not due(NINE_AM, enabled=False)


def test_session_reminder_from_24_hours_before_until_the_start() -> None:
    start = datetime(2027, 2, 22, 4, 0, tzinfo=UTC)
    assert not session_due(start - timedelta(hours=24, minutes=1), start, 24)
    assert session_due(start - timedelta(hours=24), start, 24)
    assert session_due(start - timedelta(minutes=1), start, 24)
    assert not session_due(start, start, 24)


def test_school_rules_fill_defaults_and_survive_garbage() -> None:
    rules = school_rules({"not_booked": {"every_hours": 24, "window_start": "08:30"}})
    assert rules.not_booked.every_hours == 24 and rules.not_booked.max_times == 3
    assert rules.not_booked.window_start == time(8, 30)
    assert rules.session.hours_before == 24
    assert school_rules({"not_booked": {"every_hours": "soon"}}) == school_rules(None)


def test_opened_token_names_the_opening() -> None:
    assert opened_token(None) == 0
    assert opened_token(datetime(1970, 1, 1, 1, 0, tzinfo=UTC)) == 60


def test_a_not_booked_message_has_a_book_now_button_per_child_and_week() -> None:
    items = (
        BookNow(4, "Emma <Smith>", 4, date(2027, 2, 22)),
        BookNow(5, "Liam Smith", 8, date(2027, 3, 22)),
    )
    notice = NotBookedNotice(1, 7, "Piano", "Smith family", "Australia/Sydney", items)
    text = not_booked_text(notice)
    assert "Emma &lt;Smith&gt; – week 4 (from Mon 22 Feb)" in text
    assert not_booked_buttons(notice) == [
        [("Book Emma <Smith> – week 4", "bk:s:1:4:7:4")],
        [("Book Liam Smith – week 8", "bk:s:1:5:7:8")],
    ]

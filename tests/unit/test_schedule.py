"""Slot generation and term arithmetic: local wall-clock times, correct across daylight saving.

Australia/Sydney: clocks go back Sunday 2027-04-04 03:00 -> 02:00 (UTC+11 -> UTC+10) and
forward Sunday 2026-10-04 02:00 -> 03:00 (UTC+10 -> UTC+11).
Europe/London: forward Sunday 2027-03-28 01:00 -> 02:00 (UTC+0 -> UTC+1), back Sunday
2027-10-31 02:00 -> 01:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.schedule import (
    Slot,
    Window,
    cut_slots,
    local_instant,
    notice_ok,
    occurrence,
    parse_hhmm,
    week_monday,
    week_of,
)

SYDNEY = ZoneInfo("Australia/Sydney")
LONDON = ZoneInfo("Europe/London")
MONDAY, WEDNESDAY, SATURDAY, SUNDAY = 0, 2, 5, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local_times(slots: list[Slot], tz: ZoneInfo) -> list[str]:
    return [f"{s.start_at.astimezone(tz):%a %H:%M}" for s in slots]


def assert_lengths(slots: list[Slot], minutes: int) -> None:
    assert slots, "expected some slots"
    assert all(s.end_at - s.start_at == timedelta(minutes=minutes) for s in slots)


# ------------------------------------------------------------------ plain weeks


def test_slots_are_cut_from_windows_at_the_slot_length_in_local_time():
    # a February week in Sydney (UTC+11); the second window is not a multiple of 30 minutes
    windows = [
        Window(WEDNESDAY, time(15, 30), time(18, 10)),
        Window(MONDAY, time(15), time(17)),
    ]
    slots = cut_slots(date(2027, 2, 1), 4, windows, 30, SYDNEY)
    assert local_times(slots, SYDNEY) == [
        "Mon 15:00",
        "Mon 15:30",
        "Mon 16:00",
        "Mon 16:30",
        "Wed 15:30",
        "Wed 16:00",
        "Wed 16:30",
        "Wed 17:00",
        "Wed 17:30",
    ]
    assert slots[0].start_at == utc(2027, 2, 22, 4, 0)
    assert all(s.start_at.tzinfo is not None for s in slots)
    assert_lengths(slots, 30)


def test_a_window_shorter_than_one_slot_gives_no_slot():
    assert cut_slots(date(2027, 2, 1), 1, [Window(MONDAY, time(9), time(9, 20))], 30, SYDNEY) == []


def test_overlapping_windows_do_not_duplicate_slots():
    windows = [Window(MONDAY, time(9), time(10)), Window(MONDAY, time(9), time(10))]
    slots = cut_slots(date(2027, 2, 1), 1, windows, 30, SYDNEY)
    assert local_times(slots, SYDNEY) == ["Mon 09:00", "Mon 09:30"]


def test_slot_overlap_is_half_open():
    slot = Slot(utc(2027, 2, 22, 4), utc(2027, 2, 22, 4, 30))
    assert slot.overlaps(utc(2027, 2, 22, 4, 29), utc(2027, 2, 22, 5))
    assert not slot.overlaps(utc(2027, 2, 22, 4, 30), utc(2027, 2, 22, 5))
    assert not slot.overlaps(utc(2027, 2, 22, 3, 30), utc(2027, 2, 22, 4))


# ------------------------------------------------------------------ Sydney


def test_sydney_same_local_time_before_and_after_clocks_go_back_differs_by_an_hour_in_utc():
    # term starts Monday 2027-03-15: week 3 is before the change, week 4 after it
    window = [Window(MONDAY, time(16), time(16, 30))]
    before = cut_slots(date(2027, 3, 15), 3, window, 30, SYDNEY)
    after = cut_slots(date(2027, 3, 15), 4, window, 30, SYDNEY)
    assert local_times(before, SYDNEY) == local_times(after, SYDNEY) == ["Mon 16:00"]
    assert before[0].start_at == utc(2027, 3, 29, 5, 0)  # UTC+11
    assert after[0].start_at == utc(2027, 4, 5, 6, 0)  # UTC+10
    assert after[0].start_at - before[0].start_at == timedelta(days=7, hours=1)


def test_sydney_change_day_when_clocks_go_back_keeps_local_times_and_first_of_repeated():
    # Sunday 2027-04-04 (day 6 of the week starting Monday 2027-03-29)
    slots = cut_slots(date(2027, 3, 29), 1, [Window(SUNDAY, time(1), time(4))], 30, SYDNEY)
    assert [s.start_at for s in slots] == [
        utc(2027, 4, 3, 14, 0),  # 01:00 +11
        utc(2027, 4, 3, 14, 30),
        utc(2027, 4, 3, 15, 0),  # 02:00 the first time (+11)
        utc(2027, 4, 3, 15, 30),
        utc(2027, 4, 3, 17, 0),  # 03:00 +10
        utc(2027, 4, 3, 17, 30),
    ]
    assert local_times(slots, SYDNEY) == [
        "Sun 01:00",
        "Sun 01:30",
        "Sun 02:00",
        "Sun 02:30",
        "Sun 03:00",
        "Sun 03:30",
    ]
    assert_lengths(slots, 30)
    # the afternoon of the change day is already on standard time
    afternoon = cut_slots(date(2027, 3, 29), 1, [Window(SUNDAY, time(16), time(17))], 60, SYDNEY)
    assert afternoon[0].start_at == utc(2027, 4, 4, 6, 0)


def test_sydney_change_day_when_clocks_go_forward_skips_missing_local_times():
    # Sunday 2026-10-04: 02:00-02:59 does not exist
    slots = cut_slots(date(2026, 9, 28), 1, [Window(SUNDAY, time(1), time(4))], 30, SYDNEY)
    assert local_times(slots, SYDNEY) == ["Sun 01:00", "Sun 01:30", "Sun 03:00", "Sun 03:30"]
    assert [s.start_at for s in slots] == [
        utc(2026, 10, 3, 15, 0),  # +10
        utc(2026, 10, 3, 15, 30),
        utc(2026, 10, 3, 16, 0),  # +11
        utc(2026, 10, 3, 16, 30),
    ]
    assert_lengths(slots, 30)
    assert local_instant(date(2026, 10, 4), time(2, 30), SYDNEY) is None


def test_sydney_week_after_clocks_go_forward_is_an_hour_earlier_in_utc():
    window = [Window(SATURDAY, time(16), time(16, 30)), Window(SUNDAY, time(16), time(16, 30))]
    week1 = cut_slots(date(2026, 9, 28), 1, window, 30, SYDNEY)
    week2 = cut_slots(date(2026, 9, 28), 2, window, 30, SYDNEY)
    assert local_times(week1, SYDNEY) == local_times(week2, SYDNEY) == ["Sat 16:00", "Sun 16:00"]
    assert [s.start_at for s in week1] == [utc(2026, 10, 3, 6, 0), utc(2026, 10, 4, 5, 0)]
    assert [s.start_at for s in week2] == [utc(2026, 10, 10, 5, 0), utc(2026, 10, 11, 5, 0)]


def test_a_slot_across_the_repeated_hour_lasts_its_real_length():
    slots = cut_slots(date(2027, 3, 29), 1, [Window(SUNDAY, time(2), time(3))], 60, SYDNEY)
    assert len(slots) == 1
    assert slots[0].start_at == utc(2027, 4, 3, 15, 0)
    assert_lengths(slots, 60)


# ------------------------------------------------------------------ London


def test_london_change_day_when_clocks_go_forward_skips_missing_local_times():
    slots = cut_slots(date(2027, 3, 22), 1, [Window(SUNDAY, time(0), time(3))], 30, LONDON)
    assert local_times(slots, LONDON) == ["Sun 00:00", "Sun 00:30", "Sun 02:00", "Sun 02:30"]
    assert [s.start_at for s in slots] == [
        utc(2027, 3, 28, 0, 0),
        utc(2027, 3, 28, 0, 30),
        utc(2027, 3, 28, 1, 0),  # 02:00 BST
        utc(2027, 3, 28, 1, 30),
    ]
    assert_lengths(slots, 30)


def test_london_same_local_time_around_spring_change_differs_by_an_hour_in_utc():
    window = [Window(WEDNESDAY, time(16), time(16, 30))]
    before = cut_slots(date(2027, 3, 15), 2, window, 30, LONDON)  # Wed 2027-03-24, GMT
    after = cut_slots(date(2027, 3, 15), 3, window, 30, LONDON)  # Wed 2027-03-31, BST
    assert local_times(before, LONDON) == local_times(after, LONDON) == ["Wed 16:00"]
    assert before[0].start_at == utc(2027, 3, 24, 16, 0)
    assert after[0].start_at == utc(2027, 3, 31, 15, 0)


def test_london_change_day_when_clocks_go_back():
    slots = cut_slots(date(2027, 10, 25), 1, [Window(SUNDAY, time(0), time(3))], 30, LONDON)
    assert local_times(slots, LONDON) == [
        "Sun 00:00",
        "Sun 00:30",
        "Sun 01:00",
        "Sun 01:30",
        "Sun 02:00",
        "Sun 02:30",
    ]
    assert [s.start_at for s in slots] == [
        utc(2027, 10, 30, 23, 0),  # BST
        utc(2027, 10, 30, 23, 30),
        utc(2027, 10, 31, 0, 0),  # 01:00 the first time (BST)
        utc(2027, 10, 31, 0, 30),
        utc(2027, 10, 31, 2, 0),  # GMT
        utc(2027, 10, 31, 2, 30),
    ]
    assert_lengths(slots, 30)
    monday_after = cut_slots(
        date(2027, 10, 25), 2, [Window(MONDAY, time(16), time(17))], 60, LONDON
    )
    assert monday_after[0].start_at == utc(2027, 11, 1, 16, 0)


def test_regular_occurrence_keeps_local_time_and_is_none_in_the_missing_hour():
    assert occurrence(date(2027, 3, 15), 3, MONDAY, time(16), 60, SYDNEY) == Slot(
        utc(2027, 3, 29, 5), utc(2027, 3, 29, 6)
    )
    assert occurrence(date(2027, 3, 15), 4, MONDAY, time(16), 60, SYDNEY) == Slot(
        utc(2027, 4, 5, 6), utc(2027, 4, 5, 7)
    )
    assert occurrence(date(2026, 9, 28), 1, SUNDAY, time(2, 30), 30, SYDNEY) is None


# ------------------------------------------------------------------ 24-hour rule


def test_exactly_24_hours_ahead_is_allowed():
    now = utc(2027, 2, 21, 4, 0)
    assert notice_ok(now + timedelta(hours=24), now)


def test_23_hours_59_minutes_ahead_is_refused():
    now = utc(2027, 2, 21, 4, 0)
    assert not notice_ok(now + timedelta(hours=23, minutes=59), now)
    assert not notice_ok(now + timedelta(hours=23, minutes=59, seconds=59), now)
    assert not notice_ok(now - timedelta(hours=1), now)


def test_notice_across_clocks_going_back_is_absolute_time_not_wall_clock():
    now = datetime(2027, 4, 3, 16, 0, tzinfo=SYDNEY)  # Sat 16:00 +11 = 05:00 UTC
    # Sun 15:00 local is only 23 wall-clock hours later but 24 real hours: allowed
    assert notice_ok(datetime(2027, 4, 4, 15, 0, tzinfo=SYDNEY), now)
    # Sun 14:59 local is 23 h 59 min of real time away: refused
    assert not notice_ok(datetime(2027, 4, 4, 14, 59, tzinfo=SYDNEY), now)


def test_notice_across_clocks_going_forward_is_absolute_time_not_wall_clock():
    now = datetime(2026, 10, 3, 16, 0, tzinfo=SYDNEY)  # Sat 16:00 +10 = 06:00 UTC
    # Sun 16:00 local is 24 wall-clock hours later but only 23 real hours: refused
    assert not notice_ok(datetime(2026, 10, 4, 16, 0, tzinfo=SYDNEY), now)
    assert notice_ok(datetime(2026, 10, 4, 17, 0, tzinfo=SYDNEY), now)


# ------------------------------------------------------------------ parsing and weeks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16:30", time(16, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 7:05 ", time(7, 5)),
    ],
)
def test_parse_hhmm_accepts_24_hour_times(text: str, expected: time):
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "24:00",
        "16:60",
        "1630",
        "16:5",
        "ab:cd",
        "16:30:00",
        "",
        ":30",
        "-1:30",
        "4pm",
        "1²:30",
        "16:3²",
    ],
)
def test_parse_hhmm_refuses_anything_else(text: str):
    with pytest.raises(ValueError, match="is not a time like"):
        parse_hhmm(text)


def test_week_monday_is_seven_days_per_week_from_term_start():
    start = date(2027, 2, 1)
    assert week_monday(start, 1) == start
    assert week_monday(start, 4) == date(2027, 2, 22)
    assert week_monday(start, 10) == date(2027, 4, 5)


def test_week_of_maps_local_dates_to_term_weeks_and_none_outside():
    start = date(2027, 2, 1)
    assert week_of(start, 10, date(2027, 1, 31)) is None
    assert week_of(start, 10, start) == 1
    assert week_of(start, 10, date(2027, 2, 7)) == 1  # Sunday still week 1
    assert week_of(start, 10, date(2027, 2, 8)) == 2
    assert week_of(start, 10, date(2027, 4, 11)) == 10  # last Sunday of the term
    assert week_of(start, 10, date(2027, 4, 12)) is None

"""A week's slots by day when they would not fit one screen: parts, keys, and every keyboard
within Telegram's 100 buttons whatever the number of slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.schedule import Slot
from handlers import slot_pages
from handlers.admin import keyboards as admin_keyboards
from handlers.callbacks import decode, from_minute, to_minute
from handlers.parent import keyboards
from tests.support.samples import mia_booking as booking

SYDNEY = ZoneInfo("Australia/Sydney")
MONDAY_8AM = datetime(2027, 2, 22, 8, tzinfo=SYDNEY)


def day_of_slots(day: int, count: int, minutes: int = 30) -> list[Slot]:
    """``count`` back-to-back slots from 08:00 on the week's ``day``."""
    first = MONDAY_8AM + timedelta(days=day)
    return [
        Slot(
            (first + timedelta(minutes=minutes * i)).astimezone(UTC),
            (first + timedelta(minutes=minutes * (i + 1))).astimezone(UTC),
        )
        for i in range(count)
    ]


def buttons(markup) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]


def test_a_week_that_fits_one_screen_is_shown_whole() -> None:
    week = day_of_slots(0, 24) + day_of_slots(1, 24)
    assert not slot_pages.day_first(week)
    shown = buttons(keyboards.slots_keyboard(1, 3, 7, 4, week, SYDNEY))
    assert len(shown) == 48 + 1 and all(decode(d).action in ("k", "w") for _, d in shown)  # type: ignore[union-attr]


def test_a_fuller_week_is_shown_as_its_days_each_named_by_its_first_slot() -> None:
    week = [s for day in range(5) for s in day_of_slots(day, 24)]
    assert slot_pages.day_first(week)
    parts = slot_pages.parts(week, SYDNEY)
    assert [p.label(SYDNEY) for p in parts] == [
        "Mon 22 Feb · 24 free",
        "Tue 23 Feb · 24 free",
        "Wed 24 Feb · 24 free",
        "Thu 25 Feb · 24 free",
        "Fri 26 Feb · 24 free",
    ]
    shown = buttons(keyboards.slots_keyboard(1, 3, 7, 4, week, SYDNEY))
    tuesday_key = to_minute(day_of_slots(1, 1)[0].start_at)
    assert ("Tue 23 Feb · 24 free", f"bk:d:1:3:7:4:{tuesday_key}") in shown
    assert slot_pages.part_from(week, SYDNEY, tuesday_key) == day_of_slots(1, 24)


def test_a_day_longer_than_a_screen_is_cut_into_parts_by_time() -> None:
    day = day_of_slots(0, 120, minutes=5)  # 08:00 to 17:55 in 5-minute slots
    parts = slot_pages.parts(day, SYDNEY)
    assert [len(p.slots) for p in parts] == [48, 48, 24]
    assert [p.label(SYDNEY) for p in parts] == [
        "Mon 22 Feb 08:00–11:55 · 48",
        "Mon 22 Feb 12:00–15:55 · 48",
        "Mon 22 Feb 16:00–17:55 · 24",
    ]
    assert slot_pages.part_from(day, SYDNEY, parts[1].key) == list(parts[1].slots)


def test_a_part_opens_from_its_first_time_on_even_after_slots_are_taken() -> None:
    week = [s for day in range(5) for s in day_of_slots(day, 24)]
    tuesday = day_of_slots(1, 24)
    key = to_minute(tuesday[0].start_at)
    left = [s for s in week if s not in tuesday[:3]]  # Tuesday's first three booked meanwhile
    assert slot_pages.part_from(left, SYDNEY, key) == tuesday[3:]
    # the part a (taken) time belongs to, and none on a day with nothing left
    assert slot_pages.part_of(left, SYDNEY, key) == to_minute(tuesday[3].start_at)
    no_tuesday = [s for s in week if s not in tuesday]
    assert slot_pages.part_of(no_tuesday, SYDNEY, key) is None
    assert slot_pages.part_from(no_tuesday, SYDNEY, key) == []


@pytest.mark.parametrize("count", [1, 47, 48, 49, 100, 101, 250, 600])
def test_every_slot_keyboard_stays_within_telegrams_100_buttons(count: int) -> None:
    week = day_of_slots(0, count, minutes=1)[:count]  # worst case: all on one day
    spread = [s for day in range(7) for s in day_of_slots(day, count // 7 + 1)][:count]
    view = booking(school_id=1)
    for slots in (week, spread):
        markups = [
            keyboards.slots_keyboard(1, 3, 7, 4, slots, SYDNEY),
            keyboards.reschedule_keyboard(view, slots),
            admin_keyboards.new_booking_slots(1, 7, 4, 3, slots, SYDNEY),
            admin_keyboards.move_slots(view, 4, slots, SYDNEY),
        ]
        for part in slot_pages.parts(slots, SYDNEY):
            shown = slot_pages.part_from(slots, SYDNEY, part.key)
            markups += [
                keyboards.slots_keyboard(1, 3, 7, 4, shown, SYDNEY, part.key),
                keyboards.reschedule_keyboard(view, shown, part.key),
                admin_keyboards.new_booking_slots(1, 7, 4, 3, shown, SYDNEY, part.key),
                admin_keyboards.move_slots(view, 4, shown, SYDNEY, part.key),
            ]
        for markup in markups:
            flat = buttons(markup)
            assert len(flat) <= 100
            assert all(decode(data) is not None for _, data in flat)


def test_even_one_minute_slots_round_the_clock_give_a_keyboard_telegram_takes() -> None:
    week = [s for day in range(7) for s in day_of_slots(day, 24 * 60, minutes=1)]
    flat = buttons(keyboards.slots_keyboard(1, 3, 7, 4, week, SYDNEY))
    assert len(flat) <= 100


def test_a_forged_minute_beyond_any_date_is_a_time_with_no_slot_not_a_crash() -> None:
    assert from_minute(999_999_999_999).year == 9999
    assert from_minute(-999_999_999_999) == datetime(1970, 1, 1, tzinfo=UTC)
    week = [s for day in range(5) for s in day_of_slots(day, 24)]
    assert slot_pages.part_from(week, SYDNEY, 999_999_999_999) == []
    assert slot_pages.part_of(week, SYDNEY, -5) is None

"""A week with more free slots than one screen (and Telegram's 100-button keyboards) holds.

Piano's availability is widened to 08:00-20:00 on every weekday, so week 4 has over a
hundred 30-minute slots. Parents and admins then pick a day first, then a time; every
screen stays within Telegram's limits (the local Bot API server refuses a keyboard of more
than 100 buttons, as Telegram does).
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.local_api import LocalBotApi, UserClient
from core.services import Services
from core.views import Actor
from handlers.callbacks import decode
from tests.support.chat import confirm, labels, open_booking, pick_week, tap
from tests.support.factories import SchoolIds
from tests.support.scenes import bookings, widen_piano

SYDNEY = ZoneInfo("Australia/Sydney")
BROWN = 1012  # Mia Brown's parent: Mia is in piano
ADMIN = 1001


@pytest.fixture
async def full_week(services: Services, schools: tuple[SchoolIds, SchoolIds]) -> SchoolIds:
    """Piano open 08:00-20:00 Monday to Friday; the catalog version bumped, as an import does."""
    alpha, _ = schools
    await widen_piano(services, alpha)
    return alpha


def local(moment: datetime) -> datetime:
    return moment.astimezone(SYDNEY)


def button_count(user: UserClient) -> int:
    return sum(len(row) for row in user.buttons())


async def test_a_parent_picks_a_day_then_a_time_and_back_returns_to_that_day(
    api: LocalBotApi, bot_app, services: Services, full_week: SchoolIds
) -> None:
    user = api.user(BROWN)
    days = await pick_week(user)
    assert "Pick a day" in days["text"] and "• Tue 23 Feb: 24 free, 08:00–19:30" in days["text"]
    assert labels(user)[:5] == [
        "Mon 22 Feb · 24 free",
        "Tue 23 Feb · 24 free",
        "Wed 24 Feb · 22 free",  # the teacher's choir takes Wednesday 16:00-17:00
        "Thu 25 Feb · 24 free",
        "Fri 26 Feb · 24 free",
    ]
    tuesday = await tap(user, "Tue 23 Feb")
    assert "Tue 23 Feb: 08:00, 08:30" in tuesday["text"] and "Pick a time" in tuesday["text"]
    assert button_count(user) == 24 + 1 and "Wed 08:00" not in labels(user)
    card = await tap(user, "Tue 09:00")
    assert "Tuesday 23 February 2027" in card["text"] and "09:00–09:30" in card["text"]
    back = await tap(user, "Back")
    assert "Tue 23 Feb: 08:00" in back["text"] and "Tue 09:00" in labels(user)
    assert "Pick a day" in (await tap(user, "Back"))["text"]
    await tap(user, "Tue 23 Feb")
    await tap(user, "Tue 09:00")
    await confirm(user)
    [row] = await bookings(services)
    assert local(row.start_at) == datetime(2027, 2, 23, 9, tzinfo=SYDNEY)


async def test_a_slot_taken_meanwhile_shows_what_is_left_of_that_day(
    api: LocalBotApi, bot_app, services: Services, full_week: SchoolIds
) -> None:
    alpha = full_week
    user = api.user(BROWN)
    await pick_week(user)
    await tap(user, "Wed 24 Feb")
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(10), day=2)
    await services.booking.create_booking(
        alpha.school, Actor.admin("t"), alpha.piano, alpha.emma, 4, start
    )
    taken = await tap(user, "Wed 10:00")
    assert "just been taken" in taken["text"]
    assert "Wed 24 Feb: 08:00" in taken["text"] and "10:00," not in taken["text"]
    assert "Wed 10:30" in labels(user) and "Wed 10:00" not in labels(user)
    assert not any(label.startswith("Thu") for label in labels(user))


async def test_a_parent_moves_a_booking_to_another_day_of_a_full_week(
    api: LocalBotApi, bot_app, services: Services, full_week: SchoolIds
) -> None:
    alpha = full_week
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(8), day=0)
    await services.booking.create_booking(
        alpha.school, Actor.admin("t"), alpha.piano, alpha.mia, 4, start
    )
    user = api.user(BROWN)
    await open_booking(user, "Mia")
    days = await tap(user, "Reschedule")
    assert "Pick a day" in days["text"] and button_count(user) == 5 + 1
    await tap(user, "Fri 26 Feb")
    card = await tap(user, "Fri 19:30")
    assert "Friday 26 February 2027, 19:30–20:00" in card["text"]
    back = await tap(user, "Back")
    assert "Free slots on Fri 26 Feb" in back["text"] and "Fri 19:30" in labels(user)
    await tap(user, "Fri 19:30")
    await confirm(user, "Move it")
    [row] = await bookings(services)
    assert local(row.start_at) == datetime(2027, 2, 26, 19, 30, tzinfo=SYDNEY)


async def test_an_admin_books_for_a_family_by_day_in_a_full_week(
    api: LocalBotApi, bot_app, services: Services, full_week: SchoolIds
) -> None:
    alpha = full_week
    admin = api.user(ADMIN)
    await admin.send("/bookings piano 4")
    await tap(admin, "Book for a family")
    days = await tap(admin, "Mia Brown")
    assert "pick a day, then a time" in days["text"]
    assert all(decode(d).action == "nd" for d in _datas(admin)[:5])  # type: ignore[union-attr]
    thursday = await tap(admin, "Thu 25 Feb")
    assert "pick a time" in thursday["text"] and "Thu 25 Feb 08:00" in labels(admin)
    assert "⬅ Days" in labels(admin)
    await admin.press_button("Thu 25 Feb 11:00", until=lambda e: e.kind == "edit_text")
    card = await admin.press_button("Book it", until=lambda e: e.kind == "edit_text")
    assert card is not None and "Booked: Mia Brown" in card["text"]
    [row] = await bookings(services)
    assert (row.student_id, local(row.start_at)) == (
        alpha.mia,
        datetime(2027, 2, 25, 11, tzinfo=SYDNEY),
    )


def _datas(user: UserClient) -> list[str]:
    return [data for row in user.buttons() for _, data in row if data]


async def test_an_admin_moves_a_booking_by_day_in_a_full_week(
    api: LocalBotApi, bot_app, services: Services, full_week: SchoolIds
) -> None:
    alpha = full_week
    start = await services.booking.slot_at(alpha.school, alpha.piano, 4, time(8), day=0)
    booking = await services.booking.create_booking(
        alpha.school, Actor.admin("t"), alpha.piano, alpha.emma, 4, start
    )
    admin = api.user(ADMIN)
    await admin.send("/bookings piano 4")
    await admin.press_button("Emma Smith", until=lambda e: e.kind == "edit_text")
    await admin.press_button("Move", until=lambda e: e.kind == "edit_text")
    days = await admin.press_button("Week 4", until=lambda e: e.kind == "edit_text")
    assert days is not None and "pick a day, then a time" in days["text"]
    await admin.press_button("Tue 23 Feb", until=lambda e: e.kind == "edit_text")
    back = await admin.press_button("⬅ Days", until=lambda e: e.kind == "edit_text")
    assert back is not None and "pick a day" in back["text"]
    await admin.press_button("Tue 23 Feb", until=lambda e: e.kind == "edit_text")
    card = await admin.press_button("Tue 23 Feb 18:30", until=lambda e: e.kind == "edit_text")
    assert card is not None and "Moved booking" in card["text"]
    moved = await services.booking.get_booking(alpha.school, booking.id)
    assert local(moved.start_at) == datetime(2027, 2, 23, 18, 30, tzinfo=SYDNEY)

"""Every refusal in plain words, with the next step offered; nothing changes across families."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time

from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.db.models import BookingStatus
from core.services import Services
from core.views import Actor
from handlers.callbacks import encode, to_minute
from tests.support.chat import labels, open_booking, pick_week, tap
from tests.support.scenes import book_for, bookings

MON_15 = datetime(2027, 2, 22, 4, 0, tzinfo=UTC)  # Monday 22 Feb 15:00 in Sydney


async def at_confirmation_card(user, label: str = "Mon 15:00") -> None:  # type: ignore[no-untyped-def]
    await pick_week(user)
    await tap(user, label)


async def test_cancel_inside_24_hours_points_to_the_school(
    api: LocalBotApi, bot_app, services: Services, clock: FixedClock, schools
) -> None:
    alpha, _ = schools
    await book_for(services, alpha, alpha.mia, time(15))
    clock.set(datetime(2027, 2, 21, 6, 0, tzinfo=UTC))  # 22 hours before
    user = api.user(1012)
    await open_booking(user)
    refused = await tap(user, "Cancel booking")
    assert "less than 24 hours" in refused["text"] and "contact the school" in refused["text"]
    (row,) = await bookings(services)
    assert row.status is BookingStatus.CONFIRMED


async def test_confirming_a_slot_that_fell_inside_24_hours_is_refused(
    api: LocalBotApi, bot_app, services: Services, clock: FixedClock, schools
) -> None:
    user = api.user(1012)
    await at_confirmation_card(user)
    clock.set(datetime(2027, 2, 21, 5, 0, tzinfo=UTC))
    refused = await tap(user, "Confirm")
    assert "less than 24 hours" in refused["text"]
    assert "See free slots" in labels(user)
    assert await bookings(services) == []


async def test_closed_bookings_are_refused_with_a_way_back(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    user = api.user(1012)
    await at_confirmation_card(user)
    await services.booking.set_bookings_open(alpha.school, alpha.piano, False, Actor.admin("t"))
    refused = await tap(user, "Confirm")
    assert "closed" in refused["text"] and "Back to weeks" in labels(user)
    weeks = await tap(user, "Back to weeks")
    assert "closed" in weeks["text"]
    assert await bookings(services) == []


async def test_slot_taken_between_seeing_and_confirming_shows_fresh_slots(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    user = api.user(1012)
    await at_confirmation_card(user)
    await book_for(services, alpha, alpha.emma, time(15))
    refused = await tap(user, "Confirm")
    assert "just been taken" in refused["text"]
    assert "Mon 15:00" not in labels(user) and "Mon 15:30" in labels(user)
    assert [r.student_id for r in await bookings(services)] == [alpha.emma]


async def test_already_booked_that_week_shows_the_booking(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    user = api.user(1012)
    await at_confirmation_card(user, "Mon 16:00")
    await book_for(services, alpha, alpha.mia, time(15))
    refused = await tap(user, "Confirm")
    assert "already has a booking in week 4" in refused["text"]
    assert "Reschedule" in labels(user)
    assert len(await bookings(services)) == 1


async def test_double_tap_on_confirm_books_once_and_answers_calmly(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    user = api.user(1012)
    await at_confirmation_card(user)
    message = user.keyboard_message
    data = next(d for row in user.buttons() for t, d in row if "Confirm" in t)
    await asyncio.gather(
        user.press(data, message_id=message["message_id"], wait=False),
        user.press(data, message_id=message["message_id"], wait=False),
    )
    await user.server.settle(1012, 0, quiet=0.5)
    await tap(user, "My bookings")  # one more step: both presses are done
    rows = await bookings(services)
    assert len(rows) == 1
    assert len(user.callback_answers) == 6  # lesson, week, slot, 2 x confirm, my bookings
    again = await user.press(
        data, message_id=message["message_id"], until=lambda e: e.kind == "edit_text"
    )
    assert "Already booked" in again["text"] or "Booked" in again["text"]
    assert len(await bookings(services)) == 1


async def test_stale_button_is_answered_with_a_fresh_start(
    api: LocalBotApi, bot_app, schools
) -> None:
    user = api.user(1012)
    await user.send("/book")
    refused = await user.press(
        "bk:y:1",
        message_id=user.keyboard_message["message_id"],
        until=lambda e: e.kind == "edit_text",
    )
    assert "out of date" in refused["text"] and "Book a slot" in labels(user)
    assert len(user.callback_answers) == 1


async def test_forged_buttons_for_another_family_or_school_change_nothing(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, beta = schools
    emma_booking = await book_for(services, alpha, alpha.emma, time(15))
    before = [(r.id, r.status, r.start_at) for r in await bookings(services)]
    user = api.user(1012)
    minute = to_minute(MON_15.replace(hour=5))
    forged = [
        encode("bk", "y", alpha.school, alpha.emma, alpha.piano, 4, minute),  # Smith's child
        encode("bk", "y", beta.school, beta.mia, beta.piano, 4, minute),  # another school
        encode("bk", "w", alpha.school, alpha.mia, beta.piano),  # another school's lesson
        encode("bk", "w", alpha.school, alpha.mia, alpha.group),  # not a hybrid lesson of Mia
        encode("my", "z", alpha.school, emma_booking.id, 1),  # cancel Smith's booking
        encode("my", "m", alpha.school, emma_booking.id, minute),  # move Smith's booking
    ]
    for data in forged:
        await user.send("/book")  # a fresh message each time, so every refusal is an edit
        mid = user.keyboard_message["message_id"]
        refused = await user.press(data, message_id=mid, until=lambda e: e.kind == "edit_text")
        assert "not one of yours" in refused["text"] or "nothing was changed" in refused["text"], (
            data
        )
    assert [(r.id, r.status, r.start_at) for r in await bookings(services)] == before
    assert len(user.callback_answers) == len(forged)


async def test_two_parents_racing_for_one_slot_get_one_booking(
    api: LocalBotApi, bot_app, services: Services, schools
) -> None:
    alpha, _ = schools
    bob, jane = api.user(1012), api.user(1011)
    await at_confirmation_card(bob)
    await jane.send("/book")
    await tap(jane, "Emma Smith")
    await tap(jane, "Piano Foundations")
    await tap(jane, "Week 4 ·")
    await tap(jane, "Mon 15:00")
    await asyncio.gather(confirm_or_edit(bob), confirm_or_edit(jane))
    rows = await bookings(services)
    assert len(rows) == 1
    winner = bob if rows[0].student_id == alpha.mia else jane
    loser = jane if winner is bob else bob
    assert "Booked" in winner.keyboard_message["text"]
    assert "just been taken" in loser.keyboard_message["text"]
    assert "Mon 15:00" not in labels(loser)


async def confirm_or_edit(user) -> None:  # type: ignore[no-untyped-def]
    await user.press_button("Confirm", until=lambda e: e.kind == "edit_text")

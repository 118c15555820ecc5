"""Parents see, reschedule and cancel their bookings; each change sends an updated .ics."""

from __future__ import annotations

from datetime import time

from bot.app import start_bot, stop_bot
from bot.local_api import LocalBotApi
from core.db.models import BookingStatus
from core.services import Services
from tests.support.bots import bot_on
from tests.support.chat import confirm, labels, open_booking, tap
from tests.support.factories import SchoolIds
from tests.support.scenes import bob_opens_mias_booking, book_for, bookings


async def test_mybookings_lists_upcoming_bookings_per_child(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    await book_for(services, alpha, alpha.emma, time(15))
    await book_for(services, alpha, alpha.liam, time(15, 30))
    await book_for(services, alpha, alpha.mia, time(16))  # another family's
    listing = await api.user(1011).send("/mybookings")
    assert "Emma Smith" in listing["text"] and "Liam Smith" in listing["text"]
    assert "Mia" not in listing["text"]
    assert len([b for b in labels(api.user(1011)) if "Piano" in b]) == 2


async def test_parent_reschedules_within_the_week_and_gets_an_updated_ics(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    original = await book_for(services, alpha, alpha.mia, time(15))
    user = api.user(1012)
    card = await open_booking(user)
    assert "Your booking" in card["text"]
    slots = await tap(user, "Reschedule")
    assert "Mon 15:00" not in labels(user) and "Mon 16:00" in labels(user)
    assert "week 4" in slots["text"]
    sure = await tap(user, "Mon 16:00")
    assert "From:" in sure["text"] and "16:00–16:30" in sure["text"]
    await confirm(user, "Move it")
    assert "Moved" in user.keyboard_message["text"]
    (rows,) = [await bookings(services)]
    assert len(rows) == 1 and rows[0].id == original.id
    assert rows[0].start_at.hour == 5 and rows[0].sequence == 1  # 16:00 Sydney = 05:00 UTC
    ics = user.documents()[-1][1]
    assert ics and f"UID:booking-{original.id}@musicbot".encode() in ics and b"SEQUENCE:1" in ics


async def test_parent_cancels_with_a_reason_button(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    _, user = await bob_opens_mias_booking(api, services, alpha)
    prompt = await tap(user, "Cancel booking")
    assert "Why?" in prompt["text"]
    sure = await tap(user, "Illness")
    assert "Reason: Illness" in sure["text"]
    await confirm(user, "Yes, cancel it")
    assert "Cancelled" in user.keyboard_message["text"]
    (row,) = await bookings(services)
    assert row.status is BookingStatus.CANCELLED and row.cancel_reason == "Illness"
    assert row.cancelled_by and row.cancelled_by.startswith("parent:")
    ics = user.documents()[-1][1]
    assert ics and b"STATUS:CANCELLED" in ics and b"SEQUENCE:1" in ics


async def test_parent_cancels_with_a_typed_reason(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    _, user = await bob_opens_mias_booking(api, services, alpha)
    await tap(user, "Cancel booking")
    ask = await tap(user, "Other (type it)")
    assert "type the reason" in ask["text"]
    sure = await user.send("Grandma's birthday")
    assert "Reason: Grandma&#x27;s birthday" in sure["text"] or "Grandma's birthday" in sure["text"]
    await confirm(user, "Yes, cancel it")
    (row,) = await bookings(services)
    assert row.status is BookingStatus.CANCELLED and row.cancel_reason == "Grandma's birthday"


async def test_cancel_command_leaves_the_typed_reason_step(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    _, user = await bob_opens_mias_booking(api, services, alpha)
    await tap(user, "Cancel booking")
    await tap(user, "Other (type it)")
    stopped = await user.send("/cancel")
    assert "stopped" in stopped["text"].lower()
    hint = await user.send("Grandma's birthday")
    assert "use the buttons" in hint["text"]
    (row,) = await bookings(services)
    assert row.status is BookingStatus.CONFIRMED


async def test_a_typed_reason_survives_the_bot_restarting_between_each_step(
    api: LocalBotApi, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    """What a chat waits for is in the database: a restarted bot (or, behind a webhook, the
    next process) takes the typed reason, and then its confirmation."""
    alpha, _ = schools
    await book_for(services, alpha, alpha.mia, time(15))
    user = api.user(1012)
    bot = await fresh_bot(api, services)
    try:
        await open_booking(user)
        await tap(user, "Cancel booking")
        await tap(user, "Other (type it)")
        await stop_bot(bot)
        bot = await fresh_bot(api, services)  # an empty memory, the same database
        sure = await user.send("Grandma's birthday")
        assert "Grandma" in sure["text"] and "use the buttons" not in sure["text"]
        await stop_bot(bot)
        bot = await fresh_bot(api, services)
        await confirm(user, "Yes, cancel it")
        (row,) = await bookings(services)
        assert row.status is BookingStatus.CANCELLED
        assert row.cancel_reason == "Grandma's birthday"
        hint = await user.send("and one more thing")  # the step is over
        assert "use the buttons" in hint["text"]
    finally:
        await stop_bot(bot)


async def fresh_bot(api: LocalBotApi, services: Services):  # type: ignore[no-untyped-def]
    """A bot process of its own: new services (caches) and application on the same database."""
    bot = bot_on(api, Services.build(services.sessions, services.clock))
    await start_bot(bot, poll_timeout=1)
    return bot

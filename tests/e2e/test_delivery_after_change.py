"""A change stands when the news of it cannot be delivered (fault 2 of issue 10).

The local Bot API answers the .ics ``sendDocument`` (or the edit that shows the result) with
502 after the booking, the move or the cancellation is made: the family is never told
"nothing was changed", and ``/mybookings`` shows the change.
"""

from __future__ import annotations

from bot.local_api import LocalBotApi, UserClient
from core.db.models import BookingStatus
from core.services import Services
from tests.support.chat import labels, open_booking, pick_slot, sent, tap
from tests.support.factories import SchoolIds
from tests.support.scenes import bob_opens_mias_booking, bookings


def everything_said(api: LocalBotApi, user: UserClient) -> str:
    """Every text and callback answer the bot showed this user."""
    shown = [m.get("text") or m.get("caption") or "" for m in user.messages]
    answers = [a.get("text") or "" for a in api.callback_answers(user.user_id)]
    return "\n".join(shown + answers)


async def test_a_booking_whose_calendar_file_fails_stays_booked_and_says_so(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    user = api.user(1012)
    await pick_slot(user)
    api.fail_next("sendDocument", 502, "Bad Gateway")
    await user.press_button("Confirm", until=sent)
    said = everything_said(api, user)
    assert "nothing was changed" not in said.lower()
    assert "Booked" in said and "saved" in said
    [row] = await bookings(services)
    assert row.status is BookingStatus.CONFIRMED
    listing = await user.send("/mybookings")
    assert listing is not None and "Mia Brown" in listing["text"]
    assert any("Mia · Piano" in label for label in labels(user))


async def test_a_booking_whose_confirmation_screen_fails_is_not_called_unchanged(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    user = api.user(1012)
    await pick_slot(user)
    api.fail_next("editMessageText", 502, "Bad Gateway")
    await user.press_button("Confirm", until=lambda e: e.kind in ("send", "answer_callback"))
    await api.settle(user.user_id, 0, quiet=0.3)
    said = everything_said(api, user)
    assert "nothing was changed" not in said.lower() and "saved" in said
    [row] = await bookings(services)
    assert row.status is BookingStatus.CONFIRMED


async def test_a_move_and_a_cancellation_stand_when_their_file_fails(
    api: LocalBotApi, bot_app, services: Services, schools: tuple[SchoolIds, SchoolIds]
) -> None:
    alpha, _ = schools
    original, user = await bob_opens_mias_booking(api, services, alpha)
    await tap(user, "Reschedule")
    await tap(user, "Mon 16:00")
    api.fail_next("sendDocument", 502, "Bad Gateway")
    await user.press_button("Move it", until=sent)
    assert "Moved" in everything_said(api, user)
    [row] = await bookings(services)
    assert row.id == original.id and row.start_at.hour == 5  # 16:00 Sydney
    await open_booking(user)
    await tap(user, "Cancel booking")
    await tap(user, "Illness")
    api.fail_next("sendDocument", 502, "Bad Gateway")
    await user.press_button("Yes, cancel it", until=sent)
    said = everything_said(api, user)
    assert "nothing was changed" not in said.lower() and "Cancelled" in said
    [row] = await bookings(services)
    assert row.status is BookingStatus.CANCELLED

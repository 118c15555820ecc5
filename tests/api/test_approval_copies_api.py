"""The deciders' chat copies follow a PENDING booking decided, cancelled or moved over the
JSON API (a process running the API and the bot): the copies say what happened, with no
buttons left; a cancellation is told to the teacher; a move asks again.

School alpha: admin Alice 1001, teacher Sam 1002, Bob Brown 1012 (Mia).
"""

from __future__ import annotations

from typing import Any

from bot.local_api import LocalBotApi
from core.services import Services
from tests.api.conftest import Api
from tests.api.test_approval_api import _approval_on, _book

ADMIN, TEACHER, BOB = 1001, 1002, 1012


def _sent(event: Any) -> bool:
    return bool(event.kind == "send")


async def _requested(bot_api: LocalBotApi) -> tuple[int, int]:
    await bot_api.settle(TEACHER, 0, until=_sent)
    await bot_api.settle(ADMIN, 0, until=_sent)
    ids = []
    for user_id in (TEACHER, ADMIN):
        request = bot_api.user(user_id).last_message or {}
        assert "waits for your confirmation" in request["text"]
        ids.append(int(request["message_id"]))
    return ids[0], ids[1]


async def test_a_confirmation_through_the_api_edits_every_copy(
    bot_process_api: Api, bot_api: LocalBotApi, services: Services, schools
) -> None:
    api = bot_process_api
    alpha, _ = schools
    await _approval_on(services, alpha)
    made = await _book(api)
    teachers, admins = await _requested(bot_api)
    before = bot_api.seq
    status, body = await api.call(
        "POST", f"/api/hybrid-bookings/{made['id']}/confirm", api.tma(TEACHER)
    )
    assert status == 200, body
    await bot_api.settle(BOB, before, until=_sent)  # the family is told after the copies
    for user_id, message_id in ((TEACHER, teachers), (ADMIN, admins)):
        copy = bot_api.message(user_id, message_id) or {}
        assert "Confirmed by Sam Jones" in copy["text"]
        assert bot_api.user(user_id).buttons(message_id) == []


async def test_a_family_cancelling_through_the_api_before_a_decision(
    bot_process_api: Api, bot_api: LocalBotApi, services: Services, schools
) -> None:
    api = bot_process_api
    alpha, _ = schools
    await _approval_on(services, alpha)
    made = await _book(api)
    teachers, admins = await _requested(bot_api)
    before = bot_api.seq
    status, body = await api.call(
        "DELETE", f"/api/hybrid-bookings/{made['id']}", api.tma(BOB), json={"reason": "Away"}
    )
    assert status == 200, body
    await bot_api.settle(TEACHER, before, until=_sent)
    notice = bot_api.user(TEACHER).last_message or {}
    assert int(notice["message_id"]) != teachers
    assert "Cancelled by the family before a decision" in notice["text"]
    assert "Reason: Away" in notice["text"]
    for user_id, message_id in ((TEACHER, teachers), (ADMIN, admins)):
        copy = bot_api.message(user_id, message_id) or {}
        assert "Cancelled by the family before a decision" in copy["text"]
        assert bot_api.user(user_id).buttons(message_id) == []


async def test_a_family_moving_through_the_api_before_a_decision_is_asked_again(
    bot_process_api: Api, bot_api: LocalBotApi, services: Services, schools
) -> None:
    api = bot_process_api
    alpha, _ = schools
    await _approval_on(services, alpha)
    made = await _book(api)
    teachers, admins = await _requested(bot_api)
    before = bot_api.seq
    status, body = await api.call(
        "PATCH",
        f"/api/hybrid-bookings/{made['id']}",
        api.tma(BOB),
        json={"weekNumber": 4, "scheduledDate": "2027-02-22", "startTime": "16:00"},
    )
    assert status == 200, body
    assert body["data"]["status"] == "PENDING"
    for user_id, message_id in ((TEACHER, teachers), (ADMIN, admins)):
        await bot_api.settle(user_id, before, until=_sent)
        copy = bot_api.message(user_id, message_id) or {}
        assert "Moved by the family before a decision" in copy["text"]
        assert bot_api.user(user_id).buttons(message_id) == []
        new = bot_api.user(user_id).last_message or {}
        assert int(new["message_id"]) != message_id and "16:00" in new["text"]
        assert "waits for your confirmation" in new["text"]

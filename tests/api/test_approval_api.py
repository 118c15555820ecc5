"""Approval over the JSON API: a parent's booking of an approval lesson comes back PENDING
(confirmedAt null) and its deciders are told in chat; the lesson's teacher or the school
confirms (confirmedAt set, the family told) or declines it; others are refused."""

from __future__ import annotations

from datetime import datetime

from bot.local_api import LocalBotApi
from core.services import Services
from tests.support.api_client import Api, bob_books
from tests.support.factories import require_approval

ADMIN, TEACHER, BOB = 1001, 1002, 1012


async def test_confirm_through_the_api_tells_the_family(
    bot_process_api: Api, bot_api: LocalBotApi, services: Services, schools, clock
) -> None:
    api = bot_process_api
    alpha, _ = schools
    await require_approval(services.sessions, alpha.piano)
    made = await bob_books(api)
    assert made["status"] == "PENDING" and made["confirmedAt"] is None
    await bot_api.settle(TEACHER, 0, until=lambda e: e.kind == "send")
    request = bot_api.user(TEACHER).last_message or {}
    assert "waits for your confirmation" in request["text"]

    path = f"/api/hybrid-bookings/{made['id']}"
    status, body = await api.call("POST", f"{path}/confirm", api.tma(BOB))
    assert status == 403, body  # a parent does not decide
    status, body = await api.call("POST", f"{path}/confirm", api.key(api.beta_key))
    assert status == 404, body  # another school's booking
    before = bot_api.seq
    status, body = await api.call("POST", f"{path}/confirm", api.tma(TEACHER))
    assert status == 200, body
    data = body["data"]
    assert data["status"] == "CONFIRMED"
    assert datetime.fromisoformat(data["confirmedAt"]) == clock.now()
    assert data["confirmedAt"].endswith("+11:00")  # Sydney's summer offset, as `start`
    await bot_api.settle(BOB, before, until=lambda e: e.kind == "send")
    assert "Booking confirmed" in (bot_api.user(BOB).last_message or {})["text"]

    status, body = await api.call("POST", f"{path}/confirm", api.key())
    assert status == 409 and "already confirmed by Sam Jones" in body["message"]
    status, body = await api.call("POST", f"{path}/decline", api.tma(ADMIN), json={})
    assert status == 409 and "already confirmed" in body["message"]
    status, body = await api.call("GET", "/api/hybrid-bookings/my-bookings", api.tma(BOB))
    assert status == 200 and body["data"][0]["confirmedAt"] == data["confirmedAt"]


async def test_decline_through_the_api_frees_the_slot(
    api: Api, services: Services, schools
) -> None:
    alpha, _ = schools
    await require_approval(services.sessions, alpha.piano)
    made = await bob_books(api)
    path = f"/api/hybrid-bookings/{made['id']}"
    status, body = await api.call("POST", f"{path}/decline", api.key(), json={"reason": "x" * 501})
    assert status == 400, body
    status, body = await api.call(
        "POST", f"{path}/decline", api.key(), json={"reason": "Teacher away"}
    )
    assert status == 200, body
    assert body["data"]["status"] == "CANCELLED" and body["data"]["cancelReason"] == "Teacher away"
    status, slots = await api.call(
        "GET",
        "/api/hybrid-bookings/available-slots?lessonId=piano&weekNumber=4",
        api.tma(BOB),
    )
    assert status == 200 and "15:00" in [s["startTime"] for s in slots["data"]]
    status, body = await api.call("POST", f"{path}/confirm", api.tma(TEACHER))
    assert status == 409 and "already declined" in body["message"]
    status, body = await api.call("POST", "/api/hybrid-bookings/999999/confirm", api.key())
    assert status == 404
    status, body = await api.call("POST", f"{path}/confirm")
    assert status == 401

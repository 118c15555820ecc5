"""One booking, two doors: what a parent books through the HTTP API shows in chat, and what
they book in chat shows in the API (the same core service behind both)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.http import base_url, build_http_app, start_http_server
from bot.local_api import LocalBotApi
from core.clock import FixedClock
from core.services import Services
from tests.support.api_client import init_data
from tests.support.chat import TOKEN, confirm, pick_slot


@pytest.fixture
async def http_api(services: Services, bot_app: Any) -> AsyncIterator[str]:
    runner = await start_http_server(build_http_app(services, bot_token=TOKEN), "127.0.0.1", 0)
    try:
        yield base_url(runner)
    finally:
        await runner.cleanup()


def as_parent(clock: FixedClock, telegram_id: int) -> dict[str, str]:
    return {"Authorization": f"tma {init_data(telegram_id, int(clock.now().timestamp()))}"}


async def test_an_api_booking_shows_in_chat(
    api: LocalBotApi, http_api: str, clock: FixedClock
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{http_api}/api/hybrid-bookings",
            headers=as_parent(clock, 1012),
            json={
                "lessonId": "piano",
                "studentId": "mia",
                "weekNumber": 4,
                "scheduledDate": "2027-02-22",
                "startTime": "16:00",
            },
        ) as response,
    ):
        assert response.status == 201
    listing = await api.user(1012).send("/mybookings")
    assert "Mia" in listing["text"] and "16:00" in listing["text"]


async def test_a_chat_booking_shows_in_the_api(
    api: LocalBotApi, http_api: str, clock: FixedClock
) -> None:
    user = api.user(1012)
    await pick_slot(user)
    await confirm(user)
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{http_api}/api/hybrid-bookings/my-bookings", headers=as_parent(clock, 1012)
        ) as response,
    ):
        assert response.status == 200
        data = (await response.json())["data"]
    assert [(b["studentId"], b["weekNumber"], b["startTime"]) for b in data] == [
        ("mia", 4, "15:00")
    ]
    assert data[0]["bookedBy"].startswith("parent:")
